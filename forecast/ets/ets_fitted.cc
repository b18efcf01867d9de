#include "forecast/ets/ets_fitted.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace tsforecast::forecast::ets_internal {
namespace {

constexpr int kSimulations = 1000;

// SplitMix64 (Steele, Lea and Flood 2014) as a standard random bit
// generator: one path draws a handful of numbers, and seeding a Mersenne
// twister (312 words) and refilling its state for each path cost more than
// the whole likelihood search of a quarterly series.
class PathRandom {
 public:
  using result_type = uint64_t;
  explicit PathRandom(uint64_t seed) : state_(seed) {}
  static constexpr result_type min() { return 0; }
  static constexpr result_type max() { return UINT64_MAX; }
  result_type operator()() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }

 private:
  uint64_t state_;
};

class FittedEts final : public FittedModel {
 public:
  FittedEts(EtsSpec spec, EtsParameters p, EtsState final, size_t n,
            FitSummary summary)
      : spec_(spec),
        p_(std::move(p)),
        final_(std::move(final)),
        n_(n),
        summary_(std::move(summary)) {}

  std::unique_ptr<Model> Refitter(Keep keep) const override {
    if (keep == Keep::kParameters) {
      return std::make_unique<EtsModel>(spec_, "ets", p_);
    }
    return std::make_unique<EtsModel>(spec_);
  }

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
    // Simulated sample paths, each seeded by its number: the same fit
    // gives the same bands, and path k's first a steps are the same at
    // every horizon past a (a longer question does not change the answer
    // to a shorter one).
    std::vector<std::vector<double>> draws(horizon);
    for (std::vector<double>& d : draws) d.reserve(kSimulations);
    std::vector<double> errors(horizon);
    for (int k = 0; k < kSimulations; ++k) {
      PathRandom rng(0x7f4a7c15u + n_ * 1000003u + k);
      std::normal_distribution<double> noise(0, std::sqrt(summary_.sigma2));
      for (double& e : errors) e = noise(rng);
      const std::vector<double> path = Path(horizon, &errors);
      for (int h = 0; h < horizon; ++h) draws[h].push_back(path[h]);
    }
    for (double level : levels) {
      PredictionInterval pi;
      pi.level = level;
      for (int h = 0; h < horizon; ++h) {
        std::vector<double>& d = draws[h];
        // Two order statistics, not a sort: selection is linear.
        const auto at = [&d](size_t k) {
          std::nth_element(d.begin(), d.begin() + k, d.end());
          return d[k];
        };
        const double lo_q = (0.5 - level / 200) * (d.size() - 1);
        const double hi_q = (0.5 + level / 200) * (d.size() - 1);
        pi.lower.push_back(
            std::min(at(static_cast<size_t>(lo_q)), out.mean[h]));
        pi.upper.push_back(
            std::max(at(static_cast<size_t>(std::ceil(hi_q))), out.mean[h]));
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
      const double mu = OneStepForecast(spec_, p_, st, t);
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
  EtsParameters p_;
  EtsState final_;
  size_t n_;
  FitSummary summary_;
};

}  // namespace

std::unique_ptr<FittedModel> MakeFittedEts(EtsSpec spec, EtsParameters p,
                                           EtsState final, size_t n,
                                           FitSummary summary) {
  return std::make_unique<FittedEts>(spec, std::move(p), std::move(final), n,
                                     std::move(summary));
}

}  // namespace tsforecast::forecast::ets_internal
