// Issue 19: 200 concurrent PromQL forecast(..., "arima") queries left
// /healthz unanswered for about 50 s, and none got a 429. Here 200 distinct
// expensive queries hit the real server at once while one client polls
// /healthz and a cheap naive forecast every 100 ms. Every health check and
// every cheap forecast must be answered (200), and answered while
// expensive queries are still outstanding (health runs on the event loop,
// cheap forecasts on the shared workers and the scheduler's cheap lane);
// every expensive query is answered or refused with 429/503 and
// Retry-After. Latencies are printed as figures, not asserted.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "httplib.h"
#include "tests/testing/server_process.h"
#include "tests/testing/temp_dir.h"
#include "tsforecast/v1/points.grpc.pb.h"

namespace tsforecast {
namespace {

namespace v1 = ::tsforecast::v1;
using Clock = std::chrono::steady_clock;

constexpr int kExpensive = 200;
constexpr int kSeries = 10;

double Ms(Clock::duration d) {
  return std::chrono::duration<double, std::milli>(d).count();
}

TEST(HttpStormTest, HealthAndCheapForecastsAreAnsweredDuringAnArimaStorm) {
  testing::TempDir dir;
  testing::ServerProcess server;
  std::string error;
  ASSERT_TRUE(server.Start(dir.Sub("data"), {"--durability=process"}, &error))
      << error;
  auto points = v1::PointsService::NewStub(grpc::CreateChannel(
      server.address(), grpc::InsecureChannelCredentials()));
  int64_t last_ms = 0;
  for (int s = 0; s < kSeries; ++s) {
    v1::WritePointsRequest write;
    v1::SeriesPoints* sp = write.add_series();
    sp->set_series(absl::StrCat("daily_", s));
    sp->mutable_create_if_missing()->mutable_step()->set_unit(
        v1::STEP_UNIT_DAY);
    // Eight years of daily points with a weekly pattern: an `auto` fit
    // takes long enough for the storm to last while the poller runs.
    for (int i = 0; i < 2920; ++i) {
      last_ms = absl::ToUnixMillis(
          absl::FromCivil(absl::CivilDay(2015, 1, 1) + i, absl::UTCTimeZone()));
      sp->add_timestamps_ms(last_ms);
      sp->add_values(100 + s + i * 0.01 + 5 * ((i % 7) - 3) + (i * 37 % 11));
    }
    grpc::ClientContext ctx;
    v1::WritePointsResponse written;
    ASSERT_TRUE(points->WritePoints(&ctx, write, &written).ok());
  }

  std::atomic<int> outstanding{kExpensive};
  std::mutex mu;
  std::vector<int> expensive_codes;
  std::vector<std::string> unexpected;
  std::vector<std::thread> storm;
  for (int q = 0; q < kExpensive; ++q) {
    storm.emplace_back([&, q] {
      httplib::Client client("127.0.0.1", server.http_port());
      client.set_read_timeout(std::chrono::seconds(300));
      // Distinct horizons (through the evaluation time) and series: every
      // query is its own fit, none shared.
      const int64_t at_s = last_ms / 1000 + (1 + q % 20) * 86400;
      const std::string path =
          absl::StrCat("/api/v1/query?query=",
                       httplib::detail::encode_query_param(absl::StrCat(
                           "forecast(daily_", q % kSeries, ", \"auto\")")),
                       "&time=", at_s);
      httplib::Result r = client.Get(path);
      std::lock_guard<std::mutex> lock(mu);
      if (!r) {
        unexpected.push_back("no answer");
      } else {
        expensive_codes.push_back(r->status);
        const bool refused = r->status == 429 || r->status == 503;
        if (r->status != 200 && !refused) {
          unexpected.push_back(absl::StrCat(r->status, ": ", r->body));
        }
        if (refused && r->get_header_value("Retry-After").empty()) {
          unexpected.push_back(absl::StrCat(r->status, " without Retry-After"));
        }
        // In Prometheus's error shape, which Grafana shows.
        if (refused && r->body.find("\"errorType\"") == std::string::npos) {
          unexpected.push_back(absl::StrCat(r->status, ": ", r->body));
        }
      }
      outstanding.fetch_sub(1);
    });
  }

  // The poller: health and a cheap forecast every 100 ms until the storm
  // ends; a horizon of its own each time, so no answer comes from a cache.
  httplib::Client poll("127.0.0.1", server.http_port());
  poll.set_read_timeout(std::chrono::seconds(300));
  int health_during = 0, cheap_during = 0, polls = 0;
  double worst_health_ms = 0, worst_cheap_ms = 0;
  std::vector<std::string> poll_failures;
  while (outstanding.load() > 0) {
    ++polls;
    const auto t0 = Clock::now();
    httplib::Result h = poll.Get("/healthz");
    const auto t1 = Clock::now();
    httplib::Result c = poll.Get(
        absl::StrCat("/api/tsf/v1/forecast?series=daily_0&model=naive&horizon=",
                     1 + polls % 500));
    const auto t2 = Clock::now();
    const bool still_storming = outstanding.load() > 0;
    if (!h || h->status != 200) {
      poll_failures.push_back(absl::StrCat("healthz: ", h ? h->status : -1));
    } else if (still_storming) {
      ++health_during;
      worst_health_ms = std::max(worst_health_ms, Ms(t1 - t0));
    }
    if (!c || c->status != 200) {
      poll_failures.push_back(absl::StrCat(
          "naive forecast: ", c ? absl::StrCat(c->status, " ", c->body) : "-"));
    } else if (still_storming) {
      ++cheap_during;
      worst_cheap_ms = std::max(worst_cheap_ms, Ms(t2 - t1));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  for (std::thread& t : storm) t.join();

  const int answered = static_cast<int>(
      std::count(expensive_codes.begin(), expensive_codes.end(), 200));
  std::printf(
      "storm: %d expensive queries, %d answered, %d refused; %d polls, "
      "%d health checks and %d naive forecasts answered during the storm; "
      "worst health %.1f ms, worst naive forecast %.1f ms\n",
      kExpensive, answered, static_cast<int>(expensive_codes.size()) - answered,
      polls, health_during, cheap_during, worst_health_ms, worst_cheap_ms);
  EXPECT_TRUE(unexpected.empty()) << unexpected.front();
  EXPECT_TRUE(poll_failures.empty()) << poll_failures.front();
  EXPECT_EQ(static_cast<int>(expensive_codes.size()), kExpensive);
  EXPECT_GT(answered, 0);  // the storm did real work
  // More than the server takes at once: some were refused, each with
  // Retry-After (none were before: a full queue became an empty answer).
  EXPECT_LT(answered, kExpensive);
  // Answered while expensive queries were still outstanding: not queued
  // behind them.
  EXPECT_GT(health_during, 0);
  EXPECT_GT(cheap_during, 0);
  EXPECT_TRUE(server.Alive());
}

}  // namespace
}  // namespace tsforecast
