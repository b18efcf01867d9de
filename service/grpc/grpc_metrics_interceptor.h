// A gRPC server interceptor that counts calls by method and status code and
// records their latency in Metrics.
#ifndef TSFORECAST_SERVICE_GRPC_GRPC_METRICS_INTERCEPTOR_H_
#define TSFORECAST_SERVICE_GRPC_GRPC_METRICS_INTERCEPTOR_H_

#include <memory>

#include "grpcpp/support/server_interceptor.h"
#include "service/metrics.h"

namespace tsforecast::service {

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
MakeMetricsInterceptorFactory(Metrics* metrics);

}  // namespace tsforecast::service

#endif  // TSFORECAST_SERVICE_GRPC_GRPC_METRICS_INTERCEPTOR_H_
