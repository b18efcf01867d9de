#include "forecast/model_options.h"

#include <cmath>
#include <cstdlib>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace tsforecast::forecast {
namespace {

std::string Range(const ModelOption& o) {
  return absl::StrCat(o.open_range ? "(" : "[", o.min, ", ", o.max,
                      o.open_range ? ")" : "]");
}

bool InRange(const ModelOption& o, double v) {
  return o.open_range ? (v > o.min && v < o.max) : (v >= o.min && v <= o.max);
}

bool ParseInteger(absl::string_view text, int* out) {
  return absl::SimpleAtoi(absl::StripAsciiWhitespace(text), out);
}

// Whether `text` is a valid value of `o`.
bool Valid(const ModelOption& o, const std::string& text) {
  switch (o.type) {
    case OptionType::kNumber: {
      double v = 0;
      return absl::SimpleAtod(text, &v) && std::isfinite(v) && InRange(o, v);
    }
    case OptionType::kInteger: {
      int v = 0;
      return ParseInteger(text, &v) && InRange(o, v);
    }
    case OptionType::kBool:
      return text == "true" || text == "false";
    case OptionType::kChoice:
      for (const std::string& a : o.allowed_values) {
        if (a == text) return true;
      }
      return false;
    case OptionType::kIntegerList: {
      const std::vector<absl::string_view> parts = absl::StrSplit(text, ',');
      if (static_cast<int>(parts.size()) != o.list_size) return false;
      for (absl::string_view p : parts) {
        int v = 0;
        if (!ParseInteger(p, &v) || !InRange(o, v)) return false;
      }
      return true;
    }
  }
  return false;
}

}  // namespace

std::vector<std::string> ModelOption::AllowedValues() const {
  if (type == OptionType::kChoice) return allowed_values;
  if (type == OptionType::kBool) return {"true", "false"};
  return {};
}

std::string ModelOption::Expected() const {
  switch (type) {
    case OptionType::kNumber:
      return absl::StrCat("a number in ", Range(*this));
    case OptionType::kInteger:
      return absl::StrCat("an integer in ", Range(*this));
    case OptionType::kBool:
      return "true or false";
    case OptionType::kChoice:
      return absl::StrCat("one of ", absl::StrJoin(allowed_values, ", "));
    case OptionType::kIntegerList:
      return absl::StrCat(
          list_size, " comma-separated integers in ", Range(*this),
          default_value.empty() ? "" : absl::StrCat(", e.g. ", default_value));
  }
  return "";
}

absl::StatusOr<ModelOptions> ModelOptions::Parse(
    const std::string& model, const std::vector<ModelOption>& declared,
    const std::map<std::string, std::string>& given) {
  ModelOptions out;
  for (const ModelOption& o : declared) {
    if (!o.default_value.empty()) out.values_[o.name] = o.default_value;
  }
  for (const auto& [key, text] : given) {
    const ModelOption* option = nullptr;
    for (const ModelOption& o : declared) {
      if (o.name == key) option = &o;
    }
    if (option == nullptr) {
      std::vector<std::string> known;
      for (const ModelOption& o : declared) known.push_back(o.name);
      return absl::InvalidArgumentError(absl::StrCat(
          "model.options[\"", key, "\"]: not an option of ", model,
          known.empty()
              ? " (it has none)"
              : absl::StrCat("; options: ", absl::StrJoin(known, ", "))));
    }
    if (!Valid(*option, text)) {
      return absl::InvalidArgumentError(
          absl::StrCat("model.options[\"", key, "\"]: \"", text, "\" is not ",
                       option->Expected()));
    }
    out.values_[key] = text;
    out.given_[key] = true;
  }
  return out;
}

bool ModelOptions::IsSet(const std::string& name) const {
  return given_.contains(name);
}

bool ModelOptions::Has(const std::string& name) const {
  return values_.contains(name);
}

const std::string& ModelOptions::Raw(const std::string& name) const {
  auto it = values_.find(name);
  if (it == values_.end()) std::abort();  // undeclared or unset: a bug
  return it->second;
}

double ModelOptions::Number(const std::string& name) const {
  double v = 0;
  (void)absl::SimpleAtod(Raw(name), &v);
  return v;
}

int ModelOptions::Integer(const std::string& name) const {
  int v = 0;
  (void)ParseInteger(Raw(name), &v);
  return v;
}

bool ModelOptions::Bool(const std::string& name) const {
  return Raw(name) == "true";
}

const std::string& ModelOptions::Text(const std::string& name) const {
  return Raw(name);
}

std::vector<int> ModelOptions::Integers(const std::string& name) const {
  std::vector<int> out;
  for (absl::string_view p : absl::StrSplit(Raw(name), ',')) {
    int v = 0;
    (void)ParseInteger(p, &v);
    out.push_back(v);
  }
  return out;
}

}  // namespace tsforecast::forecast
