// The tsforecast server: owns the store, the gRPC server with the Series,
// Points, Forecast and Admin services, the standard health service and
// reflection, and the HTTP side port (metrics, health, Prometheus API,
// dashboard).
#ifndef TSFORECAST_SERVICE_SERVER_H_
#define TSFORECAST_SERVICE_SERVER_H_

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "service/engine/forecast_runner.h"
#include "service/grpc/port_probe.h"
#include "service/http/push_api.h"
#include "service/service_limits.h"
#include "storage/storage_options.h"

namespace grpc {
class Server;
}

namespace tsforecast::storage {
class SeriesStore;
}

namespace tsforecast::service {

class SeriesServiceImpl;
class PointsServiceImpl;
class AdminServiceImpl;
class ForecastServiceImpl;
class ForecastEngine;
class ReflectionV1Service;
class Metrics;
class Access;
class StreamWatchdog;
class IngestBudget;
namespace auth {
class Authorizer;
}
namespace http {
class HttpServer;
}

struct ServerOptions {
  // host:port to listen on; port 0 picks a free port. Default
  // 127.0.0.1:50051.
  std::string listen_address = "127.0.0.1:50051";
  storage::StorageOptions storage;
  ServiceLimits limits;
  // Largest request message accepted, bytes. Default 64 MiB.
  int max_message_bytes = 64 << 20;
  // Forecast and backtest workers (default: the cores) and jobs waiting
  // for one (64).
  int max_running_fits = 0;
  int max_waiting_fits = 64;
  // Default share (percent) of missing steps a forecast may fill.
  double max_missing_percent = kDefaultMaxMissingPercent;
  // The HTTP side port: host and port; port 0 picks a free one, -1 turns
  // it off.
  std::string http_host = "127.0.0.1";
  int http_port = 8080;
  // Connections the HTTP port holds open at once (more are closed on
  // accept); tsforecastd sets it from its file-descriptor budget.
  size_t http_max_connections = 20000;
  // Largest HTTP answer body (bytes); a bigger one is an error asking for
  // less. Default 64 MiB.
  size_t http_max_answer_bytes = 64 << 20;
  // TLS on both ports: PEM certificate chain and key (both or neither);
  // with a client CA, clients must present a certificate it signed
  // (mTLS). The gRPC port re-reads the files every `tls_refresh` and the
  // HTTP port on Reload() (SIGHUP).
  std::string tls_cert_file;
  std::string tls_key_file;
  std::string tls_client_ca_file;
  absl::Duration tls_refresh = absl::Seconds(60);
  // Bearer tokens (service/auth/token_file.h); empty: no access control.
  std::string tokens_file;
  // Whether /metrics needs a read token too (with a tokens file).
  bool metrics_auth = false;
  // Listening beyond loopback without TLS is refused unless this is set.
  bool allow_insecure_remote = false;
  // Listening beyond loopback without a tokens file (every caller an
  // admin) is refused unless this is set.
  bool allow_anonymous_remote = false;
  // Backups are written under this directory only; created at start.
  // Default "./backups".
  std::string backup_root = "backups";
  // Host header values the HTTP port serves; empty: loopback names and
  // http_host.
  std::vector<std::string> http_allowed_hosts;
  // gRPC resource bounds: calls in progress on one connection (more wait
  // at the HTTP/2 level), server threads in all (beyond it a call gets
  // RESOURCE_EXHAUSTED at once), and buffer memory in all.
  int max_concurrent_streams = 100;
  int max_threads = 512;
  int64_t memory_quota_bytes = int64_t{1} << 30;
  // Bytes that write requests being stored may hold in all (decoded points
  // and their store batches); beyond it a write gets RESOURCE_EXHAUSTED.
  // Zero: no budget. Default 256 MiB.
  int64_t max_ingest_inflight_bytes = int64_t{256} << 20;
  // The HTTP push doors (remote write, line protocol): what a pushed
  // series is created with, creation limits, body sizes.
  http::PushOptions push;
  // Remote read (/api/v1/read): the most samples one request answers with.
  int64_t remote_read_max_samples = 50'000'000;
  // A streaming call whose client neither reads nor sends for this long is
  // cancelled; zero: never.
  absl::Duration stream_stall_timeout = absl::Seconds(60);
  // How often the server checks that its gRPC port still accepts
  // connections (port_probe.h); zero: never. Three silent checks in a row,
  // or a store error that only a restart clears, make /healthz and /readyz
  // fail, and with exit_when_restart_needed the server stops so that its
  // supervisor starts it again.
  absl::Duration grpc_port_probe_interval = absl::Seconds(5);
  bool exit_when_restart_needed = false;

  bool tls() const { return !tls_cert_file.empty(); }

  absl::Status Validate() const;
  // What the operator accepted with allow_insecure_remote or
  // allow_anonymous_remote and is in effect (a non-loopback address), one
  // sentence each; logged as warnings at start.
  std::vector<std::string> AcceptedRisks() const;
  // The first address of either port beyond loopback; "" when none is.
  std::string RemoteHost() const;
};

class Server {
 public:
  // Opens the store and starts serving.
  static absl::StatusOr<std::unique_ptr<Server>> Start(
      const ServerOptions& options);
  ~Server();

  // The port actually bound.
  int port() const { return port_; }
  // The HTTP port actually bound; 0 when it is off.
  int http_port() const;
  storage::SeriesStore* store() { return store_.get(); }
  const ForecastEngine& forecasts() const { return *forecast_engine_; }

  // Re-reads the tokens file and the HTTP port's certificate (SIGHUP).
  // On error what was in use stays, and the error says why.
  absl::Status Reload();

  // Stops accepting calls (new gRPC calls get UNAVAILABLE, health says
  // NOT_SERVING), lets calls in flight finish for up to `grace_seconds`,
  // cancels the rest, then closes the store. Idempotent.
  void Shutdown(double grace_seconds);
  // Whether the server asked to be stopped and started again (its gRPC
  // port died, or the store cannot resume writes while open); tsforecastd
  // then exits with status 3.
  bool restart_wanted() const { return restart_wanted_.load(); }

 private:
  Server() = default;

  void AddGauges();

  // Watches the store's write health (readiness, the gRPC health of
  // "tsforecast.writes", the metrics) and whether the gRPC port accepts.
  void WatchHealth();
  // One probe of the gRPC port; after three silent ones in a row, asks
  // for a restart.
  void CheckGrpcPort(int* silent_in_a_row);
  // Marks the server not alive (/healthz 503 with `why`) and, with
  // exit_when_restart_needed, stops it for its supervisor to start again.
  void RequestRestart(const std::string& why);

  std::atomic<bool> ready_{false};
  std::atomic<bool> restart_wanted_{false};
  std::string grpc_host_;
  std::unique_ptr<PortProbe> grpc_probe_;
  absl::Duration grpc_probe_interval_;
  bool exit_when_restart_needed_ = false;
  absl::Mutex health_mu_;
  std::string not_writable_ ABSL_GUARDED_BY(health_mu_);
  // Why the server is no longer alive (/healthz 503); empty while it is.
  std::string not_live_ ABSL_GUARDED_BY(health_mu_);
  bool stopping_ ABSL_GUARDED_BY(health_mu_) = false;
  std::thread health_thread_;
  std::unique_ptr<Metrics> metrics_;
  std::unique_ptr<storage::SeriesStore> store_;
  std::unique_ptr<auth::Authorizer> authorizer_;
  std::unique_ptr<Access> access_;
  // Outlives the services, whose calls hold its steps.
  std::unique_ptr<StreamWatchdog> watchdog_;
  std::unique_ptr<IngestBudget> ingest_budget_;
  std::unique_ptr<SeriesServiceImpl> series_service_;
  std::unique_ptr<PointsServiceImpl> points_service_;
  std::unique_ptr<AdminServiceImpl> admin_service_;
  std::unique_ptr<ForecastEngine> forecast_engine_;
  std::unique_ptr<ForecastServiceImpl> forecast_service_;
  std::unique_ptr<ReflectionV1Service> reflection_v1_;
  std::unique_ptr<grpc::Server> grpc_server_;
  std::unique_ptr<http::HttpServer> http_server_;
  int port_ = 0;
};

}  // namespace tsforecast::service

#endif  // TSFORECAST_SERVICE_SERVER_H_
