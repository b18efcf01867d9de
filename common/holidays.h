// Holidays of a business-day calendar: weekdays on which a market is closed.
// A business-day series with holidays has no step on those days, so they
// are neither counted as missing nor forecast. A series names a calendar
// shipped with the service, lists its own dates, or both.
#ifndef TSFORECAST_COMMON_HOLIDAYS_H_
#define TSFORECAST_COMMON_HOLIDAYS_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace tsforecast {

// A set of closed weekdays, as days since 1970-01-01 (UTC).
class Holidays {
 public:
  Holidays() = default;
  // `days` in any order, duplicates allowed; weekend days are dropped
  // because a business-day calendar skips them anyway.
  explicit Holidays(std::vector<int64_t> days);

  bool empty() const { return days_.empty(); }
  bool Contains(int64_t day) const;
  // How many holidays fall on or before `day`.
  int64_t CountThrough(int64_t day) const;
  const std::vector<int64_t>& days() const { return days_; }

  friend bool operator==(const Holidays&, const Holidays&) = default;

 private:
  std::vector<int64_t> days_;  // sorted, unique, weekdays only
};

// What a series declares about its holidays.
struct HolidaySpec {
  // The name of a shipped calendar ("us_nyse", "uk_lse"), or empty.
  std::string calendar;
  // Further closed dates, days since the epoch, sorted and unique.
  std::vector<int64_t> dates;

  bool empty() const { return calendar.empty() && dates.empty(); }
  friend bool operator==(const HolidaySpec&, const HolidaySpec&) = default;
};

// Most dates a series may list itself (forty years of a busy exchange).
inline constexpr size_t kMaxHolidayDates = 2000;

// The names of the shipped calendars, sorted.
std::vector<std::string> HolidayCalendarNames();

// The first and last year a shipped calendar covers; dates outside that
// range have no holidays from it.
struct CalendarYears {
  int first = 0;
  int last = 0;
};
absl::StatusOr<CalendarYears> HolidayCalendarYears(absl::string_view name);

// INVALID_ARGUMENT for an unknown calendar (naming the known ones) or too
// many dates; `dates` must already be sorted and unique.
absl::Status ValidateHolidaySpec(const HolidaySpec& spec);

// The closed days `spec` declares: nullptr when it declares none.
absl::StatusOr<std::shared_ptr<const Holidays>> ResolveHolidays(
    const HolidaySpec& spec);

// "2024-12-24" to days since the epoch; INVALID_ARGUMENT naming the accepted
// form otherwise.
absl::StatusOr<int64_t> ParseIsoDay(absl::string_view text);
std::string FormatIsoDay(int64_t day);

// Parses ISO dates (any order, duplicates allowed) into sorted unique days;
// an error names the bad entry by position.
absl::StatusOr<std::vector<int64_t>> ParseHolidayDates(
    absl::Span<const std::string> dates);

}  // namespace tsforecast

#endif  // TSFORECAST_COMMON_HOLIDAYS_H_
