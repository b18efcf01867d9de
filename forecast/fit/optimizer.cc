#include "forecast/fit/optimizer.h"

#include <nlopt.h>

#include <algorithm>
#include <cmath>
#include <memory>

#include "absl/strings/str_cat.h"

namespace tsforecast::forecast {
namespace {

struct OptDeleter {
  void operator()(nlopt_opt opt) const { nlopt_destroy(opt); }
};
using OptHandle = std::unique_ptr<std::remove_pointer_t<nlopt_opt>, OptDeleter>;

struct Callback {
  const std::function<double(absl::Span<const double>)>* f;
  const std::vector<double>* gradient_step;
  // Set when the objective gives its own gradient.
  const ObjectiveWithGradient* fg = nullptr;
  int evaluations = 0;

  double Value(absl::Span<const double> x) {
    ++evaluations;
    const double v = (*f)(x);
    // NLopt's methods misbehave on NaN; treat it as a rejection.
    return std::isnan(v) ? 1e100 : v;
  }
};

double Trampoline(unsigned n, const double* x, double* grad, void* data) {
  auto* cb = static_cast<Callback*>(data);
  if (cb->fg != nullptr) {
    ++cb->evaluations;
    const double v = (*cb->fg)(absl::MakeConstSpan(x, n), grad);
    if (std::isnan(v)) {
      if (grad != nullptr) std::fill(grad, grad + n, 0.0);
      return 1e100;
    }
    return v;
  }
  const double v = cb->Value(absl::MakeConstSpan(x, n));
  if (grad != nullptr) {
    std::vector<double> probe(x, x + n);
    for (unsigned i = 0; i < n; ++i) {
      const double h =
          cb->gradient_step->empty() ? 1e-3 : (*cb->gradient_step)[i];
      probe[i] = x[i] + h;
      const double up = cb->Value(probe);
      probe[i] = x[i] - h;
      const double down = cb->Value(probe);
      probe[i] = x[i];
      grad[i] = (up - down) / (2 * h);
    }
  }
  return v;
}

nlopt_algorithm ToNlopt(OptimizerAlgorithm a) {
  switch (a) {
    case OptimizerAlgorithm::kNelderMead:
      return NLOPT_LN_NELDERMEAD;
    case OptimizerAlgorithm::kBobyqa:
      return NLOPT_LN_BOBYQA;
    case OptimizerAlgorithm::kSubplex:
      return NLOPT_LN_SBPLX;
    case OptimizerAlgorithm::kLbfgs:
      return NLOPT_LD_LBFGS;
  }
  return NLOPT_LN_NELDERMEAD;
}

const char* Describe(nlopt_result r) {
  switch (r) {
    case NLOPT_SUCCESS:
      return "success";
    case NLOPT_STOPVAL_REACHED:
      return "stopval reached";
    case NLOPT_FTOL_REACHED:
      return "ftol reached";
    case NLOPT_XTOL_REACHED:
      return "xtol reached";
    case NLOPT_MAXEVAL_REACHED:
      return "evaluation limit reached";
    case NLOPT_MAXTIME_REACHED:
      return "time limit reached";
    case NLOPT_ROUNDOFF_LIMITED:
      return "roundoff limited";
    case NLOPT_INVALID_ARGS:
      return "invalid arguments";
    case NLOPT_OUT_OF_MEMORY:
      return "out of memory";
    default:
      return "failure";
  }
}

}  // namespace

namespace {

OptimizerResult Run(Callback& cb, std::vector<double> start,
                    const std::vector<double>& lower,
                    const std::vector<double>& upper,
                    const OptimizerOptions& options) {
  OptimizerResult out;
  const unsigned n = static_cast<unsigned>(start.size());
  if (n == 0) {
    out.value = cb.fg ? (*cb.fg)({}, nullptr) : (*cb.f)({});
    out.x = std::move(start);
    out.evaluations = 1;
    out.converged = true;
    out.message = "nlopt: nothing to optimise";
    return out;
  }
  OptHandle opt(nlopt_create(ToNlopt(options.algorithm), n));
  if (!lower.empty()) {
    nlopt_set_lower_bounds(opt.get(), lower.data());
    nlopt_set_upper_bounds(opt.get(), upper.data());
    for (unsigned i = 0; i < n; ++i) {
      start[i] = std::clamp(start[i], lower[i], upper[i]);
    }
  }
  nlopt_set_min_objective(opt.get(), Trampoline, &cb);
  nlopt_set_xtol_rel(opt.get(), options.xtol_rel);
  if (options.ftol_abs > 0) nlopt_set_ftol_abs(opt.get(), options.ftol_abs);
  if (options.ftol_rel > 0) nlopt_set_ftol_rel(opt.get(), options.ftol_rel);
  nlopt_set_maxeval(opt.get(), options.max_evaluations);
  if (!options.initial_step.empty()) {
    nlopt_set_initial_step(opt.get(), options.initial_step.data());
  }
  double minf = INFINITY;
  nlopt_result r = nlopt_optimize(opt.get(), start.data(), &minf);
  // A line search that cannot improve on the numerical gradient ends with
  // ROUNDOFF_LIMITED or FAILURE at a usable point; keep it, as R's optim
  // does with its last iterate.
  if ((r == NLOPT_ROUNDOFF_LIMITED || r == NLOPT_FAILURE) &&
      std::isfinite(minf) && options.algorithm == OptimizerAlgorithm::kLbfgs) {
    r = NLOPT_ROUNDOFF_LIMITED;
  }
  out.x = std::move(start);
  out.value = minf;
  out.evaluations = cb.evaluations;
  out.converged =
      r > 0 && r != NLOPT_MAXEVAL_REACHED && r != NLOPT_MAXTIME_REACHED;
  out.message = absl::StrCat("nlopt: ", Describe(r), " after ", cb.evaluations,
                             " evaluations");
  return out;
}

}  // namespace

OptimizerResult Minimize(
    const std::function<double(absl::Span<const double>)>& f,
    std::vector<double> start, const std::vector<double>& lower,
    const std::vector<double>& upper, const OptimizerOptions& options) {
  Callback cb{&f, &options.gradient_step};
  return Run(cb, std::move(start), lower, upper, options);
}

OptimizerResult MinimizeWithGradient(const ObjectiveWithGradient& f,
                                     std::vector<double> start,
                                     const OptimizerOptions& options) {
  return MinimizeWithGradient(f, std::move(start), {}, {}, options);
}

OptimizerResult MinimizeWithGradient(const ObjectiveWithGradient& f,
                                     std::vector<double> start,
                                     const std::vector<double>& lower,
                                     const std::vector<double>& upper,
                                     const OptimizerOptions& options) {
  Callback cb{nullptr, &options.gradient_step, &f};
  return Run(cb, std::move(start), lower, upper, options);
}

std::vector<double> NumericalHessian(
    const std::function<double(absl::Span<const double>)>& f,
    absl::Span<const double> x, absl::Span<const double> h) {
  const size_t n = x.size();
  std::vector<double> probe(x.begin(), x.end());
  const auto gradient = [&](std::vector<double>& g) {
    g.assign(n, 0.0);
    for (size_t j = 0; j < n; ++j) {
      const double keep = probe[j];
      probe[j] = keep + h[j];
      const double up = f(probe);
      probe[j] = keep - h[j];
      const double down = f(probe);
      probe[j] = keep;
      g[j] = (up - down) / (2 * h[j]);
    }
  };
  std::vector<double> hess(n * n), gu, gd;
  for (size_t i = 0; i < n; ++i) {
    probe[i] = x[i] + h[i];
    gradient(gu);
    probe[i] = x[i] - h[i];
    gradient(gd);
    probe[i] = x[i];
    for (size_t j = 0; j < n; ++j)
      hess[i * n + j] = (gu[j] - gd[j]) / (2 * h[i]);
  }
  for (size_t i = 0; i < n; ++i) {
    for (size_t j = 0; j < i; ++j) {
      const double v = 0.5 * (hess[i * n + j] + hess[j * n + i]);
      hess[i * n + j] = hess[j * n + i] = v;
    }
  }
  return hess;
}

}  // namespace tsforecast::forecast
