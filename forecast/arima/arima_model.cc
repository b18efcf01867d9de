#include "forecast/arima/arima_model.h"

#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "forecast/arima/differencing_tests.h"
#include "forecast/fit/information_criteria.h"

namespace tsforecast::forecast {
namespace {

using arima::ArimaFit;
using arima::ArimaOrder;
using arima::Regressor;

class FittedArima final : public FittedModel {
 public:
  FittedArima(ArimaFit fit, double sigma2, size_t n, std::string how)
      : fit_(std::move(fit)), sigma2_(sigma2), n_(n), how_(std::move(how)) {
    summary_.converged = fit_.converged;
    summary_.iterations = fit_.evaluations;
    summary_.message = fit_.message;
    // R's criteria: the coefficients and the variance on the n_used
    // observations left after differencing.
    const int k = static_cast<int>(fit_.coef.size()) + 1;
    SetInformationCriteria(fit_.log_likelihood, k, fit_.n_used, summary_);
    summary_.has_likelihood = std::isfinite(fit_.log_likelihood);
    summary_.sigma2 = sigma2_;
    summary_.parameters = k - 1;
  }

  absl::StatusOr<Prediction> Predict(
      int horizon, absl::Span<const double> levels) const override {
    absl::Status s = CheckPredictArgs(horizon, levels);
    if (!s.ok()) return s;
    Prediction out;
    std::vector<double> variance;
    fit_.state->Forecast(horizon, out.mean, variance);
    const size_t narma = fit_.order.arma();
    std::vector<double> sd(horizon);
    for (int h = 0; h < horizon; ++h) {
      for (size_t i = 0; i < fit_.regressors.size(); ++i) {
        out.mean[h] += fit_.coef[narma + i] *
                       arima::RegressorValue(fit_.regressors[i], n_ + h);
      }
      sd[h] = std::sqrt(std::max(0.0, variance[h] * sigma2_));
    }
    out.intervals = NormalIntervals(out.mean, sd, levels);
    return out;
  }

  const FitSummary& summary() const override { return summary_; }

  std::unique_ptr<Model> Refitter(Keep keep) const override {
    ArimaRequest r;
    if (keep == Keep::kParameters) r.fixed_coefficients = fit_.coef;
    const ArimaOrder& o = fit_.order;
    r.order = {o.p, o.d, o.q};
    if (o.m > 1) r.seasonal_order = {o.P, o.D, o.Q};
    r.include_mean = false;
    for (Regressor reg : fit_.regressors) {
      r.include_mean |= reg == Regressor::kIntercept;
      r.include_drift |= reg == Regressor::kDrift;
    }
    return std::make_unique<ArimaModel>(std::move(r));
  }

  std::string Description() const override {
    std::string out = fit_.order.ToString();
    for (Regressor r : fit_.regressors) {
      absl::StrAppend(
          &out, r == Regressor::kDrift ? " with drift" : " with non-zero mean");
    }
    std::vector<std::string> parts;
    for (const auto& [name, value] : Parameters()) {
      parts.push_back(absl::StrFormat("%s=%.4g", name, value));
    }
    absl::StrAppend(&out, "(", absl::StrJoin(parts, ", "), ")");
    if (summary_.has_likelihood) {
      absl::StrAppendFormat(&out, " AICc=%.2f", summary_.aicc);
    }
    if (!how_.empty()) absl::StrAppend(&out, "; ", how_);
    return out;
  }

  std::vector<std::pair<std::string, double>> Parameters() const override {
    std::vector<std::pair<std::string, double>> out;
    const ArimaOrder& o = fit_.order;
    size_t i = 0;
    const auto add = [&](const char* prefix, int count) {
      for (int j = 1; j <= count; ++j) {
        out.push_back({absl::StrCat(prefix, j), fit_.coef[i++]});
      }
    };
    add("ar", o.p);
    add("ma", o.q);
    add("sar", o.P);
    add("sma", o.Q);
    for (Regressor r : fit_.regressors) {
      out.push_back(
          {r == Regressor::kDrift ? "drift" : "intercept", fit_.coef[i++]});
    }
    out.push_back({"sigma2", sigma2_});
    return out;
  }

 private:
  ArimaFit fit_;
  double sigma2_;
  size_t n_;
  std::string how_;
  FitSummary summary_;
};

}  // namespace

std::unique_ptr<FittedModel> MakeFittedArima(arima::ArimaFit fit, double sigma2,
                                             size_t n, std::string how_chosen) {
  return std::make_unique<FittedArima>(std::move(fit), sigma2, n,
                                       std::move(how_chosen));
}

absl::StatusOr<std::unique_ptr<FittedModel>> ArimaModel::Fit(
    const SeriesView& series) const {
  // Three points: the fewest on which a mean and a variance (or one
  // difference and a variance) can be estimated.
  absl::Status s = CheckSeries(series, 3, "arima");
  if (!s.ok()) return s;
  const auto& y = series.values;
  const int m = series.season_lengths.empty()
                    ? 1
                    : std::max<int>(1, std::lround(series.season_lengths[0]));
  if (!request_.order) {
    absl::StatusOr<arima::AutoArimaResult> r =
        arima::AutoArima(y, m, request_.search);
    if (!r.ok()) return r.status();
    return MakeFittedArima(std::move(r->fit), r->sigma2, y.size(), r->how);
  }
  ArimaOrder o{.p = (*request_.order)[0],
               .d = (*request_.order)[1],
               .q = (*request_.order)[2]};
  if (request_.seasonal_order) {
    o.P = (*request_.seasonal_order)[0];
    o.D = (*request_.seasonal_order)[1];
    o.Q = (*request_.seasonal_order)[2];
    if (o.P + o.D + o.Q > 0) {
      if (m < 2) {
        return absl::FailedPreconditionError(
            "model.options[\"seasonal_order\"]: the series has no season "
            "length; set one (e.g. season_lengths) or drop seasonal_order");
      }
      o.m = m;
    }
  }
  std::vector<Regressor> regs;
  if (request_.include_drift) {
    if (o.d + o.D > 1) {
      return absl::InvalidArgumentError(
          "model.options[\"drift\"]: a drift needs at most one difference "
          "(d + D <= 1)");
    }
    if (o.d + o.D == 0 && request_.include_mean) {
      regs.push_back(Regressor::kIntercept);
    }
    regs.push_back(Regressor::kDrift);
  } else if (request_.include_mean && o.d + o.D == 0) {
    regs.push_back(Regressor::kIntercept);
  }
  if (arima::IsConstant(y)) {
    return absl::FailedPreconditionError(
        "arima: the series is constant; give no order (automatic selection "
        "handles constant series) or use model naive");
  }
  // No standard errors: nothing here reports them, and their numerical
  // Hessian costs about 4 k^2 more likelihood evaluations.
  absl::StatusOr<ArimaFit> fit =
      request_.fixed_coefficients
          ? arima::FixedArima(y, o, regs, *request_.fixed_coefficients)
          : arima::FitArima(y, o, regs, arima::FitMethod::kCssMl,
                            /*variances=*/false);
  if (!fit.ok()) return fit.status();
  const double sigma2 = arima::ForecastVariance(*fit);
  return MakeFittedArima(std::move(*fit), sigma2, y.size(), "");
}

}  // namespace tsforecast::forecast
