#include <atomic>
#include <cmath>
#include <filesystem>
#include <map>
#include <random>
#include <thread>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "rocksdb/db.h"
#include "storage/series_store.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/store_reads.h"
#include "tests/testing/temp_dir.h"

namespace tsforecast::storage {
namespace {

constexpr int64_t kDay = 86400000;

SeriesDefinition Daily(const std::string& name, Labels labels = {}) {
  SeriesDefinition def;
  def.name = name;
  def.labels = std::move(labels);
  def.step = CalendarStep(StepUnit::kDay, 1);
  return def;
}

class StoreTest : public ::testing::Test {
 protected:
  void Open() {
    store_.reset();
    StorageOptions options;
    options.data_dir = dir_.Sub("db");
    options.durability = Durability::kProcess;
    options.now_ms = [this] { return now_ms_.load(); };
    options.max_merge_operands = 8;
    options.min_free_bytes = 64ull << 20;
    options.free_bytes = [this]() -> absl::StatusOr<uint64_t> {
      return free_bytes_.load();
    };
    auto store = SeriesStore::Open(options);
    ASSERT_OK(store);
    store_ = std::move(*store);
  }
  void SetUp() override { Open(); }

  std::vector<Point> ReadAll(const std::string& name) {
    return testing::ReadAllPoints(*store_, name);
  }

  testing::TempDir dir_;
  std::atomic<int64_t> now_ms_{1700000000000};
  std::atomic<uint64_t> free_bytes_{1ull << 40};
  std::unique_ptr<SeriesStore> store_;
};

TEST_F(StoreTest, CreateGetListUpdateDelete) {
  ASSERT_OK_AND_ASSIGN(SeriesInfo a,
                       store_->CreateSeries(Daily("ndpr", {{"m", "sh"}})));
  EXPECT_EQ(a.revision, 1u);
  EXPECT_EQ(a.create_time_ms, now_ms_.load());
  EXPECT_STATUS(store_->CreateSeries(Daily("ndpr")),
                absl::StatusCode::kAlreadyExists,
                "series \"ndpr\" already exists");
  ASSERT_OK(store_->CreateSeries(Daily("copper", {{"m", "lme"}})));
  ASSERT_OK_AND_ASSIGN(
      auto listed,
      store_->ListSeries({{"m", MatchType::kEqual, "lme"}}, "", 10));
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].definition.name, "copper");

  SeriesUpdate update;
  update.labels = Labels{{"m", "lme"}};
  update.unit = "USD/t";
  ASSERT_OK_AND_ASSIGN(SeriesInfo updated,
                       store_->UpdateSeries("ndpr", update));
  EXPECT_EQ(updated.definition.unit, "USD/t");
  EXPECT_EQ(updated.revision, 2u);
  ASSERT_OK_AND_ASSIGN(
      listed, store_->ListSeries({{"m", MatchType::kEqual, "lme"}}, "", 10));
  EXPECT_EQ(listed.size(), 2u);

  ASSERT_OK(store_->Write({{"ndpr", {{0, 1}, {kDay, 2}}, std::nullopt}}));
  ASSERT_OK(store_->DeleteSeries("ndpr"));
  EXPECT_STATUS(store_->GetSeries("ndpr"), absl::StatusCode::kNotFound,
                "series \"ndpr\" not found");
  // A new series of the same name starts empty.
  ASSERT_OK(store_->CreateSeries(Daily("ndpr")));
  EXPECT_TRUE(ReadAll("ndpr").empty());
  Open();
  ASSERT_OK_AND_ASSIGN(SeriesInfo reopened, store_->GetSeries("copper"));
  EXPECT_EQ(reopened.definition.labels.at("m"), "lme");
}

// Appends, whole-series deletes and range deletes interleaved in one
// memtable: range deletions must not share the memtable's per-series
// insert hints (RocksDB 7.8 keeps one hint table for both; crossing it
// trips an assertion in its skip list). Each step is checked by reading.
TEST_F(StoreTest, RangeDeletesBetweenHintedAppendsKeepEverySeriesRight) {
  for (const char* name : {"a", "b", "c"}) {
    ASSERT_OK(store_->CreateSeries(Daily(name)));
  }
  std::vector<Point> a_model;
  for (int day = 0; day < 3000; ++day) {
    std::vector<SeriesWrite> writes;
    for (const char* name : {"a", "b", "c"}) {
      if (name[0] == 'b' && day > 1000) continue;  // deleted by then
      writes.push_back({name, {{day * kDay, day + 0.5}}, std::nullopt});
    }
    ASSERT_OK(store_->Write(std::move(writes)));
    a_model.push_back({day * kDay, day + 0.5});
    if (day == 1000) {
      ASSERT_OK(store_->DeleteSeries("b"));
    }
    if (day == 2000) {
      // Spans whole windows (1,024 days each) and the first window.
      ASSERT_OK(store_->DeletePoints("a", TimeRange{0, 1900 * kDay}));
      a_model.erase(a_model.begin(), a_model.begin() + 1900);
      ASSERT_OK(store_->DeletePoints("c", TimeRange{INT64_MIN, 5 * kDay}));
    }
  }
  ASSERT_OK(store_->CreateSeries(Daily("b")));
  ASSERT_OK(store_->Write({{"b", {{7 * kDay, 7}}, std::nullopt}}));
  for (int reopen = 0; reopen < 2; ++reopen) {
    EXPECT_EQ(ReadAll("a"), a_model);
    const std::vector<Point> b = ReadAll("b");
    ASSERT_EQ(b.size(), 1u);
    EXPECT_EQ(b[0].value, 7);
    const std::vector<Point> c = ReadAll("c");
    ASSERT_EQ(c.size(), 2995u);
    EXPECT_EQ(c.front().timestamp_ms, 5 * kDay);
    Open();
  }
}

TEST_F(StoreTest, WriteIsAtomicAndNamesTheBadField) {
  ASSERT_OK(store_->CreateSeries(Daily("a")));
  std::vector<SeriesWrite> writes = {
      {"a", {{0, 1}}, std::nullopt},
      {"a", {{kDay, 2}, {2 * kDay, std::nan("")}}, std::nullopt}};
  EXPECT_STATUS(store_->Write(writes), absl::StatusCode::kInvalidArgument,
                "series[1].values[1]: not a finite number");
  EXPECT_TRUE(ReadAll("a").empty());
  EXPECT_STATUS(
      store_->Write({{"a", {{kMaxTimestampMs + 1, 1}}, std::nullopt}}),
      absl::StatusCode::kInvalidArgument, "series[0].timestamps_ms[0]");
  EXPECT_STATUS(store_->Write({{"a", {{0, 1}}, std::nullopt},
                               {"nope", {{0, 1}}, std::nullopt}}),
                absl::StatusCode::kNotFound, "series[1].series");
  EXPECT_TRUE(ReadAll("a").empty());
  EXPECT_STATUS(store_->Write({{"bad name", {{0, 1}}, std::nullopt}}),
                absl::StatusCode::kInvalidArgument, "series[0].series");
  ASSERT_OK_AND_ASSIGN(SeriesInfo a, store_->GetSeries("a"));
  EXPECT_EQ(a.revision, 1u);
}

// A point off the step grid: rejected (naming it, storing nothing of the
// request) or snapped, as the series says; the policy survives a reopen.
TEST_F(StoreTest, OffGridPointsFollowTheSeriesPolicy) {
  const int64_t jan = 1704067200000;  // 2024-01-01, a Monday
  SeriesDefinition monthly = Daily("monthly");
  monthly.step = CalendarStep(StepUnit::kMonth, 1);
  ASSERT_OK(store_->CreateSeries(monthly));
  SeriesDefinition starts = monthly;
  starts.name = "starts";
  starts.off_grid = OffGridPolicy::kSnapStart;
  ASSERT_OK(store_->CreateSeries(starts));
  SeriesDefinition ends = monthly;
  ends.name = "ends";
  ends.off_grid = OffGridPolicy::kSnapEnd;
  ASSERT_OK(store_->CreateSeries(ends));
  SeriesDefinition trading = Daily("trading");
  trading.step = CalendarStep(StepUnit::kBusinessDay, 1);
  ASSERT_OK(store_->CreateSeries(trading));

  // 2024-01-15 in a monthly series; the first write of the request is fine
  // and is not stored either.
  EXPECT_STATUS(
      store_->Write({{"monthly", {{jan, 1}}, std::nullopt},
                     {"monthly", {{jan + 14 * kDay, 2}}, std::nullopt}}),
      absl::StatusCode::kInvalidArgument,
      "series[1].timestamps_ms[0]: 2024-01-15T00:00:00Z is not a step start "
      "of series \"monthly\" (step 1mo; the steps around it start at "
      "2024-01-01T00:00:00Z and 2024-02-01T00:00:00Z)");
  EXPECT_TRUE(ReadAll("monthly").empty());
  // A Saturday in a business-day series.
  EXPECT_STATUS(
      store_->Write({{"trading", {{jan + 5 * kDay, 80}}, std::nullopt}}),
      absl::StatusCode::kInvalidArgument,
      "2024-01-06T00:00:00Z is not a step start of series "
      "\"trading\" (step 1bd, weekdays only");
  ASSERT_OK(store_->Write({{"trading", {{jan + 4 * kDay, 80}}, std::nullopt}}));

  // 2024-01-15 and 2024-02-01 snapped to the start and to the end.
  const int64_t feb = jan + 31 * kDay;
  ASSERT_OK(store_->Write(
      {{"starts", {{jan + 14 * kDay, 1}, {feb, 2}}, std::nullopt},
       {"ends", {{jan + 14 * kDay, 1}, {feb, 2}}, std::nullopt}}));
  EXPECT_EQ(ReadAll("starts"), (std::vector<Point>{{jan, 1}, {feb, 2}}));
  // As step ends, both measure January; the later write wins.
  EXPECT_EQ(ReadAll("ends"), (std::vector<Point>{{jan, 2}}));

  Open();
  ASSERT_OK_AND_ASSIGN(SeriesInfo info, store_->GetSeries("ends"));
  EXPECT_EQ(info.definition.off_grid, OffGridPolicy::kSnapEnd);
  ASSERT_OK_AND_ASSIGN(info, store_->GetSeries("monthly"));
  EXPECT_EQ(info.definition.off_grid, OffGridPolicy::kReject);
}

TEST_F(StoreTest, CreateOnFirstWrite) {
  SeriesDefinition def = Daily("", {{"country", "CN"}});
  def.value_kind = ValueKind::kFlow;
  ASSERT_OK_AND_ASSIGN(WriteResult result,
                       store_->Write({{"exports_cn", {{0, 5}}, def},
                                      {"exports_cn", {{kDay, 6}}, def}}));
  EXPECT_EQ(result.series_created, 1u);
  EXPECT_EQ(result.revisions, (std::vector<uint64_t>{2, 3}));
  ASSERT_OK_AND_ASSIGN(SeriesInfo info, store_->GetSeries("exports_cn"));
  EXPECT_EQ(info.definition.value_kind, ValueKind::kFlow);
  EXPECT_EQ(ReadAll("exports_cn"), (std::vector<Point>{{0, 5}, {kDay, 6}}));
  // An invalid definition is rejected with its path and creates nothing.
  SeriesDefinition bad = Daily("");
  bad.step = CalendarStep(StepUnit::kDay, 0);
  EXPECT_STATUS(store_->Write({{"other", {{0, 1}}, bad}}),
                absl::StatusCode::kInvalidArgument,
                "series[0].create_if_missing.step");
  EXPECT_STATUS(store_->GetSeries("other"), absl::StatusCode::kNotFound, "");
}

// Random writes (any order, duplicates, re-sent batches), range deletes and
// reopens, checked against a std::map after every step.
TEST_F(StoreTest, RandomOperationsMatchModel) {
  std::mt19937_64 rng(1234);
  const std::vector<std::string> names = {"p", "q", "r"};
  std::map<std::string, std::map<int64_t, double>> model;
  for (const auto& n : names) {
    SeriesDefinition def = Daily(n);
    // Small windows (hourly step: 1024 h) so that ranges span many blocks.
    def.step = CalendarStep(StepUnit::kHour, 1);
    ASSERT_OK(store_->CreateSeries(def));
  }
  const int64_t hour = 3600000;
  for (int op = 0; op < 400; ++op) {
    const std::string& name = names[rng() % names.size()];
    const int kind = static_cast<int>(rng() % 10);
    if (kind < 7) {
      std::vector<Point> points;
      const int n = 1 + static_cast<int>(rng() % 200);
      for (int i = 0; i < n; ++i) {
        const int64_t ts = static_cast<int64_t>(rng() % 20000) * hour -
                           5000 * hour;  // before and after the epoch
        const double v = static_cast<double>(rng() % 100000) / 100;
        points.push_back({ts, v});
      }
      ASSERT_OK(store_->Write({{name, points, std::nullopt}}));
      for (const Point& p : points) model[name][p.timestamp_ms] = p.value;
    } else if (kind < 9) {
      const int64_t a = (static_cast<int64_t>(rng() % 20000) - 5000) * hour +
                        static_cast<int64_t>(rng() % 3) * 7;
      const int64_t b = a + static_cast<int64_t>(rng() % 5000) * hour;
      ASSERT_OK(store_->DeletePoints(name, {a, b}));
      auto& m = model[name];
      m.erase(m.lower_bound(a), m.lower_bound(b));
    } else {
      Open();
    }
    if (op % 25 == 0 || kind == 9) {
      for (const auto& n : names) {
        const std::vector<Point> expected = testing::PointsOf(model[n]);
        ASSERT_EQ(ReadAll(n), expected) << "series " << n << " after op " << op;
      }
    }
  }
  // Range reads, limits and latest against the model.
  for (const auto& n : names) {
    const auto& m = model[n];
    const int64_t a = -1000 * hour, b = 3000 * hour;
    const std::vector<Point> expected = testing::PointsOf(m, a, b);
    ASSERT_OK_AND_ASSIGN(ReadResult r, store_->Read(n, {a, b}, 0));
    EXPECT_EQ(r.points, expected);
    ASSERT_OK_AND_ASSIGN(ReadResult limited, store_->Read(n, {a, b}, 5));
    EXPECT_EQ(limited.points.size(), std::min<size_t>(5, expected.size()));
    EXPECT_EQ(limited.has_more, expected.size() > 5);
    ASSERT_OK_AND_ASSIGN(ReadResult latest, store_->ReadLatest(n, 3));
    std::vector<Point> last3;
    for (auto it = m.rbegin(); it != m.rend() && last3.size() < 3; ++it) {
      last3.insert(last3.begin(), {it->first, it->second});
    }
    EXPECT_EQ(latest.points, last3);
  }
  // Compaction folds everything and changes nothing visible.
  ASSERT_OK(store_->Compact());
  for (const auto& n : names) {
    const std::vector<Point> expected = testing::PointsOf(model[n]);
    EXPECT_EQ(ReadAll(n), expected);
  }
}

TEST_F(StoreTest, RevisionRisesWithEveryWriteAndSurvivesReopen) {
  ASSERT_OK(store_->CreateSeries(Daily("a")));
  for (int i = 0; i < 5; ++i) {
    ASSERT_OK(store_->Write({{"a", {{i * kDay, 1.0 * i}}, std::nullopt}}));
  }
  ASSERT_OK_AND_ASSIGN(uint64_t rev, store_->DeletePoints("a", {0, kDay}));
  EXPECT_EQ(rev, 7u);
  // After a restart revisions resume above every one handed out before.
  for (int reopen = 0; reopen < 3; ++reopen) {
    Open();
    ASSERT_OK_AND_ASSIGN(SeriesInfo info, store_->GetSeries("a"));
    EXPECT_GT(info.revision, rev);
    ASSERT_OK_AND_ASSIGN(WriteResult w,
                         store_->Write({{"a", {{9 * kDay, 9}}, std::nullopt}}));
    EXPECT_GT(w.revisions[0], info.revision);
    rev = w.revisions[0];
  }
  ASSERT_OK_AND_ASSIGN(ReadResult r, store_->Read("a", {}, 0));
  EXPECT_EQ(r.revision, rev);
  EXPECT_EQ(r.points.size(), 5u);
}

// Issue 19: a re-created name started again at revision 1, so caches keyed
// on (name, revision) answered with the deleted series' forecast. Every
// revision of the new series must lie above every one of the old, with a
// restart between delete and create or not, and across head and RocksDB
// writes.
TEST_F(StoreTest, RevisionsOfANameNeverRepeatAcrossDeleteAndCreate) {
  uint64_t highest = 0;
  for (int round = 0; round < 4; ++round) {
    ASSERT_OK_AND_ASSIGN(SeriesInfo created, store_->CreateSeries(Daily("a")));
    EXPECT_GT(created.revision, highest) << "round " << round;
    ASSERT_OK_AND_ASSIGN(
        WriteResult w,
        store_->Write({{"a", {{0, 1.0 * round}}, std::nullopt}}));
    highest = w.revisions[0];
    if (round % 2 == 1) {
      Open();  // the ceiling, not the last revision, survives
      ASSERT_OK_AND_ASSIGN(SeriesInfo info, store_->GetSeries("a"));
      highest = info.revision;
    }
    ASSERT_OK(store_->DeleteSeries("a"));
    if (round >= 2) Open();  // the retired revision is durable
  }
  // Another name created after the deletes starts above them too; one in
  // a store that never deleted starts at 1 (CreateGetListUpdateDelete).
  ASSERT_OK_AND_ASSIGN(SeriesInfo other, store_->CreateSeries(Daily("b")));
  EXPECT_GT(other.revision, highest);
}

TEST_F(StoreTest, RetentionHidesAndCompactionDropsExpiredPoints) {
  // Points at the clock's own times, not day starts: kept as they are.
  SeriesDefinition def = Daily("short");
  def.retention_ms = 10 * kDay;
  def.off_grid = OffGridPolicy::kAccept;
  ASSERT_OK(store_->CreateSeries(def));
  SeriesDefinition forever = Daily("forever");
  forever.off_grid = OffGridPolicy::kAccept;
  ASSERT_OK(store_->CreateSeries(forever));
  const int64_t now = now_ms_.load();
  std::vector<Point> points;
  std::mt19937 rng(1);
  // Random values, so that sizes are dominated by data, not file overhead.
  for (int i = 0; i < 20000; ++i) {
    points.push_back(
        {now - i * kDay, static_cast<double>(rng() % 1000000) / 100});
  }
  ASSERT_OK(store_->Write(
      {{"short", points, std::nullopt}, {"forever", points, std::nullopt}}));
  EXPECT_EQ(ReadAll("short").size(), 11u);  // now-10d .. now
  EXPECT_EQ(ReadAll("forever").size(), 20000u);
  ASSERT_OK(store_->Compact());
  ASSERT_OK_AND_ASSIGN(StorageStats before, store_->Stats());
  // Physically: the points of "short" beyond retention are gone, so only
  // about half of the data remains. Shrink retention of "forever" too.
  SeriesUpdate update;
  update.retention_ms = 10 * kDay;
  ASSERT_OK(store_->UpdateSeries("forever", update));
  ASSERT_OK(store_->Compact());
  ASSERT_OK_AND_ASSIGN(StorageStats after, store_->Stats());
  EXPECT_LT(after.points_sst_bytes * 5, before.points_sst_bytes);
  // Even with retention lifted, expired points do not come back.
  update.retention_ms = 0;
  ASSERT_OK(store_->UpdateSeries("forever", update));
  EXPECT_LT(ReadAll("forever").size(), 2048u);
}

TEST_F(StoreTest, DeletedSeriesDataIsDroppedByCompaction) {
  ASSERT_OK(store_->CreateSeries(Daily("big")));
  std::vector<Point> points;
  for (int i = 0; i < 50000; ++i) points.push_back({i * kDay, i * 0.37});
  ASSERT_OK(store_->Write({{"big", points, std::nullopt}}));
  ASSERT_OK(store_->Compact());
  ASSERT_OK_AND_ASSIGN(StorageStats full, store_->Stats());
  EXPECT_GT(full.points_sst_bytes, 50000u);
  ASSERT_OK(store_->DeleteSeries("big"));
  ASSERT_OK(store_->Compact());
  ASSERT_OK_AND_ASSIGN(StorageStats empty, store_->Stats());
  EXPECT_LT(empty.points_sst_bytes, 2000u);
  EXPECT_EQ(empty.series_count, 0u);
}

TEST_F(StoreTest, AttachmentsListNewestFirstSurviveReopenAndDieWithSeries) {
  ASSERT_OK(store_->CreateSeries(Daily("a")));
  ASSERT_OK(store_->CreateSeries(Daily("b")));
  std::vector<uint64_t> ids;
  for (int i = 0; i < 5; ++i) {
    ASSERT_OK_AND_ASSIGN(
        uint64_t id,
        store_->AddAttachment("a", 1000 + i, absl::StrCat("doc", i)));
    ids.push_back(id);
  }
  ASSERT_OK_AND_ASSIGN(uint64_t other, store_->AddAttachment("b", 7, "b-doc"));
  EXPECT_GT(other, ids.back());
  EXPECT_STATUS(store_->AddAttachment("nope", 0, "x"),
                absl::StatusCode::kNotFound, "nope");
  EXPECT_STATUS(
      store_->AddAttachment("a", 0, std::string(kMaxAttachmentBytes + 1, 'x')),
      absl::StatusCode::kInvalidArgument, "larger than the limit");

  ASSERT_OK_AND_ASSIGN(auto page1, store_->ListAttachments("a", 0, 3, false));
  ASSERT_EQ(page1.size(), 3u);
  EXPECT_EQ(page1[0].id, ids[4]);
  EXPECT_EQ(page1[2].id, ids[2]);
  EXPECT_EQ(page1[0].create_time_ms, 1004);
  EXPECT_TRUE(page1[0].payload.empty());
  ASSERT_OK_AND_ASSIGN(auto page2,
                       store_->ListAttachments("a", page1.back().id, 3, true));
  ASSERT_EQ(page2.size(), 2u);
  EXPECT_EQ(page2[0].id, ids[1]);
  EXPECT_EQ(page2[1].payload, "doc0");

  Open();
  ASSERT_OK_AND_ASSIGN(SeriesAttachment got,
                       store_->GetAttachment("a", ids[3]));
  EXPECT_EQ(got.payload, "doc3");
  EXPECT_EQ(got.create_time_ms, 1003);
  EXPECT_STATUS(store_->GetAttachment("a", other), absl::StatusCode::kNotFound,
                "has no attachment");
  // Ids keep rising after a reopen.
  ASSERT_OK_AND_ASSIGN(uint64_t after, store_->AddAttachment("b", 8, "again"));
  EXPECT_GT(after, other);

  ASSERT_OK(store_->DeleteSeries("a"));
  ASSERT_OK(store_->CreateSeries(Daily("a")));
  ASSERT_OK_AND_ASSIGN(auto none, store_->ListAttachments("a", 0, 10, false));
  EXPECT_TRUE(none.empty());
  ASSERT_OK_AND_ASSIGN(auto b_docs, store_->ListAttachments("b", 0, 10, true));
  ASSERT_EQ(b_docs.size(), 2u);
  EXPECT_EQ(b_docs[1].payload, "b-doc");
}

TEST_F(StoreTest, BackupAndRestore) {
  ASSERT_OK(store_->CreateSeries(Daily("a", {{"k", "v"}})));
  ASSERT_OK(store_->Write({{"a", {{0, 1}, {kDay, 2}}, std::nullopt}}));
  const std::string backup = dir_.Sub("backup");
  ASSERT_OK_AND_ASSIGN(uint64_t bytes, store_->Backup(backup));
  EXPECT_GT(bytes, 0u);
  EXPECT_STATUS(store_->Backup(backup), absl::StatusCode::kAlreadyExists, "");
  EXPECT_STATUS(store_->Backup("relative/dir"),
                absl::StatusCode::kInvalidArgument, "absolute");
  // Written after the backup: must not appear in the restored copy.
  ASSERT_OK(store_->Write({{"a", {{2 * kDay, 3}}, std::nullopt}}));

  const std::string restored = dir_.Sub("restored");
  ASSERT_OK(RestoreBackup(backup, restored));
  EXPECT_STATUS(RestoreBackup(backup, restored),
                absl::StatusCode::kFailedPrecondition, "not empty");
  StorageOptions options;
  options.data_dir = restored;
  ASSERT_OK_AND_ASSIGN(auto copy, SeriesStore::Open(options));
  ASSERT_OK_AND_ASSIGN(ReadResult r, copy->Read("a", {}, 0));
  EXPECT_EQ(r.points, (std::vector<Point>{{0, 1}, {kDay, 2}}));
  ASSERT_OK_AND_ASSIGN(SeriesInfo info, copy->GetSeries("a"));
  EXPECT_EQ(info.definition.labels.at("k"), "v");
}

TEST_F(StoreTest, MonthlySeriesStoreMonthStartsExactly) {
  SeriesDefinition def = Daily("exports");
  def.step = CalendarStep(StepUnit::kMonth, 1);
  ASSERT_OK(store_->CreateSeries(def));
  std::vector<Point> points;
  const CalendarStep month(StepUnit::kMonth, 1);
  int64_t ts = month.AlignDown(-20 * 365 * kDay);
  for (int i = 0; i < 600; ++i, ts = month.Add(ts, 1)) {
    points.push_back({ts, 1000.0 + i});
  }
  ASSERT_OK(store_->Write({{"exports", points, std::nullopt}}));
  EXPECT_EQ(ReadAll("exports"), points);
}

// Writes `key`=`value` into the default family of the RocksDB at `dir`.
void PutRaw(const std::string& dir, const std::string& key,
            const std::string& value) {
  std::vector<std::string> names;
  rocksdb::Options options;
  options.create_if_missing = true;
  std::vector<rocksdb::ColumnFamilyDescriptor> families;
  if (rocksdb::DB::ListColumnFamilies(options, dir, &names).ok()) {
    for (const auto& n : names) families.push_back({n, {}});
  } else {
    families.push_back({rocksdb::kDefaultColumnFamilyName, {}});
  }
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* db = nullptr;
  ASSERT_TRUE(rocksdb::DB::Open(options, dir, families, &handles, &db).ok());
  ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), handles[0], key, value).ok());
  for (auto* h : handles) ASSERT_TRUE(db->DestroyColumnFamilyHandle(h).ok());
  delete db;
}

TEST_F(StoreTest, RefusesAnotherFormatVersion) {
  store_.reset();
  PutRaw(dir_.Sub("db"), std::string("\0format_version", 15),
         "tsforecast-storage-999");
  StorageOptions options;
  options.data_dir = dir_.Sub("db");
  EXPECT_STATUS(SeriesStore::Open(options),
                absl::StatusCode::kFailedPrecondition,
                "has storage format \"tsforecast-storage-999\"");
}

TEST_F(StoreTest, RefusesForeignRocksDbData) {
  testing::TempDir other;
  PutRaw(other.Sub("db"), "hello", "world");
  StorageOptions options;
  options.data_dir = other.Sub("db");
  EXPECT_STATUS(SeriesStore::Open(options),
                absl::StatusCode::kFailedPrecondition,
                "without a tsforecast format version");
}

// A nearly full disk pauses writes with a clear error before RocksDB
// meets it; reads go on; writes resume once space is freed, nothing lost.
TEST_F(StoreTest, WritesPauseWhileTheDiskIsNearlyFull) {
  ASSERT_OK(store_->CreateSeries(Daily("a")));
  ASSERT_OK(store_->Write({{"a", {{kDay, 1}}, std::nullopt}}));
  free_bytes_ = 10ull << 20;  // below the 64 MiB reserve
  EXPECT_STATUS(store_->Write({{"a", {{2 * kDay, 2}}, std::nullopt}}),
                absl::StatusCode::kResourceExhausted, "disk nearly full: ");
  EXPECT_STATUS(store_->CreateSeries(Daily("b")),
                absl::StatusCode::kResourceExhausted, "--min_free_disk_mb");
  EXPECT_FALSE(store_->Health().writable);
  EXPECT_NE(store_->Health().reason.find("writes resume by themselves"),
            std::string::npos);
  EXPECT_EQ(ReadAll("a").size(), 1u);  // reads go on
  free_bytes_ = 1ull << 30;
  ASSERT_OK(store_->Write({{"a", {{2 * kDay, 2}}, std::nullopt}}));
  EXPECT_TRUE(store_->Health().writable);
  EXPECT_EQ(ReadAll("a").size(), 2u);
}

}  // namespace
}  // namespace tsforecast::storage
