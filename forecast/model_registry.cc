#include "forecast/model_registry.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "forecast/auto_select.h"
#include "forecast/combination.h"
#include "forecast/dynamic_theta.h"
#include "forecast/ets/ets_model.h"
#include "forecast/exponential_smoothing.h"
#include "forecast/multi_seasonal.h"
#include "forecast/naive.h"
#include "forecast/promql.h"
#include "forecast/seasonal_adjustment.h"
#include "forecast/theta.h"

namespace tsforecast::forecast {
namespace {

std::unique_ptr<Model> Adjusted(const std::string& name,
                                std::unique_ptr<Model> inner) {
  return std::make_unique<SeasonallyAdjustedModel>(name, std::move(inner));
}

std::unique_ptr<Model> Comb() {
  std::vector<std::unique_ptr<Model>> members;
  members.push_back(
      std::make_unique<ExponentialSmoothingModel>(TrendKind::kNone));
  members.push_back(
      std::make_unique<ExponentialSmoothingModel>(TrendKind::kAdditive));
  members.push_back(
      std::make_unique<ExponentialSmoothingModel>(TrendKind::kDamped));
  return Adjusted(
      "comb", std::make_unique<CombinationModel>("comb", std::move(members)));
}

std::unique_ptr<Model> Combination(const std::string& name,
                                   std::vector<const char*> members) {
  std::vector<std::unique_ptr<Model>> models;
  for (const char* m : members) models.push_back(*MakeModel(m));
  return std::make_unique<CombinationModel>(name, std::move(models));
}

}  // namespace

const std::vector<ModelInfo>& ListModels() {
  static const auto* models = new std::vector<ModelInfo>{
      {"mean", "the historical mean"},
      {"naive", "the last value (random walk)"},
      {"snaive", "the value one season earlier"},
      {"drift", "the last value plus the average historical change"},
      {"naive2", "naive on seasonally adjusted data (M4 benchmark)"},
      {"ses", "simple exponential smoothing, ETS(A,N,N), deseasonalised"},
      {"holt", "Holt's linear trend, ETS(A,A,N), deseasonalised"},
      {"damped", "damped trend, ETS(A,Ad,N), deseasonalised"},
      {"theta", "Theta method (SES with drift), deseasonalised"},
      {"dynamic_theta",
       "dynamic optimised Theta (Fiorucci et al. 2016), deseasonalised"},
      {"ets",
       "ETS state-space family: given model, or chosen by AICc like R's ets",
       {{"model", "R's code (ANN, AAdN, MAM, ...) or ZZZ for automatic",
         "ZZZ"}}},
      {"comb", "mean of ses, holt and damped (M4 benchmark)"},
      {"mstl", "SES on data without its seasonal components (all lengths)"},
      {"holt_winters",
       "Holt-Winters (ETS with additive trend and a season)",
       {{"seasonal", "additive or multiplicative", "additive"},
        {"damped", "true or false", "false"}}},
      {"predict_linear", "least-squares line extended (PromQL predict_linear)"},
      {"double_exponential_smoothing",
       "PromQL double_exponential_smoothing with fixed factors, forecast",
       {{"smoothing_factor", "level factor sf in (0, 1)", "0.3"},
        {"trend_factor", "trend factor tf in (0, 1)", "0.1"}}},
      {"auto",
       "multiple seasonality: mean of snaive and mstl; otherwise mean of "
       "theta and damped (what wins on M4)"},
  };
  return *models;
}

std::string ModelSpec::Canonical() const {
  if (options.empty()) return name;
  std::vector<std::string> parts;
  for (const auto& [k, v] : options) parts.push_back(absl::StrCat(k, "=", v));
  return absl::StrCat(name, "(", absl::StrJoin(parts, ","), ")");
}

absl::StatusOr<std::unique_ptr<Model>> MakeModel(const ModelSpec& spec) {
  const ModelInfo* info = nullptr;
  for (const ModelInfo& m : ListModels()) {
    if (m.name == spec.name) info = &m;
  }
  if (info == nullptr) return MakeModel(absl::string_view(spec.name));
  std::map<std::string, double> values;
  for (const ModelOption& o : info->options) {
    double v = 0;
    (void)absl::SimpleAtod(o.default_value, &v);
    values[o.name] = v;
  }
  for (const auto& [key, text] : spec.options) {
    // Non-numeric options are parsed by their model below.
    if (spec.name == "ets" || spec.name == "holt_winters") continue;
    if (!values.contains(key)) {
      std::vector<std::string> known;
      for (const ModelOption& o : info->options) known.push_back(o.name);
      return absl::InvalidArgumentError(absl::StrCat(
          "model.options[\"", key, "\"]: not an option of ", spec.name,
          known.empty()
              ? " (it has none)"
              : absl::StrCat("; options: ", absl::StrJoin(known, ", "))));
    }
    double v = 0;
    if (!absl::SimpleAtod(text, &v) || !(v > 0 && v < 1)) {
      return absl::InvalidArgumentError(
          absl::StrCat("model.options[\"", key, "\"]: \"", text,
                       "\" is not a number in (0, 1)"));
    }
    values[key] = v;
  }
  if (spec.name == "ets") {
    auto it = spec.options.find("model");
    if (it == spec.options.end() || it->second == "ZZZ") {
      return std::make_unique<AutoEtsModel>();
    }
    std::optional<EtsSpec> ets = EtsSpec::Parse(it->second);
    if (!ets) {
      return absl::InvalidArgumentError(
          absl::StrCat("model.options[\"model\"]: \"", it->second,
                       "\" is not an ETS code such as ANN, AAdN, MAM or ZZZ"));
    }
    return std::make_unique<EtsModel>(*ets);
  }
  if (spec.name == "holt_winters") {
    EtsSpec ets{EtsError::kAdditive, EtsTrend::kAdditive, EtsSeason::kAdditive};
    for (const auto& [key, value] : spec.options) {
      if (key == "seasonal" && value == "multiplicative") {
        // Multiplicative seasons with multiplicative errors, as R's hw()
        // fits ETS(M,A,M) / ETS(M,Ad,M).
        ets.error = EtsError::kMultiplicative;
        ets.season = EtsSeason::kMultiplicative;
      } else if (key == "damped" && value == "true") {
        ets.trend = EtsTrend::kDamped;
      } else if (!((key == "seasonal" && value == "additive") ||
                   (key == "damped" && value == "false"))) {
        return absl::InvalidArgumentError(absl::StrCat(
            "model.options[\"", key, "\"]: \"", value,
            "\" is not accepted; seasonal: additive|multiplicative, damped: "
            "true|false"));
      }
    }
    return std::make_unique<EtsModel>(ets);
  }
  if (spec.name == "double_exponential_smoothing") {
    return std::make_unique<DoubleExponentialSmoothingModel>(
        values["smoothing_factor"], values["trend_factor"]);
  }
  return MakeModel(absl::string_view(spec.name));
}

absl::StatusOr<std::unique_ptr<Model>> MakeModel(absl::string_view name) {
  if (name == "double_exponential_smoothing" || name == "ets" ||
      name == "holt_winters") {
    return MakeModel(ModelSpec{std::string(name), {}});
  }
  if (name == "predict_linear") return std::make_unique<PredictLinearModel>();
  if (name == "mean") return std::make_unique<NaiveModel>(NaiveKind::kMean);
  if (name == "naive") return std::make_unique<NaiveModel>(NaiveKind::kNaive);
  if (name == "snaive") {
    return std::make_unique<NaiveModel>(NaiveKind::kSeasonalNaive);
  }
  if (name == "drift") return std::make_unique<NaiveModel>(NaiveKind::kDrift);
  if (name == "naive2") {
    return Adjusted("naive2", std::make_unique<NaiveModel>(NaiveKind::kNaive));
  }
  if (name == "ses") {
    return Adjusted(
        "ses", std::make_unique<ExponentialSmoothingModel>(TrendKind::kNone));
  }
  if (name == "holt") {
    return Adjusted("holt", std::make_unique<ExponentialSmoothingModel>(
                                TrendKind::kAdditive));
  }
  if (name == "damped") {
    return Adjusted("damped", std::make_unique<ExponentialSmoothingModel>(
                                  TrendKind::kDamped));
  }
  if (name == "theta") {
    return Adjusted("theta", std::make_unique<ThetaModel>());
  }
  if (name == "dynamic_theta") {
    return Adjusted("dynamic_theta", std::make_unique<DynamicThetaModel>());
  }
  if (name == "comb") return Comb();
  if (name == "mstl") {
    return std::make_unique<MultiSeasonalModel>(
        "mstl", std::make_unique<ExponentialSmoothingModel>(TrendKind::kNone));
  }
  if (name == "auto") {
    return std::make_unique<AutoModel>(
        Combination("snaive+mstl", {"snaive", "mstl"}),
        Combination("theta+damped", {"theta", "damped"}));
  }
  std::vector<std::string> names;
  for (const ModelInfo& m : ListModels()) names.push_back(m.name);
  return absl::InvalidArgumentError(
      absl::StrCat("model: unknown model \"", name,
                   "\"; known: ", absl::StrJoin(names, ", ")));
}

}  // namespace tsforecast::forecast
