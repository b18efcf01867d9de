#include "storage/aggregated_read.h"

#include <random>

#include "gtest/gtest.h"
#include "storage/aggregate.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace tsforecast::storage {
namespace {

constexpr int64_t kHour = 3600000;

// Chunked reads give what one whole read and Aggregate give, whatever the
// chunk size (windows spanning chunks included) and page limit.
TEST(AggregatedReadTest, AnyChunkSizeMatchesAggregatingEverything) {
  testing::TempDir dir;
  StorageOptions options;
  options.data_dir = dir.Sub("db");
  ASSERT_OK_AND_ASSIGN(auto store, SeriesStore::Open(options));
  SeriesDefinition def;
  def.name = "h";
  def.step = CalendarStep(StepUnit::kHour, 1);
  ASSERT_OK(store->CreateSeries(def));
  std::mt19937 rng(7);
  std::vector<Point> points;
  for (int64_t t = 0; t < 24 * 200; ++t) {
    if (rng() % 5 == 0) continue;  // gaps, some whole days empty
    if (t / 24 % 17 == 3) continue;
    points.push_back({t * kHour, static_cast<double>(rng() % 1000) / 10});
  }
  ASSERT_OK(store->Write({{"h", points, std::nullopt}}));
  const TimeRange range{5 * kHour, 190 * 24 * kHour};
  ASSERT_OK_AND_ASSIGN(ReadResult all, store->Read("h", range, 0));
  for (CalendarStep step :
       {CalendarStep(StepUnit::kDay, 1), CalendarStep(StepUnit::kWeek, 1),
        CalendarStep(StepUnit::kMonth, 1)}) {
    for (Aggregator agg :
         {Aggregator::kAvg, Aggregator::kLast, Aggregator::kCount}) {
      const std::vector<Point> expected = Aggregate(all.points, step, agg);
      for (size_t chunk : {1, 2, 23, 24, 25, 1000, 100000}) {
        for (size_t limit : {0, 1, 10, 100000}) {
          ASSERT_OK_AND_ASSIGN(
              AggregatedRead got,
              ReadAggregated(*store, "h", range, step, agg, limit, chunk));
          const size_t want =
              limit == 0 ? expected.size() : std::min(limit, expected.size());
          EXPECT_EQ(got.points, std::vector<Point>(expected.begin(),
                                                   expected.begin() + want))
              << "chunk " << chunk << " limit " << limit;
          EXPECT_EQ(got.has_more, want < expected.size());
          EXPECT_EQ(got.revision, all.revision);
        }
      }
    }
  }
  EXPECT_EQ(ReadAggregated(*store, "missing", range,
                           CalendarStep(StepUnit::kDay, 1), Aggregator::kAvg, 0)
                .status()
                .code(),
            absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace tsforecast::storage
