#include "service/http/prom_query.h"

#include "gtest/gtest.h"
#include "service/http/http_util.h"
#include "service/http/json_text.h"
#include "tests/testing/status_matchers.h"

namespace tsforecast::service::http {
namespace {

TEST(PromQueryTest, ScalarsSelectorsAndForecast) {
  ASSERT_OK_AND_ASSIGN(PromQuery q, ParsePromQuery(" 1 + 2 * (3 - 1) "));
  EXPECT_EQ(q.kind, PromQuery::Kind::kScalar);
  EXPECT_EQ(q.scalar, 5);
  ASSERT_OK_AND_ASSIGN(q,
                       ParsePromQuery("ndpr_oxide_cny{market=\"shanghai\"}"));
  EXPECT_EQ(q.kind, PromQuery::Kind::kSelector);
  ASSERT_EQ(q.matchers.size(), 2u);
  EXPECT_EQ(q.matchers[0].value, "ndpr_oxide_cny");
  ASSERT_OK_AND_ASSIGN(
      q, ParsePromQuery("forecast({kind=\"export\", country=~\"CN|VN\"}, "
                        "'ets')"));
  EXPECT_EQ(q.kind, PromQuery::Kind::kForecast);
  EXPECT_EQ(q.model, "ets");
  EXPECT_EQ(q.matchers.size(), 2u);
  ASSERT_OK_AND_ASSIGN(q, ParsePromQuery("forecast(x)"));
  EXPECT_EQ(q.model, "auto");
  EXPECT_FALSE(q.aggregation.has_value());
  ASSERT_OK_AND_ASSIGN(
      q, ParsePromQuery("forecast(brent, \"ets\", \"1w\", 'last')"));
  ASSERT_TRUE(q.aggregation.has_value());
  EXPECT_EQ(q.aggregation->aggregator(), v1::AGGREGATOR_LAST);
  EXPECT_EQ(q.aggregation->step().unit(), v1::STEP_UNIT_WEEK);
}

TEST(PromQueryTest, UnsupportedPromQlIsAClearError) {
  EXPECT_STATUS(ParsePromQuery("rate(x[5m])"),
                absl::StatusCode::kInvalidArgument,
                "function \"rate\" is not supported");
  EXPECT_STATUS(ParsePromQuery("x[5m]"), absl::StatusCode::kInvalidArgument,
                "range vectors");
  EXPECT_STATUS(ParsePromQuery("forecast(x, ets)"),
                absl::StatusCode::kInvalidArgument, "quoted string");
  EXPECT_STATUS(ParsePromQuery("forecast(x, \"a\", 3)"),
                absl::StatusCode::kInvalidArgument, "takes a selector");
  EXPECT_STATUS(ParsePromQuery("forecast(x, \"a\", \"1w\")"),
                absl::StatusCode::kInvalidArgument, "coarser step");
  EXPECT_STATUS(ParsePromQuery("forecast(x, \"a\", \"1fortnight\", \"last\")"),
                absl::StatusCode::kInvalidArgument,
                "forecast(): the step: step \"1fortnight\": unknown unit");
  EXPECT_STATUS(ParsePromQuery("forecast(x, \"a\", 1w, \"last\")"),
                absl::StatusCode::kInvalidArgument, "step (such as");
  EXPECT_STATUS(ParsePromQuery(""), absl::StatusCode::kInvalidArgument,
                "must not be empty");
  EXPECT_STATUS(ParsePromQuery("x{a=}"), absl::StatusCode::kInvalidArgument,
                "cannot parse");
}

TEST(PromQueryTest, TimesDurationsAndValues) {
  EXPECT_EQ(*ParsePromTime("time", "1700000000.5"), 1700000000500);
  EXPECT_EQ(*ParsePromTime("time", "2024-01-01T00:00:00Z"), 1704067200000);
  EXPECT_STATUS(ParsePromTime("start", "yesterday"),
                absl::StatusCode::kInvalidArgument, "start: cannot parse");
  EXPECT_EQ(*ParsePromDuration("step", "15"), 15000);
  EXPECT_EQ(*ParsePromDuration("step", "1h30m"), 5400000);
  EXPECT_EQ(*ParsePromDuration("step", "250ms"), 250);
  EXPECT_EQ(*ParsePromDuration("step", "1d"), 86400000);
  EXPECT_STATUS(ParsePromDuration("step", "5x"),
                absl::StatusCode::kInvalidArgument, "positive duration");
  EXPECT_STATUS(ParsePromDuration("step", "0"),
                absl::StatusCode::kInvalidArgument, "positive duration");
  EXPECT_EQ(PromValue(0.1), "0.1");
  EXPECT_EQ(PromValue(1.0 / 0.0), "+Inf");
  EXPECT_EQ(PromTime(1700000000500), "1700000000.500");
  EXPECT_EQ(PromTime(1700000000000), "1700000000");
  std::string json;
  AppendJsonString(&json, "a\"b\\\n");
  EXPECT_EQ(json, "\"a\\\"b\\\\\\n\"");
}

}  // namespace
}  // namespace tsforecast::service::http
