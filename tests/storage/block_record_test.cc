#include "storage/block_record.h"

#include <map>
#include <random>

#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace tsforecast::storage {
namespace {

TEST(BlockRecordTest, EncodeDecodeRoundTrip) {
  BlockRecord r;
  r.deletes = {{-10, 5}, {100, 200}};
  r.points = {{1, 1.5}, {7, -2}, {300, 1e9}};
  BlockRecord back;
  ASSERT_OK(DecodeBlockRecord(EncodeBlockRecord(r), &back));
  EXPECT_EQ(back.deletes, r.deletes);
  EXPECT_EQ(back.points, r.points);
}

TEST(BlockRecordTest, RejectsUnknownVersion) {
  std::string encoded = EncodeBlockRecord({});
  encoded[0] = 9;
  BlockRecord back;
  EXPECT_STATUS(DecodeBlockRecord(encoded, &back), absl::StatusCode::kDataLoss,
                "version 9");
}

TEST(BlockRecordTest, SortKeepsLastOfEqualTimestamps) {
  std::vector<Point> p = {{5, 1}, {3, 2}, {5, 3}, {1, 4}, {3, 5}};
  SortPointsLastWins(&p);
  EXPECT_EQ(p, (std::vector<Point>{{1, 4}, {3, 5}, {5, 3}}));
}

// Composition must equal applying the changes one by one to a map.
TEST(BlockRecordTest, ComposeMatchesSequentialModel) {
  std::mt19937 rng(5);
  for (int trial = 0; trial < 300; ++trial) {
    std::map<int64_t, double> model;
    BlockRecord composed;
    const int steps = 1 + static_cast<int>(rng() % 6);
    for (int s = 0; s < steps; ++s) {
      BlockRecord change;
      if (rng() % 3 == 0) {
        const int64_t a = rng() % 50;
        change.deletes.push_back({a, a + static_cast<int64_t>(rng() % 20)});
      }
      for (int i = 0; i < static_cast<int>(rng() % 10); ++i) {
        change.points.push_back({static_cast<int64_t>(rng() % 50),
                                 static_cast<double>(rng() % 1000)});
      }
      SortPointsLastWins(&change.points);
      for (const TimeRange& r : change.deletes) {
        model.erase(model.lower_bound(r.start_ms), model.lower_bound(r.end_ms));
      }
      for (const Point& p : change.points) model[p.timestamp_ms] = p.value;
      // Round-trip each operand through its encoding, as RocksDB stores it.
      BlockRecord decoded;
      ASSERT_OK(DecodeBlockRecord(EncodeBlockRecord(change), &decoded));
      composed = Compose(std::move(composed), decoded);
    }
    std::vector<Point> expected;
    for (const auto& [ts, v] : model) expected.push_back({ts, v});
    EXPECT_EQ(composed.points, expected) << "trial " << trial;
  }
}

}  // namespace
}  // namespace tsforecast::storage

namespace tsforecast::storage {
namespace {

// RocksDB may partially merge any contiguous run of operands before the
// full merge: the split must not matter.
TEST(BlockRecordTest, ComposeIsAssociative) {
  std::mt19937 rng(9);
  auto random_change = [&] {
    BlockRecord change;
    if (rng() % 2 == 0) {
      const int64_t a = rng() % 40;
      change.deletes.push_back({a, a + static_cast<int64_t>(rng() % 15)});
    }
    for (int i = 0; i < static_cast<int>(rng() % 8); ++i) {
      change.points.push_back(
          {static_cast<int64_t>(rng() % 40), static_cast<double>(rng() % 100)});
    }
    SortPointsLastWins(&change.points);
    return change;
  };
  for (int trial = 0; trial < 300; ++trial) {
    std::vector<BlockRecord> changes;
    for (int i = 0; i < 5; ++i) changes.push_back(random_change());
    BlockRecord sequential;
    for (const BlockRecord& c : changes) {
      sequential = Compose(std::move(sequential), c);
    }
    const size_t split = rng() % changes.size();
    BlockRecord left, right;
    for (size_t i = 0; i < split; ++i)
      left = Compose(std::move(left), changes[i]);
    for (size_t i = split; i < changes.size(); ++i) {
      right = Compose(std::move(right), changes[i]);
    }
    EXPECT_EQ(Compose(std::move(left), right).points, sequential.points);
    BlockRecordComposer composer;
    for (const BlockRecord& c : changes) composer.Add(c);
    BlockRecord bulk = composer.Finish();
    EXPECT_EQ(bulk.points, sequential.points);
    EXPECT_EQ(bulk.deletes, sequential.deletes);
  }
}

// Found by tests/fuzz/block_record_fuzz.cc: deltas whose sum overflows
// int64 (undefined behaviour before the fix). Kept in the fuzz corpus too.
TEST(BlockRecordTest, HostileDeltasAreCorruptNotUndefined) {
  const std::string bytes(
      "\x01\x00\x32\x63\xd0\x80\x80\x8f\xf0\xa5\x98\xb2\x52\x61\x01\x02\x00\xa0"
      "\x2f\x01\x16\x95\x2a\x54\xa9\x52\x03\x00\x00\x06\x54\xa9\x1b\xa5\x4a",
      35);
  BlockRecord block;
  EXPECT_FALSE(DecodeBlockRecord(bytes, &block).ok());
  // The same for decimal values whose deltas overflow: decoded without
  // undefined behaviour (UBSan checks), whatever the result.
  const std::string values(
      "\x01\x00\x32\x80\xd0\x8f\xa5\x98\x63\x80\xf0\xb2\x52\x61\x01\x02\x00\xa0"
      "\x9c\xa9\x01\x00\x5a\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff"
      "\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xa5\x4a\x95\x2a\x11\x00\x54"
      "\xa9\x52\xa5\x4a\x95",
      59);
  (void)DecodeBlockRecord(values, &block);
}

}  // namespace
}  // namespace tsforecast::storage
