#include "service/point_columns.h"

#include <cstdint>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace tsforecast::service {
namespace {

// Reads "[N]" from the front of `text`.
bool ConsumeIndex(absl::string_view* text, uint64_t* index) {
  if (!absl::ConsumePrefix(text, "[")) return false;
  const size_t close = text->find(']');
  if (close == absl::string_view::npos ||
      !absl::SimpleAtoi(text->substr(0, close), index)) {
    return false;
  }
  text->remove_prefix(close + 1);
  return true;
}

}  // namespace

absl::StatusOr<std::vector<storage::SeriesWrite>> WritesFromColumns(
    const v1::PointColumns& columns) {
  if (columns.counts_size() != columns.series_size()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "columns.counts: ", columns.counts_size(), " counts for ",
        columns.series_size(), " series; give one count per series"));
  }
  if (columns.timestamps_ms_size() != columns.values_size()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "columns: ", columns.timestamps_ms_size(), " timestamps_ms but ",
        columns.values_size(), " values; they must pair up"));
  }
  uint64_t total = 0;
  for (uint32_t n : columns.counts()) total += n;
  if (total != static_cast<uint64_t>(columns.values_size())) {
    return absl::InvalidArgumentError(
        absl::StrCat("columns.counts: they add up to ", total, " points but ",
                     columns.values_size(), " values were sent"));
  }
  std::vector<storage::SeriesWrite> writes(columns.series_size());
  int at = 0;
  for (int i = 0; i < columns.series_size(); ++i) {
    storage::SeriesWrite& w = writes[i];
    w.series = columns.series(i);
    w.points.resize(columns.counts(i));
    for (storage::Point& p : w.points) {
      p = {columns.timestamps_ms(at), columns.values(at)};
      ++at;
    }
  }
  return writes;
}

absl::Status ColumnError(const absl::Status& status,
                         const v1::PointColumns& columns) {
  absl::string_view rest = status.message();
  uint64_t series = 0;
  if (!absl::ConsumePrefix(&rest, "series") || !ConsumeIndex(&rest, &series) ||
      series >= static_cast<uint64_t>(columns.series_size())) {
    return status;
  }
  const std::string& name = columns.series(static_cast<int>(series));
  if (status.code() == absl::StatusCode::kNotFound) {
    return absl::NotFoundError(
        absl::StrCat("columns.series[", series, "]: series \"", name,
                     "\" not found; column series must exist: create it "
                     "with CreateSeries, or send it as a series entry with "
                     "create_if_missing"));
  }
  for (absl::string_view column : {".timestamps_ms", ".values"}) {
    absl::string_view tail = rest;
    uint64_t point = 0;
    if (!absl::ConsumePrefix(&tail, column) || !ConsumeIndex(&tail, &point)) {
      continue;
    }
    uint64_t offset = 0;
    for (uint64_t i = 0; i < series; ++i) {
      offset += columns.counts(static_cast<int>(i));
    }
    return absl::Status(status.code(),
                        absl::StrCat("columns", column, "[", offset + point,
                                     "] (series \"", name, "\")", tail));
  }
  absl::ConsumePrefix(&rest, ".series");
  return absl::Status(status.code(),
                      absl::StrCat("columns.series[", series, "]", rest));
}

}  // namespace tsforecast::service
