#include "forecast/model_registry.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace tsforecast::forecast {

// Defined in model_table.cc.
std::vector<ModelInfo> BuildModelTable();

const std::vector<ModelInfo>& ListModels() {
  static const auto* models = new std::vector<ModelInfo>(BuildModelTable());
  return *models;
}

std::vector<std::string> ModelNames() {
  std::vector<std::string> names;
  for (const ModelInfo& m : ListModels()) names.push_back(m.name);
  return names;
}

std::string ModelSpec::Canonical() const {
  if (options.empty()) return name;
  std::vector<std::string> parts;
  for (const auto& [k, v] : options) parts.push_back(absl::StrCat(k, "=", v));
  return absl::StrCat(name, "(", absl::StrJoin(parts, ","), ")");
}

absl::StatusOr<std::unique_ptr<Model>> MakeModel(const ModelSpec& spec) {
  for (const ModelInfo& m : ListModels()) {
    if (m.name != spec.name) continue;
    absl::StatusOr<ModelOptions> options =
        ModelOptions::Parse(m.name, m.options, spec.options);
    if (!options.ok()) return options.status();
    return m.factory(*options);
  }
  return absl::InvalidArgumentError(
      absl::StrCat("model: unknown model \"", spec.name,
                   "\"; known: ", absl::StrJoin(ModelNames(), ", ")));
}

absl::StatusOr<std::unique_ptr<Model>> MakeModel(absl::string_view name) {
  return MakeModel(ModelSpec{std::string(name), {}});
}

}  // namespace tsforecast::forecast
