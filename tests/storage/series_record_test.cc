// The series record: a round trip, and records written before a trailing
// field existed read with that field's old meaning (off-grid kAccept, no
// decimals, no holidays).
#include "storage/series_record.h"

#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace tsforecast::storage {
namespace {

SeriesInfo Example(OffGridPolicy policy) {
  SeriesInfo info;
  info.id = 7;
  info.create_time_ms = 1700000000000;
  info.window_ms = 86400000;
  info.definition.name = "brent";
  info.definition.labels = {{"source", "eia"}};
  info.definition.unit = "USD/bbl";
  info.definition.step = CalendarStep(StepUnit::kBusinessDay, 1);
  info.definition.off_grid = policy;
  return info;
}

TEST(SeriesRecordTest, RoundTripsEveryPolicy) {
  for (OffGridPolicy p : {OffGridPolicy::kReject, OffGridPolicy::kSnapStart,
                          OffGridPolicy::kSnapEnd, OffGridPolicy::kAccept}) {
    ASSERT_OK_AND_ASSIGN(SeriesInfo back,
                         DecodeSeriesRecord(EncodeSeriesRecord(Example(p))));
    EXPECT_EQ(back.definition.off_grid, p);
    EXPECT_EQ(back.definition.step, CalendarStep(StepUnit::kBusinessDay, 1));
    EXPECT_EQ(back.definition.labels, Example(p).definition.labels);
  }
}

// Without decimals or holidays the record ends: policy byte, then decimals
// (varint 0), calendar (empty string), date count (0) and bounds, one byte
// each.
constexpr size_t kTrailingAfterPolicy = 4;

TEST(SeriesRecordTest, RecordsWithoutAPolicyAccept) {
  std::string legacy = EncodeSeriesRecord(Example(OffGridPolicy::kReject));
  legacy.resize(legacy.size() - kTrailingAfterPolicy - 1);
  ASSERT_OK_AND_ASSIGN(SeriesInfo back, DecodeSeriesRecord(legacy));
  EXPECT_EQ(back.definition.off_grid, OffGridPolicy::kAccept);
  std::string bad = EncodeSeriesRecord(Example(OffGridPolicy::kReject));
  bad[bad.size() - kTrailingAfterPolicy - 1] = 9;
  EXPECT_STATUS(DecodeSeriesRecord(bad), absl::StatusCode::kDataLoss,
                "invalid off-grid policy");
}

TEST(SeriesRecordTest, RoundTripsDecimalsAndHolidays) {
  SeriesInfo info = Example(OffGridPolicy::kReject);
  info.definition.decimals = 2;
  info.definition.holidays.calendar = "us_nyse";
  // Days before and after the epoch: the deltas are signed.
  info.definition.holidays.dates = {-400, 19716, 20081};
  const std::string record = EncodeSeriesRecord(info);
  ASSERT_OK_AND_ASSIGN(SeriesInfo back, DecodeSeriesRecord(record));
  EXPECT_EQ(back.definition.decimals, 2);
  EXPECT_EQ(back.definition.holidays, info.definition.holidays);
  // A record from before decimals, holidays and bounds: none declared.
  std::string older = EncodeSeriesRecord(Example(OffGridPolicy::kSnapEnd));
  older.resize(older.size() - kTrailingAfterPolicy);
  ASSERT_OK_AND_ASSIGN(SeriesInfo old, DecodeSeriesRecord(older));
  EXPECT_EQ(old.definition.off_grid, OffGridPolicy::kSnapEnd);
  EXPECT_EQ(old.definition.decimals, -1);
  EXPECT_TRUE(old.definition.holidays.empty());
  EXPECT_EQ(old.definition.bounds, ValueBounds::kInferred);
  // Cut inside the dates (before the bounds byte): corrupt, not a shorter
  // list.
  EXPECT_STATUS(DecodeSeriesRecord(record.substr(0, record.size() - 2)),
                absl::StatusCode::kDataLoss, "holidays");
}

TEST(SeriesRecordTest, RoundTripsBoundsAndReadsOlderRecordsAsInferred) {
  for (ValueBounds b : {ValueBounds::kInferred, ValueBounds::kUnbounded,
                        ValueBounds::kNonnegative, ValueBounds::kPositive}) {
    SeriesInfo info = Example(OffGridPolicy::kReject);
    info.definition.bounds = b;
    ASSERT_OK_AND_ASSIGN(SeriesInfo back,
                         DecodeSeriesRecord(EncodeSeriesRecord(info)));
    EXPECT_EQ(back.definition.bounds, b);
  }
  // A record from before bounds existed.
  SeriesInfo info = Example(OffGridPolicy::kReject);
  info.definition.bounds = ValueBounds::kPositive;
  std::string older = EncodeSeriesRecord(info);
  older.pop_back();
  ASSERT_OK_AND_ASSIGN(SeriesInfo back, DecodeSeriesRecord(older));
  EXPECT_EQ(back.definition.bounds, ValueBounds::kInferred);
  std::string bad = EncodeSeriesRecord(info);
  bad.back() = 7;
  EXPECT_STATUS(DecodeSeriesRecord(bad), absl::StatusCode::kDataLoss,
                "invalid bounds");
}

}  // namespace
}  // namespace tsforecast::storage
