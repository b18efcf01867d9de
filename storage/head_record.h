// The payload of a head log record: the points one write request appended,
// per series id. Plain varints and raw doubles: the log is written on every
// request and read only after a crash, so encoding speed matters more than
// size (points are compressed when a checkpoint writes them to RocksDB).
#ifndef TSFORECAST_STORAGE_HEAD_RECORD_H_
#define TSFORECAST_STORAGE_HEAD_RECORD_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "storage/types.h"

namespace tsforecast::storage {

struct HeadSeriesPoints {
  SeriesId id = 0;
  std::vector<Point> points;
};

// Starts a record that will hold `series_count` series; each is then
// appended with AddToHeadRecord, in one buffer.
std::string StartHeadRecord(uint64_t series_count);
void AddToHeadRecord(SeriesId id, const std::vector<Point>& points,
                     std::string* record);

// DATA_LOSS when the payload is not a version-1 record.
absl::Status DecodeHeadRecord(absl::string_view payload,
                              std::vector<HeadSeriesPoints>* out);

}  // namespace tsforecast::storage

#endif  // TSFORECAST_STORAGE_HEAD_RECORD_H_
