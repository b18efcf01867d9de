#include "storage/label_index.h"

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "storage/selector.h"
#include "tests/testing/status_matchers.h"

namespace tsforecast::storage {
namespace {

class LabelIndexTest : public ::testing::Test {
 protected:
  void SetUp() override {
    index_.Add("ndpr_cny", {{"market", "shanghai"}, {"kind", "price"}});
    index_.Add("ndpr_usd", {{"market", "fob"}, {"kind", "price"}});
    index_.Add("exports_cn", {{"country", "CN"}, {"kind", "export"}});
    index_.Add("exports_vn", {{"country", "VN"}, {"kind", "export"}});
    index_.Add("misc", {});
  }
  std::vector<std::string> Select(const std::string& selector,
                                  const std::string& after = "",
                                  size_t limit = 100) {
    auto matchers = ParseSelector(selector);
    EXPECT_OK(matchers);
    auto names = index_.Select(*matchers, after, limit);
    EXPECT_OK(names);
    return names.ok() ? *names : std::vector<std::string>{};
  }
  LabelIndex index_;
};

using Names = std::vector<std::string>;

TEST_F(LabelIndexTest, EqualityAndName) {
  EXPECT_EQ(Select("{kind=\"price\"}"), (Names{"ndpr_cny", "ndpr_usd"}));
  EXPECT_EQ(Select("ndpr_cny"), (Names{"ndpr_cny"}));
  EXPECT_EQ(Select("ndpr_cny{market=\"fob\"}"), Names{});
  EXPECT_EQ(Select("{kind=\"none\"}"), Names{});
}

TEST_F(LabelIndexTest, NegativeAndRegexMatchers) {
  EXPECT_EQ(Select("{kind!=\"price\"}"),
            (Names{"exports_cn", "exports_vn", "misc"}));
  EXPECT_EQ(Select("{country=~\"C.|VN\"}"),
            (Names{"exports_cn", "exports_vn"}));
  EXPECT_EQ(Select("{country=~\"C\"}"), Names{});  // anchored
  EXPECT_EQ(Select("{kind=\"export\", country!~\"CN\"}"),
            (Names{"exports_vn"}));
  // A matcher that "" satisfies also selects series lacking the label.
  EXPECT_EQ(Select("{country=\"\"}"), (Names{"misc", "ndpr_cny", "ndpr_usd"}));
  EXPECT_EQ(Select("{__name__=~\"ndpr_.*\"}"), (Names{"ndpr_cny", "ndpr_usd"}));
}

// Pushed series share a metric name (their __name__ label) and are
// selected by it, not by their own names.
TEST_F(LabelIndexTest, MetricNameLabelSelectsSeriesSharingIt) {
  const Labels a = {{"__name__", "up"}, {"job", "a"}};
  const Labels b = {{"__name__", "up"}, {"job", "b"}};
  index_.Add("up:0001", a);
  index_.Add("up:0002", b);
  EXPECT_EQ(Select("up"), (Names{"up:0001", "up:0002"}));
  EXPECT_EQ(Select("up{job=\"b\"}"), (Names{"up:0002"}));
  EXPECT_EQ(Select("up:0001"), Names{});
  auto selector = SeriesSelector::Compile(*ParseSelector("up{job=\"a\"}"));
  ASSERT_OK(selector);
  EXPECT_TRUE(selector->Matches("up:0001", a));
  EXPECT_FALSE(selector->Matches("up:0002", b));
  EXPECT_FALSE(selector->Matches("up", {{"job", "a"}, {"__name__", "down"}}));
  index_.Remove("up:0001", a);
  EXPECT_EQ(Select("up"), (Names{"up:0002"}));
}

TEST_F(LabelIndexTest, PagingAndRemoval) {
  EXPECT_EQ(Select("{kind=~\".+\"}", "", 2),
            (Names{"exports_cn", "exports_vn"}));
  EXPECT_EQ(Select("{kind=~\".+\"}", "exports_vn", 2),
            (Names{"ndpr_cny", "ndpr_usd"}));
  index_.Remove("ndpr_usd", {{"market", "fob"}, {"kind", "price"}});
  EXPECT_EQ(Select("{kind=\"price\"}"), (Names{"ndpr_cny"}));
  EXPECT_EQ(index_.LabelValues("market"), (Names{"shanghai"}));
}

TEST_F(LabelIndexTest, BadRegexNamesTheMatcher) {
  auto matchers = ParseSelector("{a=\"x\", kind=~\"(\"}");
  ASSERT_OK(matchers);
  EXPECT_STATUS(index_.Select(*matchers, "", 10),
                absl::StatusCode::kInvalidArgument, "matchers[1].value");
}

TEST_F(LabelIndexTest, ScalesToManySeries) {
  LabelIndex big;
  for (int i = 0; i < 100000; ++i) {
    big.Add(absl::StrCat("s", i), {{"country", absl::StrCat("c", i % 200)},
                                   {"kind", i % 2 ? "price" : "export"}});
  }
  auto m = ParseSelector("{country=\"c7\", kind=\"price\"}");
  ASSERT_OK(m);
  auto names = big.Select(*m, "", 1000);
  ASSERT_OK(names);
  EXPECT_EQ(names->size(), 500u);
}

TEST(SelectorTest, ParsesAllOperatorsAndQuotes) {
  ASSERT_OK_AND_ASSIGN(
      auto m, ParseSelector("price{a=\"1\", b!='2',c=~\"x\\\"y\",d!~\"z\"}"));
  ASSERT_EQ(m.size(), 5u);
  EXPECT_EQ(m[0].name, "__name__");
  EXPECT_EQ(m[1].type, MatchType::kEqual);
  EXPECT_EQ(m[2].type, MatchType::kNotEqual);
  EXPECT_EQ(m[2].value, "2");
  EXPECT_EQ(m[3].type, MatchType::kRegex);
  EXPECT_EQ(m[3].value, "x\"y");
  EXPECT_EQ(m[4].type, MatchType::kNotRegex);
}

TEST(SelectorTest, SyntaxErrorsSayWhere) {
  EXPECT_STATUS(ParseSelector("{a=1}"), absl::StatusCode::kInvalidArgument,
                "expected a quoted value");
  EXPECT_STATUS(ParseSelector("{a=\"1\""), absl::StatusCode::kInvalidArgument,
                "expected ',' or '}'");
  EXPECT_STATUS(ParseSelector(""), absl::StatusCode::kInvalidArgument,
                "expected a series name");
  EXPECT_STATUS(ParseSelector("x y"), absl::StatusCode::kInvalidArgument,
                "unexpected text");
}

}  // namespace
}  // namespace tsforecast::storage
