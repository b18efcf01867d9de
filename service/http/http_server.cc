#include "service/http/http_server.h"

#include <chrono>
#include <optional>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "forecast/model_registry.h"
#include "service/http/dashboard_api.h"
#include "service/http/http_access.h"
#include "service/http/http_listener.h"
#include "service/http/http_tls.h"
#include "service/http/http_util.h"
#include "service/http/json_text.h"
#include "service/http/prom_api.h"
#include "service/http/prom_query.h"
#include "service/http/remote_read.h"
#include "service/retry_hint.h"

namespace tsforecast::service::http {
namespace {

using Handler = std::function<void(const HttpRequest&, HttpResponse&)>;

// Counts and times every request under a fixed handler name (not the
// path, which would let clients create unbounded label values), after the
// access check.
Handler Measured(Metrics* metrics, std::shared_ptr<const HttpAccess> access,
                 std::string name, Handler handler) {
  return [metrics, access = std::move(access), name = std::move(name),
          handler = std::move(handler)](const HttpRequest& req,
                                        HttpResponse& res) {
    const auto start = std::chrono::steady_clock::now();
    if (access->Check(req, res)) handler(req, res);
    if (metrics == nullptr) return;
    metrics->http_requests.Add({name, absl::StrCat(res.status)});
    metrics->http_latency.Observe(
        {name},
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
            .count());
  };
}

// Health checks never wait behind work; a forecast by a model that is not
// cheap, and every backtest, runs on the heavy workers (docs/http_api.md,
// "Lanes").
RequestLane LaneOf(const HttpRequest& req) {
  if (req.path == "/healthz" || req.path == "/readyz") {
    return RequestLane::kInline;
  }
  const Params p(req);
  auto model_is_cheap = [](const std::string& text) {
    absl::StatusOr<forecast::ModelSpec> spec = forecast::ParseModelSpec(text);
    return spec.ok() && forecast::IsCheapModel(spec->name);
  };
  if (req.path == "/api/v1/query" || req.path == "/api/v1/query_range") {
    absl::StatusOr<PromQuery> q = ParsePromQuery(p.Get("query"));
    return q.ok() && q->kind == PromQuery::Kind::kForecast &&
                   !model_is_cheap(q->model)
               ? RequestLane::kHeavy
               : RequestLane::kShared;
  }
  if (req.path == "/api/tsf/v1/forecast") {
    return model_is_cheap(p.Get("model", "auto")) ? RequestLane::kShared
                                                  : RequestLane::kHeavy;
  }
  if (req.path == "/api/tsf/v1/backtest") return RequestLane::kHeavy;
  return RequestLane::kShared;
}

// An error answered outside the handlers, in the shape its API's clients
// read (ReplyErrorFor), with `prom_type` and `prom_status` for Prometheus'
// API and `plain_status` for plain-text paths.
void ErrorInApiShape(const HttpRequest& req, const absl::Status& status,
                     const char* prom_type, int prom_status, int plain_status,
                     HttpResponse& res) {
  res = HttpResponse();
  const bool prom = absl::StartsWith(req.path, "/api/v1/");
  const bool tsf = absl::StartsWith(req.path, "/api/tsf/");
  ReplyErrorFor(req, res, status, prom ? prom_status : (tsf ? 0 : plain_status),
                prom_type);
}

// An answer over the size limit becomes an error in the shape its API's
// clients read.
void ReplaceOversizedAnswer(const HttpRequest& req, HttpResponse& res) {
  const absl::Status why = absl::FailedPreconditionError(absl::StrCat(
      "the answer would be ", res.body.size() >> 10,
      " KiB, over the server's limit (--http_max_answer_mb); ask for less: "
      "a narrower selector, a shorter range, a larger step or a limit"));
  ErrorInApiShape(req, why, "execution", 422, 500, res);
}

// What a request the listener cannot queue is told (429 for the heavy
// lane, 503 otherwise, both with Retry-After).
void AnswerBusy(const HttpRequest& req, RequestLane lane, HttpResponse& res) {
  const bool heavy = lane == RequestLane::kHeavy;
  const absl::Status why = WithRetryAfter(
      heavy ? absl::ResourceExhaustedError(
                  "too many expensive requests (forecasts, backtests) in "
                  "progress; retry after the time in Retry-After")
            : absl::UnavailableError(
                  "server busy: too many requests waiting; retry"),
      absl::Seconds(1));
  ErrorInApiShape(req, why, "unavailable", heavy ? 429 : 503, heavy ? 429 : 503,
                  res);
}

}  // namespace

// A method and an exact path, or (with `suffix`) a path `path` + one
// segment + `suffix`, the segment becoming HttpRequest::matches[1].
struct HttpServer::Route {
  std::string method;
  std::string path;
  std::optional<std::string> suffix;
  Handler handler;

  bool Matches(const std::string& p, std::vector<std::string>* matches) const {
    if (!suffix) return p == path;
    if (p.size() <= path.size() + suffix->size() || !p.starts_with(path) ||
        !p.ends_with(*suffix)) {
      return false;
    }
    const std::string segment =
        p.substr(path.size(), p.size() - path.size() - suffix->size());
    if (segment.find('/') != std::string::npos) return false;
    *matches = {p, segment};
    return true;
  }
};

HttpServer::HttpServer() = default;

absl::StatusOr<std::unique_ptr<HttpServer>> HttpServer::Start(
    const HttpOptions& options, HttpBackends backends) {
  std::unique_ptr<HttpServer> server(new HttpServer());
  server->backends_ = std::move(backends);
  server->max_answer_bytes_ = options.max_answer_bytes;
  ListenerOptions listener;
  listener.host = options.host;
  listener.port = options.port;
  listener.workers = std::max(2, options.threads);
  listener.lane_of = LaneOf;
  listener.busy = AnswerBusy;
  listener.max_connections = options.max_connections;
  listener.max_body_bytes = std::max(
      {listener.max_body_bytes, options.push.remote_write.max_compressed_bytes,
       options.push.line_protocol.max_compressed_bytes});
  if (!options.tls_cert_file.empty()) {
    server->tls_ = std::make_unique<TlsIdentity>(options.tls_cert_file,
                                                 options.tls_key_file,
                                                 options.tls_client_ca_file);
    if (absl::Status s = server->tls_->Reload(); !s.ok()) return s;
    TlsIdentity* tls = server->tls_.get();
    listener.configure_tls = [tls](SSL_CTX& ctx) {
      return tls->Configure(ctx);
    };
  }
  server->AddRoutes(options);
  HttpServer* raw = server.get();
  absl::StatusOr<std::unique_ptr<HttpListener>> started = HttpListener::Start(
      listener,
      [raw](HttpRequest& req, HttpResponse& res) { raw->Handle(req, res); });
  if (!started.ok()) {
    if (!options.tls_client_ca_file.empty() &&
        started.status().code() == absl::StatusCode::kInvalidArgument) {
      return absl::InvalidArgumentError(
          absl::StrCat("HTTP port: cannot set up TLS with client CA ",
                       options.tls_client_ca_file));
    }
    return started.status();
  }
  server->listener_ = *std::move(started);
  server->port_ = server->listener_->port();
  return server;
}

absl::Status HttpServer::ReloadTls() {
  return tls_ == nullptr ? absl::OkStatus() : tls_->Reload();
}

void HttpServer::Handle(HttpRequest& req, HttpResponse& res) const {
  // HTTP/1.1 requires Host; a browser tricked by DNS rebinding sends the
  // attacker's name.
  if (!check_host_(req, res)) return;
  std::vector<std::string> matches;
  for (const Route& route : routes_) {
    if (route.method != req.method || !route.Matches(req.path, &matches)) {
      continue;
    }
    req.matches = std::move(matches);
    route.handler(req, res);
    if (res.body.size() > max_answer_bytes_) ReplaceOversizedAnswer(req, res);
    return;
  }
  // Not served: which methods the path does have, if any.
  std::vector<std::string> allowed;
  for (const Route& route : routes_) {
    if (route.Matches(req.path, &matches)) allowed.push_back(route.method);
  }
  if (!allowed.empty()) {
    res.status = 405;
    res.set_header("Allow", absl::StrJoin(allowed, ", "));
    res.set_content(absl::StrCat(req.method, " is not served at ", req.path,
                                 "\nsee docs/http_api.md\n"),
                    "text/plain");
    return;
  }
  res.status = 404;
  res.set_content(
      absl::StrCat("no such path: ", req.path, "\nsee docs/http_api.md\n"),
      "text/plain");
}

void HttpServer::AddRoutes(const HttpOptions& options) {
  auto get = [this](const std::string& path, Handler h) {
    routes_.push_back({"GET", path, std::nullopt, std::move(h)});
  };
  auto post = [this](const std::string& path, Handler h) {
    routes_.push_back({"POST", path, std::nullopt, std::move(h)});
  };
  Metrics* metrics = backends_.metrics;
  static const Access kOpen(nullptr, nullptr);
  auto access = std::make_shared<HttpAccess>(
      backends_.access != nullptr ? backends_.access : &kOpen,
      HttpAccessOptions{options.allowed_hosts.empty()
                            ? DefaultAllowedHosts(options.host)
                            : options.allowed_hosts,
                        options.metrics_auth});
  check_host_ = [access](const HttpRequest& req, HttpResponse& res) {
    return access->CheckHost(req, res);
  };
  get("/healthz", Measured(metrics, access, "healthz",
                           [this](const HttpRequest&, HttpResponse& res) {
                             const std::string why =
                                 backends_.not_live ? backends_.not_live() : "";
                             res.status = why.empty() ? 200 : 503;
                             res.set_content(why.empty()
                                                 ? "ok\n"
                                                 : "not alive: " + why + "\n",
                                             "text/plain");
                           }));
  get("/readyz",
      Measured(metrics, access, "readyz",
               [this](const HttpRequest&, HttpResponse& res) {
                 const std::string why =
                     backends_.not_ready ? backends_.not_ready() : "";
                 res.status = why.empty() ? 200 : 503;
                 res.set_content(
                     why.empty() ? "ready\n" : "not ready: " + why + "\n",
                     "text/plain");
               }));
  get("/metrics", Measured(metrics, access, "metrics",
                           [metrics](const HttpRequest&, HttpResponse& res) {
                             res.set_content(
                                 metrics == nullptr ? "" : metrics->Render(),
                                 "text/plain; version=0.0.4; charset=utf-8");
                           }));

  auto prom = std::make_shared<PromApi>(backends_.store, backends_.forecasts,
                                        &metadata_);
  auto both = [&](const std::string& path, std::optional<std::string> suffix,
                  const std::string& name,
                  void (PromApi::*method)(const HttpRequest&, HttpResponse&)
                      const) {
    Handler h =
        Measured(metrics, access, name,
                 [prom, method](const HttpRequest& req, HttpResponse& res) {
                   ((*prom).*method)(req, res);
                 });
    routes_.push_back({"GET", path, suffix, h});
    routes_.push_back({"POST", path, suffix, h});
  };
  both("/api/v1/query", {}, "api_v1_query", &PromApi::Query);
  both("/api/v1/query_range", {}, "api_v1_query_range", &PromApi::QueryRange);
  both("/api/v1/series", {}, "api_v1_series", &PromApi::Series);
  both("/api/v1/labels", {}, "api_v1_labels", &PromApi::Labels);
  both("/api/v1/label/", "/values", "api_v1_label_values",
       &PromApi::LabelValues);
  both("/api/v1/status/buildinfo", {}, "api_v1_buildinfo", &PromApi::BuildInfo);
  both("/api/v1/metadata", {}, "api_v1_metadata", &PromApi::Metadata);
  both("/api/v1/query_exemplars", {}, "api_v1_query_exemplars",
       &PromApi::QueryExemplars);

  auto push = std::make_shared<PushApi>(
      backends_.store, backends_.access != nullptr ? backends_.access : &kOpen,
      backends_.ingest_budget, &metadata_, options.push);
  post("/api/v1/write",
       Measured(metrics, access, "api_v1_write",
                [push](const HttpRequest& req, HttpResponse& res) {
                  push->RemoteWrite(req, res);
                }));
  post("/write", Measured(metrics, access, "influx_write",
                          [push](const HttpRequest& req, HttpResponse& res) {
                            push->InfluxWrite(req, res, /*v2=*/false);
                          }));
  post("/api/v2/write",
       Measured(metrics, access, "influx_v2_write",
                [push](const HttpRequest& req, HttpResponse& res) {
                  push->InfluxWrite(req, res, /*v2=*/true);
                }));
  get("/ping", Measured(metrics, access, "ping", PushApi::Ping));
  auto remote_read = std::make_shared<RemoteReadApi>(
      backends_.store, options.push.remote_write,
      options.remote_read_max_samples);
  post("/api/v1/read",
       Measured(metrics, access, "api_v1_read",
                [remote_read](const HttpRequest& req, HttpResponse& res) {
                  remote_read->Read(req, res);
                }));

  auto dash =
      std::make_shared<DashboardApi>(backends_.store, backends_.forecasts);
  auto dash_get = [&](const std::string& path, const std::string& name,
                      void (DashboardApi::*method)(const HttpRequest&,
                                                   HttpResponse&) const) {
    get(path,
        Measured(metrics, access, name,
                 [dash, method](const HttpRequest& req, HttpResponse& res) {
                   ((*dash).*method)(req, res);
                 }));
  };
  dash_get("/api/tsf/v1/series", "tsf_series", &DashboardApi::Series);
  dash_get("/api/tsf/v1/points", "tsf_points", &DashboardApi::Points);
  dash_get("/api/tsf/v1/forecast", "tsf_forecast", &DashboardApi::Forecast);
  // POST too: saving a vintage changes data and is refused on GET.
  post("/api/tsf/v1/forecast",
       Measured(metrics, access, "tsf_forecast",
                [dash](const HttpRequest& req, HttpResponse& res) {
                  dash->Forecast(req, res);
                }));
  dash_get("/api/tsf/v1/backtest", "tsf_backtest", &DashboardApi::Backtest);
  dash_get("/api/tsf/v1/models", "tsf_models", &DashboardApi::Models);
  dash_get("/api/tsf/v1/vintages", "tsf_vintages", &DashboardApi::Vintages);
  get("/", Measured(metrics, access, "dashboard",
                    [](const HttpRequest&, HttpResponse& res) {
                      res.set_content(DashboardHtml(),
                                      "text/html; charset=utf-8");
                    }));
}

void HttpServer::Stop() {
  if (listener_ != nullptr) listener_->Stop();
}

HttpServer::~HttpServer() { Stop(); }

}  // namespace tsforecast::service::http
