// Per-request limits enforced by the gRPC handlers.
#ifndef TSFORECAST_SERVICE_SERVICE_LIMITS_H_
#define TSFORECAST_SERVICE_SERVICE_LIMITS_H_

#include <cstdint>

namespace tsforecast::service {

struct ServiceLimits {
  // Points in one WritePoints request or stream batch. Default 1,000,000.
  int64_t max_points_per_request = 1000000;
  // Series entries in one WritePoints request or stream batch.
  int64_t max_series_per_request = 10000;
  // Largest page a read may ask for (ReadPoints.limit).
  int64_t max_read_limit = 1000000;
};

}  // namespace tsforecast::service

#endif  // TSFORECAST_SERVICE_SERVICE_LIMITS_H_
