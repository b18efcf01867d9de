#include "storage/head_table.h"

#include <vector>

#include "gtest/gtest.h"

namespace tsforecast::storage {
namespace {

TEST(HeadTableTest, KeepsTheLastValueOfEachTimeInAnyArrivalOrder) {
  HeadTable head;
  head.Append(1, {{30, 3}, {10, 1}, {30, 4}});
  head.Append(1, {{20, 2}, {10, 5}});
  head.Append(2, {{10, 9}});
  EXPECT_EQ(head.Read(1, {}), (std::vector<Point>{{10, 5}, {20, 2}, {30, 4}}));
  EXPECT_EQ(head.Read(1, {15, 30}), (std::vector<Point>{{20, 2}}));
  EXPECT_EQ(head.Read(2, {}), (std::vector<Point>{{10, 9}}));
  EXPECT_TRUE(head.Read(3, {}).empty());
  // Replaced points stop counting once a read has sorted them out.
  EXPECT_EQ(head.points(), 4u);
}

TEST(HeadTableTest, FlushingPointsStayReadableUnderNewerAppends) {
  HeadTable head;
  head.Append(1, {{10, 1}, {20, 2}});
  head.Append(2, {{10, 7}});
  std::vector<HeadTable::SeriesPoints> flushing = head.BeginFlush(nullptr);
  ASSERT_EQ(flushing.size(), 2u);
  head.Append(1, {{20, 3}, {30, 4}});
  EXPECT_EQ(head.Read(1, {}), (std::vector<Point>{{10, 1}, {20, 3}, {30, 4}}));
  for (const auto& s : flushing) {
    if (s.id == 1) {
      EXPECT_EQ(std::vector<Point>(s.points.begin(), s.points.end()),
                (std::vector<Point>{{10, 1}, {20, 2}}));
    }
  }
  head.EndFlush();
  EXPECT_EQ(head.Read(1, {}), (std::vector<Point>{{20, 3}, {30, 4}}));
  EXPECT_TRUE(head.Read(2, {}).empty());
  EXPECT_EQ(head.points(), 2u);
}

TEST(HeadTableTest, AnAbortedFlushPutsPointsBackUnderNewerOnes) {
  HeadTable head;
  head.Append(1, {{10, 1}, {20, 2}});
  head.BeginFlush(nullptr);
  head.Append(1, {{10, 5}});
  head.AbortFlush();
  EXPECT_EQ(head.Read(1, {}), (std::vector<Point>{{10, 5}, {20, 2}}));
  // A flush of chosen series leaves the others.
  head.Append(2, {{1, 1}});
  std::vector<SeriesId> only = {2};
  ASSERT_EQ(head.BeginFlush(&only).size(), 1u);
  head.EndFlush();
  EXPECT_TRUE(head.Read(2, {}).empty());
  EXPECT_EQ(head.Read(1, {}).size(), 2u);
  head.Erase(1);
  EXPECT_TRUE(head.Read(1, {}).empty());
  EXPECT_EQ(head.points(), 0u);
}

}  // namespace
}  // namespace tsforecast::storage
