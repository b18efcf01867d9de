#include "service/http/http_server.h"

#include <chrono>

#include "absl/strings/str_cat.h"
#include "httplib.h"
#include "service/http/dashboard_api.h"
#include "service/http/http_access.h"
#include "service/http/http_tls.h"
#include "service/http/prom_api.h"

namespace tsforecast::service::http {
namespace {

using Handler =
    std::function<void(const httplib::Request&, httplib::Response&)>;

// Counts and times every request under a fixed handler name (not the
// path, which would let clients create unbounded label values), after the
// access check.
Handler Measured(Metrics* metrics, std::shared_ptr<const HttpAccess> access,
                 std::string name, Handler handler) {
  return [metrics, access = std::move(access), name = std::move(name),
          handler = std::move(handler)](const httplib::Request& req,
                                        httplib::Response& res) {
    const auto start = std::chrono::steady_clock::now();
    if (access->Check(req, res)) handler(req, res);
    if (metrics == nullptr) return;
    // cpp-httplib fills in 200 after the handler when it set none.
    metrics->http_requests.Add(
        {name, absl::StrCat(res.status == -1 ? 200 : res.status)});
    metrics->http_latency.Observe(
        {name},
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
            .count());
  };
}

}  // namespace

absl::StatusOr<std::unique_ptr<HttpServer>> HttpServer::Start(
    const HttpOptions& options, HttpBackends backends) {
  std::unique_ptr<HttpServer> server(new HttpServer());
  server->backends_ = std::move(backends);
  if (options.tls_cert_file.empty()) {
    server->server_ = std::make_unique<httplib::Server>();
  } else {
    server->tls_ = std::make_unique<TlsIdentity>(options.tls_cert_file,
                                                 options.tls_key_file,
                                                 options.tls_client_ca_file);
    if (absl::Status s = server->tls_->Reload(); !s.ok()) return s;
    TlsIdentity* tls = server->tls_.get();
    auto ssl = std::make_unique<httplib::SSLServer>(
        [tls](SSL_CTX& ctx) { return tls->Configure(ctx); });
    if (!ssl->is_valid()) {
      return absl::InvalidArgumentError(
          absl::StrCat("HTTP port: cannot set up TLS with client CA ",
                       options.tls_client_ca_file));
    }
    server->server_ = std::move(ssl);
  }
  const int threads = std::max(2, options.threads);
  server->server_->new_task_queue = [threads] {
    return new httplib::ThreadPool(threads);
  };
  // Pollers keep their connection: no cap on requests per connection.
  server->server_->set_keep_alive_max_count(1000000);
  // An idle keep-alive connection gives its thread back after 2 s (and
  // a stopping server waits at most that long for it), one that stops
  // sending after 5 s; requests are at most 16 MiB (a POSTed query).
  server->server_->set_keep_alive_timeout(2);
  server->server_->set_read_timeout(5, 0);
  server->server_->set_write_timeout(5, 0);
  server->server_->set_payload_max_length(16 << 20);
  // Small answers must not wait for Nagle's algorithm (40 ms stalls).
  server->server_->set_tcp_nodelay(true);
  server->AddRoutes(options);
  if (options.port == 0) {
    server->port_ = server->server_->bind_to_any_port(options.host);
  } else if (server->server_->bind_to_port(options.host, options.port)) {
    server->port_ = options.port;
  }
  if (server->port_ <= 0) {
    return absl::UnavailableError(absl::StrCat(
        "HTTP port: cannot listen on ", options.host, ":", options.port,
        "; is the port free? (--http_port=0 picks one, "
        "--http_port=-1 turns the HTTP port off)"));
  }
  httplib::Server* raw = server->server_.get();
  server->thread_ = std::thread([raw] { raw->listen_after_bind(); });
  // Stop() before the loop runs would not end it: wait until it serves.
  while (!raw->is_running()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return server;
}

absl::Status HttpServer::ReloadTls() {
  return tls_ == nullptr ? absl::OkStatus() : tls_->Reload();
}

void HttpServer::AddRoutes(const HttpOptions& options) {
  httplib::Server& s = *server_;
  Metrics* metrics = backends_.metrics;
  static const Access kOpen(nullptr, nullptr);
  auto access = std::make_shared<HttpAccess>(
      backends_.access != nullptr ? backends_.access : &kOpen,
      HttpAccessOptions{options.allowed_hosts.empty()
                            ? DefaultAllowedHosts(options.host)
                            : options.allowed_hosts,
                        options.metrics_auth});
  s.set_pre_routing_handler(
      [access](const httplib::Request& req, httplib::Response& res) {
        return access->CheckHost(req, res);
      });
  s.Get("/healthz",
        Measured(metrics, access, "healthz",
                 [](const httplib::Request&, httplib::Response& res) {
                   res.set_content("ok\n", "text/plain");
                 }));
  s.Get("/readyz",
        Measured(metrics, access, "readyz",
                 [this](const httplib::Request&, httplib::Response& res) {
                   const std::string why =
                       backends_.not_ready ? backends_.not_ready() : "";
                   res.status = why.empty() ? 200 : 503;
                   res.set_content(
                       why.empty() ? "ready\n" : "not ready: " + why + "\n",
                       "text/plain");
                 }));
  s.Get("/metrics",
        Measured(metrics, access, "metrics",
                 [metrics](const httplib::Request&, httplib::Response& res) {
                   res.set_content(metrics == nullptr ? "" : metrics->Render(),
                                   "text/plain; version=0.0.4; charset=utf-8");
                 }));

  auto prom = std::make_shared<PromApi>(backends_.store, backends_.forecasts);
  auto both = [&](const std::string& path, const std::string& name,
                  void (PromApi::*method)(const httplib::Request&,
                                          httplib::Response&) const) {
    Handler h = Measured(
        metrics, access, name,
        [prom, method](const httplib::Request& req, httplib::Response& res) {
          ((*prom).*method)(req, res);
        });
    s.Get(path, h);
    s.Post(path, h);
  };
  both("/api/v1/query", "api_v1_query", &PromApi::Query);
  both("/api/v1/query_range", "api_v1_query_range", &PromApi::QueryRange);
  both("/api/v1/series", "api_v1_series", &PromApi::Series);
  both("/api/v1/labels", "api_v1_labels", &PromApi::Labels);
  both(R"(/api/v1/label/([^/]+)/values)", "api_v1_label_values",
       &PromApi::LabelValues);
  both("/api/v1/status/buildinfo", "api_v1_buildinfo", &PromApi::BuildInfo);
  both("/api/v1/metadata", "api_v1_metadata", &PromApi::Metadata);

  auto dash =
      std::make_shared<DashboardApi>(backends_.store, backends_.forecasts);
  auto get = [&](const std::string& path, const std::string& name,
                 void (DashboardApi::*method)(const httplib::Request&,
                                              httplib::Response&) const) {
    s.Get(path, Measured(metrics, access, name,
                         [dash, method](const httplib::Request& req,
                                        httplib::Response& res) {
                           ((*dash).*method)(req, res);
                         }));
  };
  get("/api/tsf/v1/series", "tsf_series", &DashboardApi::Series);
  get("/api/tsf/v1/points", "tsf_points", &DashboardApi::Points);
  get("/api/tsf/v1/forecast", "tsf_forecast", &DashboardApi::Forecast);
  // POST too: saving a vintage changes data and is refused on GET.
  s.Post("/api/tsf/v1/forecast",
         Measured(metrics, access, "tsf_forecast",
                  [dash](const httplib::Request& req, httplib::Response& res) {
                    dash->Forecast(req, res);
                  }));
  get("/api/tsf/v1/backtest", "tsf_backtest", &DashboardApi::Backtest);
  get("/api/tsf/v1/models", "tsf_models", &DashboardApi::Models);
  get("/api/tsf/v1/vintages", "tsf_vintages", &DashboardApi::Vintages);
  s.Get("/", Measured(metrics, access, "dashboard",
                      [](const httplib::Request&, httplib::Response& res) {
                        res.set_content(DashboardHtml(),
                                        "text/html; charset=utf-8");
                      }));
  s.set_error_handler([](const httplib::Request& req, httplib::Response& res) {
    if (res.status == 404 && res.body.empty()) {
      res.set_content(
          absl::StrCat("no such path: ", req.path, "\nsee docs/http_api.md\n"),
          "text/plain");
    }
  });
}

void HttpServer::Stop() {
  if (server_ == nullptr) return;
  server_->stop();
  if (thread_.joinable()) thread_.join();
  server_.reset();
}

HttpServer::~HttpServer() { Stop(); }

}  // namespace tsforecast::service::http
