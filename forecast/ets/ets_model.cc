#include "forecast/ets/ets_model.h"

#include <nlopt.h>

#include <algorithm>
#include <cmath>
#include <random>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "forecast/ets/unit_roots.h"

namespace tsforecast::forecast {
namespace {

constexpr int kMaxSeasonLength = 168;
constexpr int kSimulations = 1000;

struct EtsParams {
  double alpha = 0.3, beta = 0, gamma = 0, phi = 1;
  double level0 = 0, trend0 = 0;
  std::vector<double> season0;  // indexed by t % m
};

struct EtsState {
  double level = 0, trend = 0;
  std::vector<double> season;
};

bool HasTrend(const EtsSpec& s) { return s.trend != EtsTrend::kNone; }
bool HasSeason(const EtsSpec& s) { return s.season != EtsSeason::kNone; }

// One step of R's etscalc. Returns the one-step forecast mu.
double Step(const EtsSpec& spec, const EtsParams& p, EtsState& st, size_t t,
            double y) {
  const size_t m = st.season.size();
  const double phi = spec.trend == EtsTrend::kDamped ? p.phi : 1;
  const double phib = HasTrend(spec) ? phi * st.trend : 0;
  const double q = st.level + phib;
  const double s = m ? st.season[t % m] : 0;
  const double mu = spec.season == EtsSeason::kAdditive         ? q + s
                    : spec.season == EtsSeason::kMultiplicative ? q * s
                                                                : q;
  const double pv = spec.season == EtsSeason::kAdditive         ? y - s
                    : spec.season == EtsSeason::kMultiplicative ? y / s
                                                                : y;
  const double level = q + p.alpha * (pv - q);
  if (HasTrend(spec)) {
    st.trend = phib + (p.beta / p.alpha) * (level - st.level - phib);
  }
  if (spec.season == EtsSeason::kAdditive) {
    st.season[t % m] = s + p.gamma * (y - q - s);
  } else if (spec.season == EtsSeason::kMultiplicative) {
    st.season[t % m] = s + p.gamma * (y / q - s);
  }
  st.level = level;
  return mu;
}

struct Run {
  double sse = 0;     // of absolute (A) or relative (M) errors
  double log_mu = 0;  // sum log |mu| (M errors)
  bool valid = true;  // no non-positive forecast where M needs one
  EtsState final;
};

Run RunAll(const EtsSpec& spec, const EtsParams& p,
           absl::Span<const double> y) {
  Run r;
  EtsState st{p.level0, p.trend0, p.season0};
  const bool mult = spec.error == EtsError::kMultiplicative ||
                    spec.season == EtsSeason::kMultiplicative;
  for (size_t t = 0; t < y.size(); ++t) {
    const double mu = Step(spec, p, st, t, y[t]);
    if ((mult && !(mu > 0)) || !std::isfinite(mu)) {
      r.valid = false;
      return r;
    }
    const double e = y[t] - mu;
    if (spec.error == EtsError::kMultiplicative) {
      r.sse += (e / mu) * (e / mu);
      r.log_mu += std::log(mu);
    } else {
      r.sse += e * e;
    }
  }
  r.final = st;
  return r;
}

double LogLikelihood(const Run& r, size_t n) {
  const double sse = std::max(r.sse, 1e-300);
  return -0.5 * n * (std::log(2 * M_PI * sse / n) + 1) - r.log_mu;
}

// Initial states from the first seasons (or points): seasonal indices by
// cycle means, then a line through the deseasonalised start.
EtsParams InitialStates(const EtsSpec& spec, absl::Span<const double> y,
                        int m) {
  EtsParams p;
  std::vector<double> adjusted(y.begin(), y.end());
  if (HasSeason(spec)) {
    const int cycles = std::min<int>(3, y.size() / m);
    p.season0.assign(m, spec.season == EtsSeason::kAdditive ? 0 : 1);
    std::vector<double> sum(m, 0);
    for (int c = 0; c < cycles; ++c) {
      double mean = 0;
      for (int i = 0; i < m; ++i) mean += y[c * m + i];
      mean /= m;
      for (int i = 0; i < m; ++i) {
        sum[i] += spec.season == EtsSeason::kAdditive ? y[c * m + i] - mean
                                                      : y[c * m + i] / mean;
      }
    }
    double total = 0;
    for (int i = 0; i < m; ++i) {
      p.season0[i] = sum[i] / cycles;
      total += p.season0[i];
    }
    for (double& s : p.season0) {
      s = spec.season == EtsSeason::kAdditive ? s - total / m : s * m / total;
    }
    for (size_t t = 0; t < adjusted.size(); ++t) {
      adjusted[t] = spec.season == EtsSeason::kAdditive
                        ? adjusted[t] - p.season0[t % m]
                        : adjusted[t] / p.season0[t % m];
    }
  }
  const size_t k =
      std::min<size_t>(adjusted.size(), HasSeason(spec) ? 2 * m : 10);
  double sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (size_t i = 0; i < k; ++i) {
    sx += i;
    sy += adjusted[i];
    sxx += static_cast<double>(i) * i;
    sxy += i * adjusted[i];
  }
  const double slope = (k * sxy - sx * sy) / (k * sxx - sx * sx);
  p.trend0 = HasTrend(spec) ? slope : 0;
  p.level0 = HasTrend(spec) ? (sy - slope * sx) / k : sy / k;
  return p;
}

struct Problem {
  EtsSpec spec;
  absl::Span<const double> y;
  EtsParams base;  // states not optimised
  int evaluations = 0;
};

// x = {alpha, l0, [beta/alpha, b0], [phi], [gamma/(1-alpha)]}.
EtsParams FromVector(const double* x, const Problem& pr) {
  EtsParams p = pr.base;
  size_t i = 0;
  p.alpha = x[i++];
  p.level0 = x[i++];
  if (HasTrend(pr.spec)) {
    p.beta = p.alpha * x[i++];
    p.trend0 = x[i++];
  }
  if (pr.spec.trend == EtsTrend::kDamped) p.phi = x[i++];
  if (HasSeason(pr.spec)) p.gamma = (1 - p.alpha) * x[i++];
  return p;
}

// The admissible region of Hyndman et al. (2008, ch. 10), as R's ets
// checks it: simple bounds, then for seasonal models the roots of the
// characteristic polynomial must lie inside the unit circle (Schur-Cohn:
// O(m^2) per check, which the optimiser makes thousands of times).
bool Admissible(const EtsSpec& spec, const EtsParams& p, int m) {
  const double phi = spec.trend == EtsTrend::kDamped ? p.phi : 1;
  const double alpha = p.alpha;
  const double beta = HasTrend(spec) ? p.beta : 0;
  if (!HasSeason(spec) || m < 2) {
    if (alpha < 1 - 1 / phi || alpha > 1 + 1 / phi) return false;
    return !HasTrend(spec) ||
           (beta >= alpha * (phi - 1) && beta <= (1 + phi) * (2 - alpha));
  }
  const double gamma = p.gamma;
  if (gamma < std::max(1 - 1 / phi - alpha, 0.0) ||
      gamma > 1 + 1 / phi - alpha) {
    return false;
  }
  if (alpha < 1 - 1 / phi - gamma * (1 - m + phi + phi * m) / (2 * phi * m)) {
    return false;
  }
  if (beta < -(1 - phi) * (gamma / m + alpha)) return false;
  // P(z) = c_0 + c_1 z + ... + c_{m+1} z^{m+1}, c_{m+1} = 1.
  std::vector<double> c;
  c.push_back(phi * (1 - alpha - gamma));
  c.push_back(alpha + beta - alpha * phi + gamma - 1);
  for (int i = 0; i < m - 2; ++i) c.push_back(alpha + beta - alpha * phi);
  c.push_back(alpha + beta - phi);
  c.push_back(1);
  return RootsInUnitDisk(c);
}

double Objective(unsigned, const double* x, double*, void* data) {
  auto* pr = static_cast<Problem*>(data);
  ++pr->evaluations;
  const EtsParams params = FromVector(x, *pr);
  if (!Admissible(pr->spec, params, static_cast<int>(params.season0.size()))) {
    return 1e100;
  }
  const Run r = RunAll(pr->spec, params, pr->y);
  if (!r.valid) return 1e100;
  return -2 * LogLikelihood(r, pr->y.size());
}

class FittedEts final : public FittedModel {
 public:
  FittedEts(EtsSpec spec, EtsParams p, EtsState final, size_t n,
            FitSummary summary)
      : spec_(spec),
        p_(std::move(p)),
        final_(std::move(final)),
        n_(n),
        summary_(std::move(summary)) {}

  absl::StatusOr<Prediction> Predict(
      int horizon, absl::Span<const double> levels) const override {
    absl::Status s = CheckPredictArgs(horizon, levels);
    if (!s.ok()) return s;
    Prediction out;
    out.mean = Path(horizon, nullptr);
    if (levels.empty()) return out;
    if (IsLinear()) {
      out.intervals = NormalIntervals(out.mean, AnalyticSd(horizon), levels);
      return out;
    }
    // Simulated sample paths (seeded: the same fit gives the same bands).
    std::mt19937_64 rng(0x7f4a7c15u + n_);
    std::normal_distribution<double> noise(0, std::sqrt(summary_.sigma2));
    std::vector<std::vector<double>> draws(horizon);
    std::vector<double> errors(horizon);
    for (int k = 0; k < kSimulations; ++k) {
      for (double& e : errors) e = noise(rng);
      const std::vector<double> path = Path(horizon, &errors);
      for (int h = 0; h < horizon; ++h) draws[h].push_back(path[h]);
    }
    for (double level : levels) {
      PredictionInterval pi;
      pi.level = level;
      for (int h = 0; h < horizon; ++h) {
        std::vector<double>& d = draws[h];
        std::sort(d.begin(), d.end());
        const double lo_q = (0.5 - level / 200) * (d.size() - 1);
        const double hi_q = (0.5 + level / 200) * (d.size() - 1);
        pi.lower.push_back(std::min(d[static_cast<size_t>(lo_q)], out.mean[h]));
        pi.upper.push_back(
            std::max(d[static_cast<size_t>(std::ceil(hi_q))], out.mean[h]));
      }
      out.intervals.push_back(std::move(pi));
    }
    return out;
  }

  const FitSummary& summary() const override { return summary_; }

  std::string Description() const override {
    std::string out =
        absl::StrFormat("ets(%s, alpha=%.4g", spec_.Code(), p_.alpha);
    if (HasTrend(spec_)) absl::StrAppendFormat(&out, ", beta=%.4g", p_.beta);
    if (spec_.trend == EtsTrend::kDamped) {
      absl::StrAppendFormat(&out, ", phi=%.4g", p_.phi);
    }
    if (HasSeason(spec_)) {
      absl::StrAppendFormat(&out, ", gamma=%.4g, m=%d", p_.gamma,
                            static_cast<int>(p_.season0.size()));
    }
    absl::StrAppendFormat(&out, ") AICc=%.2f", summary_.aicc);
    if (!summary_.converged) out += " (not converged)";
    return out;
  }

  std::vector<std::pair<std::string, double>> Parameters() const override {
    std::vector<std::pair<std::string, double>> out = {{"alpha", p_.alpha}};
    if (HasTrend(spec_)) out.push_back({"beta", p_.beta});
    if (spec_.trend == EtsTrend::kDamped) out.push_back({"phi", p_.phi});
    if (HasSeason(spec_)) out.push_back({"gamma", p_.gamma});
    out.push_back({"l0", p_.level0});
    if (HasTrend(spec_)) out.push_back({"b0", p_.trend0});
    return out;
  }

 private:
  bool IsLinear() const {
    return spec_.error == EtsError::kAdditive &&
           spec_.season != EtsSeason::kMultiplicative;
  }

  // The mean path when `errors` is null, else one simulated path.
  std::vector<double> Path(int horizon,
                           const std::vector<double>* errors) const {
    EtsState st = final_;
    std::vector<double> out;
    for (int h = 0; h < horizon; ++h) {
      const size_t t = n_ + h;
      // The forecast for step t, then the state update with y = mu (+ error).
      EtsState probe = st;
      const double mu = Step(spec_, p_, probe, t, 0);  // mu does not use y
      double y = mu;
      if (errors != nullptr) {
        y = spec_.error == EtsError::kAdditive ? mu + (*errors)[h]
                                               : mu * (1 + (*errors)[h]);
      }
      Step(spec_, p_, st, t, y);
      out.push_back(errors ? y : mu);
    }
    return out;
  }

  std::vector<double> AnalyticSd(int horizon) const {
    const size_t m = p_.season0.size();
    const double phi = spec_.trend == EtsTrend::kDamped ? p_.phi : 1;
    std::vector<double> sd;
    double var_sum = 0, phi_sum = 0, phi_power = 1;
    for (int h = 1; h <= horizon; ++h) {
      if (h > 1) {
        const int j = h - 1;
        phi_power *= phi;
        phi_sum += phi_power;
        double c = p_.alpha + (HasTrend(spec_) ? p_.beta * phi_sum : 0);
        if (m > 0 && j % m == 0) c += p_.gamma;
        var_sum += c * c;
      }
      sd.push_back(std::sqrt(summary_.sigma2 * (1 + var_sum)));
    }
    return sd;
  }

  EtsSpec spec_;
  EtsParams p_;
  EtsState final_;
  size_t n_;
  FitSummary summary_;
};

absl::StatusOr<std::unique_ptr<FittedModel>> FitEts(const EtsSpec& spec,
                                                    const SeriesView& series) {
  const auto& y = series.values;
  const size_t n = y.size();
  int m = 0;
  if (HasSeason(spec)) {
    m = series.season_lengths.empty()
            ? 0
            : static_cast<int>(std::lround(series.season_lengths[0]));
    if (m < 2 || m > kMaxSeasonLength) {
      return absl::FailedPreconditionError(
          absl::StrCat("ets(", spec.Code(), ") needs a season length in [2, ",
                       kMaxSeasonLength, "]; have ", m));
    }
    if (n < 2 * static_cast<size_t>(m)) {
      return absl::FailedPreconditionError(
          absl::StrCat("ets(", spec.Code(), ") with season length ", m,
                       " needs at least ", 2 * m, " points; series has ", n));
    }
  }
  const bool needs_positive = spec.error == EtsError::kMultiplicative ||
                              spec.season == EtsSeason::kMultiplicative;
  if (needs_positive) {
    for (size_t i = 0; i < n; ++i) {
      if (!(y[i] > 0)) {
        return absl::FailedPreconditionError(
            absl::StrCat("ets(", spec.Code(),
                         ") is multiplicative and needs positive "
                         "values; values[",
                         i, "] is ", y[i]));
      }
    }
  }
  Problem pr{spec, y, InitialStates(spec, y, m)};
  double lo = y[0], hi = y[0];
  for (double v : y) {
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
  const double range = std::max(hi - lo, 1e-8 * std::max(1.0, std::fabs(hi)));
  // R's starting point: a small alpha for seasonal models (0.2 / m of the
  // range), which keeps the start inside the admissible region.
  const double alpha0 =
      HasSeason(spec) ? 1e-4 + 0.2 * (0.9999 - 1e-4) / m : 0.3;
  std::vector<double> x = {alpha0, pr.base.level0};
  std::vector<double> lower = {1e-4, lo - range};
  std::vector<double> upper = {0.9999, hi + range};
  if (HasTrend(spec)) {
    x.insert(x.end(), {0.1, pr.base.trend0});
    lower.insert(lower.end(), {1e-4, -range});
    upper.insert(upper.end(), {0.9999, range});
  }
  if (spec.trend == EtsTrend::kDamped) {
    x.push_back(0.95);
    lower.push_back(0.8);
    upper.push_back(0.98);
  }
  if (HasSeason(spec)) {
    x.push_back(0.05);
    lower.push_back(1e-4);
    upper.push_back(0.9999);
  }
  for (size_t i = 0; i < x.size(); ++i)
    x[i] = std::clamp(x[i], lower[i], upper[i]);
  const size_t k = x.size();
  if (n <= k + 1) {
    return absl::FailedPreconditionError(absl::StrCat(
        "ets(", spec.Code(), ") estimates ", k,
        " parameters and needs at least ", k + 2, " points; series has ", n));
  }
  // Nelder-Mead finds local optima: seasonal models also start from a large
  // alpha (when admissible) and keep the better end point.
  std::vector<std::vector<double>> starts = {x};
  if (HasSeason(spec)) {
    std::vector<double> high_alpha = x;
    high_alpha[0] = 0.5;
    if (Objective(k, high_alpha.data(), nullptr, &pr) < 1e99) {
      starts.push_back(high_alpha);
    }
  }
  double best = INFINITY;
  nlopt_result result = NLOPT_FAILURE;
  for (std::vector<double>& start : starts) {
    nlopt_opt opt = nlopt_create(NLOPT_LN_NELDERMEAD, k);
    nlopt_set_lower_bounds(opt, lower.data());
    nlopt_set_upper_bounds(opt, upper.data());
    nlopt_set_min_objective(opt, Objective, &pr);
    nlopt_set_xtol_rel(opt, 1e-6);
    nlopt_set_ftol_abs(opt, 1e-8);
    nlopt_set_maxeval(opt, 2000);
    double minf = INFINITY;
    const nlopt_result r = nlopt_optimize(opt, start.data(), &minf);
    nlopt_destroy(opt);
    if (minf < best) {
      best = minf;
      result = r;
      x = start;
    }
  }
  const EtsParams p = FromVector(x.data(), pr);
  const Run r = RunAll(spec, p, y);
  if (!r.valid) {
    return absl::FailedPreconditionError(
        absl::StrCat("ets(", spec.Code(),
                     ") found no parameters keeping forecasts "
                     "positive"));
  }
  FitSummary summary;
  summary.iterations = pr.evaluations;
  summary.converged = result > 0 && result != NLOPT_MAXEVAL_REACHED;
  summary.message = absl::StrCat("nlopt result ", static_cast<int>(result),
                                 " after ", pr.evaluations, " evaluations");
  summary.has_likelihood = true;
  summary.parameters = static_cast<int>(k);
  summary.log_likelihood = LogLikelihood(r, n);
  const double np = k + 1;
  summary.aic = -2 * summary.log_likelihood + 2 * np;
  summary.aicc = summary.aic + 2 * np * (np + 1) / (n - np - 1);
  summary.bic = -2 * summary.log_likelihood + np * std::log(n);
  summary.sigma2 = r.sse / (n - k);
  return std::make_unique<FittedEts>(spec, p, r.final, n, std::move(summary));
}

}  // namespace

bool EtsAdmissible(const EtsSpec& spec, double alpha, double beta, double gamma,
                   double phi, int m) {
  EtsParams p;
  p.alpha = alpha;
  p.beta = beta;
  p.gamma = gamma;
  p.phi = phi;
  return Admissible(spec, p, m);
}

std::string EtsSpec::Code() const {
  std::string out = error == EtsError::kAdditive ? "A" : "M";
  out += trend == EtsTrend::kNone       ? "N"
         : trend == EtsTrend::kAdditive ? "A"
                                        : "Ad";
  out += season == EtsSeason::kNone       ? "N"
         : season == EtsSeason::kAdditive ? "A"
                                          : "M";
  return out;
}

std::optional<EtsSpec> EtsSpec::Parse(const std::string& code) {
  EtsSpec spec;
  size_t i = 0;
  auto take = [&](char c) {
    if (i < code.size() && code[i] == c) {
      ++i;
      return true;
    }
    return false;
  };
  if (take('A')) {
    spec.error = EtsError::kAdditive;
  } else if (take('M')) {
    spec.error = EtsError::kMultiplicative;
  } else {
    return std::nullopt;
  }
  if (take('N')) {
    spec.trend = EtsTrend::kNone;
  } else if (take('A')) {
    spec.trend = take('d') ? EtsTrend::kDamped : EtsTrend::kAdditive;
  } else {
    return std::nullopt;
  }
  if (take('N')) {
    spec.season = EtsSeason::kNone;
  } else if (take('A')) {
    spec.season = EtsSeason::kAdditive;
  } else if (take('M')) {
    spec.season = EtsSeason::kMultiplicative;
  } else {
    return std::nullopt;
  }
  if (i != code.size()) return std::nullopt;
  return spec;
}

absl::StatusOr<std::unique_ptr<FittedModel>> EtsModel::Fit(
    const SeriesView& series) const {
  absl::Status s =
      CheckSeries(series, 4, absl::StrCat("ets(", spec_.Code(), ")"));
  if (!s.ok()) return s;
  return FitEts(spec_, series);
}

absl::StatusOr<std::unique_ptr<FittedModel>> AutoEtsModel::Fit(
    const SeriesView& series) const {
  absl::Status s = CheckSeries(series, 4, "ets");
  if (!s.ok()) return s;
  const bool positive = std::all_of(series.values.begin(), series.values.end(),
                                    [](double v) { return v > 0; });
  std::vector<EtsSeason> seasons = {EtsSeason::kNone};
  if (!series.season_lengths.empty()) {
    const long m = std::lround(series.season_lengths[0]);
    if (m >= 2 && m <= kMaxSeasonLength &&
        series.values.size() >= 2 * static_cast<size_t>(m)) {
      seasons.push_back(EtsSeason::kAdditive);
      if (positive) seasons.push_back(EtsSeason::kMultiplicative);
    }
  }
  std::unique_ptr<FittedModel> best;
  absl::Status last = absl::FailedPreconditionError("ets: no candidate fitted");
  for (EtsError error : {EtsError::kAdditive, EtsError::kMultiplicative}) {
    if (error == EtsError::kMultiplicative && !positive) continue;
    for (EtsTrend trend :
         {EtsTrend::kNone, EtsTrend::kAdditive, EtsTrend::kDamped}) {
      for (EtsSeason season : seasons) {
        // R's default restriction: no additive errors with multiplicative
        // seasonality (numerically unstable).
        if (error == EtsError::kAdditive &&
            season == EtsSeason::kMultiplicative) {
          continue;
        }
        absl::StatusOr<std::unique_ptr<FittedModel>> f =
            FitEts({error, trend, season}, series);
        if (!f.ok()) {
          last = f.status();
          continue;
        }
        const auto better = [&](const FittedModel& a, const FittedModel& b) {
          if (a.summary().converged != b.summary().converged) {
            return a.summary().converged;
          }
          return a.summary().aicc < b.summary().aicc;
        };
        if (best == nullptr || better(**f, *best)) best = std::move(*f);
      }
    }
  }
  if (best == nullptr) return last;
  return best;
}

}  // namespace tsforecast::forecast
