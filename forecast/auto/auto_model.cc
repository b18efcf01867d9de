#include "forecast/auto/auto_model.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <optional>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "forecast/arima/differencing_tests.h"
#include "forecast/auto/season_choice.h"
#include "forecast/conformal.h"
#include "forecast/rolling_origin.h"

namespace tsforecast::forecast {
namespace {

struct Member {
  std::string name;
  std::unique_ptr<FittedModel> fit;
  double weight = 1;
};

// mean += w * add_mean and sd += w * add_sd, step by step: the
// combination of members' forecasts and of their spreads.
void AddWeighted(double w, absl::Span<const double> add_mean,
                 absl::Span<const double> add_sd, std::vector<double>& mean,
                 std::vector<double>& sd) {
  for (size_t h = 0; h < mean.size(); ++h) {
    mean[h] += w * add_mean[h];
    sd[h] += w * add_sd[h];
  }
}

// Equal weights that sum to 1.
void WeighEqually(std::vector<Member>& members) {
  for (Member& m : members) {
    m.weight = 1.0 / static_cast<double>(members.size());
  }
}

// What the fit found, for the description and parameters.
struct Evidence {
  std::string seasons;    // SeasonChoice::Describe()
  std::string selection;  // how the members were chosen
  std::vector<std::pair<std::string, double>> scores;  // validation MAE
  int origins = 0;
  int validation_horizon = 0;
};

// The equal-weight mean of the members, with conformal or model intervals.
class FittedAuto final : public FittedModel {
 public:
  FittedAuto(std::vector<Member> members,
             std::optional<IntervalCalibration> calibration, Evidence evidence,
             std::vector<std::string> warnings)
      : members_(std::move(members)),
        calibration_(std::move(calibration)),
        evidence_(std::move(evidence)),
        warnings_(std::move(warnings)) {
    summary_.message = absl::StrCat("mean of ", members_.size(), " models");
    for (const Member& m : members_) {
      summary_.converged = summary_.converged && m.fit->summary().converged;
    }
  }

  absl::StatusOr<Prediction> Predict(
      int horizon, absl::Span<const double> levels) const override {
    absl::Status s = CheckPredictArgs(horizon, levels);
    if (!s.ok()) return s;
    if (members_.size() == 1 && !calibration_) {
      return members_[0].fit->Predict(horizon, levels);
    }
    Prediction out;
    out.mean.assign(horizon, 0);
    std::vector<double> sd(horizon, 0);
    for (const Member& m : members_) {
      absl::StatusOr<MeanAndSpread> p = PredictMeanAndSpread(*m.fit, horizon);
      if (!p.ok()) return p.status();
      AddWeighted(m.weight, p->mean, p->sd, out.mean, sd);
    }
    out.intervals =
        calibration_ ? CalibratedIntervals(out.mean, sd, levels, *calibration_)
                     : NormalIntervals(out.mean, sd, levels);
    return out;
  }

  const FitSummary& summary() const override { return summary_; }

  std::string Description() const override {
    std::vector<std::string> names, fits;
    for (const Member& m : members_) {
      names.push_back(m.name);
      fits.push_back(absl::StrCat(m.name, ": ", m.fit->Description()));
    }
    std::string d = absl::StrCat(
        "auto chose ", members_.size() == 1 ? "" : "the mean of ",
        absl::StrJoin(names, ", "), " (", evidence_.selection, "; ",
        evidence_.seasons, "; intervals ",
        calibration_ ? calibration_->Describe() : "from the members' spread",
        ") [", absl::StrJoin(fits, "; "), "]");
    return d;
  }

  std::vector<std::pair<std::string, double>> Parameters() const override {
    std::vector<std::pair<std::string, double>> p;
    for (const Member& m : members_)
      p.emplace_back("weight." + m.name, m.weight);
    for (const auto& [name, mae] : evidence_.scores) {
      p.emplace_back("validation_mae." + name, mae);
    }
    p.emplace_back("validation.origins", evidence_.origins);
    p.emplace_back("validation.horizon", evidence_.validation_horizon);
    if (calibration_) {
      for (auto& param : calibration_->Parameters()) {
        p.push_back(std::move(param));
      }
    }
    return p;
  }

  std::vector<std::string> Warnings() const override {
    std::vector<std::string> w = warnings_;
    for (const Member& m : members_) {
      for (const std::string& x : m.fit->Warnings()) {
        w.push_back(absl::StrCat(m.name, ": ", x));
      }
    }
    return w;
  }

 private:
  std::vector<Member> members_;
  std::optional<IntervalCalibration> calibration_;
  Evidence evidence_;
  std::vector<std::string> warnings_;
  FitSummary summary_;
};

// Fits the candidates `order` lists, in that order, on the whole series,
// keeping up to `limit` that fit; `failures` collects the others' errors.
std::vector<Member> FitMembers(const std::vector<Candidate>& pool,
                               absl::Span<const size_t> order,
                               const SeriesView& view, size_t limit,
                               std::vector<std::string>& failures) {
  std::vector<Member> members;
  for (size_t i : order) {
    if (members.size() == limit) break;
    absl::StatusOr<std::unique_ptr<FittedModel>> f = pool[i].model->Fit(view);
    if (f.ok()) {
      members.push_back({pool[i].name, std::move(*f)});
    } else {
      failures.push_back(
          absl::StrCat(pool[i].name, ": ", f.status().message()));
    }
  }
  WeighEqually(members);
  return members;
}

absl::Status AllFailed(const std::vector<std::string>& failures) {
  return absl::FailedPreconditionError(absl::StrCat(
      "auto: no candidate could be fitted: ", absl::StrJoin(failures, "; ")));
}

}  // namespace

absl::StatusOr<std::unique_ptr<FittedModel>> AutoModel::Fit(
    const SeriesView& series) const {
  absl::Status s = CheckSeries(series, 3, Name());
  if (!s.ok()) return s;
  const int64_t n = static_cast<int64_t>(series.values.size());
  const bool constant = arima::IsConstant(series.values);
  const SeasonChoice seasons =
      constant ? SeasonChoice{}
               : ChooseSeasons(series.values, series.season_lengths);
  const int horizon = DefaultValidationHorizon(series);
  const SeriesView view{series.values, seasons.kept, horizon};
  const std::vector<Candidate> pool =
      candidates_(seasons.kept, IsIntermittent(series.values));
  Evidence evidence;
  evidence.seasons = seasons.Describe();
  std::vector<std::string> warnings, failures;

  int64_t min_train = 10;
  for (double m : seasons.kept) {
    min_train = std::max<int64_t>(min_train, 2 * std::lround(m) + 2);
  }
  const int validation_horizon =
      static_cast<int>(std::min<int64_t>(horizon, n - min_train));
  const std::vector<int64_t> origins =
      constant || validation_horizon < 1
          ? std::vector<int64_t>{}
          : RollingOrigins(n, validation_horizon, options_.windows,
                           validation_horizon, min_train);

  if (origins.empty()) {
    // Too short to validate: a fixed pair, or whatever fits.
    std::vector<size_t> order;
    for (size_t i = 0; i < pool.size(); ++i) {
      // Naive repeats a constant exactly; theta and damped are M3's best
      // on short yearly data.
      if (constant ? pool[i].name == "naive"
                   : pool[i].name == "theta" || pool[i].name == "damped") {
        order.push_back(i);
      }
    }
    for (size_t i = 0; i < pool.size(); ++i) {
      if (std::find(order.begin(), order.end(), i) == order.end()) {
        order.push_back(i);
      }
    }
    std::vector<Member> members =
        FitMembers(pool, order, view, constant ? 1 : 2, failures);
    if (members.empty()) return AllFailed(failures);
    if (constant) {
      evidence.selection = "constant series: flat forecast";
    } else {
      evidence.selection =
          absl::StrCat("not validated: ", n, " points leave no origin with ",
                       min_train, " points before it");
      warnings.push_back(absl::StrCat(
          "auto: the series (", n,
          " points) is too short to validate "
          "candidates; it uses the mean of theta and damped trend, with "
          "intervals from their own spread"));
    }
    return std::make_unique<FittedAuto>(std::move(members), std::nullopt,
                                        std::move(evidence),
                                        std::move(warnings));
  }
  if (validation_horizon < horizon) {
    warnings.push_back(absl::StrCat(
        "auto: validated at horizons 1-", validation_horizon, " of ", horizon,
        "; the series (", n, " points) cannot spare more"));
  }
  evidence.origins = static_cast<int>(origins.size());
  evidence.validation_horizon = validation_horizon;

  // Every candidate fitted once on the whole series (its search, when it
  // has one: ETS form, ARIMA order); at the origins, that structure is
  // estimated once, at the first, and filters the data at the others.
  std::vector<std::unique_ptr<FittedModel>> full(pool.size());
  std::vector<std::vector<OriginForecast>> at(pool.size());
  std::vector<size_t> ranked;
  std::vector<double> mae(pool.size(), HUGE_VAL);
  for (size_t i = 0; i < pool.size(); ++i) {
    absl::StatusOr<std::unique_ptr<FittedModel>> fit = pool[i].model->Fit(view);
    if (!fit.ok()) {
      failures.push_back(
          absl::StrCat(pool[i].name, ": ", fit.status().message()));
      continue;
    }
    const std::unique_ptr<Model> structure =
        (*fit)->Refitter(FittedModel::Keep::kStructure);
    absl::StatusOr<std::vector<OriginForecast>> f =
        ForecastAtOrigins(structure ? *structure : *pool[i].model, view,
                          origins, validation_horizon, Estimate::kOnce);
    if (!f.ok()) {
      failures.push_back(
          absl::StrCat(pool[i].name, ": ", f.status().message()));
      continue;
    }
    double sum = 0;
    size_t count = 0;
    for (const OriginForecast& o : *f) {
      for (size_t h = 0; h < o.mean.size(); ++h) {
        sum += std::abs(series.values[o.origin + h] - o.mean[h]);
        ++count;
      }
    }
    mae[i] = sum / static_cast<double>(count);
    if (!std::isfinite(mae[i])) continue;
    full[i] = std::move(*fit);
    at[i] = std::move(*f);
    ranked.push_back(i);
  }
  std::stable_sort(ranked.begin(), ranked.end(),
                   [&](size_t a, size_t b) { return mae[a] < mae[b]; });
  if (ranked.size() > static_cast<size_t>(options_.top)) {
    ranked.resize(options_.top);
  }
  // A candidate far worse than the best is not a plausible model of this
  // series, whatever its rank.
  while (ranked.size() > 1 &&
         mae[ranked.back()] > kDominance * mae[ranked.front()]) {
    ranked.pop_back();
  }
  for (size_t i = 0; i < pool.size(); ++i) {
    if (std::isfinite(mae[i]))
      evidence.scores.emplace_back(pool[i].name, mae[i]);
  }
  std::stable_sort(
      evidence.scores.begin(), evidence.scores.end(),
      [](const auto& a, const auto& b) { return a.second < b.second; });
  if (ranked.empty()) return AllFailed(failures);
  for (const std::string& f : failures) {
    warnings.push_back(absl::StrCat("auto: left out ", f));
  }
  std::vector<Member> members;
  for (size_t i : ranked) {
    members.push_back({pool[i].name, std::move(full[i])});
  }
  WeighEqually(members);

  std::vector<std::string> scored;
  for (const auto& [name, value] : evidence.scores) {
    scored.push_back(absl::StrFormat("%s %.4g", name, value));
  }
  evidence.selection = absl::StrCat(
      "best ", members.size(), " by mean absolute error (within ", kDominance,
      "x the best) at ", origins.size(), " origins, horizons 1-",
      validation_horizon, ": ", absl::StrJoin(scored, ", "));

  std::optional<IntervalCalibration> calibration;
  if (options_.intervals == IntervalMethod::kConformal) {
    // The combination's own errors at the origins.
    std::vector<OriginForecast> combined;
    for (size_t o = 0; o < origins.size(); ++o) {
      OriginForecast c{origins[o], std::vector<double>(validation_horizon, 0),
                       std::vector<double>(validation_horizon, 0)};
      for (size_t k = 0; k < ranked.size(); ++k) {
        const OriginForecast& member = at[ranked[k]][o];
        AddWeighted(members[k].weight, member.mean, member.sd, c.mean, c.sd);
      }
      combined.push_back(std::move(c));
    }
    const ScoreScale scale = ScaleFor(series.values);
    calibration.emplace(NormalisedScores(series.values, combined, scale),
                        scale);
  }
  return std::make_unique<FittedAuto>(std::move(members),
                                      std::move(calibration),
                                      std::move(evidence), std::move(warnings));
}

}  // namespace tsforecast::forecast
