#include "common/time_util.h"

#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace tsforecast {
namespace {

TEST(TimeUtilTest, ParsesEpochMillisAndIsoForms) {
  ASSERT_OK_AND_ASSIGN(int64_t a, ParseTimestamp("1700000000000"));
  EXPECT_EQ(a, 1700000000000);
  ASSERT_OK_AND_ASSIGN(int64_t b, ParseTimestamp("2024-03-01"));
  EXPECT_EQ(b, 1709251200000);
  ASSERT_OK_AND_ASSIGN(int64_t c, ParseTimestamp("2024-03-01T00:00:00Z"));
  EXPECT_EQ(c, b);
  ASSERT_OK_AND_ASSIGN(int64_t d, ParseTimestamp("2024-03-01T08:00:00+08:00"));
  EXPECT_EQ(d, b);
  ASSERT_OK_AND_ASSIGN(int64_t e, ParseTimestamp("2024-03-01 00:00:00.250"));
  EXPECT_EQ(e, b + 250);
}

TEST(TimeUtilTest, RejectsGarbageAndOutOfRange) {
  EXPECT_STATUS(ParseTimestamp("yesterday"), absl::StatusCode::kInvalidArgument,
                "expected epoch milliseconds or ISO-8601");
  EXPECT_STATUS(ParseTimestamp("2024"), absl::StatusCode::kInvalidArgument,
                "write a year as an ISO date");
  EXPECT_STATUS(ParseTimestamp("99999999999999999"),
                absl::StatusCode::kInvalidArgument, "outside years");
}

TEST(TimeUtilTest, BareNumbersNeedTheirUnit) {
  EXPECT_STATUS(ParseTimestamp("20230401", EpochUnit::kNone),
                absl::StatusCode::kInvalidArgument,
                "is ambiguous: as a date it is 2023-04-01, as epoch "
                "milliseconds 1970-01-01T05:37:10.401Z");
  EXPECT_STATUS(ParseTimestamp("1700000000000", EpochUnit::kNone),
                absl::StatusCode::kInvalidArgument,
                "is a bare number: give its epoch unit");
  // 8 digits that are no date are only a bare number.
  EXPECT_STATUS(ParseTimestamp("20231345", EpochUnit::kNone),
                absl::StatusCode::kInvalidArgument, "is a bare number");
  ASSERT_OK_AND_ASSIGN(int64_t s,
                       ParseTimestamp("1709251200", EpochUnit::kSeconds));
  EXPECT_EQ(s, 1709251200000);
  EXPECT_STATUS(ParseTimestamp("999999999999", EpochUnit::kSeconds),
                absl::StatusCode::kInvalidArgument, "as seconds");
  // ISO forms need no unit.
  ASSERT_OK_AND_ASSIGN(int64_t d,
                       ParseTimestamp("2024-03-01", EpochUnit::kNone));
  EXPECT_EQ(d, 1709251200000);
}

TEST(TimeUtilTest, FormatsRfc3339) {
  EXPECT_EQ(FormatTimestamp(1709251200000), "2024-03-01T00:00:00Z");
  EXPECT_EQ(FormatTimestamp(1709251200250), "2024-03-01T00:00:00.250Z");
}

}  // namespace
}  // namespace tsforecast
