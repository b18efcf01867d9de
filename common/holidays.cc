#include "common/holidays.h"

#include <algorithm>
#include <map>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/civil_time.h"
#include "common/holiday_calendars_data.h"

namespace tsforecast {
namespace {

// 1970-01-01 was a Thursday: day d is a weekend when (d + 3) mod 7 >= 5.
bool IsWeekendDay(int64_t day) {
  const int64_t weekday = ((day + 3) % 7 + 7) % 7;  // 0 is Monday
  return weekday >= 5;
}

const absl::CivilDay kEpochDay(1970, 1, 1);

struct ShippedCalendar {
  std::shared_ptr<const Holidays> holidays;
  CalendarYears years;
};

// Parsed once. Lines that do not start with a date are skipped here; the
// holiday tests check that every line of the shipped files is a date.
const std::map<std::string, ShippedCalendar, std::less<>>& Shipped() {
  static const auto* calendars = [] {
    auto* out = new std::map<std::string, ShippedCalendar, std::less<>>();
    for (const ShippedCalendarText& text : ShippedCalendarTexts()) {
      std::vector<int64_t> days;
      CalendarYears years{9999, 0};
      for (absl::string_view line : absl::StrSplit(text.text, '\n')) {
        if (line.empty() || line[0] == '#') continue;
        absl::StatusOr<int64_t> day = ParseIsoDay(line.substr(0, 10));
        if (!day.ok()) continue;
        days.push_back(*day);
        const int year = static_cast<int>((kEpochDay + *day).year());
        years.first = std::min(years.first, year);
        years.last = std::max(years.last, year);
      }
      (*out)[text.name] = {std::make_shared<Holidays>(std::move(days)), years};
    }
    return out;
  }();
  return *calendars;
}

}  // namespace

Holidays::Holidays(std::vector<int64_t> days) : days_(std::move(days)) {
  std::erase_if(days_, IsWeekendDay);
  std::sort(days_.begin(), days_.end());
  days_.erase(std::unique(days_.begin(), days_.end()), days_.end());
}

bool Holidays::Contains(int64_t day) const {
  return std::binary_search(days_.begin(), days_.end(), day);
}

int64_t Holidays::CountThrough(int64_t day) const {
  return std::upper_bound(days_.begin(), days_.end(), day) - days_.begin();
}

std::vector<std::string> HolidayCalendarNames() {
  std::vector<std::string> names;
  for (const auto& [name, calendar] : Shipped()) names.push_back(name);
  return names;
}

absl::StatusOr<CalendarYears> HolidayCalendarYears(absl::string_view name) {
  auto it = Shipped().find(name);
  if (it == Shipped().end()) {
    return absl::NotFoundError(absl::StrCat(
        "no holiday calendar \"", name,
        "\"; known: ", absl::StrJoin(HolidayCalendarNames(), ", ")));
  }
  return it->second.years;
}

absl::Status ValidateHolidaySpec(const HolidaySpec& spec) {
  if (!spec.calendar.empty() && !Shipped().contains(spec.calendar)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "holiday_calendar: no calendar \"", spec.calendar.substr(0, 64),
        "\"; known: ", absl::StrJoin(HolidayCalendarNames(), ", "),
        " (or list the dates in holidays)"));
  }
  if (spec.dates.size() > kMaxHolidayDates) {
    return absl::InvalidArgumentError(
        absl::StrCat("holidays: ", spec.dates.size(), " dates; at most ",
                     kMaxHolidayDates, " may be listed"));
  }
  if (!std::is_sorted(spec.dates.begin(), spec.dates.end()) ||
      std::adjacent_find(spec.dates.begin(), spec.dates.end()) !=
          spec.dates.end()) {
    return absl::InvalidArgumentError("holidays: dates must be unique");
  }
  return absl::OkStatus();
}

absl::StatusOr<std::shared_ptr<const Holidays>> ResolveHolidays(
    const HolidaySpec& spec) {
  if (absl::Status s = ValidateHolidaySpec(spec); !s.ok()) return s;
  if (spec.empty()) return nullptr;
  std::shared_ptr<const Holidays> shipped;
  if (!spec.calendar.empty())
    shipped = Shipped().find(spec.calendar)->second.holidays;
  if (spec.dates.empty()) return shipped;
  std::vector<int64_t> days = spec.dates;
  if (shipped != nullptr) {
    days.insert(days.end(), shipped->days().begin(), shipped->days().end());
  }
  return std::make_shared<const Holidays>(std::move(days));
}

absl::StatusOr<int64_t> ParseIsoDay(absl::string_view text) {
  absl::CivilDay day;
  if (text.size() != 10 || !absl::ParseCivilTime(text, &day) ||
      absl::FormatCivilTime(day) != text) {
    return absl::InvalidArgumentError(absl::StrCat(
        "\"", text.substr(0, 32), "\" is not a date; write YYYY-MM-DD"));
  }
  if (day.year() < 1000 || day.year() > 9999) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", text, "\": the year must be in 1000 to 9999"));
  }
  return day - kEpochDay;
}

std::string FormatIsoDay(int64_t day) {
  return absl::FormatCivilTime(kEpochDay + day);
}

absl::StatusOr<std::vector<int64_t>> ParseHolidayDates(
    absl::Span<const std::string> dates) {
  std::vector<int64_t> days;
  days.reserve(dates.size());
  for (size_t i = 0; i < dates.size(); ++i) {
    absl::StatusOr<int64_t> day = ParseIsoDay(dates[i]);
    if (!day.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("holidays[", i, "]: ", day.status().message()));
    }
    days.push_back(*day);
  }
  std::sort(days.begin(), days.end());
  days.erase(std::unique(days.begin(), days.end()), days.end());
  return days;
}

}  // namespace tsforecast
