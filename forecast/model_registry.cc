#include "forecast/model_registry.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "forecast/auto/season_choice.h"

namespace tsforecast::forecast {

// Defined in model_table.cc.
std::vector<ModelInfo> BuildModelTable();

const std::vector<ModelInfo>& ListModels() {
  static const auto* models = new std::vector<ModelInfo>(BuildModelTable());
  return *models;
}

bool IsCheapModel(absl::string_view name) {
  for (const ModelInfo& m : ListModels()) {
    if (m.name == name) return m.cheap;
  }
  return false;
}

bool TakesChosenSeasons(const ModelSpec& spec) {
  for (const ModelInfo& m : ListModels()) {
    if (m.name != spec.name) continue;
    // Cheap models are closed forms that use no seasons, or their own
    // (snaive, naive2): a choice made for them would cost an STL per
    // season length (minutes on 400,000 points at a per-second step) for
    // nothing.
    if (m.own_seasons || m.cheap) return false;
    auto option = [&spec](const char* name) -> std::string {
      auto it = spec.options.find(name);
      return it == spec.options.end() ? "" : it->second;
    };
    const std::string ets_form = option("model");
    if (spec.name == "ets" && ets_form.size() >= 3 &&
        ets_form[ets_form.size() - 1] != 'N' &&
        ets_form[ets_form.size() - 1] != 'Z') {
      return false;
    }
    return option("seasonal_order").empty();
  }
  return false;
}

ModelSeasons SeasonsForModel(const ModelSpec& spec,
                             absl::Span<const double> values,
                             std::vector<double> step_defaults) {
  if (!TakesChosenSeasons(spec)) return {std::move(step_defaults), false, ""};
  SeasonChoice choice = ChooseSeasons(values, step_defaults);
  return {std::move(choice.kept), true, choice.Describe()};
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

absl::StatusOr<ModelSpec> ParseModelSpec(absl::string_view text) {
  ModelSpec spec;
  const size_t open = text.find('(');
  if (open == absl::string_view::npos) {
    spec.name = std::string(text);
    return spec;
  }
  if (text.back() != ')') {
    return absl::InvalidArgumentError(absl::StrCat(
        "model \"", text, "\": options go in parentheses, e.g. auto(top=1)"));
  }
  spec.name = std::string(text.substr(0, open));
  std::string* last = nullptr;
  for (absl::string_view part :
       absl::StrSplit(text.substr(open + 1, text.size() - open - 2), ',')) {
    const size_t eq = part.find('=');
    if (eq == absl::string_view::npos) {
      if (last == nullptr) {
        return absl::InvalidArgumentError(absl::StrCat(
            "model \"", text, "\": expected key=value, got \"", part, "\""));
      }
      absl::StrAppend(last, ",", part);
      continue;
    }
    last = &spec.options[std::string(part.substr(0, eq))];
    *last = std::string(part.substr(eq + 1));
  }
  return spec;
}

std::vector<std::string> SplitModelList(absl::string_view text) {
  std::vector<std::string> out;
  int depth = 0;
  std::string current;
  for (char c : text) {
    depth += c == '(';
    depth -= c == ')';
    if (c == ',' && depth == 0) {
      out.push_back(std::move(current));
      current.clear();
    } else {
      current.push_back(c);
    }
  }
  if (!current.empty()) out.push_back(std::move(current));
  return out;
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

absl::StatusOr<std::unique_ptr<Model>> MakeModel(absl::string_view text) {
  absl::StatusOr<ModelSpec> spec = ParseModelSpec(text);
  if (!spec.ok()) return spec.status();
  return MakeModel(*spec);
}

}  // namespace tsforecast::forecast
