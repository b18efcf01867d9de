#include "service/http/http_listener.h"

#include <atomic>
#include <deque>
#include <optional>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "boost/asio/ip/tcp.hpp"
#include "boost/asio/ssl.hpp"
#include "boost/asio/steady_timer.hpp"
#include "boost/asio/strand.hpp"
#include "boost/beast/core.hpp"
#include "boost/beast/http.hpp"
#include "boost/beast/ssl.hpp"
#include "common/status_macros.h"

namespace tsforecast::service::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

// Handlers' threads: a queue of jobs, bounded.
class WorkerPool {
 public:
  WorkerPool(int threads, size_t max_queued) : max_queued_(max_queued) {
    for (int i = 0; i < threads; ++i) {
      threads_.emplace_back([this] { Work(); });
    }
  }
  ~WorkerPool() { Stop(); }

  // False when the queue is full or the pool stopped.
  bool Submit(std::function<void()> job) {
    absl::MutexLock lock(&mu_);
    if (stopping_ || queue_.size() >= max_queued_) return false;
    queue_.push_back(std::move(job));
    return true;
  }
  // Runs what is queued, then joins.
  void Stop() {
    {
      absl::MutexLock lock(&mu_);
      if (stopping_ && threads_.empty()) return;
      stopping_ = true;
    }
    for (std::thread& t : threads_) t.join();
    threads_.clear();
  }

 private:
  void Work() {
    while (true) {
      std::function<void()> job;
      {
        absl::MutexLock lock(&mu_);
        mu_.Await(absl::Condition(
            +[](WorkerPool* p) ABSL_NO_THREAD_SAFETY_ANALYSIS {
              return p->stopping_ || !p->queue_.empty();
            },
            this));
        if (queue_.empty()) return;
        job = std::move(queue_.front());
        queue_.pop_front();
      }
      job();
    }
  }

  const size_t max_queued_;
  absl::Mutex mu_;
  std::deque<std::function<void()>> queue_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<std::thread> threads_;
};

HttpRequest ToRequest(bhttp::request<bhttp::string_body>&& r) {
  HttpRequest req;
  req.method = std::string(r.method_string());
  req.target = std::string(r.target());
  const size_t q = req.target.find('?');
  req.path = PercentDecode(absl::string_view(req.target).substr(0, q), false);
  if (q != std::string::npos) {
    ParseQueryText(absl::string_view(req.target).substr(q + 1), req.params);
  }
  for (const auto& field : r) {
    req.headers.emplace(std::string(field.name_string()),
                        std::string(field.value()));
  }
  req.body = std::move(r.body());
  if (req.method == "POST" &&
      absl::StartsWith(req.get_header_value("Content-Type"),
                       "application/x-www-form-urlencoded")) {
    ParseQueryText(req.body, req.params);
  }
  return req;
}

}  // namespace

class HttpListener::Core {
 public:
  Core(const ListenerOptions& options, RequestHandler handler)
      : options_(options),
        handler_(std::move(handler)),
        tls_(asio::ssl::context::tls_server),
        workers_(std::max(1, options.workers), options.max_queued),
        heavy_workers_(std::max(1, options.heavy_workers),
                       options.max_heavy_queued),
        ioc_(std::make_unique<asio::io_context>()) {
    keep_running_.emplace(ioc_->get_executor());
    acceptor_.emplace(asio::make_strand(*ioc_));
  }
  // Sessions point at the core: the loop, and with it every session, goes
  // first.
  ~Core() {
    Stop();
    keep_running_.reset();
    acceptor_.reset();
    ioc_.reset();
  }

  absl::Status Listen();
  void Accept();
  void Stop();
  int port() const { return port_; }

  const ListenerOptions options_;
  const RequestHandler handler_;
  asio::ssl::context tls_;
  bool use_tls_ = false;
  WorkerPool workers_;
  WorkerPool heavy_workers_;
  std::unique_ptr<asio::io_context> ioc_;
  // Keeps the loop running while no operation is pending (a stopping
  // server with every connection inside a handler), until Stop.
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>>
      keep_running_;
  std::optional<tcp::acceptor> acceptor_;
  std::vector<std::thread> io_threads_;
  int port_ = 0;
  std::atomic<size_t> connections_{0};
  // Requests read whose answer is not yet written.
  std::atomic<int64_t> in_flight_{0};
  absl::Mutex stop_mu_;
  bool stopped_ ABSL_GUARDED_BY(stop_mu_) = false;
};

namespace {

// One connection: reads a request, hands it to a worker, writes the
// answer, and reads the next while the client keeps the connection. Runs
// on its strand; only one step is pending at a time.
template <class Stream>
class Session : public std::enable_shared_from_this<Session<Stream>> {
 public:
  Session(Stream stream, HttpListener::Core* core)
      : stream_(std::move(stream)), core_(core) {
    core_->connections_.fetch_add(1);
  }
  ~Session() { core_->connections_.fetch_sub(1); }

  void Run() {
    if constexpr (std::is_same_v<Stream, beast::tcp_stream>) {
      WaitForRequest();
    } else {
      Lowest().expires_after(core_->options_.read_timeout);
      stream_.async_handshake(
          asio::ssl::stream_base::server,
          [self = this->shared_from_this()](beast::error_code ec) {
            if (!ec) self->WaitForRequest();
          });
    }
  }

 private:
  beast::tcp_stream& Lowest() { return beast::get_lowest_layer(stream_); }

  // Idle until the first byte of a request (or one already buffered).
  void WaitForRequest() {
    if (buffer_.size() > 0) return ReadRequest();
    Lowest().expires_after(core_->options_.idle_timeout);
    stream_.async_read_some(
        buffer_.prepare(4096),
        [self = this->shared_from_this()](beast::error_code ec, size_t n) {
          if (ec) return;  // closed, idle too long, or stopping
          self->buffer_.commit(n);
          self->ReadRequest();
        });
  }

  void ReadRequest() {
    parser_.emplace();
    parser_->header_limit(
        static_cast<std::uint32_t>(core_->options_.max_header_bytes));
    parser_->body_limit(core_->options_.max_body_bytes);
    Lowest().expires_after(core_->options_.read_timeout);
    bhttp::async_read(stream_, buffer_, *parser_,
                      [self = this->shared_from_this()](
                          beast::error_code ec, size_t) { self->OnRead(ec); });
  }

  void OnRead(beast::error_code ec) {
    if (ec == bhttp::error::end_of_stream) return Shutdown();
    if (ec == bhttp::error::body_limit) {
      return Fail(413, absl::StrCat("request body larger than ",
                                    core_->options_.max_body_bytes,
                                    " bytes; split it"));
    }
    if (ec == bhttp::error::header_limit) {
      return Fail(431,
                  absl::StrCat("request headers larger than ",
                               core_->options_.max_header_bytes, " bytes"));
    }
    if (ec == beast::error::timeout || ec == asio::error::operation_aborted ||
        ec == asio::error::eof || ec == asio::error::connection_reset) {
      return;
    }
    if (ec) return Fail(400, absl::StrCat("bad request: ", ec.message()));
    Lowest().expires_never();
    auto& message = parser_->get();
    const bool keep_alive = message.keep_alive();
    const unsigned version = message.version();
    auto request = std::make_shared<HttpRequest>(ToRequest(std::move(message)));
    core_->in_flight_.fetch_add(1);
    const RequestLane lane = core_->options_.lane_of
                                 ? core_->options_.lane_of(*request)
                                 : RequestLane::kShared;
    if (lane == RequestLane::kInline) {
      HttpResponse response;
      core_->handler_(*request, response);
      return Write(std::move(response), keep_alive, version);
    }
    auto self = this->shared_from_this();
    WorkerPool& pool =
        lane == RequestLane::kHeavy ? core_->heavy_workers_ : core_->workers_;
    const bool queued = pool.Submit([self, request, keep_alive, version] {
      auto response = std::make_shared<HttpResponse>();
      self->core_->handler_(*request, *response);
      asio::post(self->stream_.get_executor(),
                 [self, response, keep_alive, version] {
                   self->Write(std::move(*response), keep_alive, version);
                 });
    });
    if (!queued) {
      HttpResponse busy;
      if (core_->options_.busy) {
        core_->options_.busy(*request, lane, busy);
      } else {
        busy.status = lane == RequestLane::kHeavy ? 429 : 503;
        busy.set_header("Retry-After", "1");
        busy.set_content("server busy: too many requests waiting; retry\n",
                         "text/plain");
      }
      Write(std::move(busy), false, version);
    }
  }

  void Fail(int status, const std::string& why) {
    HttpResponse res;
    res.status = status;
    res.set_content(why + "\n", "text/plain");
    core_->in_flight_.fetch_add(1);
    Write(std::move(res), false, 11);
  }

  void Write(HttpResponse res, bool keep_alive, unsigned version) {
    auto message = std::make_shared<bhttp::response<bhttp::string_body>>(
        static_cast<bhttp::status>(res.status), version);
    for (const auto& [name, value] : res.headers) message->insert(name, value);
    message->body() = std::move(res.body);
    message->keep_alive(keep_alive);
    message->prepare_payload();
    Lowest().expires_after(core_->options_.read_timeout);
    bhttp::async_write(stream_, *message,
                       [self = this->shared_from_this(), message](
                           beast::error_code ec, size_t) {
                         self->core_->in_flight_.fetch_sub(1);
                         if (ec) return;
                         if (!message->keep_alive()) return self->Shutdown();
                         self->WaitForRequest();
                       });
  }

  void Shutdown() {
    if constexpr (std::is_same_v<Stream, beast::tcp_stream>) {
      beast::error_code ignored;
      stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    } else {
      Lowest().expires_after(std::chrono::seconds(1));
      stream_.async_shutdown(
          [self = this->shared_from_this()](beast::error_code) {});
    }
  }

  Stream stream_;
  HttpListener::Core* core_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
};

}  // namespace

absl::Status HttpListener::Core::Listen() {
  beast::error_code ec;
  const asio::ip::address address = asio::ip::make_address(options_.host, ec);
  std::vector<tcp::endpoint> endpoints;
  if (!ec) {
    endpoints.emplace_back(address, static_cast<uint16_t>(options_.port));
  } else {
    tcp::resolver resolver(*ioc_);
    auto results =
        resolver.resolve(options_.host, absl::StrCat(options_.port), ec);
    if (!ec) {
      for (const auto& r : results) endpoints.push_back(r.endpoint());
    }
  }
  if (endpoints.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("HTTP port: cannot resolve host \"", options_.host, "\""));
  }
  const tcp::endpoint& endpoint = endpoints.front();
  acceptor_->open(endpoint.protocol(), ec);
  if (!ec) acceptor_->set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_->bind(endpoint, ec);
  if (!ec) acceptor_->listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return absl::UnavailableError(
        absl::StrCat("HTTP port: cannot listen on ", options_.host, ":",
                     options_.port, ": ", ec.message(),
                     "; is the port free? (--http_port=0 picks one, "
                     "--http_port=-1 turns the HTTP port off)"));
  }
  port_ = acceptor_->local_endpoint().port();
  if (options_.configure_tls) {
    if (!options_.configure_tls(*tls_.native_handle())) {
      return absl::InvalidArgumentError(
          "HTTP port: cannot set up TLS with the given files");
    }
    use_tls_ = true;
  }
  return absl::OkStatus();
}

void HttpListener::Core::Accept() {
  acceptor_->async_accept(asio::make_strand(*ioc_), [self = this](
                                                        beast::error_code ec,
                                                        tcp::socket socket) {
    if (ec == asio::error::operation_aborted || !self->acceptor_->is_open()) {
      return;
    }
    if (!ec) {
      if (self->connections_.load() >= self->options_.max_connections) {
        socket.close(ec);
      } else {
        // Small answers must not wait for Nagle's algorithm.
        socket.set_option(tcp::no_delay(true), ec);
        beast::tcp_stream stream(std::move(socket));
        if (self->use_tls_) {
          std::make_shared<Session<beast::ssl_stream<beast::tcp_stream>>>(
              beast::ssl_stream<beast::tcp_stream>(std::move(stream),
                                                   self->tls_),
              self)
              ->Run();
        } else {
          std::make_shared<Session<beast::tcp_stream>>(std::move(stream), self)
              ->Run();
        }
      }
    } else if (ec == asio::error::no_descriptors ||
               ec == asio::error::no_buffer_space ||
               ec == asio::error::no_memory) {
      // Out of descriptors: accepting again at once would spin on the
      // same error; wait for connections to close.
      auto timer = std::make_shared<asio::steady_timer>(
          self->acceptor_->get_executor(), std::chrono::milliseconds(50));
      timer->async_wait([self, timer](beast::error_code wait_ec) {
        if (!wait_ec && self->acceptor_->is_open()) self->Accept();
      });
      return;
    }
    self->Accept();
  });
}

void HttpListener::Core::Stop() {
  {
    absl::MutexLock lock(&stop_mu_);
    if (stopped_) return;
    stopped_ = true;
  }
  asio::post(acceptor_->get_executor(), [this] {
    beast::error_code ignored;
    acceptor_->close(ignored);
  });
  // Requests already read are answered.
  workers_.Stop();
  heavy_workers_.Stop();
  const absl::Time give_up = absl::Now() + absl::Seconds(1);
  while (in_flight_.load() > 0 && absl::Now() < give_up) {
    absl::SleepFor(absl::Milliseconds(5));
  }
  ioc_->stop();
  for (std::thread& t : io_threads_) t.join();
  io_threads_.clear();
}

absl::StatusOr<std::unique_ptr<HttpListener>> HttpListener::Start(
    const ListenerOptions& options, RequestHandler handler) {
  auto core = std::make_unique<Core>(options, std::move(handler));
  TSF_RETURN_IF_ERROR(core->Listen());
  core->Accept();
  for (int i = 0; i < std::max(1, options.io_threads); ++i) {
    core->io_threads_.emplace_back([c = core.get()] { c->ioc_->run(); });
  }
  return std::unique_ptr<HttpListener>(new HttpListener(std::move(core)));
}

HttpListener::HttpListener(std::unique_ptr<Core> core)
    : core_(std::move(core)) {}

HttpListener::~HttpListener() = default;

int HttpListener::port() const { return core_->port(); }

void HttpListener::Stop() { core_->Stop(); }

}  // namespace tsforecast::service::http
