// TLS on both ports: client certificates (mTLS), certificate renewal
// without a restart; what the server refuses at start: plaintext or no
// tokens beyond loopback, a port another server holds.
#include <chrono>
#include <string>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "httplib.h"
#include "service/server.h"
#include "tests/service/service_test_fixture.h"
#include "tests/testing/temp_dir.h"
#include "tests/testing/test_certs.h"
#include "tsforecast/v1/series.grpc.pb.h"

namespace tsforecast::service {
namespace {

namespace v1 = ::tsforecast::v1;
using grpc::StatusCode;

// A ListSeries over a fresh channel that trusts only `ca_pem`.
grpc::Status ListTrusting(int port, const std::string& ca_pem,
                          const testing::TestCerts* client = nullptr) {
  grpc::SslCredentialsOptions ssl;
  ssl.pem_root_certs = ca_pem;
  if (client != nullptr) {
    ssl.pem_cert_chain = client->client_cert_pem;
    ssl.pem_private_key = client->client_key_pem;
  }
  auto stub = v1::SeriesService::NewStub(grpc::CreateChannel(
      absl::StrCat("localhost:", port), grpc::SslCredentials(ssl)));
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  v1::ListSeriesResponse resp;
  return stub->ListSeries(&ctx, v1::ListSeriesRequest(), &resp);
}

// Options of a loopback server with both ports on TLS, serving `certs`'
// server certificate from dir/server.pem and dir/server.key.
ServerOptions TlsServerOptions(const testing::TempDir& dir,
                               const testing::TestCerts& certs) {
  testing::WriteTextFile(dir.Sub("server.pem"), certs.server_cert_pem);
  testing::WriteTextFile(dir.Sub("server.key"), certs.server_key_pem);
  ServerOptions options = LoopbackServerOptions(dir);
  options.http_port = 0;
  options.tls_cert_file = dir.Sub("server.pem");
  options.tls_key_file = dir.Sub("server.key");
  return options;
}

// A /healthz over a fresh HTTPS connection that trusts only `ca_file`.
bool HealthzTrusting(int port, const std::string& ca_file) {
  httplib::Client https(absl::StrCat("https://localhost:", port));
  https.set_ca_cert_path(ca_file);
  https.enable_server_certificate_verification(true);
  httplib::Result r = https.Get("/healthz");
  return r && r->status == 200;
}

// mTLS: with a client CA, a client without a certificate signed by it
// does not get through the handshake, on either port.
TEST(MutualTlsTest, ClientsNeedACertificateFromTheClientCa) {
  testing::TempDir dir;
  const testing::TestCerts certs = testing::MakeTestCerts();
  testing::WriteTextFile(dir.Sub("ca.pem"), certs.ca_pem);
  ServerOptions options = TlsServerOptions(dir, certs);
  options.tls_client_ca_file = dir.Sub("ca.pem");
  auto server = Server::Start(options);
  ASSERT_TRUE(server.ok()) << server.status();
  const int port = (*server)->port();
  EXPECT_TRUE(ListTrusting(port, certs.ca_pem, &certs).ok());
  EXPECT_EQ(ListTrusting(port, certs.ca_pem).error_code(),
            StatusCode::UNAVAILABLE);
  httplib::Client https(
      absl::StrCat("https://localhost:", (*server)->http_port()));
  https.set_ca_cert_path(dir.Sub("ca.pem"));
  EXPECT_FALSE(https.Get("/healthz"));
}

TEST(InsecureRemoteTest, PlaintextBeyondLoopbackNeedsConsent) {
  ServerOptions options;
  options.storage.data_dir = "data";
  options.listen_address = "0.0.0.0:0";
  absl::Status s = options.Validate();
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(s.message().find("--allow_insecure_remote"), std::string::npos)
      << s.message();
  options.listen_address = "127.0.0.1:0";
  options.http_host = "0.0.0.0";
  EXPECT_EQ(options.Validate().code(), absl::StatusCode::kFailedPrecondition);
  options.allow_insecure_remote = true;
  options.tokens_file = "tokens";
  EXPECT_TRUE(options.Validate().ok());
  // The operator is told what was accepted, at start.
  ASSERT_EQ(options.AcceptedRisks().size(), 1u);
  EXPECT_NE(options.AcceptedRisks()[0].find("--allow_insecure_remote"),
            std::string::npos);
  options.allow_insecure_remote = false;
  options.tls_cert_file = "cert.pem";
  options.tls_key_file = "key.pem";
  EXPECT_TRUE(options.Validate().ok());
  EXPECT_TRUE(options.AcceptedRisks().empty());
}

// TLS beyond loopback without a tokens file made every caller an admin,
// silently (issue 19).
TEST(InsecureRemoteTest, NoTokensBeyondLoopbackNeedsConsent) {
  ServerOptions options;
  options.storage.data_dir = "data";
  options.tls_cert_file = "cert.pem";
  options.tls_key_file = "key.pem";
  for (const bool on_http : {false, true}) {
    options.listen_address = on_http ? "127.0.0.1:0" : "0.0.0.0:0";
    options.http_host = on_http ? "0.0.0.0" : "127.0.0.1";
    const absl::Status s = options.Validate();
    EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
    EXPECT_NE(s.message().find("refusing to listen on 0.0.0.0 without "
                               "--tokens_file"),
              std::string::npos)
        << s.message();
    EXPECT_NE(s.message().find("--allow_anonymous_remote"), std::string::npos);
  }
  options.allow_anonymous_remote = true;
  EXPECT_TRUE(options.Validate().ok());
  ASSERT_EQ(options.AcceptedRisks().size(), 1u);
  EXPECT_NE(options.AcceptedRisks()[0].find("anyone who can reach it is an "
                                            "admin"),
            std::string::npos);
  // Loopback needs neither.
  options.allow_anonymous_remote = false;
  options.http_host = "127.0.0.1";
  options.listen_address = "127.0.0.1:0";
  EXPECT_TRUE(options.Validate().ok());
}

// gRPC's SO_REUSEPORT let a second server start on a port in use, and the
// kernel split clients between two stores (issue 19).
TEST(ExclusivePortTest, ASecondServerOnAUsedPortFailsToStart) {
  testing::TempDir dir;
  ServerOptions first = LoopbackServerOptions(dir);
  auto running = Server::Start(first);
  ASSERT_TRUE(running.ok()) << running.status();
  testing::TempDir other_dir;
  ServerOptions second = LoopbackServerOptions(other_dir);
  second.listen_address = absl::StrCat("127.0.0.1:", (*running)->port());
  auto refused = Server::Start(second);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_NE(refused.status().message().find("port free"), std::string::npos)
      << refused.status();
  // And the same data dir is refused by its lock, whatever the port.
  ServerOptions same_dir = LoopbackServerOptions(dir);
  auto locked = Server::Start(same_dir);
  EXPECT_FALSE(locked.ok());
}

// A renewed certificate is served without a restart: the gRPC port picks it
// up within its refresh interval, the HTTP port on Reload() (SIGHUP). A
// broken file on Reload() keeps the certificate in use.
TEST(TlsReloadTest, RenewedCertificatesAreServedWithoutARestart) {
  testing::TempDir dir;
  const testing::TestCerts old_certs = testing::MakeTestCerts();
  const testing::TestCerts new_certs = testing::MakeTestCerts();
  ASSERT_NE(old_certs.ca_pem, new_certs.ca_pem);
  testing::WriteTextFile(dir.Sub("old_ca.pem"), old_certs.ca_pem);
  testing::WriteTextFile(dir.Sub("new_ca.pem"), new_certs.ca_pem);
  ServerOptions options = TlsServerOptions(dir, old_certs);
  options.tls_refresh = absl::Seconds(1);
  auto server = Server::Start(options);
  ASSERT_TRUE(server.ok()) << server.status();
  const int port = (*server)->port();
  const int http_port = (*server)->http_port();
  ASSERT_TRUE(ListTrusting(port, old_certs.ca_pem).ok());
  ASSERT_FALSE(ListTrusting(port, new_certs.ca_pem).ok());
  ASSERT_TRUE(HealthzTrusting(http_port, dir.Sub("old_ca.pem")));

  // A half-written renewal: the HTTP port refuses it and keeps serving the
  // old certificate.
  testing::WriteTextFile(dir.Sub("server.pem"), "not a certificate\n");
  EXPECT_FALSE((*server)->Reload().ok());
  EXPECT_TRUE(HealthzTrusting(http_port, dir.Sub("old_ca.pem")));

  testing::WriteTextFile(dir.Sub("server.key"), new_certs.server_key_pem);
  testing::WriteTextFile(dir.Sub("server.pem"), new_certs.server_cert_pem);
  ASSERT_TRUE((*server)->Reload().ok());
  EXPECT_TRUE(HealthzTrusting(http_port, dir.Sub("new_ca.pem")));
  EXPECT_FALSE(HealthzTrusting(http_port, dir.Sub("old_ca.pem")));

  // gRPC's file watcher polls; give it a few of its 1 s intervals.
  const absl::Time give_up = absl::Now() + absl::Seconds(15);
  bool renewed = false;
  while (!renewed && absl::Now() < give_up) {
    renewed = ListTrusting(port, new_certs.ca_pem).ok();
    if (!renewed) std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  EXPECT_TRUE(renewed) << "the gRPC port still serves the old certificate";
  EXPECT_EQ(ListTrusting(port, old_certs.ca_pem).error_code(),
            StatusCode::UNAVAILABLE);
}

}  // namespace
}  // namespace tsforecast::service
