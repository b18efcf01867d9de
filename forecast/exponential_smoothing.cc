#include "forecast/exponential_smoothing.h"

#include <nlopt.h>

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace tsforecast::forecast {
namespace {

struct Recursion {
  double sse = 0;
  double level = 0;  // final states
  double trend = 0;
};

// Runs the ETS(A,T,N) recursions over y; returns the one-step SSE and the
// final states.
Recursion Run(absl::Span<const double> y, TrendKind trend,
              const SmoothingParameters& p) {
  Recursion r;
  double l = p.level0;
  double b = trend == TrendKind::kNone ? 0 : p.trend0;
  const double phi = trend == TrendKind::kDamped ? p.phi : 1;
  for (double v : y) {
    const double forecast = l + phi * b;
    const double e = v - forecast;
    r.sse += e * e;
    l = forecast + p.alpha * e;
    if (trend != TrendKind::kNone) b = phi * b + p.beta * e;
  }
  r.level = l;
  r.trend = b;
  return r;
}

int ParameterCount(TrendKind trend) {
  // alpha, l0; + beta, b0; + phi.
  return trend == TrendKind::kNone ? 2 : trend == TrendKind::kAdditive ? 4 : 5;
}

struct Problem {
  absl::Span<const double> y;
  TrendKind trend;
  int evaluations = 0;
};

// x = {alpha, l0, [beta / alpha, b0, [phi]]}: the ratio keeps beta < alpha
// inside a box.
SmoothingParameters FromVector(const double* x, TrendKind trend) {
  SmoothingParameters p;
  p.alpha = x[0];
  p.level0 = x[1];
  if (trend != TrendKind::kNone) {
    p.beta = x[0] * x[2];
    p.trend0 = x[3];
  }
  if (trend == TrendKind::kDamped) p.phi = x[4];
  return p;
}

double Objective(unsigned, const double* x, double*, void* data) {
  auto* problem = static_cast<Problem*>(data);
  ++problem->evaluations;
  const Recursion r =
      Run(problem->y, problem->trend, FromVector(x, problem->trend));
  // n log(SSE): minus twice the concentrated log-likelihood, up to a constant.
  return problem->y.size() * std::log(std::max(r.sse, 1e-300));
}

class FittedSmoothing final : public FittedModel {
 public:
  FittedSmoothing(TrendKind trend, SmoothingParameters p, Recursion final,
                  FitSummary summary)
      : trend_(trend), p_(p), final_(final), summary_(std::move(summary)) {}

  absl::StatusOr<Prediction> Predict(
      int horizon, absl::Span<const double> levels) const override {
    absl::Status s = CheckPredictArgs(horizon, levels);
    if (!s.ok()) return s;
    const double phi = trend_ == TrendKind::kDamped ? p_.phi : 1;
    Prediction out;
    std::vector<double> sd;
    double phi_sum = 0;  // phi + ... + phi^h
    double var_sum = 0;  // sum_{j<h} c_j^2
    double phi_power = 1;
    for (int h = 1; h <= horizon; ++h) {
      phi_power *= phi;
      const double prev_phi_sum = phi_sum;
      phi_sum += phi_power;
      const double trend_part =
          trend_ == TrendKind::kNone ? 0 : phi_sum * final_.trend;
      out.mean.push_back(final_.level + trend_part);
      if (h > 1) {
        const double c =
            p_.alpha +
            (trend_ == TrendKind::kNone ? 0 : p_.beta * prev_phi_sum);
        var_sum += c * c;
      }
      sd.push_back(std::sqrt(summary_.sigma2 * (1 + var_sum)));
    }
    out.intervals = NormalIntervals(out.mean, sd, levels);
    return out;
  }

  const FitSummary& summary() const override { return summary_; }

  std::vector<std::pair<std::string, double>> Parameters() const override {
    std::vector<std::pair<std::string, double>> out = {{"alpha", p_.alpha},
                                                       {"l0", p_.level0}};
    if (trend_ != TrendKind::kNone) {
      out.insert(out.end(), {{"beta", p_.beta}, {"b0", p_.trend0}});
    }
    if (trend_ == TrendKind::kDamped) out.push_back({"phi", p_.phi});
    return out;
  }

  std::string Description() const override {
    switch (trend_) {
      case TrendKind::kNone:
        return absl::StrFormat("ses(alpha=%.4g, l0=%.6g)", p_.alpha, p_.level0);
      case TrendKind::kAdditive:
        return absl::StrFormat("holt(alpha=%.4g, beta=%.4g, l0=%.6g, b0=%.4g)",
                               p_.alpha, p_.beta, p_.level0, p_.trend0);
      case TrendKind::kDamped:
        return absl::StrFormat(
            "damped(alpha=%.4g, beta=%.4g, phi=%.4g, l0=%.6g, b0=%.4g)",
            p_.alpha, p_.beta, p_.phi, p_.level0, p_.trend0);
    }
    return "";
  }

 private:
  TrendKind trend_;
  SmoothingParameters p_;
  Recursion final_;
  FitSummary summary_;
};

}  // namespace

std::string ExponentialSmoothingModel::Name() const {
  switch (trend_) {
    case TrendKind::kNone:
      return "ses";
    case TrendKind::kAdditive:
      return "holt";
    case TrendKind::kDamped:
      return "damped";
  }
  return "";
}

absl::StatusOr<std::unique_ptr<FittedModel>> ExponentialSmoothingModel::Fit(
    const SeriesView& series) const {
  const int k = ParameterCount(trend_);
  // Estimating k parameters needs more points than that; fixed ones only a
  // point to start from.
  absl::Status s = CheckSeries(series, fixed_ ? 1 : std::max(k + 1, 3), Name());
  if (!s.ok()) return s;
  const auto& y = series.values;
  const size_t n = y.size();
  FitSummary summary;
  SmoothingParameters p;
  if (fixed_) {
    p = *fixed_;
  } else {
    // Initial states as R's ets: a line through the first few points.
    const size_t m = std::min<size_t>(10, n);
    double sx = 0, sy = 0, sxx = 0, sxy = 0;
    for (size_t i = 0; i < m; ++i) {
      sx += i;
      sy += y[i];
      sxx += static_cast<double>(i) * i;
      sxy += i * y[i];
    }
    const double slope = (m * sxy - sx * sy) / (m * sxx - sx * sx);
    const double intercept = (sy - slope * sx) / m;
    double lo = y[0], hi = y[0];
    for (double v : y) {
      lo = std::min(lo, v);
      hi = std::max(hi, v);
    }
    const double range = std::max(hi - lo, 1e-8 * std::max(1.0, std::fabs(hi)));
    std::vector<double> x = {0.3,
                             trend_ == TrendKind::kNone ? sy / m : intercept};
    std::vector<double> lower = {1e-4, lo - range};
    std::vector<double> upper = {0.9999, hi + range};
    if (trend_ != TrendKind::kNone) {
      x.insert(x.end(), {0.1, slope});
      lower.insert(lower.end(), {1e-4, -range});
      upper.insert(upper.end(), {0.9999, range});
    }
    if (trend_ == TrendKind::kDamped) {
      x.push_back(0.95);
      lower.push_back(0.8);
      upper.push_back(0.98);
    }
    for (size_t i = 0; i < x.size(); ++i) {
      x[i] = std::clamp(x[i], lower[i], upper[i]);
    }
    Problem problem{y, trend_};
    nlopt_opt opt = nlopt_create(NLOPT_LN_NELDERMEAD, x.size());
    nlopt_set_lower_bounds(opt, lower.data());
    nlopt_set_upper_bounds(opt, upper.data());
    nlopt_set_min_objective(opt, Objective, &problem);
    nlopt_set_xtol_rel(opt, 1e-6);
    nlopt_set_ftol_abs(opt, 1e-8);
    nlopt_set_maxeval(opt, 2000);
    double minf = 0;
    const nlopt_result result = nlopt_optimize(opt, x.data(), &minf);
    nlopt_destroy(opt);
    summary.iterations = problem.evaluations;
    summary.converged = result > 0 && result != NLOPT_MAXEVAL_REACHED;
    summary.message =
        absl::StrCat("nlopt result ", static_cast<int>(result), " after ",
                     problem.evaluations, " evaluations");
    p = FromVector(x.data(), trend_);
  }
  const Recursion r = Run(y, trend_, p);
  summary.has_likelihood = true;
  summary.parameters = fixed_ ? 0 : k;
  const double sse = std::max(r.sse, 1e-300);
  summary.log_likelihood = -0.5 * n * (std::log(2 * M_PI * sse / n) + 1);
  const double np = k + 1;  // + the error variance
  summary.aic = -2 * summary.log_likelihood + 2 * np;
  summary.aicc =
      n > np + 1 ? summary.aic + 2 * np * (np + 1) / (n - np - 1) : INFINITY;
  summary.bic = -2 * summary.log_likelihood + np * std::log(n);
  summary.sigma2 = r.sse / std::max<double>(1, n - k);
  return std::make_unique<FittedSmoothing>(trend_, p, r, std::move(summary));
}

}  // namespace tsforecast::forecast
