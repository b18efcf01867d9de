// On-disk record of a series definition (default column family, key
// "s" + name). Our own versioned format; layout in docs/storage_format.md.
#ifndef TSFORECAST_STORAGE_SERIES_RECORD_H_
#define TSFORECAST_STORAGE_SERIES_RECORD_H_

#include <string>

#include "absl/status/statusor.h"
#include "storage/types.h"

namespace tsforecast::storage {

inline constexpr uint8_t kSeriesRecordVersion = 1;

// Encodes everything but the revision, which lives in its own family.
std::string EncodeSeriesRecord(const SeriesInfo& info);
// DATA_LOSS when malformed.
absl::StatusOr<SeriesInfo> DecodeSeriesRecord(absl::string_view in);

}  // namespace tsforecast::storage

#endif  // TSFORECAST_STORAGE_SERIES_RECORD_H_
