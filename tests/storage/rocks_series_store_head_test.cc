// The store with its head: what a crash leaves in the head log comes back,
// a torn record does not, flushes never resurrect deleted points, and reads
// merge the head over RocksDB the same whatever the head holds.
#include <atomic>
#include <filesystem>
#include <map>
#include <random>
#include <thread>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "storage/head_log.h"
#include "storage/series_store.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/store_reads.h"
#include "tests/testing/temp_dir.h"

namespace tsforecast::storage {
namespace {

namespace fs = std::filesystem;
constexpr int64_t kHour = 3600000;

SeriesDefinition Hourly(const std::string& name) {
  SeriesDefinition def;
  def.name = name;
  // Hourly: a 1024-hour block window, so ranges span many blocks.
  def.step = CalendarStep(StepUnit::kHour, 1);
  return def;
}

struct HeadMode {
  const char* name;
  uint64_t head_max_points;
  // Reopen as after a kill -9: no checkpoint at close.
  bool crash_on_reopen;
};

class HeadStoreTest : public ::testing::TestWithParam<HeadMode> {
 protected:
  StorageOptions Options() const {
    StorageOptions options;
    options.data_dir = dir_.Sub("db");
    options.durability = Durability::kProcess;
    options.head_max_points = GetParam().head_max_points;
    options.checkpoint_head_on_close = !GetParam().crash_on_reopen;
    return options;
  }
  void Open() {
    store_.reset();
    ASSERT_OK_AND_ASSIGN(store_, SeriesStore::Open(Options()));
  }
  void SetUp() override { Open(); }
  std::vector<Point> ReadAll(const std::string& name) {
    return testing::ReadAllPoints(*store_, name);
  }

  testing::TempDir dir_;
  std::unique_ptr<SeriesStore> store_;
};

// Writes, overwrites, deletes, series deletion and reopening in random
// order, checked against a model after each step.
TEST_P(HeadStoreTest, RandomOperationsMatchModel) {
  std::mt19937_64 rng(20261201);
  const std::vector<std::string> names = {"p", "q", "r"};
  std::map<std::string, std::map<int64_t, double>> model;
  for (const auto& n : names) ASSERT_OK(store_->CreateSeries(Hourly(n)));
  for (int op = 0; op < 600; ++op) {
    const std::string& name = names[rng() % names.size()];
    const int kind = static_cast<int>(rng() % 20);
    if (kind < 14) {
      std::vector<SeriesWrite> writes;
      // Several series per request, as time-major ingestion sends them.
      for (const auto& n : names) {
        if (n != name && rng() % 2) continue;
        SeriesWrite w{n, {}, std::nullopt};
        const int count = 1 + static_cast<int>(rng() % 40);
        for (int i = 0; i < count; ++i) {
          const int64_t ts =
              (static_cast<int64_t>(rng() % 6000) - 1000) * kHour;
          const double v = static_cast<double>(rng() % 100000) / 100;
          w.points.push_back({ts, v});
        }
        writes.push_back(w);
      }
      auto applied = writes;
      ASSERT_OK(store_->Write(std::move(writes)));
      for (const SeriesWrite& w : applied) {
        for (const Point& p : w.points)
          model[w.series][p.timestamp_ms] = p.value;
      }
    } else if (kind < 17) {
      const int64_t a = (static_cast<int64_t>(rng() % 6000) - 1000) * kHour;
      const int64_t b = a + static_cast<int64_t>(rng() % 1500) * kHour;
      ASSERT_OK(store_->DeletePoints(name, {a, b}));
      auto& m = model[name];
      m.erase(m.lower_bound(a), m.lower_bound(b));
    } else if (kind == 17) {
      ASSERT_OK(store_->DeleteSeries(name));
      ASSERT_OK(store_->CreateSeries(Hourly(name)));
      model[name].clear();
    } else {
      Open();
    }
    for (const auto& n : names) {
      const std::vector<Point> expected = testing::PointsOf(model[n]);
      ASSERT_EQ(ReadAll(n), expected) << "series " << n << " after op " << op;
    }
  }
  for (const auto& n : names) {
    const auto& m = model[n];
    const int64_t a = 100 * kHour, b = 3000 * kHour;
    const std::vector<Point> expected = testing::PointsOf(m, a, b);
    for (size_t limit : {1, 5, 50}) {
      ASSERT_OK_AND_ASSIGN(ReadResult r, store_->Read(n, {a, b}, limit));
      const size_t want = std::min(limit, expected.size());
      EXPECT_EQ(r.points,
                std::vector<Point>(expected.begin(), expected.begin() + want));
      EXPECT_EQ(r.has_more, expected.size() > limit);
      ASSERT_OK_AND_ASSIGN(ReadResult latest, store_->ReadLatest(n, limit));
      std::vector<Point> tail;
      for (auto it = m.rbegin(); it != m.rend() && tail.size() < limit; ++it) {
        tail.insert(tail.begin(), {it->first, it->second});
      }
      EXPECT_EQ(latest.points, tail);
    }
  }
}

// The same count and the same winner with the head on or off.
TEST_P(HeadStoreTest, RepeatedTimesInOneRequestCountAndTheLastWins) {
  ASSERT_OK(store_->CreateSeries(Hourly("d")));
  ASSERT_OK_AND_ASSIGN(
      WriteResult written,
      store_->Write({{"d", {{0, 1}, {kHour, 3}, {0, 2}}, std::nullopt},
                     {"d", {{kHour, 4}}, std::nullopt}}));
  EXPECT_EQ(written.points_written, 4u);
  ASSERT_EQ(written.revisions.size(), 2u);
  EXPECT_LT(written.revisions[0], written.revisions[1]);
  EXPECT_EQ(ReadAll("d"), (std::vector<Point>{{0, 2}, {kHour, 4}}));
}

INSTANTIATE_TEST_SUITE_P(
    Modes, HeadStoreTest,
    ::testing::Values(HeadMode{"HeadOff", 0, false},
                      HeadMode{"HeadLarge", 1'000'000, false},
                      HeadMode{"HeadLargeCrashes", 1'000'000, true},
                      // Checkpoints run while the test writes.
                      HeadMode{"HeadTiny", 30, true}),
    [](const ::testing::TestParamInfo<HeadMode>& info) {
      return std::string(info.param.name);
    });

// A flood of small writes to one series neither starves nor is starved by
// another writer, while checkpoints run; every acknowledged point is kept.
// (Counts, not times: a starved writer would hang the test.)
TEST(HeadFairnessTest, AFloodedSeriesAndAQuietOneBothProgress) {
  testing::TempDir dir;
  StorageOptions options;
  options.data_dir = dir.Sub("db");
  options.durability = Durability::kProcess;
  options.head_max_points = 500;
  ASSERT_OK_AND_ASSIGN(auto store, SeriesStore::Open(options));
  ASSERT_OK(store->CreateSeries(Hourly("hot")));
  ASSERT_OK(store->CreateSeries(Hourly("cold")));
  std::atomic<bool> stop{false};
  std::atomic<int64_t> hot_acked{0};
  std::vector<std::thread> flooders;
  for (int t = 0; t < 3; ++t) {
    flooders.emplace_back([&, t] {
      for (int64_t i = 0; !stop.load(); ++i) {
        const int64_t ts = (i * 3 + t) * kHour;
        if (!store->Write({{"hot", {{ts, 1}}, std::nullopt}}).ok()) return;
        hot_acked.fetch_add(1);
      }
    });
  }
  while (hot_acked.load() == 0) std::this_thread::yield();
  constexpr int kCold = 300;
  for (int i = 0; i < kCold; ++i) {
    ASSERT_OK(store->Write({{"cold", {{i * kHour, 2}}, std::nullopt}}));
  }
  // The flood goes on too, until a checkpoint (which runs in the
  // background) has finished; past 2 * head_max_points appends wait for
  // one, so a flood of 100,000 points without one is a failure.
  const int64_t after_cold = hot_acked.load();
  uint64_t checkpoints = 0;
  while (hot_acked.load() < after_cold + 300 ||
         (checkpoints == 0 && hot_acked.load() < after_cold + 100'000)) {
    absl::StatusOr<StorageStats> stats = store->Stats();
    if (stats.ok()) checkpoints = stats->head_checkpoints;
    std::this_thread::yield();
  }
  stop = true;
  for (std::thread& t : flooders) t.join();
  ASSERT_OK_AND_ASSIGN(ReadResult cold, store->Read("cold", {}, 0));
  EXPECT_EQ(cold.points.size(), size_t{kCold});
  ASSERT_OK_AND_ASSIGN(ReadResult hot, store->Read("hot", {}, 0));
  EXPECT_EQ(hot.points.size(), static_cast<size_t>(hot_acked.load()));
  EXPECT_GT(checkpoints, 0u);
}

class HeadRecoveryTest : public ::testing::Test {
 protected:
  std::unique_ptr<SeriesStore> OpenStore(bool checkpoint_on_close) {
    StorageOptions options;
    options.data_dir = dir_.Sub("db");
    options.durability = Durability::kSync;
    options.checkpoint_head_on_close = checkpoint_on_close;
    auto store = SeriesStore::Open(options);
    EXPECT_OK(store);
    return store.ok() ? std::move(*store) : nullptr;
  }
  std::string HeadDir() const { return dir_.Sub("db") + "/head"; }
  // The newest head log segment.
  std::string NewestSegment() const {
    std::string newest;
    for (const auto& e : fs::directory_iterator(HeadDir())) {
      if (fs::file_size(e.path()) > 0)
        newest = std::max(newest, e.path().string());
    }
    return newest;
  }

  testing::TempDir dir_;
};

TEST_F(HeadRecoveryTest, AcknowledgedAppendsComeBackFromTheLogAlone) {
  {
    auto store = OpenStore(/*checkpoint_on_close=*/false);
    ASSERT_OK(store->CreateSeries(Hourly("a")));
    ASSERT_OK(store->Write({{"a", {{0, 1}, {kHour, 2}}, std::nullopt}}));
    ASSERT_OK(store->Write({{"a", {{kHour, 3}}, std::nullopt}}));
    ASSERT_OK_AND_ASSIGN(StorageStats stats, store->Stats());
    EXPECT_GT(stats.wal_bytes, 0u);
  }
  EXPECT_FALSE(NewestSegment().empty());
  auto store = OpenStore(true);
  ASSERT_OK_AND_ASSIGN(ReadResult r, store->Read("a", {}, 0));
  EXPECT_EQ(r.points, (std::vector<Point>{{0, 1}, {kHour, 3}}));
}

TEST_F(HeadRecoveryTest, ATornLastRecordIsDroppedAndTheRestKept) {
  {
    auto store = OpenStore(false);
    ASSERT_OK(store->CreateSeries(Hourly("a")));
    ASSERT_OK(store->Write({{"a", {{0, 1}}, std::nullopt}}));
    ASSERT_OK(
        store->Write({{"a", {{kHour, 2}, {2 * kHour, 3}}, std::nullopt}}));
  }
  // Cut the second record short, as a crash during its write would.
  const std::string segment = NewestSegment();
  fs::resize_file(segment, fs::file_size(segment) - 5);
  auto store = OpenStore(true);
  ASSERT_OK_AND_ASSIGN(ReadResult r, store->Read("a", {}, 0));
  EXPECT_EQ(r.points, (std::vector<Point>{{0, 1}}));
}

// The log still holds an append after a delete flushed it to RocksDB and
// removed it; replay must not bring it back.
TEST_F(HeadRecoveryTest, ReplayNeverResurrectsDeletedPointsOrSeries) {
  {
    auto store = OpenStore(false);
    ASSERT_OK(store->CreateSeries(Hourly("a")));
    ASSERT_OK(store->CreateSeries(Hourly("gone")));
    ASSERT_OK(store->Write({{"a", {{0, 1}, {kHour, 2}}, std::nullopt},
                            {"gone", {{0, 5}}, std::nullopt}}));
    ASSERT_OK(store->DeletePoints("a", {0, kHour}));
    ASSERT_OK(store->Write({{"a", {{2 * kHour, 3}}, std::nullopt}}));
    ASSERT_OK(store->DeleteSeries("gone"));
    ASSERT_OK(store->CreateSeries(Hourly("gone")));
  }
  auto store = OpenStore(true);
  ASSERT_OK_AND_ASSIGN(ReadResult a, store->Read("a", {}, 0));
  EXPECT_EQ(a.points, (std::vector<Point>{{kHour, 2}, {2 * kHour, 3}}));
  ASSERT_OK_AND_ASSIGN(ReadResult gone, store->Read("gone", {}, 0));
  EXPECT_TRUE(gone.points.empty());
}

TEST_F(HeadRecoveryTest, CheckpointsEmptyTheLogAndBackupsHoldTheHead) {
  auto store = OpenStore(true);
  ASSERT_OK(store->CreateSeries(Hourly("a")));
  ASSERT_OK(store->Write({{"a", {{0, 1}}, std::nullopt}}));
  const std::string backup = dir_.Sub("backup");
  ASSERT_OK(store->Backup(backup));
  // The checkpoint before the backup left one empty segment.
  uint64_t log_bytes = 0;
  for (const auto& e : fs::directory_iterator(HeadDir())) {
    log_bytes += fs::file_size(e.path());
  }
  EXPECT_EQ(log_bytes, 0u);
  store.reset();
  StorageOptions options;
  options.data_dir = dir_.Sub("restored");
  ASSERT_OK(RestoreBackup(backup, options.data_dir));
  ASSERT_OK_AND_ASSIGN(auto restored, SeriesStore::Open(options));
  ASSERT_OK_AND_ASSIGN(ReadResult r, restored->Read("a", {}, 0));
  EXPECT_EQ(r.points, (std::vector<Point>{{0, 1}}));
}

// Turning the head off still brings back what a crash left in its log.
TEST_F(HeadRecoveryTest, AStoreWithTheHeadOffReplaysAnOldLog) {
  {
    auto store = OpenStore(false);
    ASSERT_OK(store->CreateSeries(Hourly("a")));
    ASSERT_OK(store->Write({{"a", {{0, 1}}, std::nullopt}}));
  }
  StorageOptions options;
  options.data_dir = dir_.Sub("db");
  options.head_max_points = 0;
  ASSERT_OK_AND_ASSIGN(auto store, SeriesStore::Open(options));
  ASSERT_OK_AND_ASSIGN(ReadResult r, store->Read("a", {}, 0));
  EXPECT_EQ(r.points, (std::vector<Point>{{0, 1}}));
  EXPECT_FALSE(fs::exists(HeadDir()));
}

}  // namespace
}  // namespace tsforecast::storage
