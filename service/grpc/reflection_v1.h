// Server reflection v1 (grpc.reflection.v1.ServerReflection), beside the
// v1alpha service gRPC's plugin registers: current tools ask v1 first.
// Answers from the generated descriptor pool, as the v1alpha service does.
#ifndef TSFORECAST_SERVICE_GRPC_REFLECTION_V1_H_
#define TSFORECAST_SERVICE_GRPC_REFLECTION_V1_H_

#include <string>
#include <vector>

#include "grpc/reflection/v1/reflection.grpc.pb.h"

namespace tsforecast::service {

class ReflectionV1Service final
    : public grpc::reflection::v1::ServerReflection::Service {
 public:
  // `services`: the fully qualified names list_services answers with.
  explicit ReflectionV1Service(std::vector<std::string> services)
      : services_(std::move(services)) {}

  grpc::Status ServerReflectionInfo(
      grpc::ServerContext* context,
      grpc::ServerReaderWriter<grpc::reflection::v1::ServerReflectionResponse,
                               grpc::reflection::v1::ServerReflectionRequest>*
          stream) override;

 private:
  std::vector<std::string> services_;
};

}  // namespace tsforecast::service

#endif  // TSFORECAST_SERVICE_GRPC_REFLECTION_V1_H_
