// An in-process server on 127.0.0.1 with an ephemeral port and a temp data
// dir, plus stubs for the v1 services.
#ifndef TSFORECAST_TESTS_SERVICE_SERVICE_TEST_FIXTURE_H_
#define TSFORECAST_TESTS_SERVICE_SERVICE_TEST_FIXTURE_H_

#include <memory>

#include "absl/strings/str_cat.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "service/server.h"
#include "tests/testing/temp_dir.h"
#include "tsforecast/v1/admin.grpc.pb.h"
#include "tsforecast/v1/points.grpc.pb.h"
#include "tsforecast/v1/series.grpc.pb.h"

namespace tsforecast::service {

namespace v1 = ::tsforecast::v1;

// Options of an in-process test server: 127.0.0.1 with an ephemeral port,
// data and backups under `dir`, the HTTP port off, durability kProcess.
inline ServerOptions LoopbackServerOptions(const testing::TempDir& dir) {
  ServerOptions options;
  options.listen_address = "127.0.0.1:0";
  options.storage.data_dir = dir.Sub("data");
  options.storage.durability = storage::Durability::kProcess;
  options.backup_root = dir.Sub("backups");
  options.http_port = -1;
  return options;
}

class ServiceTest : public ::testing::Test {
 protected:
  void SetUp() override { Start(); }

  // A test's changes to the options of the server Start() starts.
  virtual void Configure(ServerOptions&) {}

  void Start() {
    ServerOptions options = LoopbackServerOptions(dir_);
    options.limits.max_points_per_request = 100000;
    options.limits.max_series_per_request = 100;
    options.max_message_bytes = 8 << 20;
    Configure(options);
    auto server = Server::Start(options);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(*server);
    auto channel =
        grpc::CreateChannel(absl::StrCat("127.0.0.1:", server_->port()),
                            grpc::InsecureChannelCredentials());
    series_ = v1::SeriesService::NewStub(channel);
    points_ = v1::PointsService::NewStub(channel);
    admin_ = v1::AdminService::NewStub(channel);
  }

  void Restart() {
    series_.reset();
    points_.reset();
    admin_.reset();
    server_.reset();
    Start();
  }

  static std::unique_ptr<grpc::ClientContext> Ctx() {
    auto ctx = std::make_unique<grpc::ClientContext>();
    ctx->set_deadline(std::chrono::system_clock::now() +
                      std::chrono::seconds(30));
    return ctx;
  }

  grpc::Status Create(const std::string& name, v1::StepUnit unit,
                      std::map<std::string, std::string> labels = {}) {
    v1::CreateSeriesRequest req;
    req.mutable_series()->set_name(name);
    req.mutable_series()->mutable_step()->set_unit(unit);
    req.mutable_series()->mutable_labels()->insert(labels.begin(),
                                                   labels.end());
    v1::CreateSeriesResponse resp;
    return series_->CreateSeries(Ctx().get(), req, &resp);
  }

  testing::TempDir dir_;
  std::unique_ptr<Server> server_;
  std::unique_ptr<v1::SeriesService::Stub> series_;
  std::unique_ptr<v1::PointsService::Stub> points_;
  std::unique_ptr<v1::AdminService::Stub> admin_;
};

// Asserts a gRPC status code and a substring of its message.
#define EXPECT_GRPC(status_expr, expected_code, substring)                     \
  do {                                                                         \
    const grpc::Status tsf_gs_ = (status_expr);                                \
    EXPECT_EQ(tsf_gs_.error_code(), expected_code) << tsf_gs_.error_message(); \
    EXPECT_NE(tsf_gs_.error_message().find(substring), std::string::npos)      \
        << "message: " << tsf_gs_.error_message()                              \
        << "\nexpected to contain: " << substring;                             \
  } while (0)

}  // namespace tsforecast::service

#endif  // TSFORECAST_TESTS_SERVICE_SERVICE_TEST_FIXTURE_H_
