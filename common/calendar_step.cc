#include "common/calendar_step.h"

#include <algorithm>
#include <cstdlib>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"

namespace tsforecast {
namespace {

constexpr int64_t kSecondMs = 1000;
constexpr int64_t kMinuteMs = 60 * kSecondMs;
constexpr int64_t kHourMs = 60 * kMinuteMs;
constexpr int64_t kDayMs = 24 * kHourMs;
constexpr int64_t kWeekMs = 7 * kDayMs;
// 1970-01-05 was a Monday: weeks are aligned to it.
constexpr int64_t kWeekOriginMs = 4 * kDayMs;

int64_t FloorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

struct UnitName {
  const char* text;
  StepUnit unit;
};

// The first name of each unit is its canonical one.
constexpr UnitName kUnitNames[] = {
    {"s", StepUnit::kSecond},
    {"sec", StepUnit::kSecond},
    {"second", StepUnit::kSecond},
    {"seconds", StepUnit::kSecond},
    {"m", StepUnit::kMinute},
    {"min", StepUnit::kMinute},
    {"minute", StepUnit::kMinute},
    {"minutes", StepUnit::kMinute},
    {"h", StepUnit::kHour},
    {"hour", StepUnit::kHour},
    {"hours", StepUnit::kHour},
    {"d", StepUnit::kDay},
    {"day", StepUnit::kDay},
    {"days", StepUnit::kDay},
    {"w", StepUnit::kWeek},
    {"week", StepUnit::kWeek},
    {"weeks", StepUnit::kWeek},
    {"mo", StepUnit::kMonth},
    {"month", StepUnit::kMonth},
    {"months", StepUnit::kMonth},
    {"q", StepUnit::kQuarter},
    {"quarter", StepUnit::kQuarter},
    {"quarters", StepUnit::kQuarter},
    {"y", StepUnit::kYear},
    {"year", StepUnit::kYear},
    {"years", StepUnit::kYear},
    {"bd", StepUnit::kBusinessDay},
    {"bday", StepUnit::kBusinessDay},
    {"business_day", StepUnit::kBusinessDay},
    {"business_days", StepUnit::kBusinessDay},
};

// Monday 1969-12-29, three days before the epoch: business days are
// counted from it.
constexpr int64_t kBusinessOriginDays = -3;

// The index among weekdays of the business day containing `ts_ms` (a
// weekend gives the Friday before).
int64_t MsToBusinessIndex(int64_t ts_ms) {
  const int64_t days = FloorDiv(ts_ms, kDayMs) - kBusinessOriginDays;
  const int64_t week = FloorDiv(days, 7);
  const int64_t weekday = days - 7 * week;  // 0 is Monday
  return 5 * week + std::min<int64_t>(weekday, 4);
}

int64_t BusinessIndexToMs(int64_t index) {
  const int64_t week = FloorDiv(index, 5);
  const int64_t weekday = index - 5 * week;
  return (7 * week + weekday + kBusinessOriginDays) * kDayMs;
}

int64_t MsToMonthIndex(int64_t ts_ms) {
  const absl::CivilSecond cs =
      absl::ToCivilSecond(absl::FromUnixMillis(ts_ms), absl::UTCTimeZone());
  return (cs.year() - 1970) * 12 + (cs.month() - 1);
}

int64_t MonthIndexToMs(int64_t month_index) {
  const int64_t year = 1970 + FloorDiv(month_index, 12);
  const int month =
      static_cast<int>(month_index - FloorDiv(month_index, 12) * 12) + 1;
  const absl::CivilMonth cm(year, month);
  return absl::ToUnixMillis(absl::FromCivil(cm, absl::UTCTimeZone()));
}

}  // namespace

bool IsValidTimestampMs(int64_t ts_ms) {
  return ts_ms >= kMinTimestampMs && ts_ms <= kMaxTimestampMs;
}

absl::StatusOr<CalendarStep> CalendarStep::Parse(absl::string_view text) {
  const std::string lower =
      absl::AsciiStrToLower(absl::StripAsciiWhitespace(text));
  size_t digits = 0;
  while (digits < lower.size() && absl::ascii_isdigit(lower[digits])) ++digits;
  int64_t count = 0;
  if (digits == 0 || !absl::SimpleAtoi(lower.substr(0, digits), &count)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "step \"", text,
        "\": expected a count then a unit, e.g. 1d, 15m, 1mo, 1q, 1y"));
  }
  const std::string unit_text(
      absl::StripAsciiWhitespace(absl::string_view(lower).substr(digits)));
  for (const UnitName& name : kUnitNames) {
    if (unit_text == name.text) {
      CalendarStep step(name.unit, count);
      absl::Status status = step.Validate();
      if (!status.ok()) {
        return absl::InvalidArgumentError(
            absl::StrCat("step \"", text, "\": ", status.message()));
      }
      return step;
    }
  }
  return absl::InvalidArgumentError(
      absl::StrCat("step \"", text, "\": unknown unit \"", unit_text,
                   "\"; use s, m, h, d, bd (business days), w, mo, q or y"));
}

absl::Status CalendarStep::Validate() const {
  if (unit_ < StepUnit::kSecond || unit_ > StepUnit::kBusinessDay) {
    return absl::InvalidArgumentError("unknown step unit");
  }
  if (count_ < 1 || count_ > kMaxCount) {
    return absl::InvalidArgumentError(absl::StrCat(
        "step count must be in [1, ", kMaxCount, "], got ", count_));
  }
  return absl::OkStatus();
}

std::string CalendarStep::ToString() const {
  for (const UnitName& name : kUnitNames) {
    if (name.unit == unit_) return absl::StrCat(count_, name.text);
  }
  return absl::StrCat(count_, "?");
}

int64_t CalendarStep::MonthsPerStep() const {
  switch (unit_) {
    case StepUnit::kMonth:
      return count_;
    case StepUnit::kQuarter:
      return 3 * count_;
    case StepUnit::kYear:
      return 12 * count_;
    default:
      return 0;
  }
}

int64_t CalendarStep::NominalMs() const {
  switch (unit_) {
    case StepUnit::kSecond:
      return count_ * kSecondMs;
    case StepUnit::kMinute:
      return count_ * kMinuteMs;
    case StepUnit::kHour:
      return count_ * kHourMs;
    case StepUnit::kDay:
      return count_ * kDayMs;
    case StepUnit::kWeek:
      return count_ * kWeekMs;
    case StepUnit::kBusinessDay:
      return count_ * kWeekMs / 5;
    default:
      // 365.2425 days / 12 months.
      return MonthsPerStep() * 2629746000LL;
  }
}

CalendarStep CalendarStep::WithHolidays(
    std::shared_ptr<const Holidays> holidays) const {
  CalendarStep out = *this;
  out.holidays_ =
      holidays != nullptr && !holidays->empty() ? std::move(holidays) : nullptr;
  return out;
}

bool operator==(const CalendarStep& a, const CalendarStep& b) {
  if (a.unit_ != b.unit_ || a.count_ != b.count_) return false;
  if (a.holidays_ == b.holidays_) return true;
  return a.holidays_ != nullptr && b.holidays_ != nullptr &&
         *a.holidays_ == *b.holidays_;
}

int64_t CalendarStep::OpenDayIndex(int64_t ts_ms) const {
  const int64_t index = MsToBusinessIndex(ts_ms);
  if (holidays_ == nullptr) return index;
  // A holiday counts itself, so it shares the index of the open day before.
  return index -
         holidays_->CountThrough(FloorDiv(BusinessIndexToMs(index), kDayMs));
}

int64_t CalendarStep::OpenDayStartMs(int64_t index) const {
  if (holidays_ == nullptr) return BusinessIndexToMs(index);
  // The least weekday b with b - holidays through b == index. The map from
  // b is monotone, so iterating from below reaches that fixed point, and it
  // is never a holiday (the weekday before would be a smaller one). Each
  // round skips at least one holiday, so the rounds are few.
  int64_t b = index;
  for (;;) {
    const int64_t next =
        index + holidays_->CountThrough(FloorDiv(BusinessIndexToMs(b), kDayMs));
    if (next == b) return BusinessIndexToMs(b);
    b = next;
  }
}

bool CalendarStep::IsOnCalendar(int64_t ts_ms) const {
  if (!IsBusinessDays()) return true;
  const int64_t day = FloorDiv(ts_ms, kDayMs);
  const int64_t days = day - kBusinessOriginDays;
  if (days - 7 * FloorDiv(days, 7) >= 5) return false;
  return holidays_ == nullptr || !holidays_->Contains(day);
}

int64_t CalendarStep::AlignDown(int64_t ts_ms) const {
  if (IsBusinessDays()) {
    return OpenDayStartMs(FloorDiv(OpenDayIndex(ts_ms), count_) * count_);
  }
  if (IsFixed()) {
    const int64_t step = NominalMs();
    const int64_t origin = unit_ == StepUnit::kWeek ? kWeekOriginMs : 0;
    return origin + FloorDiv(ts_ms - origin, step) * step;
  }
  const int64_t months = MonthsPerStep();
  return MonthIndexToMs(FloorDiv(MsToMonthIndex(ts_ms), months) * months);
}

int64_t CalendarStep::StepsBetween(int64_t from_ms, int64_t to_ms) const {
  if (IsBusinessDays()) {
    return FloorDiv(OpenDayIndex(to_ms), count_) -
           FloorDiv(OpenDayIndex(from_ms), count_);
  }
  if (IsFixed()) {
    const int64_t step = NominalMs();
    return (AlignDown(to_ms) - AlignDown(from_ms)) / step;
  }
  const int64_t months = MonthsPerStep();
  return FloorDiv(MsToMonthIndex(to_ms), months) -
         FloorDiv(MsToMonthIndex(from_ms), months);
}

int64_t CalendarStep::Add(int64_t ts_ms, int64_t n) const {
  if (IsBusinessDays()) {
    return OpenDayStartMs((FloorDiv(OpenDayIndex(ts_ms), count_) + n) * count_);
  }
  if (IsFixed()) return ts_ms + n * NominalMs();
  const int64_t months = MonthsPerStep();
  const int64_t start = FloorDiv(MsToMonthIndex(ts_ms), months) * months;
  return MonthIndexToMs(start + n * months);
}

absl::StatusOr<CalendarStep> CalendarWithHolidays(const CalendarStep& step,
                                                  const HolidaySpec& spec) {
  if (spec.empty()) return step;
  if (!step.IsBusinessDays()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "holidays apply to business-day series (step 1bd), not to step ",
        step.ToString()));
  }
  absl::StatusOr<std::shared_ptr<const Holidays>> holidays =
      ResolveHolidays(spec);
  if (!holidays.ok()) return holidays.status();
  return step.WithHolidays(*std::move(holidays));
}

}  // namespace tsforecast
