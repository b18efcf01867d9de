// The request validators on arbitrary definitions and points (what a
// hostile gRPC client can send, after protobuf decoding): a clear error or
// OK, never a crash, for any bytes.
#include <cstddef>
#include <cstdint>
#include <string>

#include "storage/validation.h"
#include "tsforecast/v1/points.pb.h"
#include "tsforecast/v1/series.pb.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace storage = tsforecast::storage;
  tsforecast::v1::Series series;
  if (series.ParseFromArray(data, static_cast<int>(size))) {
    storage::SeriesDefinition def;
    def.name = series.name();
    def.labels = {series.labels().begin(), series.labels().end()};
    def.unit = series.unit();
    def.description = series.description();
    def.step = tsforecast::CalendarStep(
        static_cast<tsforecast::StepUnit>(series.step().unit()),
        series.step().count());
    def.retention_ms = series.retention_ms();
    def.off_grid = static_cast<storage::OffGridPolicy>(series.off_grid());
    def.decimals = series.has_decimals() ? series.decimals() : -1;
    def.holidays.calendar = series.holiday_calendar();
    (void)storage::ValidateDefinition(def, "series");
  }
  tsforecast::v1::SeriesPoints sp;
  if (sp.ParseFromArray(data, static_cast<int>(size))) {
    std::vector<storage::Point> points;
    for (int i = 0; i < sp.timestamps_ms_size() && i < sp.values_size(); ++i) {
      points.push_back({sp.timestamps_ms(i), sp.values(i)});
    }
    if (storage::ValidatePoints(points, "series[0]").ok()) {
      storage::SeriesDefinition def;
      def.name = "fuzz";
      def.step = tsforecast::CalendarStep(tsforecast::StepUnit::kBusinessDay,
                                          1 + (size % 3));
      def.off_grid = static_cast<storage::OffGridPolicy>(1 + size % 4);
      (void)storage::ApplyOffGridPolicy(def, points, "series[0]");
    }
  }
  return 0;
}
