// The entries of the model table (model_registry.h): each model's name,
// description, options and factory, in the order ListModels returns them.
#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "forecast/arima/arima_model.h"
#include "forecast/auto/auto_model.h"
#include "forecast/combination.h"
#include "forecast/conformal.h"
#include "forecast/dynamic_theta.h"
#include "forecast/ets/ets_model.h"
#include "forecast/intermittent.h"
#include "forecast/model_registry.h"
#include "forecast/multi_seasonal.h"
#include "forecast/naive.h"
#include "forecast/promql.h"
#include "forecast/seasonal_adjustment.h"
#include "forecast/theta.h"

namespace tsforecast::forecast {
namespace {

using Built = absl::StatusOr<std::unique_ptr<Model>>;

std::unique_ptr<Model> Adjusted(const std::string& name,
                                std::unique_ptr<Model> inner) {
  return std::make_unique<SeasonallyAdjustedModel>(name, std::move(inner));
}

// ETS with a fixed non-seasonal form under one of the classic names.
std::unique_ptr<Model> Smoothing(EtsTrend trend, const std::string& name) {
  return std::make_unique<EtsModel>(
      EtsSpec{EtsError::kAdditive, trend, EtsSeason::kNone}, name);
}

// A factory for a model without options.
ModelFactory Plain(std::function<std::unique_ptr<Model>()> make) {
  return
      [make = std::move(make)](const ModelOptions&) -> Built { return make(); };
}

std::vector<std::string> EtsCodes() {
  std::vector<std::string> codes;
  for (const char* e : {"A", "M"}) {
    for (const char* t : {"N", "A", "Ad"}) {
      for (const char* s : {"N", "A", "M"})
        codes.push_back(absl::StrCat(e, t, s));
    }
  }
  codes.push_back("ZZZ");
  return codes;
}

ModelOption Unit(std::string name, std::string description,
                 std::string default_value) {
  return {.name = std::move(name),
          .description = std::move(description),
          .default_value = std::move(default_value),
          .type = OptionType::kNumber,
          .min = 0,
          .max = 1,
          .open_range = true};
}

ModelOption IntervalsOption(std::string default_value) {
  return {.name = "intervals",
          .description =
              "model: the model's own; conformal: sized by its "
              "errors at rolling origins (docs/models.md)",
          .default_value = std::move(default_value),
          .type = OptionType::kChoice,
          .allowed_values = {"model", "conformal"}};
}

Built MakeArima(const ModelOptions& o) {
  ArimaRequest r;
  r.include_mean = o.Bool("mean");
  if (o.IsSet("order")) {
    const std::vector<int> v = o.Integers("order");
    if (v[1] > 2) {
      return absl::InvalidArgumentError(
          absl::StrCat("model.options[\"order\"]: d is ", v[1], "; at most 2"));
    }
    r.order = {v[0], v[1], v[2]};
    r.include_drift = o.Has("drift") && o.Bool("drift");
    for (const char* auto_only : {"stepwise", "approximation", "ic"}) {
      if (o.IsSet(auto_only)) {
        return absl::InvalidArgumentError(absl::StrCat(
            "model.options[\"", auto_only,
            "\"]: only for automatic selection; drop it or drop order"));
      }
    }
  } else {
    r.search.allow_mean = o.Bool("mean");
    r.search.allow_drift = !o.Has("drift") || o.Bool("drift");
    r.search.stepwise = o.Bool("stepwise");
    const std::string& a = o.Text("approximation");
    r.search.approximation = a == "auto"   ? arima::Approximation::kAuto
                             : a == "true" ? arima::Approximation::kOn
                                           : arima::Approximation::kOff;
    const std::string& ic = o.Text("ic");
    r.search.ic = ic == "aic"   ? arima::InformationCriterion::kAic
                  : ic == "bic" ? arima::InformationCriterion::kBic
                                : arima::InformationCriterion::kAicc;
  }
  if (o.IsSet("seasonal_order")) {
    if (!r.order) {
      return absl::InvalidArgumentError(
          "model.options[\"seasonal_order\"]: needs order as well (p,d,q)");
    }
    const std::vector<int> v = o.Integers("seasonal_order");
    if (v[1] > 1) {
      return absl::InvalidArgumentError(absl::StrCat(
          "model.options[\"seasonal_order\"]: D is ", v[1], "; at most 1"));
    }
    r.seasonal_order = {v[0], v[1], v[2]};
  }
  return std::make_unique<ArimaModel>(std::move(r));
}

}  // namespace

std::vector<ModelInfo> BuildModelTable() {
  std::vector<ModelInfo> t;
  t.push_back({"mean", "the historical mean", {}, Plain([] {
                 return std::make_unique<NaiveModel>(NaiveKind::kMean);
               })});
  t.push_back({"naive", "the last value (random walk)", {}, Plain([] {
                 return std::make_unique<NaiveModel>(NaiveKind::kNaive);
               })});
  t.push_back({"snaive", "the value one season earlier", {}, Plain([] {
                 return std::make_unique<NaiveModel>(NaiveKind::kSeasonalNaive);
               })});
  t.push_back(
      {"drift",
       "the last value plus the average historical change",
       {},
       Plain([] { return std::make_unique<NaiveModel>(NaiveKind::kDrift); })});
  t.push_back({"naive2",
               "naive on seasonally adjusted data (M4 benchmark)",
               {},
               Plain([] {
                 return Adjusted(
                     "naive2", std::make_unique<NaiveModel>(NaiveKind::kNaive));
               })});
  t.push_back({"ses",
               "simple exponential smoothing, ETS(A,N,N), deseasonalised",
               {},
               Plain([] {
                 return Adjusted("ses", Smoothing(EtsTrend::kNone, "ses"));
               })});
  t.push_back(
      {"holt", "Holt's linear trend, ETS(A,A,N), deseasonalised", {}, Plain([] {
         return Adjusted("holt", Smoothing(EtsTrend::kAdditive, "holt"));
       })});
  t.push_back(
      {"damped", "damped trend, ETS(A,Ad,N), deseasonalised", {}, Plain([] {
         return Adjusted("damped", Smoothing(EtsTrend::kDamped, "damped"));
       })});
  t.push_back(
      {"theta", "Theta method (SES with drift), deseasonalised", {}, Plain([] {
         return Adjusted("theta", std::make_unique<ThetaModel>());
       })});
  t.push_back({"dynamic_theta",
               "dynamic optimised Theta (Fiorucci et al. 2016), deseasonalised",
               {},
               Plain([] {
                 return Adjusted("dynamic_theta",
                                 std::make_unique<DynamicThetaModel>());
               })});
  t.push_back(
      {"ets",
       "ETS state-space family: given model, or chosen by AICc like R's ets",
       {{.name = "model",
         .description = "R's code (ANN, AAdN, MAM, ...) or ZZZ for automatic",
         .default_value = "ZZZ",
         .type = OptionType::kChoice,
         .allowed_values = EtsCodes()}},
       [](const ModelOptions& o) -> Built {
         if (o.Text("model") == "ZZZ") return std::make_unique<AutoEtsModel>();
         return std::make_unique<EtsModel>(*EtsSpec::Parse(o.Text("model")));
       }});
  t.push_back(
      {"arima",
       "seasonal ARIMA by exact likelihood; the order chosen as R's "
       "auto.arima does unless given",
       {{.name = "order",
         .description = "p,d,q (d at most 2); unset: automatic selection",
         .default_value = "",
         .type = OptionType::kIntegerList,
         .min = 0,
         .max = 12,
         .list_size = 3},
        {.name = "seasonal_order",
         .description = "P,D,Q on the series' season length (D at most 1); "
                        "needs order",
         .default_value = "",
         .type = OptionType::kIntegerList,
         .min = 0,
         .max = 3,
         .list_size = 3},
        {.name = "mean",
         .description = "include a mean when undifferenced (automatic: "
                        "allowed to)",
         .default_value = "true",
         .type = OptionType::kBool},
        {.name = "drift",
         .description = "include a drift (d + D <= 1); default false with "
                        "an order, allowed in automatic selection",
         .default_value = "",
         .type = OptionType::kBool},
        {.name = "stepwise",
         .description = "automatic selection: Hyndman-Khandakar stepwise "
                        "search, or every model up to order 5",
         .default_value = "true",
         .type = OptionType::kBool},
        {.name = "approximation",
         .description = "automatic selection: search with CSS fits (auto: "
                        "when n > 150 or m > 12)",
         .default_value = "auto",
         .type = OptionType::kChoice,
         .allowed_values = {"auto", "true", "false"}},
        {.name = "ic",
         .description = "automatic selection: the information criterion",
         .default_value = "aicc",
         .type = OptionType::kChoice,
         .allowed_values = {"aicc", "aic", "bic"}}},
       MakeArima});
  t.push_back(
      {"comb", "mean of ses, holt and damped (M4 benchmark)", {}, Plain([] {
         std::vector<std::unique_ptr<Model>> members;
         members.push_back(Smoothing(EtsTrend::kNone, "ses"));
         members.push_back(Smoothing(EtsTrend::kAdditive, "holt"));
         members.push_back(Smoothing(EtsTrend::kDamped, "damped"));
         return Adjusted("comb", std::make_unique<CombinationModel>(
                                     "comb", std::move(members)));
       })});
  t.push_back({"mstl",
               "SES on data without its seasonal components (all lengths)",
               {},
               Plain([] {
                 return std::make_unique<MultiSeasonalModel>(
                     "mstl", Smoothing(EtsTrend::kNone, "ses"));
               })});
  t.push_back({"holt_winters",
               "Holt-Winters (ETS with additive trend and a season)",
               {{.name = "seasonal",
                 .description = "how the season combines with the level",
                 .default_value = "additive",
                 .type = OptionType::kChoice,
                 .allowed_values = {"additive", "multiplicative"}},
                {.name = "damped",
                 .description = "damp the trend",
                 .default_value = "false",
                 .type = OptionType::kBool}},
               [](const ModelOptions& o) -> Built {
                 EtsSpec ets{
                     EtsError::kAdditive,
                     o.Bool("damped") ? EtsTrend::kDamped : EtsTrend::kAdditive,
                     EtsSeason::kAdditive};
                 if (o.Text("seasonal") == "multiplicative") {
                   // Multiplicative seasons with multiplicative errors, as R's
                   // hw() fits ETS(M,A,M) / ETS(M,Ad,M).
                   ets.error = EtsError::kMultiplicative;
                   ets.season = EtsSeason::kMultiplicative;
                 }
                 return std::make_unique<EtsModel>(ets, "holt_winters");
               }});
  t.push_back({"predict_linear",
               "least-squares line extended (PromQL predict_linear)",
               {},
               Plain([] { return std::make_unique<PredictLinearModel>(); })});
  t.push_back(
      {"double_exponential_smoothing",
       "PromQL double_exponential_smoothing with fixed factors, forecast",
       {Unit("smoothing_factor", "level factor sf", "0.3"),
        Unit("trend_factor", "trend factor tf", "0.1")},
       [](const ModelOptions& o) -> Built {
         return std::make_unique<DoubleExponentialSmoothingModel>(
             o.Number("smoothing_factor"), o.Number("trend_factor"));
       }});
  for (const auto& [name, method, description] :
       std::vector<std::tuple<const char*, IntermittentMethod, const char*>>{
           {"croston", IntermittentMethod::kCroston,
            "Croston's method for intermittent demand (R's croston)"},
           {"sba", IntermittentMethod::kSba,
            "Syntetos-Boylan approximation: Croston without its bias"}}) {
    t.push_back({name,
                 description,
                 {Unit("alpha", "smoothing of sizes and intervals", "0.1")},
                 // A copy: clang 14 cannot capture a structured binding.
                 [kind = method](const ModelOptions& o) -> Built {
                   return std::make_unique<IntermittentModel>(
                       kind, o.Number("alpha"), 0);
                 }});
  }
  t.push_back({"tsb",
               "Teunter-Syntetos-Babai: demand probability times size, "
               "decaying while no demand comes",
               {Unit("alpha", "smoothing of the demand size", "0.1"),
                Unit("beta", "smoothing of the demand probability", "0.1")},
               [](const ModelOptions& o) -> Built {
                 return std::make_unique<IntermittentModel>(
                     IntermittentMethod::kTsb, o.Number("alpha"),
                     o.Number("beta"));
               }});
  t.push_back(
      {"adida",
       "ADIDA: forecast totals over buckets of periods, spread them back",
       {{.name = "aggregation",
         .description = "periods per bucket; 0: the mean interval between "
                        "demands",
         .default_value = "0",
         .type = OptionType::kInteger,
         .min = 0,
         .max = 366},
        {.name = "base",
         .description = "the model for the bucket totals",
         .default_value = "ses",
         .type = OptionType::kChoice,
         .allowed_values = {"ses", "naive", "croston", "sba", "tsb"}}},
       [](const ModelOptions& o) -> Built {
         absl::StatusOr<std::unique_ptr<Model>> base =
             MakeModel(o.Text("base"));
         if (!base.ok()) return base.status();
         return std::make_unique<AdidaModel>(std::move(*base),
                                             o.Integer("aggregation"));
       }});
  t.push_back(
      {"auto",
       "chosen per series: the best few of naive, theta, damped, ETS, ARIMA "
       "(and intermittent models) by rolling-origin validation, combined",
       {{.name = "windows",
         .description = "rolling origins for validation",
         .default_value = "3",
         .type = OptionType::kInteger,
         .min = 1,
         .max = 20},
        {.name = "top",
         .description = "the best candidates combined (1: the best alone)",
         .default_value = "4",
         .type = OptionType::kInteger,
         .min = 1,
         .max = 10},
        IntervalsOption("conformal")},
       [](const ModelOptions& o) -> Built {
         AutoOptions a;
         a.windows = o.Integer("windows");
         a.top = o.Integer("top");
         a.intervals = o.Text("intervals") == "model"
                           ? IntervalMethod::kModel
                           : IntervalMethod::kConformal;
         return std::make_unique<AutoModel>(a);
       }});
  // Every other model takes `intervals` too: its own, or conformal ones
  // around it.
  for (ModelInfo& m : t) {
    if (m.name == "auto") continue;
    m.options.push_back(IntervalsOption("model"));
    m.factory = [make = std::move(m.factory)](const ModelOptions& o) -> Built {
      Built model = make(o);
      if (!model.ok() || o.Text("intervals") == "model") return model;
      return std::make_unique<ConformalModel>(std::move(*model));
    };
  }
  // Closed forms: a mean, a last value, a line or a fixed-factor recursion
  // (naive2's classical decomposition is moving averages).
  for (ModelInfo& m : t) {
    m.cheap = m.name == "mean" || m.name == "naive" || m.name == "snaive" ||
              m.name == "drift" || m.name == "naive2" ||
              m.name == "predict_linear" ||
              m.name == "double_exponential_smoothing";
    m.own_seasons = m.name == "snaive" || m.name == "naive2" ||
                    m.name == "holt_winters" || m.name == "mstl" ||
                    m.name == "auto";
  }
  return t;
}

}  // namespace tsforecast::forecast
