// Forecast serving benchmark against a running tsforecastd (see
// scripts/bench_service.sh): cold `auto` forecast latency on a 1,000-point
// daily and a 120-point monthly series, cached poll throughput and latency
// over gRPC and over HTTP with concurrent pollers, and ForecastMany over
// many series. Prints figures and key=value lines; asserts nothing.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "grpcpp/grpcpp.h"
#include "httplib.h"
#include "tsforecast/v1/forecast.grpc.pb.h"
#include "tsforecast/v1/points.grpc.pb.h"

ABSL_FLAG(std::string, server, "127.0.0.1:50051", "gRPC address");
ABSL_FLAG(int, http_port, 8080, "HTTP side port on 127.0.0.1");
ABSL_FLAG(int, cold_runs, 40, "cold forecasts per series");
ABSL_FLAG(int, pollers, 32, "concurrent pollers");
ABSL_FLAG(double, poll_seconds, 5, "seconds of polling per transport");
ABSL_FLAG(int, many_series, 1000, "series for ForecastMany");
ABSL_FLAG(int, channels, 4, "gRPC channels (connections) the pollers share");

namespace v1 = ::tsforecast::v1;
using Clock = std::chrono::steady_clock;

namespace {

double Ms(Clock::duration d) {
  return std::chrono::duration<double, std::milli>(d).count();
}

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return NAN;
  std::sort(v.begin(), v.end());
  const size_t i =
      std::min(v.size() - 1, static_cast<size_t>(std::ceil(p * v.size())) - 1);
  return v[i];
}

int64_t MonthStart(int index) {
  return absl::ToUnixMillis(
      absl::FromCivil(absl::CivilMonth(2000 + index / 12, 1 + index % 12),
                      absl::UTCTimeZone()));
}

v1::SeriesPoints* AddSeries(v1::WritePointsRequest* req,
                            const std::string& name, v1::StepUnit unit,
                            const std::string& group) {
  v1::SeriesPoints* sp = req->add_series();
  sp->set_series(name);
  sp->mutable_create_if_missing()->mutable_step()->set_unit(unit);
  if (!group.empty()) {
    (*sp->mutable_create_if_missing()->mutable_labels())["group"] = group;
  }
  return sp;
}

void Write(v1::PointsService::Stub* points, const v1::WritePointsRequest& req) {
  grpc::ClientContext ctx;
  v1::WritePointsResponse resp;
  grpc::Status s = points->WritePoints(&ctx, req, &resp);
  if (!s.ok()) {
    std::cerr << "write failed: " << s.error_message() << "\n";
    std::exit(1);
  }
}

// Seeds bench_daily (1,000 days), bench_monthly (120 months) and
// `many` monthly series labelled group="many".
void Seed(v1::PointsService::Stub* points, int many) {
  v1::WritePointsRequest req;
  v1::SeriesPoints* daily =
      AddSeries(&req, "bench_daily", v1::STEP_UNIT_DAY, "");
  for (int i = 0; i < 1000; ++i) {
    daily->add_timestamps_ms(946684800000LL + i * 86400000LL);
    daily->add_values(80 + 0.02 * i + 5 * std::sin(2 * M_PI * i / 7) +
                      3 * std::sin(i * 0.37));
  }
  v1::SeriesPoints* monthly =
      AddSeries(&req, "bench_monthly", v1::STEP_UNIT_MONTH, "");
  for (int i = 0; i < 120; ++i) {
    monthly->add_timestamps_ms(MonthStart(i));
    monthly->add_values(1000 + 4 * i + 80 * std::sin(2 * M_PI * i / 12) +
                        20 * std::sin(i * 1.3));
  }
  Write(points, req);
  for (int start = 0; start < many; start += 200) {
    v1::WritePointsRequest batch;
    for (int k = start; k < std::min(many, start + 200); ++k) {
      v1::SeriesPoints* sp = AddSeries(&batch, absl::StrCat("many_", k),
                                       v1::STEP_UNIT_MONTH, "many");
      for (int i = 0; i < 120; ++i) {
        sp->add_timestamps_ms(MonthStart(i));
        sp->add_values(500 + k + 2 * i +
                       (30 + k % 20) * std::sin(2 * M_PI * (i + k) / 12) +
                       10 * std::sin(i * 0.9 + k));
      }
    }
    Write(points, batch);
  }
}

// Cold fits: each request has a horizon not asked before, so nothing is
// cached.
std::vector<double> ColdLatencies(v1::ForecastService::Stub* forecasts,
                                  const std::string& series, int runs) {
  std::vector<double> ms;
  for (int i = 0; i < runs; ++i) {
    v1::ForecastRequest req;
    req.set_series(series);
    req.set_horizon(100 + i);
    grpc::ClientContext ctx;
    v1::ForecastResponse resp;
    const auto start = Clock::now();
    grpc::Status s = forecasts->Forecast(&ctx, req, &resp);
    ms.push_back(Ms(Clock::now() - start));
    if (!s.ok() || resp.cached()) {
      std::cerr << "cold forecast failed: " << s.error_message() << "\n";
      std::exit(1);
    }
  }
  return ms;
}

struct PollResult {
  double per_s = 0, p50_ms = 0, p99_ms = 0;
  uint64_t errors = 0;
};

// `pollers` threads each repeat `poll` for `seconds`.
PollResult Poll(int pollers, double seconds,
                const std::function<std::function<bool()>(int)>& make_poller) {
  std::vector<std::vector<double>> latencies(pollers);
  std::atomic<uint64_t> errors{0};
  std::atomic<bool> stop{false};
  std::vector<std::thread> threads;
  const auto start = Clock::now();
  for (int t = 0; t < pollers; ++t) {
    threads.emplace_back([&, t] {
      std::function<bool()> poll = make_poller(t);
      while (!stop.load(std::memory_order_relaxed)) {
        const auto s = Clock::now();
        if (!poll()) ++errors;
        latencies[t].push_back(Ms(Clock::now() - s));
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  stop = true;
  for (std::thread& t : threads) t.join();
  const double elapsed =
      std::chrono::duration<double>(Clock::now() - start).count();
  std::vector<double> all;
  for (const auto& v : latencies) all.insert(all.end(), v.begin(), v.end());
  return {all.size() / elapsed, Percentile(all, 0.5), Percentile(all, 0.99),
          errors.load()};
}

// One chain of back-to-back Forecast calls on the callback API.
class GrpcPoller {
 public:
  GrpcPoller(v1::ForecastService::Stub* stub,
             const v1::ForecastRequest& request, std::atomic<bool>* stop,
             std::atomic<uint64_t>* errors, absl::Mutex* done_mu, int* running)
      : stub_(stub),
        request_(request),
        stop_(stop),
        errors_(errors),
        done_mu_(done_mu),
        running_(running) {}
  void Start() {
    context_ = std::make_unique<grpc::ClientContext>();
    start_ = Clock::now();
    stub_->async()->Forecast(context_.get(), &request_, &response_,
                             [this](grpc::Status status) {
                               latencies_.push_back(Ms(Clock::now() - start_));
                               if (!status.ok() || !response_.cached()) {
                                 ++*errors_;
                               }
                               if (stop_->load(std::memory_order_relaxed)) {
                                 absl::MutexLock lock(done_mu_);
                                 --*running_;
                                 return;
                               }
                               Start();
                             });
  }
  const std::vector<double>& latencies() const { return latencies_; }

 private:
  v1::ForecastService::Stub* stub_;
  const v1::ForecastRequest request_;
  std::atomic<bool>* stop_;
  std::atomic<uint64_t>* errors_;
  absl::Mutex* done_mu_;
  int* running_;
  std::unique_ptr<grpc::ClientContext> context_;
  v1::ForecastResponse response_;
  Clock::time_point start_;
  std::vector<double> latencies_;
};

PollResult PollGrpc(
    const std::vector<std::unique_ptr<v1::ForecastService::Stub>>& stubs,
    const v1::ForecastRequest& request, int pollers, double seconds) {
  std::atomic<bool> stop{false};
  std::atomic<uint64_t> errors{0};
  absl::Mutex done_mu;
  int running = pollers;
  std::vector<std::unique_ptr<GrpcPoller>> chains;
  for (int i = 0; i < pollers; ++i) {
    chains.push_back(std::make_unique<GrpcPoller>(stubs[i % stubs.size()].get(),
                                                  request, &stop, &errors,
                                                  &done_mu, &running));
  }
  const auto start = Clock::now();
  for (auto& c : chains) c->Start();
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  stop = true;
  {
    absl::MutexLock lock(&done_mu);
    done_mu.Await(absl::Condition(
        +[](int* n) { return *n == 0; }, &running));
  }
  const double elapsed =
      std::chrono::duration<double>(Clock::now() - start).count();
  std::vector<double> all;
  for (const auto& c : chains) {
    all.insert(all.end(), c->latencies().begin(), c->latencies().end());
  }
  return {all.size() / elapsed, Percentile(all, 0.5), Percentile(all, 0.99),
          errors.load()};
}

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  const std::string address = absl::GetFlag(FLAGS_server);
  const int pollers = absl::GetFlag(FLAGS_pollers);
  const double seconds = absl::GetFlag(FLAGS_poll_seconds);
  auto channel =
      grpc::CreateChannel(address, grpc::InsecureChannelCredentials());
  auto points = v1::PointsService::NewStub(channel);
  auto forecasts = v1::ForecastService::NewStub(channel);
  Seed(points.get(), absl::GetFlag(FLAGS_many_series));

  const std::vector<double> daily = ColdLatencies(
      forecasts.get(), "bench_daily", absl::GetFlag(FLAGS_cold_runs));
  const std::vector<double> monthly = ColdLatencies(
      forecasts.get(), "bench_monthly", absl::GetFlag(FLAGS_cold_runs));
  std::printf(
      "cold auto forecast, 1000-point daily:  p50 %.2f ms  p99 %.2f ms\n",
      Percentile(daily, 0.5), Percentile(daily, 0.99));
  std::printf(
      "cold auto forecast, 120-point monthly: p50 %.2f ms  p99 %.2f ms\n",
      Percentile(monthly, 0.5), Percentile(monthly, 0.99));

  // Polls: the dashboard's request, answered from the cache.
  v1::ForecastRequest poll_request;
  poll_request.set_series("bench_daily");
  poll_request.set_horizon(30);
  {
    grpc::ClientContext ctx;
    v1::ForecastResponse warm;
    forecasts->Forecast(&ctx, poll_request, &warm);
  }
  // A few channels (TCP connections) shared by the pollers, as a dashboard
  // backend would hold. Each poller keeps one call in flight through the
  // callback API, so the load generator needs no thread per poller and
  // leaves the cores to the server.
  std::vector<std::unique_ptr<v1::ForecastService::Stub>> stubs;
  for (int i = 0; i < absl::GetFlag(FLAGS_channels); ++i) {
    grpc::ChannelArguments args;
    args.SetInt("grpc.channel_id", i);  // distinct connections
    stubs.push_back(v1::ForecastService::NewStub(grpc::CreateCustomChannel(
        address, grpc::InsecureChannelCredentials(), args)));
  }
  const PollResult grpc_poll = PollGrpc(stubs, poll_request, pollers, seconds);
  const int http_port = absl::GetFlag(FLAGS_http_port);
  const PollResult http_poll = Poll(pollers, seconds, [&](int) {
    auto client = std::make_shared<httplib::Client>("127.0.0.1", http_port);
    client->set_keep_alive(true);
    client->set_tcp_nodelay(true);
    return std::function<bool()>([client] {
      auto r =
          client->Get("/api/tsf/v1/forecast?series=bench_daily&horizon=30");
      return r && r->status == 200;
    });
  });
  std::printf(
      "cached polls over gRPC, %d pollers: %.0f/s  p50 %.3f ms  p99 %.3f ms"
      "  errors %llu\n",
      pollers, grpc_poll.per_s, grpc_poll.p50_ms, grpc_poll.p99_ms,
      static_cast<unsigned long long>(grpc_poll.errors));
  std::printf(
      "cached polls over HTTP, %d pollers: %.0f/s  p50 %.3f ms  p99 %.3f ms"
      "  errors %llu\n",
      pollers, http_poll.per_s, http_poll.p50_ms, http_poll.p99_ms,
      static_cast<unsigned long long>(http_poll.errors));

  v1::ForecastManyRequest many;
  many.set_selector("{group=\"many\"}");
  many.mutable_forecast()->set_horizon(12);
  grpc::ClientContext ctx;
  const auto start = Clock::now();
  auto reader = forecasts->ForecastMany(&ctx, many);
  v1::ForecastManyResponse item;
  int ok = 0, failed = 0;
  while (reader->Read(&item)) (item.error_code() == 0 ? ok : failed)++;
  grpc::Status s = reader->Finish();
  const double many_s =
      std::chrono::duration<double>(Clock::now() - start).count();
  if (!s.ok())
    std::cerr << "ForecastMany failed: " << s.error_message() << "\n";
  std::printf(
      "ForecastMany over %d series (auto, 120 months, h=12): %.2f s, "
      "%d failed\n",
      ok + failed, many_s, failed);

  std::printf("forecast_cold_p50_ms=%.2f\n", Percentile(daily, 0.5));
  std::printf("forecast_cold_p99_ms=%.2f\n", Percentile(daily, 0.99));
  std::printf("forecast_cold_monthly_p50_ms=%.2f\n", Percentile(monthly, 0.5));
  std::printf("forecast_cold_monthly_p99_ms=%.2f\n", Percentile(monthly, 0.99));
  std::printf("poll_grpc_per_s=%.0f\n", grpc_poll.per_s);
  std::printf("poll_grpc_p99_ms=%.3f\n", grpc_poll.p99_ms);
  std::printf("poll_http_per_s=%.0f\n", http_poll.per_s);
  std::printf("poll_http_p99_ms=%.3f\n", http_poll.p99_ms);
  std::printf("forecast_many_series_per_s=%.1f\n", ok / many_s);
  return 0;
}
