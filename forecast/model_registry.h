// The model table: the one list of model names, descriptions, typed options
// and factories that the API, CLI, dashboard, benchmarks and docs use. A
// model is added by adding its entry (model_table.cc); nothing else lists
// models.
#ifndef TSFORECAST_FORECAST_MODEL_REGISTRY_H_
#define TSFORECAST_FORECAST_MODEL_REGISTRY_H_

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "forecast/model.h"
#include "forecast/model_options.h"

namespace tsforecast::forecast {

// Builds a model from checked options. May still answer INVALID_ARGUMENT
// for combinations of options that each pass alone.
using ModelFactory =
    std::function<absl::StatusOr<std::unique_ptr<Model>>(const ModelOptions&)>;

struct ModelInfo {
  std::string name;
  std::string description;
  std::vector<ModelOption> options = {};
  ModelFactory factory = nullptr;
  // Fits in one pass over the series with no search or optimisation
  // (milliseconds at any length): schedulers may run it ahead of the
  // others.
  bool cheap = false;
  // Seasonal by its definition (a seasonal naive, Holt-Winters, MSTL) or
  // a benchmark defined with its own seasonality test (naive2, M4's), or
  // auto, which makes the season choice itself: such a model is given the
  // step's season lengths, never a choice made for it.
  bool own_seasons = false;
};

// A model name and its options, as the API carries them.
struct ModelSpec {
  std::string name;
  std::map<std::string, std::string> options;
  // "name" or "name(key=value,...)" with keys sorted: a cache key.
  std::string Canonical() const;
};

// Parses "name" or "name(key=value,key=value)", the form Canonical()
// writes (a value may hold commas: "arima(order=1,1,1)"). INVALID_ARGUMENT
// for a malformed text; the name and options are checked by MakeModel.
absl::StatusOr<ModelSpec> ParseModelSpec(absl::string_view text);
// Splits a comma-separated list of such texts (commas inside parentheses
// belong to the options).
std::vector<std::string> SplitModelList(absl::string_view text);

// Whether `name` is a known model marked cheap (ModelInfo::cheap).
bool IsCheapModel(absl::string_view name);

// Whether a model asked without season lengths takes auto's season choice
// made for it (docs/models.md, "One answer per question"): every model
// but those with ModelInfo::own_seasons, the cheap ones (which use no
// seasons but their own) and those whose options fix a seasonal form (an
// ETS model whose third letter is not N, an ARIMA seasonal_order).
bool TakesChosenSeasons(const ModelSpec& spec);

// The season lengths `spec` fits a series with when the request names
// none: `step_defaults` for a model that does not take the choice, else
// auto's choice from `values` (`chosen`, described in `choice`). The one
// rule the service and the accuracy benchmark both apply.
struct ModelSeasons {
  std::vector<double> lengths;
  bool chosen = false;
  std::string choice;
};
ModelSeasons SeasonsForModel(const ModelSpec& spec,
                             absl::Span<const double> values,
                             std::vector<double> step_defaults);

// Every model, in a stable order.
const std::vector<ModelInfo>& ListModels();
// Their names, in the same order.
std::vector<std::string> ModelNames();

// INVALID_ARGUMENT naming the known models for an unknown name, or the
// option and what it accepts for a bad option.
absl::StatusOr<std::unique_ptr<Model>> MakeModel(const ModelSpec& spec);
// The text form: "ets" or "auto(top=1,intervals=model)".
absl::StatusOr<std::unique_ptr<Model>> MakeModel(absl::string_view text);

}  // namespace tsforecast::forecast

#endif  // TSFORECAST_FORECAST_MODEL_REGISTRY_H_
