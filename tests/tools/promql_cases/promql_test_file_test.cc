#include "tools/promql_cases/promql_test_file.h"

#include <bit>
#include <cmath>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace tsforecast::promql_cases {
namespace {

using Values = std::vector<std::optional<double>>;

Values Expand(absl::string_view token) {
  Values out;
  EXPECT_OK(ExpandSeriesValue(token, out));
  return out;
}

TEST(PromqlTestFileTest, SeriesValueNotation) {
  EXPECT_EQ(Expand("1"), (Values{1}));
  EXPECT_EQ(Expand("_"), (Values{std::nullopt}));
  EXPECT_EQ(Expand("_x3"), (Values{std::nullopt, std::nullopt, std::nullopt}));
  // n more samples after the first.
  EXPECT_EQ(Expand("0+10x3"), (Values{0, 10, 20, 30}));
  EXPECT_EQ(Expand("-2-1x2"), (Values{-2, -3, -4}));
  EXPECT_EQ(Expand("5x2"), (Values{5, 5, 5}));
  EXPECT_EQ(Expand("1e3+1e2x1"), (Values{1000, 1100}));
  Values stale = Expand("stale");
  ASSERT_EQ(stale.size(), 1u);
  EXPECT_EQ(std::bit_cast<uint64_t>(*stale[0]), 0x7ff0000000000002ull);
  Values bad;
  EXPECT_STATUS(ExpandSeriesValue("abc", bad),
                absl::StatusCode::kInvalidArgument, "bad value");
}

TEST(PromqlTestFileTest, Numbers) {
  EXPECT_EQ(*ParsePromNumber("12.34e6"), 12340000);
  EXPECT_EQ(*ParsePromNumber("+Inf"), INFINITY);
  EXPECT_EQ(*ParsePromNumber("-inf"), -INFINITY);
  EXPECT_TRUE(std::isnan(*ParsePromNumber("NaN")));
  EXPECT_EQ(*ParsePromNumber("0x1F"), 31);
  EXPECT_EQ(*ParsePromNumber(".2"), 0.2);
  EXPECT_FALSE(ParsePromNumber("{} 1"));
  EXPECT_FALSE(ParsePromNumber("x"));
}

TEST(PromqlTestFileTest, Commands) {
  ASSERT_OK_AND_ASSIGN(
      std::vector<Command> cmds,
      ParseTestFile("# comment\n"
                    "load 5m\n"
                    "  http_requests{job=\"api\", group=\"a b\"} 0+10x2 _ 7\n"
                    "  {a='x'} 1\n"
                    "\n"
                    "eval instant at 10m sum(http_requests)\n"
                    "  {} 20\n"
                    "\n"
                    "eval_ordered instant at 1h topk(1, x)\n"
                    "  x{a=\"1\"} 3\n"
                    "\n"
                    "eval_fail instant at 0m rate(x)\n"
                    "\n"
                    "eval instant at 50m 1+1\n"
                    "\t2\n"
                    "clear\n"));
  ASSERT_EQ(cmds.size(), 6u);
  EXPECT_EQ(cmds[0].kind, Command::Kind::kLoad);
  EXPECT_EQ(cmds[0].step_ms, 300000);
  ASSERT_EQ(cmds[0].series.size(), 2u);
  EXPECT_EQ(
      cmds[0].series[0].labels,
      (storage::Labels{
          {"__name__", "http_requests"}, {"group", "a b"}, {"job", "api"}}));
  EXPECT_EQ(cmds[0].series[0].values, (Values{0, 10, 20, std::nullopt, 7}));
  EXPECT_EQ(cmds[0].series[1].labels, (storage::Labels{{"a", "x"}}));
  EXPECT_EQ(cmds[1].kind, Command::Kind::kEval);
  EXPECT_EQ(cmds[1].line, 6);
  EXPECT_EQ(cmds[1].at_ms, 600000);
  EXPECT_EQ(cmds[1].expr, "sum(http_requests)");
  ASSERT_EQ(cmds[1].expected.size(), 1u);
  EXPECT_FALSE(cmds[1].expected[0].scalar);
  EXPECT_EQ(cmds[1].expected[0].value, 20);
  EXPECT_EQ(cmds[2].kind, Command::Kind::kEvalOrdered);
  EXPECT_EQ(cmds[2].expected[0].labels,
            (storage::Labels{{"__name__", "x"}, {"a", "1"}}));
  EXPECT_EQ(cmds[3].kind, Command::Kind::kEvalFail);
  EXPECT_TRUE(cmds[4].expected[0].scalar);
  EXPECT_EQ(cmds[4].expected[0].value, 2);
  EXPECT_EQ(cmds[5].kind, Command::Kind::kClear);
}

TEST(PromqlTestFileTest, UnknownSyntaxNamesItsLine) {
  EXPECT_STATUS(ParseTestFile("load 5m\n  x 1\n\neval range from 0 to 1 x\n"),
                absl::StatusCode::kInvalidArgument, "line 4: expected");
  EXPECT_STATUS(ParseTestFile("frobnicate\n"),
                absl::StatusCode::kInvalidArgument, "line 1: unknown command");
}

}  // namespace
}  // namespace tsforecast::promql_cases
