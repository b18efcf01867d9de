#include "service/ingest/pushed_series.h"

#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace tsforecast::service::ingest {
namespace {

TEST(PushedSeriesTest, NamesAreTheMetricAloneOrWithAStableHash) {
  ASSERT_OK_AND_ASSIGN(std::string bare,
                       PushedSeriesName({{"__name__", "up"}}));
  EXPECT_EQ(bare, "up");
  ASSERT_OK_AND_ASSIGN(
      std::string a,
      PushedSeriesName({{"__name__", "up"}, {"job", "a"}, {"instance", "x"}}));
  // Fixed across builds and runs, as stored names must never change:
  // FNV-1a 64 of "instance=x\0job=a\0" (checked with a Python one-liner).
  EXPECT_EQ(a, "up:5537c035c77e8b1a");
  ASSERT_OK_AND_ASSIGN(std::string b,
                       PushedSeriesName({{"__name__", "up"}, {"job", "b"}}));
  EXPECT_NE(a, b);
  // Label boundaries count: {ab="c"} and {a="bc"} differ.
  EXPECT_NE(*PushedSeriesName({{"__name__", "m"}, {"ab", "c"}}),
            *PushedSeriesName({{"__name__", "m"}, {"a", "bc"}}));
}

TEST(PushedSeriesTest, LabelsThatCannotNameASeriesAreRefused) {
  EXPECT_STATUS(PushedSeriesName({{"job", "a"}}),
                absl::StatusCode::kInvalidArgument, "no metric name");
  EXPECT_STATUS(PushedSeriesName({{"__name__", "9x"}}),
                absl::StatusCode::kInvalidArgument, "metric name must match");
  EXPECT_STATUS(PushedSeriesName({{"__name__", "m"}, {"bad-name", "v"}}),
                absl::StatusCode::kInvalidArgument, "label name may only");
  EXPECT_STATUS(
      PushedSeriesName({{"__name__", std::string(190, 'm')}, {"a", "b"}}),
      absl::StatusCode::kInvalidArgument, "at most 200");
}

TEST(PushedSeriesTest, EmptyValuesAreAbsentLabels) {
  EXPECT_EQ(WithoutEmptyValues({{"__name__", "m"}, {"a", ""}, {"b", "1"}}),
            (storage::Labels{{"__name__", "m"}, {"b", "1"}}));
}

TEST(PushedSeriesTest, StepInferredFromTheCadenceOfTheFirstPoints) {
  auto step_of = [](int64_t gap_ms, int n, int64_t jitter_ms = 0) {
    std::vector<storage::Point> points;
    for (int i = n - 1; i >= 0; --i) {  // any order
      points.push_back({1700000000000 + i * gap_ms + (i % 2) * jitter_ms, 1});
    }
    std::optional<CalendarStep> step = InferredStep(points);
    return step ? step->ToString() : std::string("none");
  };
  EXPECT_EQ(step_of(15000, 10), "15s");
  EXPECT_EQ(step_of(15000, 10, 400), "15s");  // scrape jitter
  EXPECT_EQ(step_of(60000, 5), "1m");
  EXPECT_EQ(step_of(86400000, 30), "1d");
  EXPECT_EQ(step_of(7 * 86400000LL, 10), "1w");
  EXPECT_EQ(step_of(2629746000LL, 12), "1mo");    // a mean month
  EXPECT_EQ(step_of(28 * 86400000LL, 3), "1mo");  // February
  EXPECT_EQ(step_of(20 * 60000, 10), "none");     // between 15m and 30m
  EXPECT_EQ(step_of(86400000, 2), "none");        // too few
  // Duplicated times count once.
  EXPECT_FALSE(InferredStep({{0, 1}, {0, 2}, {1000, 3}}).has_value());
}

TEST(PushedSeriesTest, TextFormEscapesValues) {
  EXPECT_EQ(PromSeriesText({{"__name__", "m"}, {"a", "x\"y"}}),
            "m{a=\"x\\\"y\"}");
}

}  // namespace
}  // namespace tsforecast::service::ingest
