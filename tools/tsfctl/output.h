// Formatting of tsfctl's answers as aligned tables, CSV or JSON.
#ifndef TSFORECAST_TOOLS_TSFCTL_OUTPUT_H_
#define TSFORECAST_TOOLS_TSFCTL_OUTPUT_H_

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace tsforecast::tsfctl {

enum class Format { kTable, kCsv, kJson };

absl::StatusOr<Format> ParseFormat(const std::string& text);

// Shortest text that reads back as the same double: stored values, as
// they were written.
std::string FormatValue(double v);
// Computed values (aggregates, forecasts, metrics): rounded to 10
// significant digits, then the shortest text of that, so a yearly sum
// prints as 22127.7, not 22127.699999999997.
std::string FormatComputed(double v);
// A number of a series that declares `decimals` places (a price in cents:
// 2): fixed with that many; with decimals -1 (not declared) FormatComputed
// when `computed`, else FormatValue.
std::string FormatNumber(double v, int decimals, bool computed);
std::string JsonString(const std::string& s);

// Rows of cells under a header. JSON writes cells that are numbers as
// numbers, others as strings.
void PrintRows(std::ostream& out, Format format,
               const std::vector<std::string>& header,
               const std::vector<std::vector<std::string>>& rows);

// Points of one series: table and CSV print timestamp,value rows; JSON an
// object {"series": ..., "points": [{"timestamp": ..., "value": ...}]}.
// Values as FormatNumber(v, decimals, computed).
void PrintPoints(std::ostream& out, Format format, const std::string& series,
                 const std::vector<int64_t>& timestamps_ms,
                 const std::vector<double>& values, bool epoch_ms,
                 int decimals = -1, bool computed = false);

}  // namespace tsforecast::tsfctl

#endif  // TSFORECAST_TOOLS_TSFCTL_OUTPUT_H_
