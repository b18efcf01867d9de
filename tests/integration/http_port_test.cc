// The HTTP side port of the real tsforecastd over loopback: health, the
// metrics exposition, the Prometheus API subset, the dashboard JSON API
// (and through it the forecast cache) and the page.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "httplib.h"
#include "tests/testing/server_process.h"
#include "tests/testing/temp_dir.h"

namespace tsforecast {
namespace {

using testing::RunCommand;

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

class HttpPortTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string error;
    ASSERT_TRUE(server_.Start(dir_.Sub("data"), {}, &error)) << error;
    ASSERT_GT(server_.http_port(), 0);
    client_ =
        std::make_unique<httplib::Client>("127.0.0.1", server_.http_port());
    std::string csv;
    for (int i = 0; i < 48; ++i) {
      csv += absl::StrCat(2020 + i / 12, "-", (i % 12) + 1 < 10 ? "0" : "",
                          (i % 12) + 1, "-01,",
                          100 + i + (i % 12 == 11 ? 30 : 0), "\n");
    }
    Write(csv);
  }
  void Write(const std::string& csv) {
    testing::CommandResult r = RunCommand(
        {testing::BuildBinary("tsfctl"), "--server=" + server_.address(),
         "write", "-", "--series", "exports_cn", "--create-step", "1mo",
         "--create-label", "country=CN", "--create-label", "kind=export"},
        csv);
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  httplib::Result Get(const std::string& path) { return client_->Get(path); }

  testing::TempDir dir_;
  testing::ServerProcess server_;
  std::unique_ptr<httplib::Client> client_;
};

TEST_F(HttpPortTest, HealthReadyAndUnknownPaths) {
  auto r = Get("/healthz");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  r = Get("/readyz");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  r = Get("/nope");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 404);
  EXPECT_TRUE(Contains(r->body, "docs/http_api.md"));
  // A served path with a method it does not serve: 405 and what it does.
  r = client_->Delete("/api/v1/query");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 405);
  EXPECT_EQ(r->get_header_value("Allow"), "GET, POST");
  r = client_->Put("/api/v1/label/__name__/values", "", "text/plain");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 405);
  r = client_->Post("/healthz", "", "text/plain");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 405);
  EXPECT_EQ(r->get_header_value("Allow"), "GET");
}

TEST_F(HttpPortTest, ForecastIsCachedUntilAWriteAndMetricsCountIt) {
  const std::string path = "/api/tsf/v1/forecast?series=exports_cn&horizon=3";
  auto first = Get(path);
  ASSERT_TRUE(first);
  ASSERT_EQ(first->status, 200) << first->body;
  EXPECT_TRUE(Contains(first->body, "\"timestamps_ms\":[\"1704067200000\""))
      << first->body;
  EXPECT_FALSE(Contains(first->body, "\"cached\":true"));
  auto second = Get(path);
  ASSERT_TRUE(second);
  EXPECT_TRUE(Contains(second->body, "\"cached\":true")) << second->body;
  // The revision the poller has: a small "unchanged" answer.
  const size_t at = first->body.find("\"revision\":\"") + 12;
  const std::string revision =
      first->body.substr(at, first->body.find('"', at) - at);
  auto unchanged = Get(path + "&known_revision=" + revision);
  ASSERT_TRUE(unchanged);
  EXPECT_TRUE(Contains(unchanged->body, "\"unchanged\":true"))
      << unchanged->body;
  EXPECT_FALSE(Contains(unchanged->body, "mean"));
  Write("2024-01-01,200\n");
  auto third = Get(path + "&known_revision=" + revision);
  ASSERT_TRUE(third);
  EXPECT_FALSE(Contains(third->body, "\"cached\":true"));
  EXPECT_FALSE(Contains(third->body, "unchanged"));
  EXPECT_TRUE(Contains(third->body, "\"timestamps_ms\":[\"1706745600000\""));

  auto metrics = Get("/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_EQ(metrics->get_header_value("Content-Type"),
            "text/plain; version=0.0.4; charset=utf-8");
  const std::string& m = metrics->body;
  EXPECT_TRUE(Contains(m,
                       "tsf_grpc_requests_total{method=\"PointsService/"
                       "StreamWritePoints\",code=\"OK\"} 2\n"))
      << m;
  EXPECT_TRUE(Contains(m,
                       "tsf_http_requests_total{handler=\"tsf_forecast\","
                       "code=\"200\"} 4\n"))
      << m;
  EXPECT_TRUE(Contains(m, "tsf_forecast_cache_hits_total 1\n"));
  EXPECT_TRUE(Contains(
      m, "tsf_forecast_fit_duration_seconds_count{model=\"auto\"} 2\n"));
  EXPECT_TRUE(Contains(m, "tsf_points_ingested_total 49\n"));
  EXPECT_TRUE(Contains(m, "tsf_storage_bytes{part=\"wal\"}"));
  EXPECT_TRUE(Contains(m, "tsf_forecast_queue_depth 0\n"));
}

TEST_F(HttpPortTest, DashboardApiErrorsCarryCodeAndField) {
  auto r = Get("/api/tsf/v1/forecast?series=exports_cn&horizon=0");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_TRUE(Contains(r->body, "\"code\":\"INVALID_ARGUMENT\""));
  EXPECT_TRUE(Contains(r->body, "horizon: 0 is outside")) << r->body;
  r = Get("/api/tsf/v1/forecast?series=nope&horizon=3");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 404);
  r = Get("/api/tsf/v1/forecast?horizon=3");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_TRUE(Contains(r->body, "series: required"));
  r = Get("/api/tsf/v1/points?series=exports_cn&last=x");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_TRUE(Contains(r->body, "last: \\\"x\\\" is not an integer"));
  r = Get("/api/tsf/v1/points?series=exports_cn&last=2");
  ASSERT_TRUE(r);
  EXPECT_TRUE(Contains(r->body, "\"values\":[146,177]")) << r->body;
  r =
      Get("/api/tsf/v1/backtest?series=exports_cn&horizon=3&model=naive&"
          "model=snaive");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_TRUE(Contains(r->body, "\"best_model\":\"")) << r->body;
  EXPECT_TRUE(Contains(r->body, "\"by_horizon\":[")) << r->body;
  EXPECT_TRUE(Contains(r->body, "\"metric\":\"mase\"")) << r->body;
  r =
      Get("/api/tsf/v1/backtest?series=exports_cn&horizon=3&model=naive&"
          "metric=rmse");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_TRUE(Contains(r->body, "\"metric\":\"rmse\"")) << r->body;
  r = Get("/api/tsf/v1/backtest?series=exports_cn&horizon=3&metric=bias");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_TRUE(Contains(r->body, "metric: \\\"bias\\\" is not one of"))
      << r->body;
  r = Get("/api/tsf/v1/series");
  ASSERT_TRUE(r);
  EXPECT_TRUE(Contains(r->body, "\"name\":\"exports_cn\",\"step\":\"1mo\""));
}

TEST_F(HttpPortTest, PrometheusApiSubsetForGrafana) {
  // 2023-06-15: the latest monthly point is 2023-06-01, within one step.
  auto r = Get("/api/v1/query?query=exports_cn&time=2023-06-15T00:00:00Z");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(r->body,
            "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\","
            "\"result\":[{\"metric\":{\"__name__\":\"exports_cn\",\"country\":"
            "\"CN\",\"kind\":\"export\"},\"value\":[1686787200,\"141\"]}]}}");
  // Grafana posts forms.
  r = client_->Post("/api/v1/query", "query=1%2B1&time=100",
                    "application/x-www-form-urlencoded");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body,
            "{\"status\":\"success\",\"data\":{\"resultType\":\"scalar\","
            "\"result\":[100,\"2\"]}}");
  r = Get(
      "/api/v1/query_range?query=%7Bcountry%3D%22CN%22%7D&start=2023-10-01T00:"
      "00:00Z&end=2023-12-01T00:00:00Z&step=30d");
  ASSERT_TRUE(r);
  // Samples at Oct 1, Oct 31 and Nov 30: the latest point at or before.
  EXPECT_TRUE(Contains(r->body,
                       "\"values\":[[1696118400,\"145\"],[1698710400,"
                       "\"145\"],[1701302400,\"146\"]]"))
      << r->body;
  r =
      Get("/api/v1/query_range?query=forecast(exports_cn%2C%22snaive%22)&start="
          "2024-01-01T00:00:00Z&end=2024-03-01T00:00:00Z&step=1d");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_TRUE(Contains(r->body,
                       "{\"metric\":{\"band\":\"mean\",\"country\":"
                       "\"CN\",\"kind\":\"export\",\"series\":"
                       "\"exports_cn\"},\"values\":[[1704067200,"
                       "\"136\"]"))
      << r->body.substr(0, 400);
  EXPECT_TRUE(Contains(r->body, "\"band\":\"upper_95\""));
  // On a coarser step: yearly sums of 2020-2023, 2023's being
  // 12 * 100 + (36 + ... + 47) + 30 = 1728, which naive carries into 2024.
  r = Get(
      "/api/v1/query_range?query=forecast(exports_cn%2C%22naive%22%2C%221y%22"
      "%2C%22sum%22)&start=2024-01-01T00:00:00Z&end=2024-01-01T00:00:00Z&"
      "step=1d");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_TRUE(Contains(r->body,
                       "\"series\":\"exports_cn\"},\"values\":[["
                       "1704067200,\"1728\"]]"))
      << r->body.substr(0, 400);
  r = Get(
      "/api/v1/query?query=forecast(exports_cn%2C%22naive%22%2C%221y%22%2C%22"
      "median%22)&time=2024-01-01T00:00:00Z");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_TRUE(Contains(r->body,
                       "forecast(): the aggregator: \\\"median\\\" is "
                       "not one of"))
      << r->body;
  // Every model of the table is reachable from PromQL's forecast().
  r =
      Get("/api/v1/query_range?query=forecast(exports_cn%2C%22arima%22)&start="
          "2024-01-01T00:00:00Z&end=2024-03-01T00:00:00Z&step=1d");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200) << r->body;
  EXPECT_TRUE(Contains(r->body, "\"band\":\"mean\"")) << r->body;
  r = Get("/api/v1/series?match[]=%7Bkind%3D%22export%22%7D");
  ASSERT_TRUE(r);
  EXPECT_TRUE(Contains(r->body, "\"data\":[{\"__name__\":\"exports_cn\""));
  r = Get("/api/v1/labels");
  ASSERT_TRUE(r);
  EXPECT_TRUE(Contains(r->body, "[\"__name__\",\"country\",\"kind\"]"));
  r = Get("/api/v1/label/country/values");
  ASSERT_TRUE(r);
  EXPECT_TRUE(Contains(r->body, "\"data\":[\"CN\"]"));
  r = Get("/api/v1/status/buildinfo");
  ASSERT_TRUE(r);
  EXPECT_TRUE(Contains(r->body, "\"version\":\"2.40.0\""));

  r = Get("/api/v1/query?query=sum(rate(exports_cn%5B5m%5D))");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_TRUE(Contains(r->body,
                       "\"status\":\"error\",\"errorType\":"
                       "\"bad_data\",\"error\":\"function \\\"sum\\\" "
                       "is not supported"))
      << r->body;
  r = Get("/api/v1/query_range?query=exports_cn&start=0&end=100000&step=1");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_TRUE(Contains(r->body, "exceeded maximum resolution"));
  r = Get("/api/v1/query_range?query=exports_cn&start=0&end=10");
  ASSERT_TRUE(r);
  EXPECT_TRUE(Contains(r->body, "step: required"));
}

TEST_F(HttpPortTest, DashboardPageIsSelfContained) {
  auto r = Get("/");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200);
  EXPECT_EQ(r->get_header_value("Content-Type"), "text/html; charset=utf-8");
  EXPECT_TRUE(Contains(r->body, "<svg id=\"chart\""));
  // Nothing is fetched from elsewhere: no external scripts, styles or fonts.
  EXPECT_FALSE(Contains(r->body, "<script src"));
  EXPECT_FALSE(Contains(r->body, "https://"));
  EXPECT_FALSE(Contains(r->body, "@import"));
}

TEST(HttpPortOffTest, MinusOneTurnsItOff) {
  testing::TempDir dir;
  testing::ServerProcess server;
  std::string error;
  ASSERT_TRUE(server.Start(dir.Sub("data"), {"--http_port=-1"}, &error))
      << error;
  EXPECT_EQ(server.http_port(), 0);
}

}  // namespace
}  // namespace tsforecast

namespace tsforecast {
namespace {

// Slowloris: 300 connections sending their headers a byte at a time, and
// 300 idle ones, must not starve a health check (bounded: 2 s of trickle).
// More than a thread-per-connection server with 256 threads survives, and
// more than the HTTP port's workers; under the 1,024 descriptors a default
// limit allows.
TEST_F(HttpPortTest, SlowAndIdleClientsDoNotStarveHealthChecks) {
  auto connect_one = [this] {
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(server_.http_port()));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
      close(fd);
      return -1;
    }
    return fd;
  };
  std::vector<int> slow, idle;
  constexpr int kSlow = 300, kIdle = 300;
  for (int i = 0; i < kSlow; ++i) {
    const int fd = connect_one();
    ASSERT_GE(fd, 0);
    const char start[] = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n";
    ASSERT_GT(send(fd, start, sizeof(start) - 1, MSG_NOSIGNAL), 0);
    slow.push_back(fd);
  }
  for (int i = 0; i < kIdle; ++i) {
    const int fd = connect_one();
    ASSERT_GE(fd, 0);
    idle.push_back(fd);
  }
  double worst_ms = 0;
  for (int tick = 0; tick < 10; ++tick) {
    for (int fd : slow) send(fd, "X", 1, MSG_NOSIGNAL);  // one byte each
    httplib::Client probe("127.0.0.1", server_.http_port());
    probe.set_read_timeout(2, 0);
    const auto start = std::chrono::steady_clock::now();
    httplib::Result r = probe.Get("/healthz");
    worst_ms = std::max(worst_ms, std::chrono::duration<double, std::milli>(
                                      std::chrono::steady_clock::now() - start)
                                      .count());
    ASSERT_TRUE(r) << "health check starved at tick " << tick;
    EXPECT_EQ(r->status, 200);
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  std::printf(
      "slow-header test: %d slow and %d idle connections; worst "
      "/healthz latency %.1f ms\n",
      kSlow, kIdle, worst_ms);
  for (int fd : slow) close(fd);
  for (int fd : idle) close(fd);
}

}  // namespace
}  // namespace tsforecast
