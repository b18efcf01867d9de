#include "service/server.h"

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/log.h"
#include "common/status_macros.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/health_check_service_interface.h"
#include "grpcpp/resource_quota.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/security/tls_certificate_provider.h"
#include "grpcpp/security/tls_credentials_options.h"
#include "grpcpp/server.h"
#include "grpcpp/server_builder.h"
#include "service/access.h"
#include "service/auth/authorizer.h"
#include "service/grpc/admin_service.h"
#include "service/grpc/forecast_service.h"
#include "service/grpc/grpc_metrics_interceptor.h"
#include "service/grpc/points_service.h"
#include "service/grpc/reflection_v1.h"
#include "service/grpc/series_service.h"
#include "service/grpc/stream_watchdog.h"
#include "service/http/http_server.h"
#include "service/ingest_budget.h"
#include "service/listen_address.h"
#include "service/metrics.h"
#include "storage/series_store.h"

namespace tsforecast::service {
namespace {

// The store's statistics as last read for a scrape.
struct StatsSnapshot {
  absl::Mutex mu;
  storage::StorageStats stats ABSL_GUARDED_BY(mu);
};

// Plaintext, or TLS from files that gRPC re-reads every minute, so that a
// renewed certificate is served without a restart.
std::shared_ptr<grpc::ServerCredentials> GrpcCredentials(
    const ServerOptions& options) {
  if (!options.tls()) return grpc::InsecureServerCredentials();
  const auto refresh_s = static_cast<unsigned>(
      std::max<int64_t>(1, absl::ToInt64Seconds(options.tls_refresh)));
  auto provider =
      options.tls_client_ca_file.empty()
          ? std::make_shared<
                grpc::experimental::FileWatcherCertificateProvider>(
                options.tls_key_file, options.tls_cert_file, refresh_s)
          : std::make_shared<
                grpc::experimental::FileWatcherCertificateProvider>(
                options.tls_key_file, options.tls_cert_file,
                options.tls_client_ca_file, refresh_s);
  grpc::experimental::TlsServerCredentialsOptions tls(provider);
  tls.watch_identity_key_cert_pairs();
  if (!options.tls_client_ca_file.empty()) {
    tls.watch_root_certs();
    tls.set_cert_request_type(
        GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
  } else {
    tls.set_cert_request_type(GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE);
  }
  return grpc::experimental::TlsServerCredentials(tls);
}

}  // namespace

absl::Status ServerOptions::Validate() const {
  if (listen_address.empty()) {
    return absl::InvalidArgumentError("listen_address: must not be empty");
  }
  if (max_message_bytes < 1024) {
    return absl::InvalidArgumentError("max_message_bytes: at least 1024");
  }
  if (http_port < -1 || http_port > 65535) {
    return absl::InvalidArgumentError(absl::StrCat(
        "http_port: ", http_port, " is outside [-1, 65535] (-1: off)"));
  }
  if (max_running_fits < 0 || max_waiting_fits < 0) {
    return absl::InvalidArgumentError(
        "max_running_fits and max_waiting_fits must not be negative");
  }
  if (limits.max_points_per_request < 1 || limits.max_series_per_request < 1 ||
      limits.max_read_limit < 1) {
    return absl::InvalidArgumentError("request limits must be positive");
  }
  if (tls_cert_file.empty() != tls_key_file.empty()) {
    return absl::InvalidArgumentError(
        "tls_cert_file and tls_key_file go together");
  }
  if (tls_refresh < absl::Seconds(1)) {
    return absl::InvalidArgumentError("tls_refresh: at least 1 s");
  }
  if (!tls_client_ca_file.empty() && !tls()) {
    return absl::InvalidArgumentError(
        "tls_client_ca_file needs tls_cert_file and tls_key_file");
  }
  if (max_concurrent_streams < 1 || max_threads < 8 ||
      memory_quota_bytes < (int64_t{16} << 20)) {
    return absl::InvalidArgumentError(
        "max_concurrent_streams >= 1, max_threads >= 8 and memory_quota "
        ">= 16 MiB");
  }
  if (max_ingest_inflight_bytes < 0) {
    return absl::InvalidArgumentError(
        "max_ingest_inflight_bytes: must not be negative (0: no budget)");
  }
  if (backup_root.empty()) {
    return absl::InvalidArgumentError("backup_root: must not be empty");
  }
  const std::string remote = RemoteHost();
  if (!remote.empty() && !tls() && !allow_insecure_remote) {
    return absl::FailedPreconditionError(absl::StrCat(
        "refusing to listen on ", remote,
        " without TLS: anyone who can reach it could read and change the "
        "data. Give --tls_cert_file and --tls_key_file (and --tokens_file), "
        "listen on 127.0.0.1, or accept the risk with "
        "--allow_insecure_remote"));
  }
  // TLS keeps the traffic private, not the data: without tokens everyone
  // who can reach the port is an admin.
  if (!remote.empty() && tokens_file.empty() && !allow_anonymous_remote) {
    return absl::FailedPreconditionError(absl::StrCat(
        "refusing to listen on ", remote,
        " without --tokens_file: anyone who can reach it could read, change "
        "and delete every series. Give --tokens_file (tsfctl token add), "
        "listen on 127.0.0.1, or accept the risk with "
        "--allow_anonymous_remote"));
  }
  if (!(max_missing_percent >= 0 && max_missing_percent <= 100)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "max_missing_percent: ", max_missing_percent, " is outside [0, 100]"));
  }
  return storage.Validate();
}

std::string ServerOptions::RemoteHost() const {
  for (const std::string& host :
       {HostOf(listen_address), http_port >= 0 ? http_host : "127.0.0.1"}) {
    if (!IsLoopbackHost(host)) return host;
  }
  return "";
}

std::vector<std::string> ServerOptions::AcceptedRisks() const {
  std::vector<std::string> out;
  const std::string remote = RemoteHost();
  if (remote.empty()) return out;
  if (!tls() && allow_insecure_remote) {
    out.push_back(absl::StrCat(
        "--allow_insecure_remote: listening on ", remote,
        " without TLS; anyone on the path can read the traffic and tokens"));
  }
  if (tokens_file.empty() && allow_anonymous_remote) {
    out.push_back(absl::StrCat(
        "--allow_anonymous_remote: listening on ", remote,
        " without --tokens_file; anyone who can reach it is an admin"));
  }
  return out;
}

absl::StatusOr<std::unique_ptr<Server>> Server::Start(
    const ServerOptions& options) {
  TSF_RETURN_IF_ERROR(options.Validate());
  std::unique_ptr<Server> server(new Server());
  server->metrics_ = std::make_unique<Metrics>();
  if (!options.tokens_file.empty()) {
    TSF_ASSIGN_OR_RETURN(server->authorizer_,
                         auth::Authorizer::Load(options.tokens_file));
  }
  std::error_code ec;
  const std::filesystem::path backup_root =
      std::filesystem::absolute(options.backup_root, ec);
  std::filesystem::create_directories(backup_root, ec);
  if (ec || !std::filesystem::is_directory(backup_root)) {
    return absl::FailedPreconditionError(
        absl::StrCat("backup_root ", options.backup_root,
                     " is not a directory and cannot be created"));
  }
  TSF_ASSIGN_OR_RETURN(server->store_,
                       storage::SeriesStore::Open(options.storage));
  server->access_ =
      std::make_unique<Access>(server->authorizer_.get(), server->store_.get());
  const Access* access = server->access_.get();
  server->watchdog_ =
      std::make_unique<StreamWatchdog>(options.stream_stall_timeout);
  server->series_service_ =
      std::make_unique<SeriesServiceImpl>(server->store_.get(), access);
  server->ingest_budget_ =
      std::make_unique<IngestBudget>(options.max_ingest_inflight_bytes);
  server->points_service_ = std::make_unique<PointsServiceImpl>(
      server->store_.get(), options.limits, access, server->watchdog_.get(),
      server->ingest_budget_.get());
  server->admin_service_ = std::make_unique<AdminServiceImpl>(
      server->store_.get(), access, backup_root.lexically_normal().string());
  ForecastEngineOptions engine_options;
  engine_options.workers = options.max_running_fits;
  engine_options.max_waiting = options.max_waiting_fits;
  engine_options.max_missing_percent = options.max_missing_percent;
  server->forecast_engine_ = std::make_unique<ForecastEngine>(
      server->store_.get(), engine_options, server->metrics_.get());
  server->forecast_service_ = std::make_unique<ForecastServiceImpl>(
      server->forecast_engine_.get(), server->store_.get(), access,
      server->watchdog_.get());

  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  builder.AddListeningPort(options.listen_address, GrpcCredentials(options),
                           &server->port_);
  // gRPC sets SO_REUSEPORT by default, so a second server on a port in use
  // would start and the kernel would split clients between two stores.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  builder.SetMaxReceiveMessageSize(options.max_message_bytes);
  grpc::ResourceQuota quota("tsforecastd");
  quota.SetMaxThreads(options.max_threads);
  quota.Resize(static_cast<size_t>(options.memory_quota_bytes));
  builder.SetResourceQuota(quota);
  builder.AddChannelArgument(GRPC_ARG_MAX_CONCURRENT_STREAMS,
                             options.max_concurrent_streams);
  builder.SetMaxSendMessageSize(options.max_message_bytes);
  builder.RegisterService(server->series_service_.get());
  builder.RegisterService(server->points_service_.get());
  builder.RegisterService(server->admin_service_.get());
  builder.RegisterService(server->forecast_service_.get());
  server->reflection_v1_ =
      std::make_unique<ReflectionV1Service>(std::vector<std::string>{
          "tsforecast.v1.SeriesService", "tsforecast.v1.PointsService",
          "tsforecast.v1.AdminService", "tsforecast.v1.ForecastService",
          "grpc.health.v1.Health", "grpc.reflection.v1.ServerReflection",
          "grpc.reflection.v1alpha.ServerReflection"});
  builder.RegisterService(server->reflection_v1_.get());
  std::vector<
      std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>>
      interceptors;
  interceptors.push_back(MakeMetricsInterceptorFactory(server->metrics_.get()));
  builder.experimental().SetInterceptorCreators(std::move(interceptors));
  server->grpc_server_ = builder.BuildAndStart();
  if (server->grpc_server_ == nullptr || server->port_ == 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot listen on ", options.listen_address,
                     "; is the address valid and the port free?"));
  }
  // Health by service name, as load balancers and grpc_health_probe
  // -service=... ask; "" (the whole server) is SERVING by default.
  if (grpc::HealthCheckServiceInterface* health =
          server->grpc_server_->GetHealthCheckService()) {
    for (const char* name :
         {"tsforecast.v1.SeriesService", "tsforecast.v1.PointsService",
          "tsforecast.v1.AdminService", "tsforecast.v1.ForecastService",
          "tsforecast.writes"}) {
      health->SetServingStatus(name, true);
    }
  }
  server->AddGauges();
  if (options.http_port >= 0) {
    http::HttpOptions http_options;
    http_options.host = options.http_host;
    http_options.port = options.http_port;
    http_options.tls_cert_file = options.tls_cert_file;
    http_options.tls_key_file = options.tls_key_file;
    http_options.tls_client_ca_file = options.tls_client_ca_file;
    http_options.metrics_auth = options.metrics_auth;
    http_options.allowed_hosts = options.http_allowed_hosts;
    http_options.max_connections = options.http_max_connections;
    http_options.max_answer_bytes = options.http_max_answer_bytes;
    http_options.push = options.push;
    http_options.remote_read_max_samples = options.remote_read_max_samples;
    Server* raw = server.get();
    TSF_ASSIGN_OR_RETURN(
        server->http_server_,
        http::HttpServer::Start(
            http_options, {server->store_.get(), server->forecast_engine_.get(),
                           server->metrics_.get(),
                           [raw]() -> std::string {
                             if (!raw->ready_.load())
                               return "starting or stopping";
                             absl::MutexLock lock(&raw->health_mu_);
                             return !raw->not_live_.empty()
                                        ? raw->not_live_
                                        : raw->not_writable_;
                           },
                           access,
                           [raw]() -> std::string {
                             absl::MutexLock lock(&raw->health_mu_);
                             return raw->not_live_;
                           },
                           server->ingest_budget_.get()}));
  }
  server->grpc_host_ = HostOf(options.listen_address);
  server->grpc_probe_ = std::make_unique<PortProbe>();
  server->grpc_probe_interval_ = options.grpc_port_probe_interval;
  server->exit_when_restart_needed_ = options.exit_when_restart_needed;
  server->ready_ = true;
  server->health_thread_ =
      std::thread([raw = server.get()] { raw->WatchHealth(); });
  return server;
}

absl::Status Server::Reload() {
  if (authorizer_ != nullptr) TSF_RETURN_IF_ERROR(authorizer_->Reload());
  if (http_server_ != nullptr) TSF_RETURN_IF_ERROR(http_server_->ReloadTls());
  return absl::OkStatus();
}

void Server::CheckGrpcPort(int* silent_in_a_row) {
  const ProbeResult probe = grpc_probe_->Probe(
      grpc_host_, port_, std::min(grpc_probe_interval_, absl::Seconds(2)));
  if (probe == ProbeResult::kUnknown) return;
  *silent_in_a_row = probe == ProbeResult::kSilent ? *silent_in_a_row + 1 : 0;
  if (*silent_in_a_row < 3) return;
  RequestRestart(absl::StrCat(
      "the gRPC port ", port_,
      " stopped accepting connections (gRPC 1.51 stops for good once an "
      "accept fails for lack of file descriptors); the server must be "
      "restarted"));
}

void Server::RequestRestart(const std::string& why) {
  {
    absl::MutexLock lock(&health_mu_);
    if (!not_live_.empty()) return;
    not_live_ = why;
  }
  TSF_LOG(ERROR) << why
                 << (exit_when_restart_needed_
                         ? "; stopping with exit status 3 for the supervisor "
                           "to start it again"
                         : "");
  if (exit_when_restart_needed_) {
    restart_wanted_ = true;
    kill(getpid(), SIGTERM);
  }
}

void Server::WatchHealth() {
  grpc::HealthCheckServiceInterface* health =
      grpc_server_->GetHealthCheckService();
  bool was_writable = true;
  int silent_in_a_row = 0;
  absl::Time next_probe = absl::Now() + grpc_probe_interval_;
  absl::MutexLock lock(&health_mu_);
  auto stopping = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(health_mu_) {
    return stopping_;
  };
  do {
    health_mu_.Unlock();
    if (grpc_probe_interval_ > absl::ZeroDuration() &&
        absl::Now() >= next_probe) {
      CheckGrpcPort(&silent_in_a_row);
      next_probe = absl::Now() + grpc_probe_interval_;
    }
    const storage::StoreHealth h = store_->Health();
    if (h.needs_restart) {
      RequestRestart(absl::StrCat(
          "the store stopped writes after an error it cannot resume from "
          "while open (",
          h.reason, "); the server must be restarted"));
    }
    if (health != nullptr && h.writable != was_writable) {
      health->SetServingStatus("tsforecast.writes", h.writable);
    }
    was_writable = h.writable;
    health_mu_.Lock();
    not_writable_ = h.writable ? "" : "writes refused: " + h.reason;
  } while (!health_mu_.AwaitWithTimeout(absl::Condition(&stopping),
                                        absl::Milliseconds(500)));
}

int Server::http_port() const {
  return http_server_ == nullptr ? 0 : http_server_->port();
}

void Server::AddGauges() {
  storage::SeriesStore* store = store_.get();
  ForecastEngine* forecasts = forecast_engine_.get();
  // The store's statistics are read once per scrape (they list RocksDB's
  // WAL files and properties) and shared by the gauges below.
  auto snapshot = std::make_shared<StatsSnapshot>();
  metrics_->AddScrapeHook([store, snapshot] {
    absl::StatusOr<storage::StorageStats> s = store->Stats();
    absl::MutexLock lock(&snapshot->mu);
    snapshot->stats = s.ok() ? *s : storage::StorageStats();
  });
  auto stats = [snapshot] {
    absl::MutexLock lock(&snapshot->mu);
    return snapshot->stats;
  };
  metrics_->AddValue(
      "tsf_points_ingested_total", "Points written since the server started.",
      "counter",
      [stats] { return static_cast<double>(stats().points_written); });
  metrics_->AddValue("tsf_storage_writable",
                     "1 while the store takes writes; 0 while a full disk or "
                     "a background error stops them (see /readyz).",
                     "gauge",
                     [store] { return store->Health().writable ? 1.0 : 0.0; });
  metrics_->AddValue(
      "tsf_storage_background_errors_total",
      "Errors RocksDB met in flushes and compactions since start.", "counter",
      [store] {
        return static_cast<double>(store->Health().background_errors);
      });
  IngestBudget* budget = ingest_budget_.get();
  metrics_->AddValue(
      "tsf_ingest_inflight_bytes",
      "Bytes held by write requests being stored (budget: "
      "--max_ingest_inflight_mb).",
      "gauge", [budget] { return static_cast<double>(budget->in_flight()); });
  metrics_->AddValue(
      "tsf_ingest_refused_total",
      "Writes refused because the in-flight ingest budget was spent.",
      "counter", [budget] { return static_cast<double>(budget->refused()); });
  metrics_->AddValue(
      "tsf_storage_series", "Series in the store.", "gauge",
      [stats] { return static_cast<double>(stats().series_count); });
  metrics_->AddGauge(
      {"tsf_storage_bytes",
       "Store sizes: SST files by family, RocksDB's WAL and memtables, "
       "the head's points in memory and its log.",
       "gauge",
       {"part"},
       [stats] {
         const storage::StorageStats s = stats();
         return std::vector<GaugeSample>{
             {{"points_sst"}, static_cast<double>(s.points_sst_bytes)},
             {{"meta_sst"}, static_cast<double>(s.meta_sst_bytes)},
             {{"wal"}, static_cast<double>(s.wal_bytes)},
             {{"memtable"}, static_cast<double>(s.memtable_bytes)},
             {{"head"}, static_cast<double>(s.head_bytes)},
             {{"head_log"}, static_cast<double>(s.head_log_bytes)}};
       }});
  metrics_->AddValue(
      "tsf_storage_head_points",
      "Points in the in-memory head, not yet checkpointed to RocksDB.", "gauge",
      [stats] { return static_cast<double>(stats().head_points); });
  metrics_->AddValue(
      "tsf_storage_head_checkpoints_total",
      "Checkpoints of the head into RocksDB since the server started.",
      "counter",
      [stats] { return static_cast<double>(stats().head_checkpoints); });
  metrics_->AddValue(
      "tsf_forecast_cache_hits_total", "Forecasts answered from the cache.",
      "counter",
      [forecasts] { return static_cast<double>(forecasts->cache().hits()); });
  metrics_->AddValue(
      "tsf_forecast_cache_misses_total",
      "Forecasts that needed a fit (or joined one in flight).", "counter",
      [forecasts] { return static_cast<double>(forecasts->cache().misses()); });
  metrics_->AddValue(
      "tsf_forecast_queue_depth", "Forecast fits waiting for a worker.",
      "gauge", [forecasts] {
        return static_cast<double>(forecasts->scheduler().waiting());
      });
  metrics_->AddValue(
      "tsf_forecast_fits_running", "Forecast fits running.", "gauge",
      [forecasts] {
        return static_cast<double>(forecasts->scheduler().running());
      });
  metrics_->AddGauge(
      {"tsf_build_info", "Build of this server.", "gauge", {"version"}, [] {
         return std::vector<GaugeSample>{{{TSF_VERSION}, 1}};
       }});
}

void Server::Shutdown(double grace_seconds) {
  ready_ = false;
  {
    absl::MutexLock lock(&health_mu_);
    stopping_ = true;
  }
  if (health_thread_.joinable()) health_thread_.join();
  if (http_server_ != nullptr) {
    http_server_->Stop();
    http_server_.reset();
  }
  if (grpc_server_ != nullptr) {
    // New calls get UNAVAILABLE from here on (gRPC's own shutdown would
    // cancel them); calls in flight get the grace period to finish.
    if (access_ != nullptr) access_->StartDraining();
    if (grpc::HealthCheckServiceInterface* health =
            grpc_server_->GetHealthCheckService()) {
      health->SetServingStatus(false);
    }
    const absl::Time give_up = absl::Now() + absl::Seconds(grace_seconds);
    while (metrics_->grpc_in_flight.load() > 0 && absl::Now() < give_up) {
      absl::SleepFor(absl::Milliseconds(5));
    }
    // gRPC 1.51 waits out the whole deadline while any client connection
    // is open, even an idle one: what is left is cancelled now.
    grpc_server_->Shutdown(std::chrono::system_clock::now());
    grpc_server_->Wait();
    grpc_server_.reset();
  }
  // Its destructor waits for fits still running on their own threads,
  // which read the store.
  forecast_service_.reset();
  forecast_engine_.reset();
  store_.reset();
}

Server::~Server() { Shutdown(0); }

}  // namespace tsforecast::service
