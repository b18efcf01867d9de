// tsfctl's CSV reader on arbitrary text, in each timestamp mode: an error
// naming the line, or points; never a crash.
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>

#include "tools/tsfctl/csv_points.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  using tsforecast::EpochUnit;
  const EpochUnit units[] = {EpochUnit::kNone, EpochUnit::kSeconds,
                             EpochUnit::kMilliseconds};
  const EpochUnit unit = units[data[0] % 3];
  const std::string series = (data[0] & 4) ? "" : "fuzz";
  std::istringstream in(
      std::string(reinterpret_cast<const char*>(data) + 1, size - 1));
  (void)tsforecast::tsfctl::ReadCsvPoints(in, series, unit);
  return 0;
}
