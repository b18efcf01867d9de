// The one list of model names the API, CLI, benchmarks and docs use.
#ifndef TSFORECAST_FORECAST_MODEL_REGISTRY_H_
#define TSFORECAST_FORECAST_MODEL_REGISTRY_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "forecast/model.h"

namespace tsforecast::forecast {

struct ModelInfo {
  std::string name;
  std::string description;
};

// Every model, in a stable order.
const std::vector<ModelInfo>& ListModels();

// INVALID_ARGUMENT naming the known models for an unknown name.
absl::StatusOr<std::unique_ptr<Model>> MakeModel(absl::string_view name);

}  // namespace tsforecast::forecast

#endif  // TSFORECAST_FORECAST_MODEL_REGISTRY_H_
