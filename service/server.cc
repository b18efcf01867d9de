#include "service/server.h"

#include <algorithm>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/status_macros.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/health_check_service_interface.h"
#include "grpcpp/server.h"
#include "grpcpp/server_builder.h"
#include "service/admin_service.h"
#include "service/forecast_service.h"
#include "service/points_service.h"
#include "service/series_service.h"
#include "storage/series_store.h"

namespace tsforecast::service {

absl::Status ServerOptions::Validate() const {
  if (listen_address.empty()) {
    return absl::InvalidArgumentError("listen_address: must not be empty");
  }
  if (max_message_bytes < 1024) {
    return absl::InvalidArgumentError("max_message_bytes: at least 1024");
  }
  if (max_running_fits < 0 || max_waiting_fits < 0) {
    return absl::InvalidArgumentError(
        "max_running_fits and max_waiting_fits must not be negative");
  }
  if (limits.max_points_per_request < 1 || limits.max_series_per_request < 1 ||
      limits.max_read_limit < 1) {
    return absl::InvalidArgumentError("request limits must be positive");
  }
  return storage.Validate();
}

absl::StatusOr<std::unique_ptr<Server>> Server::Start(
    const ServerOptions& options) {
  TSF_RETURN_IF_ERROR(options.Validate());
  std::unique_ptr<Server> server(new Server());
  TSF_ASSIGN_OR_RETURN(server->store_,
                       storage::SeriesStore::Open(options.storage));
  server->series_service_ =
      std::make_unique<SeriesServiceImpl>(server->store_.get());
  server->points_service_ =
      std::make_unique<PointsServiceImpl>(server->store_.get(), options.limits);
  server->admin_service_ =
      std::make_unique<AdminServiceImpl>(server->store_.get());
  const int running = options.max_running_fits > 0
                          ? options.max_running_fits
                          : std::max(1u, std::thread::hardware_concurrency());
  server->forecast_service_ = std::make_unique<ForecastServiceImpl>(
      server->store_.get(), running, options.max_waiting_fits);

  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  builder.AddListeningPort(options.listen_address,
                           grpc::InsecureServerCredentials(), &server->port_);
  builder.SetMaxReceiveMessageSize(options.max_message_bytes);
  builder.SetMaxSendMessageSize(options.max_message_bytes);
  builder.RegisterService(server->series_service_.get());
  builder.RegisterService(server->points_service_.get());
  builder.RegisterService(server->admin_service_.get());
  builder.RegisterService(server->forecast_service_.get());
  server->grpc_server_ = builder.BuildAndStart();
  if (server->grpc_server_ == nullptr || server->port_ == 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot listen on ", options.listen_address,
                     "; is the address valid and the port free?"));
  }
  return server;
}

void Server::Shutdown(double grace_seconds) {
  if (grpc_server_ != nullptr) {
    grpc_server_->Shutdown(
        std::chrono::system_clock::now() +
        std::chrono::milliseconds(static_cast<int64_t>(grace_seconds * 1000)));
    grpc_server_->Wait();
    grpc_server_.reset();
  }
  store_.reset();
}

Server::~Server() { Shutdown(0); }

}  // namespace tsforecast::service
