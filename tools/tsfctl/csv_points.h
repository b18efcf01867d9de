// Reads points from CSV for `tsfctl write`: either `series,timestamp,value`
// or `timestamp,value` (with a series given on the command line). Timestamps
// are ISO-8601 dates or date-times, or epoch values when their unit is given
// (`--time-unit`): a bare number is never guessed at. An optional header
// row is skipped; blank lines are ignored. Errors name the file line.
#ifndef TSFORECAST_TOOLS_TSFCTL_CSV_POINTS_H_
#define TSFORECAST_TOOLS_TSFCTL_CSV_POINTS_H_

#include <cstdint>
#include <istream>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/time_util.h"

namespace tsforecast::tsfctl {

struct CsvPoint {
  uint32_t series_index;  // into CsvPoints::series
  int64_t timestamp_ms;
  double value;
};

struct CsvPoints {
  std::vector<std::string> series;  // distinct names, first-seen order
  std::vector<CsvPoint> points;     // file order
};

// Longest line accepted (a series name, a timestamp and a value fit in far
// less); longer is INVALID_ARGUMENT naming the line.
inline constexpr size_t kMaxCsvLineBytes = 64 << 10;

// `default_series` non-empty selects the two-column form. INVALID_ARGUMENT
// "LINE N: ..." on the first malformed line.
absl::StatusOr<CsvPoints> ReadCsvPoints(std::istream& in,
                                        const std::string& default_series,
                                        EpochUnit epoch = EpochUnit::kNone);

}  // namespace tsforecast::tsfctl

#endif  // TSFORECAST_TOOLS_TSFCTL_CSV_POINTS_H_
