// Parsing and printing of timestamps as people and CSV files write them.
#ifndef TSFORECAST_COMMON_TIME_UTIL_H_
#define TSFORECAST_COMMON_TIME_UTIL_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace tsforecast {

// What an all-digit timestamp means.
enum class EpochUnit {
  kNone,          // nothing: an all-digit token is an error (strict input)
  kSeconds,       // seconds since the epoch
  kMilliseconds,  // milliseconds since the epoch
};

// Accepts ISO-8601 dates ("2024-03-01"), date-times with optional fraction
// and zone ("2024-03-01T12:00:00Z", "2024-03-01 12:00:00.250+08:00"; a
// time without a zone is UTC) and, with `epoch` other than kNone, epoch
// values in that unit. Without a unit an all-digit token is an error that
// says how to write it, and for 8 digits that read as a date (20230401)
// gives both readings. Returns milliseconds since the epoch.
absl::StatusOr<int64_t> ParseTimestamp(
    absl::string_view text, EpochUnit epoch = EpochUnit::kMilliseconds);

// RFC 3339 in UTC with milliseconds when they are not zero:
// "2024-03-01T00:00:00Z", "2024-03-01T00:00:00.250Z".
std::string FormatTimestamp(int64_t ts_ms);

}  // namespace tsforecast

#endif  // TSFORECAST_COMMON_TIME_UTIL_H_
