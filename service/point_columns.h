// WritePointsRequest.columns: many series' points as one set of flat
// arrays. Conversion to storage writes, and the translation of the store's
// per-series error paths back into column paths.
#ifndef TSFORECAST_SERVICE_POINT_COLUMNS_H_
#define TSFORECAST_SERVICE_POINT_COLUMNS_H_

#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "storage/types.h"
#include "tsforecast/v1/points.pb.h"

namespace tsforecast::service {

namespace v1 = ::tsforecast::v1;

// Checks the shape (a count per series; counts adding up to the points;
// timestamps and values pairing up) and builds one write per series.
absl::StatusOr<std::vector<storage::SeriesWrite>> WritesFromColumns(
    const v1::PointColumns& columns);

// The store names the field of a rejected write by its position among the
// writes ("series[3].values[1]: ..."); for a column request that is
// columns.series[3], and its point 1 is the value at its offset in the
// flat arrays (columns.values[41]). Other errors are returned unchanged.
absl::Status ColumnError(const absl::Status& status,
                         const v1::PointColumns& columns);

}  // namespace tsforecast::service

#endif  // TSFORECAST_SERVICE_POINT_COLUMNS_H_
