#include "service/engine/revision_watcher.h"

#include <atomic>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "storage/series_store.h"
#include "tests/testing/temp_dir.h"

namespace tsforecast::service {
namespace {

// What one watcher was told.
struct Told {
  absl::Mutex mu;
  std::vector<absl::StatusOr<uint64_t>> calls ABSL_GUARDED_BY(mu);

  RevisionWatcher::Changed Callback() {
    return [this](const absl::StatusOr<uint64_t>& r) {
      absl::MutexLock lock(&mu);
      calls.push_back(r);
    };
  }
  // Waits (bounded) until `n` calls came.
  bool WaitFor(size_t n) {
    absl::MutexLock lock(&mu);
    auto enough = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) {
      return calls.size() >= n;
    };
    return mu.AwaitWithTimeout(absl::Condition(&enough), absl::Seconds(30));
  }
  size_t size() {
    absl::MutexLock lock(&mu);
    return calls.size();
  }
};

class RevisionWatcherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    storage::StorageOptions options;
    options.data_dir = dir_.Sub("db");
    options.durability = storage::Durability::kProcess;
    auto store = storage::SeriesStore::Open(options);
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = std::move(*store);
    storage::SeriesDefinition def;
    def.name = "a";
    def.step = CalendarStep(StepUnit::kDay, 1);
    ASSERT_TRUE(store_->CreateSeries(def).ok());
    def.name = "b";
    ASSERT_TRUE(store_->CreateSeries(def).ok());
  }

  uint64_t Write(const std::string& series, int64_t day, double value) {
    storage::SeriesWrite w;
    w.series = series;
    w.points.push_back({day * 86400000, value});
    std::vector<storage::SeriesWrite> writes;
    writes.push_back(std::move(w));
    auto r = store_->Write(std::move(writes));
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? r->revisions[0] : 0;
  }

  uint64_t Revision(const std::string& series) {
    return store_->GetSeries(series)->revision;
  }

  testing::TempDir dir_;
  std::unique_ptr<storage::SeriesStore> store_;
};

TEST_F(RevisionWatcherTest, TellsEachWatcherOfItsSeriesOnly) {
  RevisionWatcher watcher(store_.get(), absl::Milliseconds(10));
  Told on_a, also_on_a, on_b;
  watcher.Watch("a", Revision("a"), on_a.Callback());
  watcher.Watch("a", Revision("a"), also_on_a.Callback());
  watcher.Watch("b", Revision("b"), on_b.Callback());
  const uint64_t revision = Write("a", 19000, 1.5);
  ASSERT_TRUE(on_a.WaitFor(1));
  ASSERT_TRUE(also_on_a.WaitFor(1));
  {
    absl::MutexLock lock(&on_a.mu);
    ASSERT_TRUE(on_a.calls[0].ok());
    EXPECT_EQ(*on_a.calls[0], revision);
  }
  // Nothing changed since: no more calls, and "b" was never told.
  absl::SleepFor(absl::Milliseconds(100));
  EXPECT_EQ(on_a.size(), 1u);
  EXPECT_EQ(on_b.size(), 0u);
}

TEST_F(RevisionWatcherTest, AStaleKnownRevisionIsToldAtOnce) {
  Write("a", 19000, 1);
  RevisionWatcher watcher(store_.get(), absl::Milliseconds(10));
  Told told;
  watcher.Watch("a", 0, told.Callback());
  ASSERT_TRUE(told.WaitFor(1));
}

TEST_F(RevisionWatcherTest, UnwatchStopsAndADeletedSeriesEndsTheWatch) {
  RevisionWatcher watcher(store_.get(), absl::Milliseconds(10));
  Told gone, stopped;
  watcher.Watch("b", Revision("b"), gone.Callback());
  const uint64_t id = watcher.Watch("a", Revision("a"), stopped.Callback());
  watcher.Unwatch(id);
  Write("a", 19000, 1);
  ASSERT_TRUE(store_->DeleteSeries("b").ok());
  ASSERT_TRUE(gone.WaitFor(1));
  {
    absl::MutexLock lock(&gone.mu);
    EXPECT_EQ(gone.calls[0].status().code(), absl::StatusCode::kNotFound);
  }
  EXPECT_EQ(watcher.size(), 0u) << "the deleted series' watch ended itself";
  absl::SleepFor(absl::Milliseconds(50));
  EXPECT_EQ(stopped.size(), 0u);
  EXPECT_EQ(gone.size(), 1u);
}

}  // namespace
}  // namespace tsforecast::service
