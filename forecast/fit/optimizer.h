// The one place models reach NLopt: a bounded minimiser over a callable,
// with the handle owned (RAII), the settings in one struct and how the run
// ended reported as a value. Models never include nlopt.h themselves.
#ifndef TSFORECAST_FORECAST_FIT_OPTIMIZER_H_
#define TSFORECAST_FORECAST_FIT_OPTIMIZER_H_

#include <functional>
#include <string>
#include <vector>

#include "absl/types/span.h"

namespace tsforecast::forecast {

enum class OptimizerAlgorithm {
  kNelderMead,  // NLopt's LN_NELDERMEAD, what R's optim() uses by default
  kBobyqa,      // Powell's quadratic models: better in many dimensions
  kSubplex,     // Nelder-Mead on subspaces: robust on noisy objectives
  // Limited-memory BFGS on central-difference gradients, close to R's
  // optim(method = "BFGS") with its default numerical gradient.
  kLbfgs,
};

struct OptimizerOptions {
  OptimizerAlgorithm algorithm = OptimizerAlgorithm::kNelderMead;
  double xtol_rel = 1e-6;
  double ftol_abs = 1e-8;
  double ftol_rel = 0;  // 0: not used
  int max_evaluations = 2000;
  // Initial step per coordinate; empty lets NLopt choose from the bounds.
  std::vector<double> initial_step = {};
  // kLbfgs: difference step per coordinate (empty: 1e-3 each, R's ndeps).
  std::vector<double> gradient_step = {};
};

struct OptimizerResult {
  std::vector<double> x;
  double value = 0;
  int evaluations = 0;
  // A tolerance was met (not the evaluation limit, not a failure).
  bool converged = false;
  std::string message;  // e.g. "nlopt: xtol reached after 212 evaluations"
};

// Minimises f from `start` inside [lower, upper] (both empty: unbounded;
// otherwise the same size as start). f may return a huge value (1e100) to
// reject a point; it must not throw.
OptimizerResult Minimize(
    const std::function<double(absl::Span<const double>)>& f,
    std::vector<double> start, const std::vector<double>& lower,
    const std::vector<double>& upper, const OptimizerOptions& options = {});

// An objective that also gives its gradient, when `gradient` is not null.
using ObjectiveWithGradient =
    std::function<double(absl::Span<const double> x, double* gradient)>;

// As Minimize for a gradient-based algorithm (kLbfgs), with the
// objective's own gradient instead of differences; unbounded, or inside
// [lower, upper].
OptimizerResult MinimizeWithGradient(const ObjectiveWithGradient& f,
                                     std::vector<double> start,
                                     const OptimizerOptions& options);
OptimizerResult MinimizeWithGradient(const ObjectiveWithGradient& f,
                                     std::vector<double> start,
                                     const std::vector<double>& lower,
                                     const std::vector<double>& upper,
                                     const OptimizerOptions& options);

// The Hessian of f at x by central differences of central-difference
// gradients with steps h (R's optimhess), symmetrised; n x n, row-major.
std::vector<double> NumericalHessian(
    const std::function<double(absl::Span<const double>)>& f,
    absl::Span<const double> x, absl::Span<const double> h);

}  // namespace tsforecast::forecast

#endif  // TSFORECAST_FORECAST_FIT_OPTIMIZER_H_
