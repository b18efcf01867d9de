// Overload on loopback, bounded in time: cold forecasts far beyond what the
// cores can fit (36 clients, every request distinct) while a client
// streams points at full speed. The server must stay up, answer health
// checks throughout, answer every call with a result or a clean
// RESOURCE_EXHAUSTED, keep its RSS under a bound, and have every
// acknowledged point afterwards. TSF_OVERLOAD_SECONDS sets the length
// (default 10 for CI; the long run is 60). Figures are printed.
#include <atomic>
#include <cstdlib>
#include <fstream>
#include <future>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "tests/testing/server_process.h"
#include "tests/testing/temp_dir.h"
#include "tsforecast/v1/forecast.grpc.pb.h"
#include "tsforecast/v1/points.grpc.pb.h"

namespace tsforecast {
namespace {

namespace v1 = ::tsforecast::v1;

constexpr int64_t kMaxRssBytes = int64_t{1} << 30;  // the stated bound
constexpr int kSeries = 40;
// Forecast clients: twice the fits that may run and wait (2 cores + 16).
constexpr int kClients = 36;

int64_t RssBytes(int pid) {
  std::ifstream status(absl::StrCat("/proc/", pid, "/status"));
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) {
      return std::atoll(line.c_str() + 6) * 1024;  // kB
    }
  }
  return 0;
}

TEST(OverloadTest, StaysUpAndAnswersEveryCallCleanly) {
  const char* env = std::getenv("TSF_OVERLOAD_SECONDS");
  const int seconds =
      env != nullptr && std::atoi(env) > 0 ? std::atoi(env) : 10;
  testing::TempDir dir;
  testing::ServerProcess server;
  std::string error;
  ASSERT_TRUE(server.Start(dir.Sub("data"),
                           {"--durability=process", "--max_waiting_fits=16"},
                           &error))
      << error;
  auto channel =
      grpc::CreateChannel(server.address(), grpc::InsecureChannelCredentials());
  auto points = v1::PointsService::NewStub(channel);
  // Monthly series to forecast: 20 years each.
  for (int s = 0; s < kSeries; ++s) {
    v1::WritePointsRequest write;
    v1::SeriesPoints* sp = write.add_series();
    sp->set_series(absl::StrCat("monthly_", s));
    sp->mutable_create_if_missing()->mutable_step()->set_unit(
        v1::STEP_UNIT_MONTH);
    for (int i = 0; i < 240; ++i) {
      sp->add_timestamps_ms(absl::ToUnixMillis(absl::FromCivil(
          absl::CivilMonth(2000 + i / 12, 1 + i % 12), absl::UTCTimeZone())));
      sp->add_values(100 + s + i * 0.5 + 10 * ((i % 12) - 6) + (i * 37 % 11));
    }
    grpc::ClientContext ctx;
    v1::WritePointsResponse written;
    ASSERT_TRUE(points->WritePoints(&ctx, write, &written).ok());
  }

  std::atomic<bool> stop{false};
  std::mutex mu;
  std::map<std::string, int64_t> outcomes;  // code name -> count
  auto count = [&](const grpc::Status& s) {
    std::lock_guard<std::mutex> lock(mu);
    ++outcomes[s.ok() ? "OK"
                      : absl::StrCat("code ", s.error_code(), ": ",
                                     s.error_message().substr(0, 60))];
  };
  // Cold forecasts: every request distinct (series, horizon, level), so
  // none is answered from the cache.
  std::atomic<int64_t> forecasts_sent{0};
  std::vector<std::thread> clients;
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&, c] {
      auto stub = v1::ForecastService::NewStub(channel);
      for (int n = 0; !stop.load(); ++n) {
        v1::ForecastRequest req;
        req.set_series(absl::StrCat("monthly_", (c * 7 + n) % kSeries));
        req.set_horizon(1 + (n % 36));
        req.add_levels(50 + (c * 1000 + n) % 4900 / 100.0);
        grpc::ClientContext ctx;
        ctx.set_deadline(std::chrono::system_clock::now() +
                         std::chrono::seconds(30));
        v1::ForecastResponse resp;
        count(stub->Forecast(&ctx, req, &resp));
        ++forecasts_sent;
      }
    });
  }
  // Full-speed streaming ingestion into one series.
  std::atomic<int64_t> acked_points{0};
  std::thread ingest([&] {
    grpc::ClientContext ctx;
    auto stream = points->StreamWritePoints(&ctx);
    std::thread acks([&] {
      v1::StreamWritePointsResponse ack;
      while (stream->Read(&ack)) acked_points += ack.points_written();
    });
    for (uint64_t b = 1; !stop.load(); ++b) {
      v1::StreamWritePointsRequest req;
      req.set_sequence(b);
      v1::SeriesPoints* sp = req.mutable_batch()->add_series();
      sp->set_series("ingest");
      sp->mutable_create_if_missing()->mutable_step()->set_unit(
          v1::STEP_UNIT_SECOND);
      for (int i = 0; i < 1000; ++i) {
        sp->add_timestamps_ms(int64_t{1704067200000} +
                              static_cast<int64_t>((b - 1) * 1000 + i) * 1000);
        sp->add_values(i);
      }
      if (!stream->Write(req)) break;
    }
    stream->WritesDone();
    acks.join();
    count(stream->Finish());
  });
  // Health checks every 50 ms, and the server's RSS.
  double worst_health_ms = 0;
  int64_t worst_rss = 0;
  int health_failures = 0, health_checks = 0;
  grpc::GenericStub health(channel);
  const auto end =
      std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  while (std::chrono::steady_clock::now() < end) {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() +
                     std::chrono::seconds(2));
    grpc::Slice empty("");
    grpc::ByteBuffer request(&empty, 1), response;
    std::promise<grpc::Status> done;
    const auto start = std::chrono::steady_clock::now();
    health.UnaryCall(&ctx, "/grpc.health.v1.Health/Check", grpc::StubOptions(),
                     &request, &response,
                     [&done](grpc::Status s) { done.set_value(s); });
    const grpc::Status s = done.get_future().get();
    worst_health_ms =
        std::max(worst_health_ms, std::chrono::duration<double, std::milli>(
                                      std::chrono::steady_clock::now() - start)
                                      .count());
    ++health_checks;
    health_failures += !s.ok();
    worst_rss = std::max(worst_rss, RssBytes(server.pid()));
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  stop = true;
  for (std::thread& t : clients) t.join();
  ingest.join();
  ASSERT_TRUE(server.Alive()) << "the server died under load";

  // Every acknowledged point is there.
  {
    grpc::ClientContext ctx;
    v1::StreamReadPointsRequest req;
    req.mutable_read()->set_series("ingest");
    auto reader = points->StreamReadPoints(&ctx, req);
    v1::StreamReadPointsResponse chunk;
    int64_t read = 0;
    while (reader->Read(&chunk)) read += chunk.values_size();
    ASSERT_TRUE(reader->Finish().ok());
    EXPECT_GE(read, acked_points.load());
  }
  std::printf(
      "overload test: %d s; %d clients asked %lld forecasts, %lld "
      "points acknowledged by the stream; %d health checks, %d "
      "failed, worst %.1f ms; peak RSS %lld MiB (bound %lld MiB)\n",
      seconds, kClients, static_cast<long long>(forecasts_sent.load()),
      static_cast<long long>(acked_points.load()), health_checks,
      health_failures, worst_health_ms, static_cast<long long>(worst_rss >> 20),
      static_cast<long long>(kMaxRssBytes >> 20));
  for (const auto& [what, n] : outcomes) {
    std::printf("  %lld x %s\n", static_cast<long long>(n), what.c_str());
    // A result or a clean "queue full": nothing else.
    EXPECT_TRUE(what == "OK" || what.rfind("code 8:", 0) == 0) << what;
  }
  EXPECT_EQ(health_failures, 0);
  EXPECT_LT(worst_rss, kMaxRssBytes);
  EXPECT_GT(acked_points.load(), 0);
}

}  // namespace
}  // namespace tsforecast
