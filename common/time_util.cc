#include "common/time_util.h"

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/calendar_step.h"

namespace tsforecast {

absl::StatusOr<int64_t> ParseTimestamp(absl::string_view text,
                                       EpochUnit epoch) {
  const absl::string_view t = absl::StripAsciiWhitespace(text);
  int64_t ms = 0;
  bool all_digits = !t.empty();
  for (size_t i = 0; i < t.size(); ++i) {
    if (!absl::ascii_isdigit(t[i]) && !(i == 0 && t[i] == '-')) {
      all_digits = false;
      break;
    }
  }
  if (all_digits && absl::SimpleAtoi(t, &ms)) {
    // A bare 4-digit number is far more likely a year than a millisecond.
    if (t.size() == 4) {
      return absl::InvalidArgumentError(
          absl::StrCat("timestamp \"", t,
                       "\": write a year as an ISO date, e.g. ", t, "-01-01"));
    }
    if (epoch == EpochUnit::kNone) {
      absl::CivilDay day;
      if (t.size() == 8 &&
          absl::ParseCivilTime(absl::StrCat(t.substr(0, 4), "-", t.substr(4, 2),
                                            "-", t.substr(6)),
                               &day)) {
        return absl::InvalidArgumentError(absl::StrCat(
            "timestamp \"", t, "\" is ambiguous: as a date it is ",
            absl::FormatCivilTime(day), ", as epoch milliseconds ",
            absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::FromUnixMillis(ms),
                             absl::UTCTimeZone()),
            "; write the date as ", absl::FormatCivilTime(day),
            ", or give the epoch unit (--time-unit ms or s)"));
      }
      return absl::InvalidArgumentError(absl::StrCat(
          "timestamp \"", t,
          "\" is a bare number: give its epoch unit (--time-unit ms or s) or "
          "write an ISO-8601 date such as 2024-03-01"));
    }
    if (epoch == EpochUnit::kSeconds) {
      if (ms > kMaxTimestampMs / 1000 || ms < kMinTimestampMs / 1000) {
        return absl::InvalidArgumentError(absl::StrCat(
            "timestamp \"", t, "\": outside years 1000 to 9999 as seconds"));
      }
      ms *= 1000;
    }
  } else {
    static constexpr const char* kFormats[] = {
        "%Y-%m-%dT%H:%M:%E*S%Ez", "%Y-%m-%d %H:%M:%E*S%Ez",
        "%Y-%m-%dT%H:%M:%E*S",    "%Y-%m-%d %H:%M:%E*S",
        "%Y-%m-%dT%H:%M%Ez",      "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M",         "%Y-%m-%d",
    };
    std::string normalized(t);
    if (!normalized.empty() &&
        (normalized.back() == 'Z' || normalized.back() == 'z')) {
      normalized.back() = '+';
      normalized += "00:00";
    }
    bool parsed = false;
    for (const char* format : kFormats) {
      absl::Time time;
      std::string err;
      if (absl::ParseTime(format, normalized, absl::UTCTimeZone(), &time,
                          &err)) {
        ms = absl::ToUnixMillis(time);
        parsed = true;
        break;
      }
    }
    if (!parsed) {
      return absl::InvalidArgumentError(absl::StrCat(
          "timestamp \"", t,
          "\": expected epoch milliseconds or ISO-8601 such as 2024-03-01 or "
          "2024-03-01T12:00:00Z"));
    }
  }
  if (!IsValidTimestampMs(ms)) {
    return absl::InvalidArgumentError(
        absl::StrCat("timestamp \"", t, "\": outside years 1000 to 9999"));
  }
  return ms;
}

std::string FormatTimestamp(int64_t ts_ms) {
  const absl::Time time = absl::FromUnixMillis(ts_ms);
  const char* format =
      ts_ms % 1000 == 0 ? "%Y-%m-%dT%H:%M:%SZ" : "%Y-%m-%dT%H:%M:%E3SZ";
  return absl::FormatTime(format, time, absl::UTCTimeZone());
}

}  // namespace tsforecast
