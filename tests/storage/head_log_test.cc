#include "storage/head_log.h"

#include <filesystem>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "storage/head_record.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace tsforecast::storage {
namespace {

namespace fs = std::filesystem;
using Records = std::vector<std::pair<uint64_t, std::string>>;

absl::StatusOr<std::unique_ptr<HeadLog>> OpenLog(const std::string& dir,
                                                 Records* replayed,
                                                 uint64_t min_seq = 0) {
  return HeadLog::Open(dir, /*sync=*/false, min_seq,
                       [replayed](uint64_t seq, absl::string_view payload) {
                         replayed->emplace_back(seq, std::string(payload));
                         return absl::OkStatus();
                       });
}

std::vector<uint64_t> SegmentSizes(const std::string& dir) {
  std::vector<std::pair<std::string, uint64_t>> files;
  for (const auto& e : fs::directory_iterator(dir)) {
    files.emplace_back(e.path().filename().string(), e.file_size());
  }
  std::sort(files.begin(), files.end());
  std::vector<uint64_t> sizes;
  for (const auto& f : files) sizes.push_back(f.second);
  return sizes;
}

TEST(HeadLogTest, ReplaysRecordsInOrderAndContinuesTheirNumbers) {
  testing::TempDir tmp;
  const std::string dir = tmp.Sub("head");
  Records replayed;
  {
    ASSERT_OK_AND_ASSIGN(auto log, OpenLog(dir, &replayed));
    for (int i = 0; i < 5; ++i) {
      ASSERT_OK_AND_ASSIGN(uint64_t seq, log->Append(absl::StrCat("r", i)));
      EXPECT_EQ(seq, static_cast<uint64_t>(i + 1));
    }
  }
  ASSERT_OK_AND_ASSIGN(auto log, OpenLog(dir, &replayed));
  ASSERT_EQ(replayed.size(), 5u);
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(replayed[i],
              std::make_pair(uint64_t(i + 1), absl::StrCat("r", i)));
  }
  ASSERT_OK_AND_ASSIGN(uint64_t next, log->Append("after"));
  EXPECT_EQ(next, 6u);
  // Numbers also stay above what the caller knows was flushed.
  log.reset();
  Records again;
  ASSERT_OK_AND_ASSIGN(log, OpenLog(dir, &again, /*min_seq=*/100));
  ASSERT_OK_AND_ASSIGN(next, log->Append("later"));
  EXPECT_EQ(next, 101u);
}

// A crash can cut the newest record anywhere; replay returns every whole
// record before the cut and nothing of the torn one, and appends go on.
TEST(HeadLogTest, ATornRecordAtAnyByteIsDroppedAndEverythingBeforeKept) {
  testing::TempDir tmp;
  const std::string dir = tmp.Sub("head");
  {
    Records none;
    ASSERT_OK_AND_ASSIGN(auto log, OpenLog(dir, &none));
    ASSERT_OK(log->Append("first record"));
    ASSERT_OK(log->Append("second, the one to tear"));
  }
  const std::string segment = absl::StrCat(dir, "/", HeadSegmentName(1));
  const uint64_t full = fs::file_size(segment);
  const uint64_t first_end = 16 + std::string("first record").size();
  testing::TempDir copies;
  for (uint64_t cut = first_end; cut < full; ++cut) {
    const std::string copy = copies.Sub(absl::StrCat("cut", cut));
    fs::copy(dir, copy);
    fs::resize_file(absl::StrCat(copy, "/", HeadSegmentName(1)), cut);
    Records replayed;
    ASSERT_OK_AND_ASSIGN(auto log, OpenLog(copy, &replayed));
    ASSERT_EQ(replayed.size(), 1u) << "cut at " << cut;
    EXPECT_EQ(replayed[0].second, "first record");
    ASSERT_OK_AND_ASSIGN(uint64_t seq, log->Append("new"));
    EXPECT_EQ(seq, 2u);
    log.reset();
    Records after;
    ASSERT_OK_AND_ASSIGN(log, OpenLog(copy, &after));
    ASSERT_EQ(after.size(), 2u) << "cut at " << cut;
    EXPECT_EQ(after[1], std::make_pair(uint64_t{2}, std::string("new")));
  }
}

TEST(HeadLogTest, AFlippedBitEndsReplayOnlyAtTheNewestSegment) {
  testing::TempDir tmp;
  const std::string dir = tmp.Sub("head");
  {
    Records none;
    ASSERT_OK_AND_ASSIGN(auto log, OpenLog(dir, &none));
    ASSERT_OK(log->Append("in segment one"));
    ASSERT_OK(log->Rotate());
    ASSERT_OK(log->Append("in segment two"));
  }
  auto flip = [](const std::string& path, uint64_t at) {
    std::string data;
    {
      std::FILE* f = std::fopen(path.c_str(), "rb");
      ASSERT_NE(f, nullptr);
      char buffer[4096];
      size_t n;
      while ((n = std::fread(buffer, 1, sizeof(buffer), f)) > 0) {
        data.append(buffer, n);
      }
      std::fclose(f);
    }
    data[at] ^= 0x10;
    std::FILE* f = std::fopen(path.c_str(), "wb");
    std::fwrite(data.data(), 1, data.size(), f);
    std::fclose(f);
  };
  // Damage in an older segment is not a crash: refuse rather than drop the
  // newer, acknowledged records.
  testing::TempDir copies;
  const std::string older = copies.Sub("older");
  fs::copy(dir, older);
  flip(absl::StrCat(older, "/", HeadSegmentName(1)), 20);
  Records replayed;
  auto opened = OpenLog(older, &replayed);
  EXPECT_EQ(opened.status().code(), absl::StatusCode::kDataLoss)
      << opened.status();
  // In the newest segment it reads as a torn tail.
  const std::string newest = copies.Sub("newest");
  fs::copy(dir, newest);
  flip(absl::StrCat(newest, "/", HeadSegmentName(2)), 20);
  replayed.clear();
  ASSERT_OK(OpenLog(newest, &replayed));
  ASSERT_EQ(replayed.size(), 1u);
  EXPECT_EQ(replayed[0].second, "in segment one");
}

TEST(HeadLogTest, RotateThenDeleteBeforeDropsOnlyOlderSegments) {
  testing::TempDir tmp;
  const std::string dir = tmp.Sub("head");
  Records none;
  ASSERT_OK_AND_ASSIGN(auto log, OpenLog(dir, &none));
  ASSERT_OK(log->Append("a"));
  ASSERT_OK_AND_ASSIGN(uint64_t second, log->Rotate());
  ASSERT_OK(log->Append("b"));
  ASSERT_OK_AND_ASSIGN(uint64_t third, log->Rotate());
  ASSERT_OK(log->Append("c"));
  EXPECT_EQ(SegmentSizes(dir).size(), 3u);
  const uint64_t before = log->Bytes();
  ASSERT_OK(log->DeleteBefore(second));
  EXPECT_EQ(SegmentSizes(dir).size(), 2u);
  EXPECT_EQ(log->Bytes(), before - 17);
  ASSERT_OK(log->DeleteBefore(third));
  log.reset();
  Records replayed;
  ASSERT_OK(OpenLog(dir, &replayed));
  ASSERT_EQ(replayed.size(), 1u);
  EXPECT_EQ(replayed[0].second, "c");
}

TEST(HeadLogTest, ConcurrentAppendsAllLandWithDistinctNumbers) {
  testing::TempDir tmp;
  const std::string dir = tmp.Sub("head");
  constexpr int kThreads = 8, kEach = 300;
  {
    auto log = HeadLog::Open(
        dir, /*sync=*/true, 0,
        [](uint64_t, absl::string_view) { return absl::OkStatus(); });
    ASSERT_OK(log);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        for (int i = 0; i < kEach; ++i) {
          EXPECT_OK((*log)->Append(absl::StrCat(t, ":", i)));
        }
      });
    }
    for (auto& t : threads) t.join();
  }
  Records replayed;
  ASSERT_OK(OpenLog(dir, &replayed));
  ASSERT_EQ(replayed.size(), size_t{kThreads * kEach});
  std::vector<int> next(kThreads, 0);
  for (size_t i = 0; i < replayed.size(); ++i) {
    EXPECT_EQ(replayed[i].first, i + 1);
    const std::string& r = replayed[i].second;
    const int t = std::stoi(r.substr(0, r.find(':')));
    // Each thread's records keep its order.
    EXPECT_EQ(std::stoi(r.substr(r.find(':') + 1)), next[t]++);
  }
}

TEST(HeadRecordTest, RoundTripsAnyPointsAndRejectsDamage) {
  const std::vector<Point> a = {{-5, 1.5}, {1700000000000, -0.0}, {3, 1e300}};
  const std::vector<Point> b = {{kMaxTimestampMs, 2}, {kMinTimestampMs, 3}};
  std::string record = StartHeadRecord(3);
  AddToHeadRecord(7, a, &record);
  AddToHeadRecord(1ull << 40, b, &record);
  AddToHeadRecord(9, {}, &record);
  std::vector<HeadSeriesPoints> decoded;
  ASSERT_OK(DecodeHeadRecord(record, &decoded));
  ASSERT_EQ(decoded.size(), 3u);
  EXPECT_EQ(decoded[0].id, 7u);
  EXPECT_EQ(decoded[0].points, a);
  EXPECT_EQ(decoded[1].id, 1ull << 40);
  EXPECT_EQ(decoded[1].points, b);
  EXPECT_TRUE(decoded[2].points.empty());
  for (size_t cut = 0; cut < record.size(); ++cut) {
    EXPECT_EQ(DecodeHeadRecord(record.substr(0, cut), &decoded).code(),
              absl::StatusCode::kDataLoss)
        << cut;
  }
  EXPECT_EQ(DecodeHeadRecord(record + "x", &decoded).code(),
            absl::StatusCode::kDataLoss);
}

}  // namespace
}  // namespace tsforecast::storage
