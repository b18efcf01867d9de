#include "service/engine/plain_words.h"

#include <cmath>
#include <map>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "common/time_util.h"

namespace tsforecast::service {
namespace {

// Candidate and model names as a person says them.
std::string InWords(const std::string& name) {
  static const auto* words = new std::map<std::string, std::string>{
      {"naive", "the last value"},
      {"snaive", "the value a season earlier"},
      {"mean", "the historical mean"},
      {"drift", "the last value plus the average change"},
      {"theta", "Theta"},
      {"damped", "damped trend"},
      {"ets", "exponential smoothing (ETS)"},
      {"ets_seasonal", "seasonal exponential smoothing"},
      {"arima", "ARIMA"},
      {"airline", "the airline model"},
      {"ses", "simple exponential smoothing"},
      {"holt", "Holt's linear trend"},
      {"holt_winters", "Holt-Winters"},
      {"sba", "SBA (intermittent demand)"},
      {"tsb", "TSB (intermittent demand)"},
  };
  auto it = words->find(name);
  return it == words->end() ? name : it->second;
}

// "4 times in 5" for 80, "19 times in 20" for 95; "95% of the time".
std::string Odds(double level) {
  for (int d : {2, 4, 5, 10, 20, 40, 100}) {
    const double n = level / 100 * d;
    if (std::abs(n - std::round(n)) < 1e-9) {
      return absl::StrCat(static_cast<int>(std::round(n)), " times in ", d);
    }
  }
  return absl::StrFormat("%g%% of the time", level);
}

}  // namespace

std::string ModelSentence(
    const std::string& model,
    const std::vector<std::pair<std::string, double>>& parameters) {
  if (model != "auto") return InWords(model);
  std::vector<std::string> members;
  int origins = 0;
  for (const auto& [name, value] : parameters) {
    if (absl::StartsWith(name, "weight.")) {
      members.push_back(InWords(name.substr(7)));
    } else if (name == "validation.origins") {
      origins = static_cast<int>(value);
    }
  }
  if (members.empty()) return "auto";
  std::string what = members.size() == 1
                         ? members[0]
                         : absl::StrCat("the mean of ",
                                        absl::StrJoin(members.begin(),
                                                      members.end() - 1, ", "),
                                        " and ", members.back());
  if (origins > 0) {
    absl::StrAppend(&what, ", picked on ", origins, " past origin",
                    origins == 1 ? "" : "s");
  } else {
    absl::StrAppend(&what, " (the series is too short to compare models)");
  }
  return what;
}

std::string PlainSummary(int64_t last_timestamp_ms, double last_value,
                         const std::string& model_sentence,
                         absl::Span<const double> levels, bool calibrated,
                         bool positive_bands) {
  std::string out =
      absl::StrFormat("Last observation %s: %.10g. Forecast: %s.",
                      FormatTimestamp(last_timestamp_ms).substr(0, 10),
                      last_value, model_sentence);
  if (levels.empty()) return out;
  std::vector<std::string> names, odds;
  for (double l : levels) {
    names.push_back(absl::StrFormat("%g%%", l));
    odds.push_back(Odds(l));
  }
  absl::StrAppend(&out, " The ", absl::StrJoin(names, " and "),
                  levels.size() == 1 ? " band holds" : " bands hold",
                  " the value ", absl::StrJoin(odds, " and "),
                  calibrated ? ", as sized on the model's own past errors"
                             : ", if the model is right",
                  positive_bands ? "; they stay above zero" : "", ".");
  return out;
}

}  // namespace tsforecast::service
