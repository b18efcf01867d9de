// Prometheus' PromQL test files (promql/testdata/*.test, the format of
// Prometheus 2.42's promql/test.go; ../shared/data/promql-2.42/README.md),
// read into commands: `load <step>` with series descriptions, `clear`, and
// `eval`, `eval_ordered`, `eval_fail` `instant at <time> <expr>` with their
// expected results. Parsing only: promql_cases_main.cc runs them.
#ifndef TSFORECAST_TOOLS_PROMQL_CASES_PROMQL_TEST_FILE_H_
#define TSFORECAST_TOOLS_PROMQL_CASES_PROMQL_TEST_FILE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "storage/types.h"

namespace tsforecast::promql_cases {

// One loaded series: its labels ("__name__" among them when it has a
// name) and a value or nothing (`_`) at each step from time 0. Staleness
// markers (`stale`) are kept as Prometheus' stale NaN.
struct LoadedSeries {
  storage::Labels labels;
  std::vector<std::optional<double>> values;
};

// An expected element of an eval: a vector element (labels and value) or,
// with `scalar`, a bare number.
struct ExpectedSample {
  storage::Labels labels;
  double value = 0;
  bool scalar = false;
};

struct Command {
  enum class Kind { kLoad, kClear, kEval, kEvalOrdered, kEvalFail };
  Kind kind = Kind::kEval;
  int line = 0;  // 1-based, of the command
  // load
  int64_t step_ms = 0;
  std::vector<LoadedSeries> series;
  // eval*
  int64_t at_ms = 0;
  std::string expr;
  std::vector<ExpectedSample> expected;
};

// The commands of one file's text. INVALID_ARGUMENT naming the line of
// anything not in the format (so a new file's new syntax is noticed,
// not skipped).
absl::StatusOr<std::vector<Command>> ParseTestFile(absl::string_view text);

// "1+2x3" and friends, one token of a series description, appended to
// `out`.
absl::Status ExpandSeriesValue(absl::string_view token,
                               std::vector<std::optional<double>>& out);

// A number as PromQL writes it: decimal, exponent, hex, Inf, NaN (any
// case), with an optional sign.
std::optional<double> ParsePromNumber(absl::string_view text);

}  // namespace tsforecast::promql_cases

#endif  // TSFORECAST_TOOLS_PROMQL_CASES_PROMQL_TEST_FILE_H_
