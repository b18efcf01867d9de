// A damaged table file that ordinary ingestion leads a compaction into is
// quarantined by the store itself (rocks_quarantine.cc), with no call to
// Compact: the compaction's failure schedules it. Before, that compaction
// was a background error that stopped every write until a restart, which
// only postponed it.
#include <filesystem>
#include <fstream>
#include <random>
#include <thread>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "storage/series_store.h"
#include "tests/testing/flip_bytes.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace tsforecast::storage {
namespace {

namespace fs = std::filesystem;
constexpr int64_t kHour = 3600000;

std::vector<Point> Hourly(int count, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<Point> points;
  for (int i = 0; i < count; ++i) {
    points.push_back({631152000000 + i * kHour,
                      100 + static_cast<double>(rng() >> 40) / 1e6});
  }
  return points;
}

TEST(QuarantineTest, ACompactionThatMeetsDamageQuarantinesByItself) {
  testing::TempDir dir;
  StorageOptions options;
  options.data_dir = dir.Sub("db");
  options.durability = Durability::kProcess;
  options.head_max_points = 0;  // straight to RocksDB: flushes on demand
  options.write_buffer_bytes = 1 << 20;
  options.min_free_bytes = 1 << 20;
  {
    ASSERT_OK_AND_ASSIGN(std::unique_ptr<SeriesStore> store,
                         SeriesStore::Open(options));
    for (const char* name : {"alpha", "beta"}) {
      SeriesDefinition def;
      def.name = name;
      def.step = CalendarStep(StepUnit::kHour, 1);
      ASSERT_OK(store->CreateSeries(def));
      ASSERT_OK(store->Write({{name, Hourly(20000, 1), std::nullopt}}));
    }
    ASSERT_OK(store->Compact());
  }
  fs::path victim;
  for (const auto& e : fs::directory_iterator(options.data_dir)) {
    if (e.path().extension() == ".sst" &&
        (victim.empty() || fs::file_size(e.path()) > fs::file_size(victim))) {
      victim = e.path();
    }
  }
  ASSERT_FALSE(victim.empty());
  testing::FlipBytes(victim,
                     {static_cast<std::streamoff>(fs::file_size(victim) / 10)});
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<SeriesStore> store,
                       SeriesStore::Open(options));
  // Ingestion into both series' windows: memtables flush into level-0
  // files over the damaged file's range until a compaction takes them and
  // the file together. Every write must succeed, before and after.
  bool quarantined = false;
  for (int round = 0; round < 200 && !quarantined; ++round) {
    for (const char* name : {"alpha", "beta"}) {
      ASSERT_OK(store->Write({{name, Hourly(20000, round + 2), std::nullopt}}))
          << "round " << round;
    }
    quarantined = !store->DescribeDamage().empty();
  }
  for (int i = 0; i < 100 && !quarantined; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    quarantined = !store->DescribeDamage().empty();
  }
  ASSERT_TRUE(quarantined) << "no compaction quarantined the damaged file";
  EXPECT_TRUE(fs::exists(fs::path(options.data_dir) / "quarantine" /
                         victim.filename()));
  ASSERT_OK_AND_ASSIGN(VerifyReport report, store->Verify());
  EXPECT_TRUE(report.damaged_files.empty()) << report.damaged_files[0];
  ASSERT_OK(store->Write({{"beta", Hourly(10, 999), std::nullopt}}));
  EXPECT_TRUE(store->Health().writable) << store->Health().reason;
  // What was readable is still there: beta whole (the last round's
  // values), and alpha outside its damaged range.
  ASSERT_OK_AND_ASSIGN(ReadResult beta, store->Read("beta", {}, 0));
  EXPECT_EQ(beta.points.size(), 20000u);
  EXPECT_STATUS(store->Read("alpha", {}, 0), absl::StatusCode::kDataLoss,
                "lost with the damaged table file");
}

}  // namespace
}  // namespace tsforecast::storage
