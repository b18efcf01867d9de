// The series record: a round trip, and records written before the
// off-grid policy existed read as kAccept (what those series did).
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

TEST(SeriesRecordTest, RecordsWithoutAPolicyAccept) {
  std::string legacy = EncodeSeriesRecord(Example(OffGridPolicy::kReject));
  legacy.pop_back();  // the policy byte, added last
  ASSERT_OK_AND_ASSIGN(SeriesInfo back, DecodeSeriesRecord(legacy));
  EXPECT_EQ(back.definition.off_grid, OffGridPolicy::kAccept);
  std::string bad = EncodeSeriesRecord(Example(OffGridPolicy::kReject));
  bad.back() = 9;
  EXPECT_STATUS(DecodeSeriesRecord(bad), absl::StatusCode::kDataLoss,
                "invalid off-grid policy");
}

}  // namespace
}  // namespace tsforecast::storage
