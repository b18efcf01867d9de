// Calendar steps: "every N seconds ... years". Fixed-length units are plain
// millisecond arithmetic; months, quarters and years follow the UTC civil
// calendar, so a monthly series sits on month starts rather than every 30 days.
// Shared by storage (aggregation windows on read) and forecast (the grid of a
// series, future timestamps). All times are int64 milliseconds since the Unix
// epoch, UTC.
#ifndef TSFORECAST_COMMON_CALENDAR_STEP_H_
#define TSFORECAST_COMMON_CALENDAR_STEP_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/holidays.h"

namespace tsforecast {

enum class StepUnit : uint8_t {
  kSecond = 1,
  kMinute = 2,
  kHour = 3,
  kDay = 4,
  kWeek = 5,
  kMonth = 6,
  kQuarter = 7,
  kYear = 8,
  // Monday to Friday (UTC): trading days. A weekend time belongs to the
  // Friday before it.
  kBusinessDay = 9,
};

// Earliest and latest timestamps the service accepts: years 1000 to 9999, so
// that calendar arithmetic never overflows and typos such as seconds sent as
// milliseconds are caught.
inline constexpr int64_t kMinTimestampMs = -30610224000000;  // 1000-01-01
inline constexpr int64_t kMaxTimestampMs = 253402300799999;  // 9999-12-31

// Whether `ts_ms` lies within [kMinTimestampMs, kMaxTimestampMs].
bool IsValidTimestampMs(int64_t ts_ms);

class CalendarStep {
 public:
  // Largest accepted `count`.
  static constexpr int64_t kMaxCount = 1000000;

  CalendarStep() = default;
  CalendarStep(StepUnit unit, int64_t count) : unit_(unit), count_(count) {}

  // This step skipping `holidays` too (business days only; other units
  // ignore them). Holidays are not part of the text form.
  CalendarStep WithHolidays(std::shared_ptr<const Holidays> holidays) const;
  // Null when the step has no holidays.
  const std::shared_ptr<const Holidays>& holidays() const { return holidays_; }

  // Parses "30s", "5m", "1h", "1d", "1bd", "1w", "1mo", "1q", "1y" (count
  // then unit; count >= 1). Long unit names ("day", "months",
  // "business_days") are accepted too.
  static absl::StatusOr<CalendarStep> Parse(absl::string_view text);

  StepUnit unit() const { return unit_; }
  int64_t count() const { return count_; }

  // OK when count is in [1, kMaxCount] and the unit is known.
  absl::Status Validate() const;

  // Canonical text, e.g. "1d", "3mo"; Parse(ToString()) round-trips.
  std::string ToString() const;

  // True for units of fixed length (seconds to weeks).
  bool IsFixed() const { return unit_ <= StepUnit::kWeek; }
  // True for business days (Monday to Friday).
  bool IsBusinessDays() const { return unit_ == StepUnit::kBusinessDay; }
  // Whether `ts_ms` lies on a day the step counts: false for Saturdays,
  // Sundays and holidays with business days, true for every time otherwise.
  bool IsOnCalendar(int64_t ts_ms) const;

  // Exact length for fixed units; the average length for calendar units
  // (a month is 30.436875 days, a business day 1.4 days). Used for sizing,
  // never for placement.
  int64_t NominalMs() const;

  // The start of the step that contains `ts_ms`. Fixed steps are aligned to
  // multiples of the step since the epoch, except weeks, which start on Monday
  // 00:00 UTC. Calendar steps start on the first of a month whose index since
  // 1970-01 is a multiple of the step in months (so quarters start in Jan, Apr,
  // Jul, Oct and years on Jan 1). Business days start at 00:00 UTC on a
  // weekday whose index among weekdays since Monday 1969-12-29 is a multiple
  // of the count; Saturday and Sunday belong to the Friday before. With
  // holidays, business days are counted among open weekdays, and a holiday
  // belongs to the open day before it.
  int64_t AlignDown(int64_t ts_ms) const;

  // `ts_ms` moved by `n` steps (n may be negative). For calendar units the
  // time is first aligned down, so the result is always a step start.
  int64_t Add(int64_t ts_ms, int64_t n) const;

  // Number of steps from the step containing `from_ms` to the one containing
  // `to_ms` (negative when `to_ms` is earlier); Add(from, n) lands on to's
  // step start.
  int64_t StepsBetween(int64_t from_ms, int64_t to_ms) const;

  // Equal units, counts and holidays.
  friend bool operator==(const CalendarStep& a, const CalendarStep& b);

 private:
  int64_t MonthsPerStep() const;
  // The index among open weekdays of the business day containing `ts_ms`,
  // and its inverse (the start of the open day with that index).
  int64_t OpenDayIndex(int64_t ts_ms) const;
  int64_t OpenDayStartMs(int64_t index) const;

  StepUnit unit_ = StepUnit::kDay;
  int64_t count_ = 1;
  // Shared: one calendar serves every step of every series that names it.
  std::shared_ptr<const Holidays> holidays_;
};

// `step` with the holidays `spec` declares. INVALID_ARGUMENT when `spec`
// is invalid or declares holidays for a step other than business days.
absl::StatusOr<CalendarStep> CalendarWithHolidays(const CalendarStep& step,
                                                  const HolidaySpec& spec);

}  // namespace tsforecast

#endif  // TSFORECAST_COMMON_CALENDAR_STEP_H_
