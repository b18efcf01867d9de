#include "tools/tsfctl/csv_points.h"

#include <charconv>
#include <cmath>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/time_util.h"

namespace tsforecast::tsfctl {
namespace {

bool ParseDouble(absl::string_view text, double* out) {
  text = absl::StripAsciiWhitespace(text);
  if (text.empty()) return false;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, *out);
  return ec == std::errc() && ptr == end;
}

}  // namespace

absl::StatusOr<CsvPoints> ReadCsvPoints(std::istream& in,
                                        const std::string& default_series,
                                        EpochUnit epoch) {
  CsvPoints out;
  absl::flat_hash_map<std::string, uint32_t> index;
  const size_t columns = default_series.empty() ? 3 : 2;
  if (!default_series.empty()) {
    out.series.push_back(default_series);
    index[default_series] = 0;
  }
  std::string line;
  int64_t line_number = 0;
  bool first_data_line = true;
  // A line is read into a bounded buffer: a file without newlines must not
  // make the reader hold all of it at once.
  std::vector<char> buffer(kMaxCsvLineBytes + 2);
  for (;;) {
    in.getline(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    const std::streamsize extracted = in.gcount();
    if (extracted == 0 && !in.good()) break;  // the end
    ++line_number;
    // Without the end of the file, a stream still good has read the
    // newline (counted in gcount, not stored); a failed one ran out of
    // buffer before it.
    const bool too_long = in.fail() && !in.eof();
    const size_t length =
        static_cast<size_t>(in.good() ? extracted - 1 : extracted);
    if (too_long || length > kMaxCsvLineBytes) {
      return absl::InvalidArgumentError(absl::StrCat(
          "line ", line_number, ": longer than ", kMaxCsvLineBytes, " bytes"));
    }
    line.assign(buffer.data(), length);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (absl::StripAsciiWhitespace(line).empty()) continue;
    std::vector<absl::string_view> fields = absl::StrSplit(line, ',');
    auto error = [&](absl::string_view why) {
      return absl::InvalidArgumentError(
          absl::StrCat("line ", line_number, ": ", why));
    };
    if (fields.size() != columns) {
      return error(absl::StrCat(
          "expected ", columns, " columns (",
          columns == 3 ? "series,timestamp,value" : "timestamp,value",
          "), found ", fields.size()));
    }
    const absl::string_view ts_text = fields[columns - 2];
    const absl::string_view value_text = fields[columns - 1];
    double value = 0;
    const bool value_ok = ParseDouble(value_text, &value);
    absl::StatusOr<int64_t> ts = ParseTimestamp(ts_text, epoch);
    if (first_data_line) {
      first_data_line = false;
      if (!value_ok && !ts.ok()) continue;  // a header row
    }
    if (!ts.ok()) return error(ts.status().message());
    if (!value_ok) {
      return error(absl::StrCat("value \"",
                                absl::StripAsciiWhitespace(value_text),
                                "\" is not a number"));
    }
    if (!std::isfinite(value)) {
      return error("value is not a finite number; omit missing points");
    }
    uint32_t series_index = 0;
    if (columns == 3) {
      const std::string name(absl::StripAsciiWhitespace(fields[0]));
      if (name.empty()) return error("series name is empty");
      auto [it, inserted] =
          index.try_emplace(name, static_cast<uint32_t>(out.series.size()));
      if (inserted) out.series.push_back(name);
      series_index = it->second;
    }
    out.points.push_back({series_index, *ts, value});
  }
  return out;
}

}  // namespace tsforecast::tsfctl
