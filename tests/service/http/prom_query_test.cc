#include "service/http/prom_query.h"

#include <cmath>

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
                "selector \"x{a=}\" at position 4: expected a quoted value");
}

// The crash of issue 19: one '-' or '(' per level used to recurse until the
// worker's stack overflowed (about 58,000 levels).
TEST(PromQueryTest, NestingIsBoundedAtTheDepthLimit) {
  const auto nested = [](int depth, const std::string& open,
                         const std::string& close) {
    std::string q;
    for (int i = 0; i < depth; ++i) q += open;
    q += "1";
    for (int i = 0; i < depth; ++i) q += close;
    return q;
  };
  ASSERT_OK_AND_ASSIGN(PromQuery q,
                       ParsePromQuery(nested(kMaxPromQueryDepth, "-", "")));
  EXPECT_EQ(q.scalar, 1);  // an even number of signs
  ASSERT_OK_AND_ASSIGN(q, ParsePromQuery(nested(kMaxPromQueryDepth, "(", ")")));
  EXPECT_EQ(q.scalar, 1);
  for (const auto& [open, close] :
       std::vector<std::pair<std::string, std::string>>{
           {"-", ""}, {"(", ")"}, {"+(", ")"}, {"(-", ")"}}) {
    SCOPED_TRACE(open);
    EXPECT_STATUS(ParsePromQuery(nested(kMaxPromQueryDepth + 1, open, close)),
                  absl::StatusCode::kInvalidArgument, "nested deeper than 128");
  }
  // The probe's query: 62,000 signs, under the header limit, over the size
  // limit; 30,000 (under the size limit) is refused for its depth.
  EXPECT_STATUS(ParsePromQuery(std::string(62000, '-') + "1"),
                absl::StatusCode::kInvalidArgument, "at most 32768");
  EXPECT_STATUS(ParsePromQuery(std::string(30000, '-') + "1"),
                absl::StatusCode::kInvalidArgument, "nested deeper");
  EXPECT_STATUS(ParsePromQuery(std::string(30000, '(') + "1"),
                absl::StatusCode::kInvalidArgument, "nested deeper");
}

// Each literal used to copy the rest of the text, so a long sum was
// quadratic (a 15 MB "1+1+..." took 487 s of CPU). A sum at the size limit
// is evaluated; the count of additions proves every literal was read once.
TEST(PromQueryTest, LongSumsAreReadOnceAndSizeIsBounded) {
  std::string sum = "1";
  while (sum.size() + 2 <= kMaxPromQueryBytes) sum += "+1";
  ASSERT_OK_AND_ASSIGN(PromQuery q, ParsePromQuery(sum));
  EXPECT_EQ(q.scalar, static_cast<double>((sum.size() + 1) / 2));
  EXPECT_STATUS(ParsePromQuery(sum + "+1"), absl::StatusCode::kInvalidArgument,
                "at most 32768");
  std::string body = "1";
  while (body.size() < (15u << 20)) body += "+1";
  EXPECT_STATUS(ParsePromQuery(body), absl::StatusCode::kInvalidArgument,
                "query: 15728641 bytes; at most 32768");
  // A long selector's error quotes a bounded prefix of it.
  const absl::Status bad =
      ParsePromQuery("x{" + std::string(30000, 'a')).status();
  EXPECT_EQ(bad.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_LT(bad.message().size(), 1000u);
}

TEST(PromQueryTest, LiteralsKeepTheirMeaning) {
  ASSERT_OK_AND_ASSIGN(PromQuery q, ParsePromQuery("1e3 + 2.5e-1 - 0x10"));
  EXPECT_EQ(q.scalar, 1000 + 0.25 - 16);
  ASSERT_OK_AND_ASSIGN(q, ParsePromQuery("-(2*3)/4"));
  EXPECT_EQ(q.scalar, -1.5);
  ASSERT_OK_AND_ASSIGN(q, ParsePromQuery("Inf"));
  EXPECT_TRUE(std::isinf(q.scalar));
  EXPECT_EQ(ParsePromQuery("1 +").ok(), false);
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
