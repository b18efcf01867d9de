// WatchForecast at scale against a running tsforecastd (see
// scripts/bench_service.sh --watchers N): opens N watchers of one series
// over --channels connections with the callback client API, waits for each
// one's first forecast, reads the server's thread count and RSS from
// /proc/<--server_pid>/status while they are held, writes one point and
// times how long each watcher takes to hear of it. Prints figures and
// key=value lines; asserts nothing.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "grpcpp/grpcpp.h"
#include "tsforecast/v1/forecast.grpc.pb.h"
#include "tsforecast/v1/points.grpc.pb.h"

ABSL_FLAG(std::string, server, "127.0.0.1:50051", "gRPC address");
ABSL_FLAG(int, server_pid, 0, "the server's pid, for its threads and RSS");
ABSL_FLAG(int, watchers, 10000, "watchers to open");
ABSL_FLAG(int, channels, 100, "connections they share (100 streams each)");

namespace {

namespace v1 = ::tsforecast::v1;
using Clock = std::chrono::steady_clock;

// Counts of what every watcher has heard.
struct Tally {
  absl::Mutex mu;
  int first ABSL_GUARDED_BY(mu) = 0;
  int done ABSL_GUARDED_BY(mu) = 0;
  std::vector<double> update_ms ABSL_GUARDED_BY(mu);
  Clock::time_point written ABSL_GUARDED_BY(mu);
};

class Watcher final : public grpc::ClientReadReactor<v1::ForecastResponse> {
 public:
  Watcher(v1::ForecastService::Stub* stub, const v1::ForecastRequest& request,
          Tally* tally)
      : tally_(tally) {
    stub->async()->WatchForecast(&context_, &request, this);
    StartRead(&response_);
    StartCall();
  }
  void Cancel() { context_.TryCancel(); }

  void OnReadDone(bool ok) override {
    if (!ok) return;
    {
      absl::MutexLock lock(&tally_->mu);
      if (++reads_ == 1) {
        ++tally_->first;
      } else if (reads_ == 2) {
        tally_->update_ms.push_back(std::chrono::duration<double, std::milli>(
                                        Clock::now() - tally_->written)
                                        .count());
      }
    }
    StartRead(&response_);
  }
  void OnDone(const grpc::Status&) override {
    absl::MutexLock lock(&tally_->mu);
    ++tally_->done;
  }

 private:
  grpc::ClientContext context_;
  v1::ForecastResponse response_;
  Tally* tally_;
  int reads_ = 0;
};

// "Threads:" and "VmRSS:" (kB) of a process.
std::pair<long, long> ThreadsAndRss(int pid) {
  std::ifstream in(absl::StrCat("/proc/", pid, "/status"));
  std::string key;
  long threads = 0, rss_kb = 0;
  while (in >> key) {
    if (key == "Threads:") in >> threads;
    if (key == "VmRSS:") in >> rss_kb;
  }
  return {threads, rss_kb};
}

bool WaitUntil(Tally& tally, int Tally::*field, int want, absl::Duration max) {
  absl::MutexLock lock(&tally.mu);
  auto enough = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(tally.mu) {
    return tally.*field >= want;
  };
  return tally.mu.AwaitWithTimeout(absl::Condition(&enough), max);
}

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * v.size()))];
}

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  const int n = absl::GetFlag(FLAGS_watchers);
  std::vector<std::shared_ptr<grpc::Channel>> channels;
  for (int c = 0; c < absl::GetFlag(FLAGS_channels); ++c) {
    grpc::ChannelArguments args;
    args.SetInt("tsf_watch_channel", c);  // a connection of its own
    channels.push_back(grpc::CreateCustomChannel(
        absl::GetFlag(FLAGS_server), grpc::InsecureChannelCredentials(), args));
  }
  // Writes on a connection of their own: the watchers fill theirs up to
  // the server's 100 streams per connection, and a call beyond waits.
  grpc::ChannelArguments writer_args;
  writer_args.SetInt("tsf_watch_channel", -1);
  auto points = v1::PointsService::NewStub(grpc::CreateCustomChannel(
      absl::GetFlag(FLAGS_server), grpc::InsecureChannelCredentials(),
      writer_args));
  auto write = [&](int64_t day, double value) {
    v1::WritePointsRequest req;
    v1::SeriesPoints* sp = req.add_series();
    sp->set_series("watched");
    sp->mutable_create_if_missing()->mutable_step()->set_unit(
        v1::STEP_UNIT_DAY);
    sp->add_timestamps_ms(day * 86400000);
    sp->add_values(value);
    grpc::ClientContext ctx;
    v1::WritePointsResponse resp;
    grpc::Status s = points->WritePoints(&ctx, req, &resp);
    if (!s.ok()) {
      std::fprintf(stderr, "WritePoints: %s\n", s.error_message().c_str());
      std::exit(1);
    }
  };
  for (int d = 0; d < 60; ++d) write(19000 + d, 100 + d % 7);

  std::vector<std::unique_ptr<v1::ForecastService::Stub>> stubs;
  for (auto& ch : channels) stubs.push_back(v1::ForecastService::NewStub(ch));
  v1::ForecastRequest request;
  request.set_series("watched");
  request.set_horizon(7);
  request.mutable_model()->set_name("snaive");
  Tally tally;
  const auto before = ThreadsAndRss(absl::GetFlag(FLAGS_server_pid));
  const auto open_start = Clock::now();
  std::vector<std::unique_ptr<Watcher>> watchers;
  for (int i = 0; i < n; ++i) {
    watchers.push_back(std::make_unique<Watcher>(stubs[i % stubs.size()].get(),
                                                 request, &tally));
  }
  if (!WaitUntil(tally, &Tally::first, n, absl::Seconds(120))) {
    absl::MutexLock lock(&tally.mu);
    std::fprintf(stderr, "only %d of %d watchers got their first forecast\n",
                 tally.first, n);
    return 1;
  }
  const double open_s =
      std::chrono::duration<double>(Clock::now() - open_start).count();
  const auto held = ThreadsAndRss(absl::GetFlag(FLAGS_server_pid));
  {
    absl::MutexLock lock(&tally.mu);
    tally.written = Clock::now();
  }
  write(19060, 999);
  std::vector<double> update_ms;
  {
    absl::MutexLock lock(&tally.mu);
    auto all_told = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(tally.mu) {
      return static_cast<int>(tally.update_ms.size()) >= n;
    };
    tally.mu.AwaitWithTimeout(absl::Condition(&all_told), absl::Seconds(10));
    update_ms = tally.update_ms;
  }
  for (auto& w : watchers) w->Cancel();
  WaitUntil(tally, &Tally::done, n, absl::Seconds(60));
  std::printf(
      "watchers       : %d opened in %.2f s; server threads %ld -> %ld, RSS "
      "%.0f -> %.0f MiB\n",
      n, open_s, before.first, held.first, before.second / 1024.0,
      held.second / 1024.0);
  std::printf(
      "watch update   : %zu of %d told, p50 %.1f ms, p99 %.1f ms, max %.1f "
      "ms after the write\n",
      update_ms.size(), n, Percentile(update_ms, 0.5),
      Percentile(update_ms, 0.99), Percentile(update_ms, 1.0));
  std::printf("watchers=%d\n", n);
  std::printf("watch_server_threads=%ld\n", held.first);
  std::printf("watch_server_threads_added=%ld\n", held.first - before.first);
  std::printf("watch_server_rss_added_mb=%.0f\n",
              (held.second - before.second) / 1024.0);
  std::printf("watch_server_rss_mb=%.0f\n", held.second / 1024.0);
  std::printf("watch_told=%zu\n", update_ms.size());
  std::printf("watch_update_p99_ms=%.1f\n", Percentile(update_ms, 0.99));
  std::printf("watch_update_max_ms=%.1f\n", Percentile(update_ms, 1.0));
  return 0;
}
