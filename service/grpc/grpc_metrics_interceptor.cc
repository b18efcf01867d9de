#include "service/grpc/grpc_metrics_interceptor.h"

#include <chrono>
#include <string>

#include "absl/status/status.h"
#include "grpcpp/support/interceptor.h"

namespace tsforecast::service {
namespace {

using grpc::experimental::InterceptionHookPoints;

// gRPC and Abseil number their status codes alike.
std::string CodeName(grpc::StatusCode code) {
  return absl::StatusCodeToString(static_cast<absl::StatusCode>(code));
}

class MetricsInterceptor final : public grpc::experimental::Interceptor {
 public:
  MetricsInterceptor(Metrics* metrics, std::string method)
      : metrics_(metrics),
        method_(std::move(method)),
        start_(std::chrono::steady_clock::now()) {
    ++metrics_->grpc_in_flight;
  }
  ~MetricsInterceptor() override { --metrics_->grpc_in_flight; }

  void Intercept(
      grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(
            InterceptionHookPoints::PRE_SEND_STATUS)) {
      const double seconds = std::chrono::duration<double>(
                                 std::chrono::steady_clock::now() - start_)
                                 .count();
      metrics_->grpc_requests.Add(
          {method_, CodeName(methods->GetSendStatus().error_code())});
      metrics_->grpc_latency.Observe({method_}, seconds);
    }
    methods->Proceed();
  }

 private:
  Metrics* metrics_;
  const std::string method_;
  const std::chrono::steady_clock::time_point start_;
};

class MetricsInterceptorFactory final
    : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  explicit MetricsInterceptorFactory(Metrics* metrics) : metrics_(metrics) {}
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override {
    // "/tsforecast.v1.ForecastService/Forecast" -> "ForecastService/Forecast"
    std::string method = info->method() == nullptr ? "" : info->method();
    const size_t dot = method.rfind('.', method.find('/', 1));
    if (dot != std::string::npos) method = method.substr(dot + 1);
    return new MetricsInterceptor(metrics_, std::move(method));
  }

 private:
  Metrics* metrics_;
};

}  // namespace

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
MakeMetricsInterceptorFactory(Metrics* metrics) {
  return std::make_unique<MetricsInterceptorFactory>(metrics);
}

}  // namespace tsforecast::service
