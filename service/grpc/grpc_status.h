// absl::Status to grpc::Status, in one place. gRPC 1.51 has no conversion of
// its own; the numeric codes are the same, but the switch keeps that
// explicit: it has no default, so -Wswitch (an error in our build) fails
// the compile if Abseil gains a code we do not map.
#ifndef TSFORECAST_SERVICE_GRPC_GRPC_STATUS_H_
#define TSFORECAST_SERVICE_GRPC_GRPC_STATUS_H_

#include "absl/status/status.h"
#include "grpcpp/support/status.h"

namespace tsforecast::service {

grpc::Status ToGrpcStatus(const absl::Status& status);

}  // namespace tsforecast::service

#endif  // TSFORECAST_SERVICE_GRPC_GRPC_STATUS_H_
