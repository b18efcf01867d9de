// The HTTP side port: /metrics, /healthz, /readyz, the Prometheus HTTP API
// subset for Grafana (prom_api.h), the push doors (push_api.h: remote
// write, line protocol), the dashboard's JSON API
// (dashboard_api.h) and the dashboard page itself: the routes, over the
// event-loop server of http_listener.h.
#ifndef TSFORECAST_SERVICE_HTTP_HTTP_SERVER_H_
#define TSFORECAST_SERVICE_HTTP_HTTP_SERVER_H_

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "service/access.h"
#include "service/engine/forecast_engine.h"
#include "service/http/http_message.h"
#include "service/http/push_api.h"
#include "service/ingest/metric_metadata.h"
#include "service/metrics.h"
#include "storage/series_store.h"

namespace tsforecast::service::http {
class HttpListener;
class TlsIdentity;
}  // namespace tsforecast::service::http

namespace tsforecast::service::http {

struct HttpOptions {
  std::string host = "127.0.0.1";
  int port = 8080;  // 0 picks a free port
  // Requests handled at once (worker threads); connections themselves,
  // idle or slow, hold no thread.
  int threads = 64;
  // Open connections; more are closed on accept.
  size_t max_connections = 20000;
  // Largest answer body; a bigger one is replaced by an error asking for
  // less, so that a slow reader holds at most this much of the server's
  // memory (its write times out after 5 s).
  size_t max_answer_bytes = 64 << 20;
  // TLS (both files or neither) and optional client-certificate checks.
  std::string tls_cert_file, tls_key_file, tls_client_ca_file;
  // Whether /metrics needs a read token when access control is on.
  bool metrics_auth = false;
  // Host header values served; empty: loopback names and `host`.
  std::vector<std::string> allowed_hosts;
  // The push doors: series defaults, limits, body sizes.
  PushOptions push;
  // Remote read: the most samples one request answers with.
  int64_t remote_read_max_samples = 50'000'000;
};

struct HttpBackends {
  storage::SeriesStore* store = nullptr;
  ForecastEngine* forecasts = nullptr;
  Metrics* metrics = nullptr;
  // /readyz answers 200 while this is empty, else 503 with the reason.
  std::function<std::string()> not_ready;
  const Access* access = nullptr;
  // /healthz answers 200 while this is empty (or unset), else 503 with the
  // reason: the server needs a restart.
  std::function<std::string()> not_live;
  // Bounds the memory of writes being stored (null: none).
  IngestBudget* ingest_budget = nullptr;
};

class HttpServer {
 public:
  static absl::StatusOr<std::unique_ptr<HttpServer>> Start(
      const HttpOptions& options, HttpBackends backends);
  ~HttpServer();

  int port() const { return port_; }
  // Stops listening and waits for the serving thread. Idempotent.
  void Stop();
  // Re-reads the TLS certificate and key (no-op without TLS).
  absl::Status ReloadTls();

 private:
  struct Route;
  HttpServer();
  void AddRoutes(const HttpOptions& options);
  // Finds the route of `req` and runs it (on a listener worker).
  void Handle(HttpRequest& req, HttpResponse& res) const;

  HttpBackends backends_;
  size_t max_answer_bytes_ = 0;
  std::unique_ptr<TlsIdentity> tls_;
  // What remote-write senders said of their metric families.
  ingest::MetadataTable metadata_;
  std::vector<Route> routes_;
  std::function<bool(const HttpRequest&, HttpResponse&)> check_host_;
  std::unique_ptr<HttpListener> listener_;
  int port_ = 0;
};

}  // namespace tsforecast::service::http

#endif  // TSFORECAST_SERVICE_HTTP_HTTP_SERVER_H_
