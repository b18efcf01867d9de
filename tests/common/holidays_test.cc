#include "common/holidays.h"

#include <random>

#include "absl/strings/str_split.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/calendar_step.h"
#include "common/holiday_calendars_data.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace tsforecast {
namespace {

constexpr int64_t kDayMs = 86400000;

int64_t Day(int y, int m, int d) {
  return absl::CivilDay(y, m, d) - absl::CivilDay(1970, 1, 1);
}

int64_t Ms(int y, int m, int d, int hh = 0) {
  return Day(y, m, d) * kDayMs + hh * 3600000LL;
}

HolidaySpec Spec(std::string calendar, std::vector<int64_t> dates = {}) {
  HolidaySpec spec;
  spec.calendar = std::move(calendar);
  spec.dates = std::move(dates);
  return spec;
}

std::shared_ptr<const Holidays> Resolve(const HolidaySpec& spec) {
  absl::StatusOr<std::shared_ptr<const Holidays>> h = ResolveHolidays(spec);
  EXPECT_TRUE(h.ok()) << h.status();
  return h.ok() ? *h : nullptr;
}

TEST(HolidaysTest, DropsWeekendsAndDuplicates) {
  // 2024-12-25 Wednesday twice, 2024-12-28 Saturday.
  Holidays h({Day(2024, 12, 25), Day(2024, 12, 28), Day(2024, 12, 25)});
  EXPECT_EQ(h.days(), std::vector<int64_t>{Day(2024, 12, 25)});
  EXPECT_TRUE(h.Contains(Day(2024, 12, 25)));
  EXPECT_EQ(h.CountThrough(Day(2024, 12, 24)), 0);
  EXPECT_EQ(h.CountThrough(Day(2024, 12, 25)), 1);
}

TEST(HolidaysTest, ParsesIsoDatesStrictly) {
  ASSERT_OK_AND_ASSIGN(int64_t day, ParseIsoDay("2024-12-24"));
  EXPECT_EQ(day, Day(2024, 12, 24));
  EXPECT_EQ(FormatIsoDay(day), "2024-12-24");
  for (const char* bad : {"2024-12-32", "2024-2-1", "20241224", "", "x"}) {
    EXPECT_STATUS(ParseIsoDay(bad), absl::StatusCode::kInvalidArgument,
                  "YYYY-MM-DD");
  }
  EXPECT_STATUS(ParseHolidayDates({"2024-12-24", "24.12.2024"}),
                absl::StatusCode::kInvalidArgument, "holidays[1]");
  ASSERT_OK_AND_ASSIGN(
      std::vector<int64_t> days,
      ParseHolidayDates({"2024-12-26", "2024-12-24", "2024-12-26"}));
  EXPECT_EQ(days, (std::vector<int64_t>{Day(2024, 12, 24), Day(2024, 12, 26)}));
}

TEST(HolidaysTest, ShippedCalendarsHaveTheKnownClosures) {
  EXPECT_EQ(HolidayCalendarNames(),
            (std::vector<std::string>{"uk_lse", "us_nyse"}));
  std::shared_ptr<const Holidays> us = Resolve(Spec("us_nyse"));
  ASSERT_NE(us, nullptr);
  // Observed on the Friday before a Saturday Christmas (2021), on the
  // Monday after a Sunday Juneteenth (2022), not at all for a Saturday New
  // Year (2022); Good Friday moves with Easter; special closures listed.
  EXPECT_TRUE(us->Contains(Day(2021, 12, 24)));
  EXPECT_TRUE(us->Contains(Day(2022, 6, 20)));
  EXPECT_FALSE(us->Contains(Day(2021, 12, 31)));
  EXPECT_TRUE(us->Contains(Day(2024, 3, 29)));
  EXPECT_TRUE(us->Contains(Day(2012, 10, 29)));
  EXPECT_FALSE(us->Contains(Day(2024, 12, 24)));
  std::shared_ptr<const Holidays> uk = Resolve(Spec("uk_lse"));
  ASSERT_NE(uk, nullptr);
  // Easter Monday, substitute Boxing Day, the moved 2020 May holiday.
  EXPECT_TRUE(uk->Contains(Day(2024, 4, 1)));
  EXPECT_TRUE(uk->Contains(Day(2020, 12, 28)));
  EXPECT_TRUE(uk->Contains(Day(2020, 5, 8)));
  EXPECT_FALSE(uk->Contains(Day(2020, 5, 4)));
  EXPECT_FALSE(uk->Contains(Day(2024, 7, 4)));
  ASSERT_OK_AND_ASSIGN(CalendarYears years, HolidayCalendarYears("us_nyse"));
  EXPECT_EQ(years.first, 1980);
  EXPECT_EQ(years.last, 2035);
}

TEST(HolidaysTest, EveryLineOfTheShippedFilesIsADate) {
  for (const ShippedCalendarText& text : ShippedCalendarTexts()) {
    int dates = 0;
    for (absl::string_view line : absl::StrSplit(text.text, '\n')) {
      if (line.empty() || line[0] == '#') continue;
      EXPECT_OK(ParseIsoDay(line.substr(0, 10))) << text.name << ": " << line;
      ++dates;
    }
    EXPECT_GT(dates, 400) << text.name;
  }
}

TEST(HolidaysTest, SpecsCombineACalendarWithOwnDates) {
  std::shared_ptr<const Holidays> h =
      Resolve(Spec("us_nyse", {Day(2024, 12, 24)}));
  ASSERT_NE(h, nullptr);
  EXPECT_TRUE(h->Contains(Day(2024, 12, 24)));
  EXPECT_TRUE(h->Contains(Day(2024, 12, 25)));
  EXPECT_EQ(Resolve(Spec("")), nullptr);
  EXPECT_STATUS(ResolveHolidays(Spec("tse")),
                absl::StatusCode::kInvalidArgument, "known: uk_lse, us_nyse");
  HolidaySpec too_many;
  for (size_t i = 0; i <= kMaxHolidayDates; ++i) too_many.dates.push_back(i);
  EXPECT_STATUS(ValidateHolidaySpec(too_many),
                absl::StatusCode::kInvalidArgument, "at most 2000");
  EXPECT_STATUS(ValidateHolidaySpec(Spec("", {3, 2})),
                absl::StatusCode::kInvalidArgument, "unique");
}

TEST(HolidayStepTest, SkipsHolidaysLikeWeekends) {
  const CalendarStep bd = CalendarStep(StepUnit::kBusinessDay, 1)
                              .WithHolidays(Resolve(Spec("us_nyse")));
  // Wednesday 2024-12-25 is closed: the day after Tuesday the 24th is
  // Thursday the 26th, and Christmas time belongs to the 24th.
  EXPECT_EQ(bd.Add(Ms(2024, 12, 24), 1), Ms(2024, 12, 26));
  EXPECT_EQ(bd.Add(Ms(2024, 12, 26), -1), Ms(2024, 12, 24));
  EXPECT_EQ(bd.AlignDown(Ms(2024, 12, 25, 15)), Ms(2024, 12, 24));
  EXPECT_FALSE(bd.IsOnCalendar(Ms(2024, 12, 25)));
  EXPECT_TRUE(bd.IsOnCalendar(Ms(2024, 12, 24, 15)));
  EXPECT_EQ(bd.StepsBetween(Ms(2024, 12, 24), Ms(2024, 12, 26)), 1);
  // Friday 2024-03-29 (Good Friday) and the weekend after it belong to
  // Thursday; Monday follows Thursday.
  EXPECT_EQ(bd.AlignDown(Ms(2024, 3, 30)), Ms(2024, 3, 28));
  EXPECT_EQ(bd.Add(Ms(2024, 3, 28), 1), Ms(2024, 4, 1));
  // The same step without holidays is a different calendar.
  EXPECT_FALSE(bd == CalendarStep(StepUnit::kBusinessDay, 1));
  EXPECT_EQ(CalendarStep(StepUnit::kDay, 1).WithHolidays(nullptr),
            CalendarStep(StepUnit::kDay, 1));
}

// Walks day by day and checks that the step arithmetic agrees with counting
// open days, for random holiday sets including runs of closed days.
TEST(HolidayStepTest, ArithmeticMatchesADayByDayWalk) {
  std::mt19937 rng(7);
  for (int trial = 0; trial < 20; ++trial) {
    std::vector<int64_t> closed;
    const int64_t first = Day(2023, 1, 1);
    for (int64_t d = first; d < first + 400; ++d) {
      if (rng() % 6 == 0) closed.push_back(d);
    }
    auto holidays = std::make_shared<const Holidays>(closed);
    for (int64_t count : {1, 3}) {
      const CalendarStep step =
          CalendarStep(StepUnit::kBusinessDay, count).WithHolidays(holidays);
      std::vector<int64_t> open;  // open days in order
      for (int64_t d = first; d < first + 400; ++d) {
        if (step.IsOnCalendar(d * kDayMs)) open.push_back(d);
      }
      const int64_t base = step.AlignDown(open[5] * kDayMs);
      ASSERT_TRUE(step.IsOnCalendar(base));
      size_t base_pos = 0;
      while (open[base_pos] * kDayMs != base) ++base_pos;
      for (size_t k = 0; base_pos + k * count < open.size(); ++k) {
        const int64_t expected = open[base_pos + k * count] * kDayMs;
        ASSERT_EQ(step.Add(base, static_cast<int64_t>(k)), expected)
            << "trial " << trial << " count " << count << " k " << k;
        ASSERT_EQ(step.StepsBetween(base, expected + kDayMs / 2),
                  static_cast<int64_t>(k));
        ASSERT_EQ(step.AlignDown(expected + kDayMs - 1), expected);
      }
    }
  }
}

}  // namespace
}  // namespace tsforecast
