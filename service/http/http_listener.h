// The HTTP/1.1 server under the HTTP port, on Boost.Beast and Asio: a few
// event-loop threads read and write every connection, and bounded pools of
// workers run the handlers, in the lane the caller picks for each request
// (RequestLane: health checks on the loop itself, costly work on a pool of
// its own). An idle keep-alive connection or one sending its request
// slowly costs a socket and a buffer, not a thread, so slow clients cannot
// starve others; a handler that waits (a forecast fit) holds a worker,
// never the loop. Knows nothing of the routes.
#ifndef TSFORECAST_SERVICE_HTTP_HTTP_LISTENER_H_
#define TSFORECAST_SERVICE_HTTP_HTTP_LISTENER_H_

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "service/http/http_message.h"

typedef struct ssl_ctx_st SSL_CTX;

namespace tsforecast::service::http {

// Where a request runs. Health checks run on the event loop itself, so no
// amount of work can queue them; CPU-heavy requests (fits, backtests) have
// their own bounded pool, so they can occupy neither the loop nor the
// workers that answer everything else.
enum class RequestLane {
  kInline,  // on the event loop: must not block (health checks)
  kShared,  // the shared workers
  kHeavy,   // the heavy workers; beyond their queue, 429 with Retry-After
};

struct ListenerOptions {
  std::string host = "127.0.0.1";
  int port = 0;  // 0 picks a free port
  int io_threads = 2;
  // Handlers running at once; requests beyond wait in a queue of
  // `max_queued`, and beyond that get 503.
  int workers = 64;
  size_t max_queued = 4096;
  // Which lane each request runs in; unset: all shared.
  std::function<RequestLane(const HttpRequest&)> lane_of;
  // The answer to a request its lane cannot queue; unset: 429 (heavy) or
  // 503 in plain text, with Retry-After.
  std::function<void(const HttpRequest&, RequestLane, HttpResponse&)> busy;
  int heavy_workers = 16;
  size_t max_heavy_queued = 64;
  // Open connections; more are closed on accept.
  size_t max_connections = 20000;
  // How long a connection may sit idle between requests, and how long a
  // request may take to arrive once its first byte has.
  std::chrono::milliseconds idle_timeout{60000};
  std::chrono::milliseconds read_timeout{5000};
  size_t max_header_bytes = 64 << 10;
  size_t max_body_bytes = 16 << 20;
  // Sets up TLS on the given context; empty for plain HTTP.
  std::function<bool(SSL_CTX&)> configure_tls;
};

// Fills `res` for `req`; runs on a worker thread.
using RequestHandler = std::function<void(HttpRequest& req, HttpResponse& res)>;

class HttpListener {
 public:
  static absl::StatusOr<std::unique_ptr<HttpListener>> Start(
      const ListenerOptions& options, RequestHandler handler);
  ~HttpListener();

  int port() const;
  // Stops accepting, lets requests already read finish and their answers
  // go out (for up to a second), then closes every connection. Idempotent.
  void Stop();

  class Core;

 private:
  explicit HttpListener(std::unique_ptr<Core> core);
  std::unique_ptr<Core> core_;
};

}  // namespace tsforecast::service::http

#endif  // TSFORECAST_SERVICE_HTTP_HTTP_LISTENER_H_
