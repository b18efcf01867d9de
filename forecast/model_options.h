// Typed model options: what a model accepts (declared once, in its entry of
// the model table) and the checked values its factory reads. The API
// carries options as strings ("order" -> "1,1,1"); they are parsed and
// checked here, against the declaration, before any model is built.
#ifndef TSFORECAST_FORECAST_MODEL_OPTIONS_H_
#define TSFORECAST_FORECAST_MODEL_OPTIONS_H_

#include <limits>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace tsforecast::forecast {

enum class OptionType {
  kNumber,       // a real number in [min, max] (or (min, max) when open)
  kInteger,      // an integer in [min, max]
  kBool,         // true or false
  kChoice,       // one of allowed_values
  kIntegerList,  // `list_size` comma-separated integers, each in [min, max]
};

struct ModelOption {
  std::string name;
  std::string description;
  std::string default_value;  // empty: unset unless given
  OptionType type = OptionType::kNumber;
  std::vector<std::string> allowed_values = {};  // kChoice
  double min = -std::numeric_limits<double>::infinity();
  double max = std::numeric_limits<double>::infinity();
  bool open_range = false;  // min and max themselves excluded
  int list_size = 0;        // kIntegerList

  // The values a client may send, for ListModels: the choices, or
  // {"true", "false"} for a bool; empty otherwise.
  std::vector<std::string> AllowedValues() const;
  // "a number in (0, 1)", "3 integers in [0, 10], e.g. 1,1,1", ...
  std::string Expected() const;
};

// Option values checked against their declarations. Accessors take
// declared names only (a typo is a programming error and aborts).
class ModelOptions {
 public:
  // INVALID_ARGUMENT naming `model.options["key"]` and what it accepts for
  // an undeclared key or a value of the wrong type or range.
  static absl::StatusOr<ModelOptions> Parse(
      const std::string& model, const std::vector<ModelOption>& declared,
      const std::map<std::string, std::string>& given);

  // Whether the client gave it (defaults do not count).
  bool IsSet(const std::string& name) const;
  // Whether it has a value (given or a default).
  bool Has(const std::string& name) const;
  double Number(const std::string& name) const;
  int Integer(const std::string& name) const;
  bool Bool(const std::string& name) const;
  const std::string& Text(const std::string& name) const;
  std::vector<int> Integers(const std::string& name) const;

 private:
  const std::string& Raw(const std::string& name) const;
  std::map<std::string, std::string> values_;
  std::map<std::string, bool> given_;
};

}  // namespace tsforecast::forecast

#endif  // TSFORECAST_FORECAST_MODEL_OPTIONS_H_
