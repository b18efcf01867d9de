// tsforecastd: the tsforecast gRPC server on an embedded RocksDB.
#include <algorithm>
#include <csignal>
#include <cstdio>
#include <fstream>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "common/log.h"
#include "service/fd_budget.h"
#include "service/server.h"
#include "storage/series_store.h"

ABSL_FLAG(std::string, listen, "127.0.0.1:50051",
          "gRPC listen address host:port; port 0 picks a free port");
ABSL_FLAG(std::string, data_dir, "./data",
          "directory of the RocksDB database (created if missing)");
ABSL_FLAG(std::string, durability, "sync",
          "when a write is acknowledged: 'sync' (WAL fsynced, group commit; "
          "survives power loss) or 'process' (WAL written, not fsynced; "
          "survives a server crash or kill -9, not a machine crash)");
ABSL_FLAG(int64_t, max_points_per_request, 1000000,
          "points accepted in one WritePoints request or stream batch");
ABSL_FLAG(int64_t, max_series_per_request, 10000,
          "series entries accepted in one WritePoints request or stream batch");
ABSL_FLAG(int64_t, max_read_limit, 1000000,
          "largest ReadPoints page (points) a client may ask for");
ABSL_FLAG(int, max_message_bytes, 64 << 20,
          "largest gRPC message accepted or sent, bytes");
ABSL_FLAG(int, max_running_fits, 0,
          "forecast fits running at once (0: one per core)");
ABSL_FLAG(int, max_waiting_fits, 64,
          "forecast fits that may wait for a worker; more get "
          "RESOURCE_EXHAUSTED");
ABSL_FLAG(double, max_missing_percent, 20,
          "largest share (percent) of missing steps a forecast fills by "
          "interpolation, unless a request says otherwise");
ABSL_FLAG(int64_t, block_cache_mb, 64, "RocksDB block cache, MiB");
ABSL_FLAG(int64_t, write_buffer_mb, 64, "RocksDB memtable size, MiB");
ABSL_FLAG(int, max_merge_operands, 0,
          "when > 0, fold a block's appends in the memtable once this many "
          "accumulate (bounds read work for series rewritten in place; costs "
          "ingest speed); 0 leaves folding to flush and compaction");
ABSL_FLAG(int64_t, head_max_points, 2'000'000,
          "points the in-memory head holds before a checkpoint writes them "
          "to RocksDB (appends wait at twice this); 0 writes every request "
          "to RocksDB directly");
ABSL_FLAG(int64_t, head_checkpoint_interval_s, 60,
          "checkpoint the head at least this often, bounding what a restart "
          "replays from its log");
ABSL_FLAG(std::string, restore_from, "",
          "restore this backup (made by AdminService.Backup or `tsfctl "
          "backup`) into an empty --data_dir before starting");
ABSL_FLAG(std::string, http_listen_host, "127.0.0.1",
          "host of the HTTP side port (metrics, health, Prometheus API, "
          "dashboard)");
ABSL_FLAG(int, http_port, 8080,
          "HTTP side port; 0 picks a free port, -1 turns it off");
ABSL_FLAG(std::string, port_file, "",
          "once serving, write the bound gRPC port and, on a second line, "
          "the HTTP port (0 when off) to this file (for scripts and tests "
          "using port 0)");
ABSL_FLAG(double, shutdown_grace_s, 5.0,
          "seconds calls in flight may take to finish on SIGTERM/SIGINT");
ABSL_FLAG(bool, quiet, false, "log warnings and errors only");
ABSL_FLAG(std::string, tls_cert_file, "",
          "PEM certificate chain for TLS on the gRPC and HTTP ports (with "
          "--tls_key_file); re-read every --tls_refresh_s (gRPC) and on SIGHUP "
          "(HTTP)");
ABSL_FLAG(std::string, tls_key_file, "", "PEM private key of --tls_cert_file");
ABSL_FLAG(std::string, tls_client_ca_file, "",
          "PEM CA: clients must present a certificate it signed (mTLS)");
ABSL_FLAG(int, tls_refresh_s, 60,
          "how often the gRPC port re-reads the TLS files, seconds (the "
          "HTTP port re-reads them on SIGHUP)");
ABSL_FLAG(std::string, tokens_file, "",
          "bearer tokens with roles (tsfctl token add); with it every call "
          "but the health checks needs a token. Re-read on SIGHUP");
ABSL_FLAG(bool, metrics_auth, false,
          "/metrics needs a read token too (with --tokens_file)");
ABSL_FLAG(bool, allow_insecure_remote, false,
          "allow listening beyond loopback without TLS (anyone who can reach "
          "the port can then read the traffic)");
ABSL_FLAG(double, grpc_port_probe_s, 5,
          "how often the server checks that its gRPC port still accepts "
          "connections (0: never); after three silent checks it stops with "
          "exit status 3 for its supervisor to start it again");
ABSL_FLAG(int64_t, http_max_answer_mb, 64,
          "largest HTTP answer, MiB; a bigger one is an error asking for "
          "less (a slow reader holds at most this much)");
ABSL_FLAG(bool, allow_anonymous_remote, false,
          "allow listening beyond loopback without --tokens_file (every "
          "caller who can reach the port is then an admin)");
ABSL_FLAG(std::string, backup_root, "backups",
          "backups are written under this directory only (created if "
          "missing)");
ABSL_FLAG(int64_t, min_free_disk_mb, 64,
          "writes pause (RESOURCE_EXHAUSTED) while the data dir's file system "
          "has less free space than this, and resume once space is freed");
ABSL_FLAG(int, max_concurrent_streams, 100,
          "gRPC calls in progress per connection; more wait for a slot");
ABSL_FLAG(int, max_threads, 512,
          "gRPC server threads in all; beyond, calls get RESOURCE_EXHAUSTED");
ABSL_FLAG(int64_t, memory_quota_mb, 1024,
          "memory gRPC may use for buffers in all, MiB");
ABSL_FLAG(int64_t, max_ingest_inflight_mb, 256,
          "bytes, MiB, that write requests being stored may hold in all; "
          "beyond, writes get RESOURCE_EXHAUSTED with a retry hint (0: no "
          "budget)");
ABSL_FLAG(std::string, push_step, "1m",
          "step of series created by remote write or line protocol (their "
          "points keep their own times; reads at a step and forecasts "
          "aggregate to it)");
ABSL_FLAG(int64_t, push_max_series, 1000000,
          "remote write and line protocol create no series once the store "
          "holds this many");
ABSL_FLAG(double, push_new_series_per_s, 10000,
          "series each token may create per second by push (0: no limit)");
ABSL_FLAG(int64_t, remote_write_max_bytes, 16 << 20,
          "largest remote-write body, compressed (413 beyond)");
ABSL_FLAG(int64_t, remote_write_max_decoded_bytes, 32 << 20,
          "largest remote-write body once decompressed (413 beyond)");
ABSL_FLAG(int64_t, line_protocol_max_bytes, 16 << 20,
          "largest line-protocol body as sent (413 beyond)");
ABSL_FLAG(int64_t, line_protocol_max_decoded_bytes, 64 << 20,
          "largest line-protocol body once gunzipped (413 beyond)");
ABSL_FLAG(int64_t, remote_read_max_samples, 50000000,
          "most samples one remote-read request is answered with (400 "
          "beyond, as Prometheus)");
ABSL_FLAG(double, stream_stall_timeout_s, 60,
          "cancel a streaming call whose client neither reads nor sends for "
          "this long (0: never)");
ABSL_FLAG(std::vector<std::string>, http_allowed_hosts, {},
          "Host header values the HTTP port serves (default: localhost, "
          "127.0.0.1, ::1 and --http_listen_host); * for any");

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "tsforecast server: stores time series in RocksDB and serves them over "
      "gRPC.\nUsage: tsforecastd [--listen=127.0.0.1:50051] "
      "[--data_dir=./data] [flags]");
  absl::ParseCommandLine(argc, argv);
  // Debian's Abseil tracks lock order on every Mutex acquisition (a graph
  // update per lock, a few percent of a cached poll). The tests keep it on;
  // the server binary does not pay for it.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  using tsforecast::LogSeverity;
  if (absl::GetFlag(FLAGS_quiet)) {
    tsforecast::SetMinLogSeverity(LogSeverity::kWarning);
  }

  tsforecast::service::ServerOptions options;
  options.listen_address = absl::GetFlag(FLAGS_listen);
  options.storage.data_dir = absl::GetFlag(FLAGS_data_dir);
  absl::StatusOr<tsforecast::storage::Durability> durability =
      tsforecast::storage::ParseDurability(absl::GetFlag(FLAGS_durability));
  if (!durability.ok()) {
    std::fprintf(stderr, "--%s\n", durability.status().ToString().c_str());
    return 2;
  }
  options.storage.durability = *durability;
  options.storage.block_cache_bytes =
      static_cast<uint64_t>(absl::GetFlag(FLAGS_block_cache_mb)) << 20;
  options.storage.write_buffer_bytes =
      static_cast<uint64_t>(absl::GetFlag(FLAGS_write_buffer_mb)) << 20;
  options.storage.max_merge_operands = absl::GetFlag(FLAGS_max_merge_operands);
  options.storage.head_max_points = static_cast<uint64_t>(
      std::max<int64_t>(0, absl::GetFlag(FLAGS_head_max_points)));
  options.storage.head_checkpoint_interval_ms =
      absl::GetFlag(FLAGS_head_checkpoint_interval_s) * 1000;
  options.storage.min_free_bytes =
      static_cast<uint64_t>(
          std::max<int64_t>(0, absl::GetFlag(FLAGS_min_free_disk_mb)))
      << 20;
  options.limits.max_points_per_request =
      absl::GetFlag(FLAGS_max_points_per_request);
  options.limits.max_series_per_request =
      absl::GetFlag(FLAGS_max_series_per_request);
  options.limits.max_read_limit = absl::GetFlag(FLAGS_max_read_limit);
  options.max_message_bytes = absl::GetFlag(FLAGS_max_message_bytes);
  options.max_running_fits = absl::GetFlag(FLAGS_max_running_fits);
  options.max_waiting_fits = absl::GetFlag(FLAGS_max_waiting_fits);
  options.max_missing_percent = absl::GetFlag(FLAGS_max_missing_percent);
  options.http_host = absl::GetFlag(FLAGS_http_listen_host);
  options.http_port = absl::GetFlag(FLAGS_http_port);
  options.tls_cert_file = absl::GetFlag(FLAGS_tls_cert_file);
  options.tls_key_file = absl::GetFlag(FLAGS_tls_key_file);
  options.tls_client_ca_file = absl::GetFlag(FLAGS_tls_client_ca_file);
  options.tls_refresh = absl::Seconds(absl::GetFlag(FLAGS_tls_refresh_s));
  options.tokens_file = absl::GetFlag(FLAGS_tokens_file);
  options.metrics_auth = absl::GetFlag(FLAGS_metrics_auth);
  options.allow_insecure_remote = absl::GetFlag(FLAGS_allow_insecure_remote);
  options.allow_anonymous_remote = absl::GetFlag(FLAGS_allow_anonymous_remote);
  options.backup_root = absl::GetFlag(FLAGS_backup_root);
  options.http_allowed_hosts = absl::GetFlag(FLAGS_http_allowed_hosts);
  options.max_concurrent_streams = absl::GetFlag(FLAGS_max_concurrent_streams);
  options.max_threads = absl::GetFlag(FLAGS_max_threads);
  options.memory_quota_bytes = absl::GetFlag(FLAGS_memory_quota_mb) << 20;
  options.max_ingest_inflight_bytes =
      absl::GetFlag(FLAGS_max_ingest_inflight_mb) << 20;
  options.stream_stall_timeout =
      absl::Seconds(absl::GetFlag(FLAGS_stream_stall_timeout_s));
  {
    absl::StatusOr<tsforecast::CalendarStep> step =
        tsforecast::CalendarStep::Parse(absl::GetFlag(FLAGS_push_step));
    if (!step.ok()) {
      std::fprintf(stderr, "invalid flags: --push_step: %s\n",
                   step.status().ToString().c_str());
      return 2;
    }
    options.push.defaults.step = *step;
  }
  options.push.limits.max_series = absl::GetFlag(FLAGS_push_max_series);
  options.remote_read_max_samples =
      std::max<int64_t>(1, absl::GetFlag(FLAGS_remote_read_max_samples));
  options.push.limits.new_series_per_s =
      absl::GetFlag(FLAGS_push_new_series_per_s);
  options.push.remote_write.max_compressed_bytes = static_cast<size_t>(
      std::max<int64_t>(1, absl::GetFlag(FLAGS_remote_write_max_bytes)));
  options.push.remote_write.max_decoded_bytes =
      static_cast<size_t>(std::max<int64_t>(
          1, absl::GetFlag(FLAGS_remote_write_max_decoded_bytes)));
  options.grpc_port_probe_interval =
      absl::Seconds(absl::GetFlag(FLAGS_grpc_port_probe_s));
  options.exit_when_restart_needed = true;
  const tsforecast::service::FdBudget fds =
      tsforecast::service::RaiseAndPlanFdBudget();
  options.storage.max_open_files = fds.store_open_files;
  options.http_max_connections = fds.http_connections;
  options.http_max_answer_bytes =
      static_cast<size_t>(
          std::max<int64_t>(1, absl::GetFlag(FLAGS_http_max_answer_mb)))
      << 20;
  if (absl::Status s = options.Validate(); !s.ok()) {
    std::fprintf(stderr, "invalid flags: %s\n", s.ToString().c_str());
    return 2;
  }

  TSF_LOG(INFO) << fds.Describe();
  for (const std::string& risk : options.AcceptedRisks()) {
    TSF_LOG(WARNING) << risk;
  }

  const std::string restore_from = absl::GetFlag(FLAGS_restore_from);
  if (!restore_from.empty()) {
    absl::Status s = tsforecast::storage::RestoreBackup(
        restore_from, options.storage.data_dir);
    if (!s.ok()) {
      TSF_LOG(ERROR) << "restore failed: " << s;
      return 1;
    }
    TSF_LOG(INFO) << "restored backup " << restore_from << " into "
                  << options.storage.data_dir;
  }

  // Block the stop signals in every thread (gRPC's inherit the mask) and
  // wait for them here.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  absl::StatusOr<std::unique_ptr<tsforecast::service::Server>> server =
      tsforecast::service::Server::Start(options);
  if (!server.ok()) {
    TSF_LOG(ERROR) << "cannot start: " << server.status();
    return 1;
  }
  TSF_LOG(INFO) << "tsforecastd serving on port " << (*server)->port()
                << " (listen " << options.listen_address << "), data_dir "
                << options.storage.data_dir << ", durability "
                << absl::GetFlag(FLAGS_durability);
  if ((*server)->http_port() != 0) {
    TSF_LOG(INFO) << "dashboard and metrics on http://" << options.http_host
                  << ":" << (*server)->http_port() << "/";
  }
  const std::string port_file = absl::GetFlag(FLAGS_port_file);
  if (!port_file.empty()) {
    const std::string tmp = port_file + ".tmp";
    std::ofstream(tmp) << (*server)->port() << "\n"
                       << (*server)->http_port() << "\n";
    std::rename(tmp.c_str(), port_file.c_str());
  }

  int signal = 0;
  // SIGHUP re-reads the tokens file and the HTTP certificate; a bad file
  // keeps what is in use.
  while (sigwait(&signals, &signal) == 0 && signal == SIGHUP) {
    absl::Status s = (*server)->Reload();
    if (s.ok()) {
      TSF_LOG(INFO) << "SIGHUP: tokens and certificates reloaded";
    } else {
      TSF_LOG(ERROR) << "SIGHUP: reload failed, keeping the old ones: " << s;
    }
  }
  TSF_LOG(INFO) << "received signal " << signal << ", draining";
  (*server)->Shutdown(absl::GetFlag(FLAGS_shutdown_grace_s));
  if ((*server)->restart_wanted()) {
    TSF_LOG(ERROR) << "stopped cleanly; exit status 3: start the server again "
                      "(its gRPC port had stopped accepting connections, or "
                      "the store could not resume writes while open)";
    return 3;
  }
  TSF_LOG(INFO) << "stopped cleanly";
  return 0;
}
