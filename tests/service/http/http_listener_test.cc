// The event-loop HTTP server on its own, with a handler of the test's.
#include "service/http/http_listener.h"

#include <atomic>
#include <thread>

#include "absl/synchronization/notification.h"
#include "gtest/gtest.h"
#include "httplib.h"
#include "tests/testing/status_matchers.h"

namespace tsforecast::service::http {
namespace {

TEST(HttpMessageTest, QueryTextAndHeadersDecodeAsBrowsersSendThem) {
  QueryParams params;
  ParseQueryText("a=1&b=x+y&c=%2Fp%3F&a=2&flag&&d=%zz", params);
  EXPECT_EQ(params.count("a"), 2u);
  EXPECT_EQ(params.find("b")->second, "x y");
  EXPECT_EQ(params.find("c")->second, "/p?");
  EXPECT_EQ(params.find("flag")->second, "");
  EXPECT_EQ(params.find("d")->second, "%zz");  // not an escape: kept
  EXPECT_EQ(PercentDecode("a+b%20c", false), "a+b c");
  HttpRequest req;
  req.headers.emplace("content-TYPE", "text/plain");
  EXPECT_EQ(req.get_header_value("Content-Type"), "text/plain");
  EXPECT_EQ(req.get_header_value("Missing"), "");
}

class HttpListenerTest : public ::testing::Test {
 protected:
  void Start(ListenerOptions options, RequestHandler handler) {
    options.host = "127.0.0.1";
    options.port = 0;
    ASSERT_OK_AND_ASSIGN(listener_,
                         HttpListener::Start(options, std::move(handler)));
  }
  httplib::Client Client() {
    httplib::Client client("127.0.0.1", listener_->port());
    client.set_read_timeout(10, 0);
    return client;
  }
  std::unique_ptr<HttpListener> listener_;
};

TEST_F(HttpListenerTest, AnswersWithTheHandlersStatusHeadersAndBody) {
  std::atomic<int> calls{0};
  Start({}, [&](HttpRequest& req, HttpResponse& res) {
    ++calls;
    res.status = req.path == "/teapot" ? 418 : 200;
    res.set_header("X-Method", req.method);
    std::string body = req.path + "|";
    for (const auto& [k, v] : req.params) body += k + "=" + v + ";";
    res.set_content(body, "text/plain");
  });
  httplib::Client client = Client();
  client.set_keep_alive(true);
  // Several requests on one kept-alive connection.
  for (int i = 0; i < 3; ++i) {
    httplib::Result r = client.Get("/a%20b?x=1&y=%C3%A9");
    ASSERT_TRUE(r) << httplib::to_string(r.error());
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->body, "/a b|x=1;y=\xC3\xA9;");
    EXPECT_EQ(r->get_header_value("X-Method"), "GET");
  }
  httplib::Result posted =
      client.Post("/form?q=1", "z=2+3", "application/x-www-form-urlencoded");
  ASSERT_TRUE(posted);
  EXPECT_EQ(posted->body, "/form|q=1;z=2 3;");
  httplib::Result teapot = client.Get("/teapot");
  ASSERT_TRUE(teapot);
  EXPECT_EQ(teapot->status, 418);
  EXPECT_EQ(calls.load(), 5);
}

TEST_F(HttpListenerTest, RefusesOversizedBodiesWithoutCallingTheHandler) {
  std::atomic<int> calls{0};
  ListenerOptions options;
  options.max_body_bytes = 1 << 10;
  Start(options, [&](HttpRequest&, HttpResponse&) { ++calls; });
  httplib::Client client = Client();
  httplib::Result r =
      client.Post("/big", std::string(4 << 10, 'x'), "text/plain");
  ASSERT_TRUE(r) << httplib::to_string(r.error());
  EXPECT_EQ(r->status, 413);
  EXPECT_NE(r->body.find("larger than 1024 bytes"), std::string::npos)
      << r->body;
  EXPECT_EQ(calls.load(), 0);
  // The server goes on serving.
  httplib::Result small = Client().Post("/small", "x", "text/plain");
  ASSERT_TRUE(small);
  EXPECT_EQ(small->status, 200);
}

// With every worker busy and the queue full, a request is refused at once
// with 503 and Retry-After instead of waiting without bound.
TEST_F(HttpListenerTest, AFullQueueAnswers503) {
  absl::Notification release;
  std::atomic<int> started{0};
  ListenerOptions options;
  options.workers = 1;
  options.max_queued = 1;
  Start(options, [&](HttpRequest&, HttpResponse& res) {
    ++started;
    release.WaitForNotification();
    res.set_content("done", "text/plain");
  });
  int held_status = 0;
  std::thread held([&] {
    httplib::Result r = Client().Get("/slow");
    held_status = r ? r->status : -1;
  });
  while (started.load() == 0) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  // The worker is busy. A request that times out waiting sits in the
  // queue; once the queue holds one, the next is refused.
  int refused_status = 0;
  std::string retry_after;
  for (int attempt = 0; attempt < 100 && refused_status != 503; ++attempt) {
    httplib::Client client = Client();
    client.set_read_timeout(0, 200000);
    httplib::Result r = client.Get("/queued");
    if (r) {
      refused_status = r->status;
      retry_after = r->get_header_value("Retry-After");
    }
  }
  EXPECT_EQ(refused_status, 503);
  EXPECT_EQ(retry_after, "1");
  EXPECT_EQ(started.load(), 1);
  release.Notify();
  held.join();
  EXPECT_EQ(held_status, 200);
}

TEST_F(HttpListenerTest, StopAnswersWhatWasReadAndClosesIdleConnections) {
  absl::Notification entered, release;
  Start({}, [&](HttpRequest&, HttpResponse& res) {
    entered.Notify();
    release.WaitForNotification();
    res.set_content("finished", "text/plain");
  });
  httplib::Client idle = Client();
  idle.set_keep_alive(true);
  int status = 0;
  std::string body;
  std::thread in_flight([&] {
    httplib::Result r = Client().Get("/work");
    if (r) {
      status = r->status;
      body = r->body;
    }
  });
  entered.WaitForNotification();
  std::thread stopper([&] { listener_->Stop(); });
  release.Notify();
  stopper.join();
  in_flight.join();
  EXPECT_EQ(status, 200);
  EXPECT_EQ(body, "finished");
  // Nothing listens any more.
  EXPECT_FALSE(Client().Get("/after"));
}

}  // namespace
}  // namespace tsforecast::service::http
