#include "service/http/prom_answer_memo.h"

#include "gtest/gtest.h"
#include "service/http/answer_memo.h"
#include "storage/series_store.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace tsforecast::service::http {
namespace {

constexpr int64_t kDay = 86400000;

class PromAnswerMemoTest : public ::testing::Test {
 protected:
  void SetUp() override {
    storage::StorageOptions options;
    options.data_dir = dir_.Sub("db");
    ASSERT_OK_AND_ASSIGN(store_, storage::SeriesStore::Open(options));
    for (const char* name : {"a", "b"}) {
      storage::SeriesDefinition def;
      def.name = name;
      def.step = CalendarStep(StepUnit::kDay, 1);
      def.labels = {{"kind", "price"}};
      ASSERT_OK(store_->CreateSeries(def));
    }
  }
  // What the API computes: the version of the series `matchers` select.
  std::optional<std::string> Version(
      const std::vector<storage::LabelMatcher>& matchers) {
    absl::StatusOr<std::vector<storage::SeriesInfo>> selected =
        store_->ListSeries(matchers, "", 100000);
    EXPECT_TRUE(selected.ok()) << selected.status();
    return selected.ok() ? PromAnswerVersion(*selected) : std::nullopt;
  }
  std::vector<storage::LabelMatcher> Select(const std::string& name) {
    return {{storage::kNameLabel, storage::MatchType::kEqual, name}};
  }

  testing::TempDir dir_;
  std::unique_ptr<storage::SeriesStore> store_;
};

TEST_F(PromAnswerMemoTest, AnAnswerLastsUntilItsSeriesChange) {
  AnswerMemo memo;
  const auto matchers = Select("a");
  const std::string key = PromAnswerKey('q', "a", matchers, {kDay});
  std::optional<std::string> before = Version(matchers);
  ASSERT_TRUE(before.has_value());
  EXPECT_EQ(memo.Find(key, *before), nullptr);
  memo.Store(key, *before, "answer one");
  ASSERT_NE(memo.Find(key, *Version(matchers)), nullptr);
  EXPECT_EQ(*memo.Find(key, *Version(matchers)), "answer one");
  // A write to another series leaves it; one to its own series ends it.
  ASSERT_OK(store_->Write({{"b", {{kDay, 1}}, std::nullopt}}));
  EXPECT_NE(memo.Find(key, *Version(matchers)), nullptr);
  ASSERT_OK(store_->Write({{"a", {{kDay, 2}}, std::nullopt}}));
  EXPECT_EQ(memo.Find(key, *Version(matchers)), nullptr);
  // A deleted and recreated series is another series.
  const auto all = std::vector<storage::LabelMatcher>{
      {"kind", storage::MatchType::kEqual, "price"}};
  const std::string all_key = PromAnswerKey('q', "{}", all, {kDay});
  memo.Store(all_key, *Version(all), "both");
  ASSERT_OK(store_->DeleteSeries("b"));
  storage::SeriesDefinition def;
  def.name = "b";
  def.step = CalendarStep(StepUnit::kDay, 1);
  def.labels = {{"kind", "price"}};
  ASSERT_OK(store_->CreateSeries(def));
  EXPECT_EQ(memo.Find(all_key, *Version(all)), nullptr);
  EXPECT_EQ(memo.hits(), 3u);
}

TEST_F(PromAnswerMemoTest, KeysSeparateQueriesScopesAndTimes) {
  const auto a = Select("a");
  auto narrowed = a;
  narrowed.push_back({"kind", storage::MatchType::kEqual, "price"});
  const std::string base = PromAnswerKey('q', "a", a, {kDay});
  EXPECT_NE(base, PromAnswerKey('r', "a", a, {kDay}));
  EXPECT_NE(base, PromAnswerKey('q', "a", a, {2 * kDay}));
  EXPECT_NE(base, PromAnswerKey('q', "a", narrowed, {kDay}));
  EXPECT_NE(base, PromAnswerKey('q', "forecast(a)", a, {kDay}));
  EXPECT_EQ(base, PromAnswerKey('q', "a", a, {kDay}));
}

// Points expire with time, without a write: such answers are not kept.
TEST_F(PromAnswerMemoTest, SeriesWithRetentionAreNeverKept) {
  storage::SeriesUpdate update;
  update.retention_ms = 365 * kDay;
  ASSERT_OK(store_->UpdateSeries("a", update));
  AnswerMemo memo;
  EXPECT_FALSE(Version(Select("a")).has_value());
  EXPECT_TRUE(Version(Select("b")).has_value());
}

TEST_F(PromAnswerMemoTest, AFullMemoStartsOver) {
  AnswerMemo memo(/*max_entries=*/2);
  const std::string fp = *Version(Select("a"));
  memo.Store("k1", fp, "1");
  memo.Store("k2", fp, "2");
  memo.Store("k3", fp, "3");
  EXPECT_EQ(memo.Find("k1", fp), nullptr);
  ASSERT_NE(memo.Find("k3", fp), nullptr);
  EXPECT_EQ(*memo.Find("k3", fp), "3");
}

// Only successes are kept, and a kept answer is served as JSON.
TEST(AnswerMemoTest, KeepsSuccessesAndAnswersWithThem) {
  AnswerMemo memo;
  HttpResponse failed;
  failed.status = 422;
  failed.set_content("{\"status\":\"error\"}", "application/json");
  memo.Keep("k", "v1", failed);
  HttpResponse res;
  EXPECT_FALSE(memo.Answer("k", "v1", res));
  HttpResponse ok;
  ok.set_content("{\"status\":\"success\"}", "application/json");
  memo.Keep("k", "v1", ok);
  EXPECT_FALSE(memo.Answer("k", "v2", res));
  ASSERT_TRUE(memo.Answer("k", "v1", res));
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.body, "{\"status\":\"success\"}");
  ASSERT_EQ(res.headers.count("content-type"), 1u);
  EXPECT_EQ(res.headers.find("content-type")->second, "application/json");
  EXPECT_EQ(memo.hits(), 1u);
}

}  // namespace
}  // namespace tsforecast::service::http
