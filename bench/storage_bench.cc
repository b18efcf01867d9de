// db_bench-style storage benchmark: drives a running tsforecastd over gRPC on
// loopback with the shared workload (../shared/bench/gen_workload.py, time-
// major CSV) and prints one line per workload, then key=value lines.
//
// Workloads:
//   ingest_unary   WritePoints from --clients threads, batches of
//                  --batch_points consecutive lines (a day of every series
//                  at a time, as a daily job sends it); timed from the first
//                  write until every series' last point is readable.
//   ingest_stream  the same through StreamWritePoints (one stream per
//                  client, pipelined, acked per batch), into a second set of
//                  series ("s_" prefix).
//   disk           after Compact: SST bytes of points + metadata per point.
//   read_series    ReadPoints of one whole random series (p50/p99).
//   read_100       100 whole random series read back to back (p50/p99).
#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "grpcpp/grpcpp.h"
#include "tsforecast/v1/admin.grpc.pb.h"
#include "tsforecast/v1/points.grpc.pb.h"
#include "tsforecast/v1/series.grpc.pb.h"

ABSL_FLAG(std::string, server, "127.0.0.1:50051", "tsforecastd address");
ABSL_FLAG(std::string, workload, "/tmp/tsf-workload/workload.csv",
          "workload CSV (series,timestamp_ms,value)");
ABSL_FLAG(int, clients, 2, "concurrent writer threads / streams");
ABSL_FLAG(int, batch_points, 50000, "points per WritePoints request");
ABSL_FLAG(bool, columns, false,
          "send each request as PointColumns rather than SeriesPoints");
ABSL_FLAG(int, read_iterations, 200, "single-series reads to time");
ABSL_FLAG(int, read_100_iterations, 20, "100-series reads to time");
ABSL_FLAG(bool, stream, true, "also run the streaming ingest");
ABSL_FLAG(bool, ingest_only, false,
          "only the unary ingest (no disk, reads or streaming)");
ABSL_FLAG(int64_t, max_points, 0,
          "use only the first N points of the workload (0: all), e.g. for "
          "small requests");

namespace {

namespace v1 = ::tsforecast::v1;
using Clock = std::chrono::steady_clock;

struct Workload {
  std::vector<std::string> names;
  std::vector<uint32_t> series;
  std::vector<int64_t> ts;
  std::vector<double> values;
};

Workload Load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "cannot read %s\n", path.c_str());
    std::exit(2);
  }
  std::string data((std::istreambuf_iterator<char>(in)),
                   std::istreambuf_iterator<char>());
  Workload w;
  absl::flat_hash_map<std::string, uint32_t> index;
  size_t pos = data.find('\n') + 1;  // header
  while (pos < data.size()) {
    const size_t c1 = data.find(',', pos);
    const size_t c2 = data.find(',', c1 + 1);
    size_t nl = data.find('\n', c2 + 1);
    if (nl == std::string::npos) nl = data.size();
    std::string name = data.substr(pos, c1 - pos);
    auto [it, inserted] = index.try_emplace(name, w.names.size());
    if (inserted) w.names.push_back(name);
    int64_t ts = 0;
    double v = 0;
    std::from_chars(data.data() + c1 + 1, data.data() + c2, ts);
    std::from_chars(data.data() + c2 + 1, data.data() + nl, v);
    w.series.push_back(it->second);
    w.ts.push_back(ts);
    w.values.push_back(v);
    pos = nl + 1;
  }
  return w;
}

// The same request with its points as one set of columns.
v1::WritePointsRequest ToColumns(const v1::WritePointsRequest& by_series) {
  v1::WritePointsRequest out;
  v1::PointColumns* c = out.mutable_columns();
  for (const v1::SeriesPoints& sp : by_series.series()) {
    c->add_series(sp.series());
    c->add_counts(static_cast<uint32_t>(sp.values_size()));
    c->mutable_timestamps_ms()->Add(sp.timestamps_ms().begin(),
                                    sp.timestamps_ms().end());
    c->mutable_values()->Add(sp.values().begin(), sp.values().end());
  }
  return out;
}

std::vector<v1::WritePointsRequest> MakeBatches(const Workload& w,
                                                const std::string& prefix,
                                                size_t batch_points) {
  std::vector<v1::WritePointsRequest> batches;
  std::vector<int> entry(w.names.size(), -1);
  for (size_t i = 0; i < w.ts.size(); ++i) {
    if (i % batch_points == 0) {
      batches.emplace_back();
      std::fill(entry.begin(), entry.end(), -1);
    }
    v1::WritePointsRequest& b = batches.back();
    int& e = entry[w.series[i]];
    if (e < 0) {
      e = b.series_size();
      b.add_series()->set_series(prefix + w.names[w.series[i]]);
    }
    v1::SeriesPoints* sp = b.mutable_series(e);
    sp->add_timestamps_ms(w.ts[i]);
    sp->add_values(w.values[i]);
  }
  if (absl::GetFlag(FLAGS_columns)) {
    for (v1::WritePointsRequest& b : batches) b = ToColumns(b);
  }
  return batches;
}

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * v.size()))];
}

void Check(const grpc::Status& s, const char* what) {
  if (!s.ok()) {
    std::fprintf(stderr, "%s failed: %d %s\n", what, s.error_code(),
                 s.error_message().c_str());
    std::exit(1);
  }
}

class Bench {
 public:
  explicit Bench(const std::string& address) {
    grpc::ChannelArguments args;
    args.SetMaxReceiveMessageSize(256 << 20);
    args.SetMaxSendMessageSize(256 << 20);
    // Separate channels (TCP connections) per client thread.
    for (int i = 0; i < 4; ++i) {
      args.SetInt("tsf_channel_index", i);
      channels_.push_back(grpc::CreateCustomChannel(
          address, grpc::InsecureChannelCredentials(), args));
    }
  }

  void CreateSeries(const Workload& w, const std::string& prefix) {
    auto stub = v1::SeriesService::NewStub(channels_[0]);
    for (const std::string& name : w.names) {
      v1::CreateSeriesRequest req;
      req.mutable_series()->set_name(prefix + name);
      req.mutable_series()->mutable_step()->set_unit(v1::STEP_UNIT_DAY);
      req.mutable_series()->set_value_kind(
          name[0] == 'e' ? v1::VALUE_KIND_FLOW : v1::VALUE_KIND_LEVEL);
      (*req.mutable_series()->mutable_labels())["kind"] =
          name[0] == 'e' ? "export" : "price";
      v1::CreateSeriesResponse resp;
      grpc::ClientContext ctx;
      Check(stub->CreateSeries(&ctx, req, &resp), "CreateSeries");
    }
  }

  // Returns seconds from the first write until all series are readable to
  // their last point.
  double Ingest(const Workload& w, const std::string& prefix,
                std::vector<v1::WritePointsRequest>& batches, int clients,
                bool stream) {
    std::atomic<size_t> next{0};
    const auto start = Clock::now();
    std::vector<std::thread> threads;
    for (int c = 0; c < clients; ++c) {
      threads.emplace_back([&, c] {
        auto stub = v1::PointsService::NewStub(channels_[c % channels_.size()]);
        if (!stream) {
          for (size_t i; (i = next.fetch_add(1)) < batches.size();) {
            grpc::ClientContext ctx;
            v1::WritePointsResponse resp;
            Check(stub->WritePoints(&ctx, batches[i], &resp), "WritePoints");
          }
          return;
        }
        grpc::ClientContext ctx;
        auto s = stub->StreamWritePoints(&ctx);
        std::thread reader([&] {
          v1::StreamWritePointsResponse ack;
          while (s->Read(&ack)) {
          }
        });
        for (size_t i; (i = next.fetch_add(1)) < batches.size();) {
          v1::StreamWritePointsRequest req;
          req.set_sequence(i + 1);
          req.mutable_batch()->Swap(&batches[i]);
          if (!s->Write(req)) break;
          batches[i].Swap(req.mutable_batch());
        }
        s->WritesDone();
        reader.join();
        Check(s->Finish(), "StreamWritePoints");
      });
    }
    for (auto& t : threads) t.join();
    // Every series readable up to its last point.
    std::vector<int64_t> last(w.names.size(), INT64_MIN);
    for (size_t i = 0; i < w.ts.size(); ++i) {
      last[w.series[i]] = std::max(last[w.series[i]], w.ts[i]);
    }
    auto stub = v1::PointsService::NewStub(channels_[0]);
    v1::ReadLatestRequest req;
    for (const std::string& n : w.names) req.add_series(prefix + n);
    v1::ReadLatestResponse resp;
    grpc::ClientContext ctx;
    Check(stub->ReadLatest(&ctx, req, &resp), "ReadLatest");
    const double seconds =
        std::chrono::duration<double>(Clock::now() - start).count();
    for (int i = 0; i < resp.series_size(); ++i) {
      if (last[i] == INT64_MIN) continue;  // none of its points was sent
      if (resp.series(i).timestamps_ms_size() != 1 ||
          resp.series(i).timestamps_ms(0) != last[i]) {
        std::fprintf(stderr, "series %s not fully readable after ingest\n",
                     resp.series(i).series().c_str());
        std::exit(1);
      }
    }
    return seconds;
  }

  v1::GetStorageStatsResponse CompactAndStats() {
    auto admin = v1::AdminService::NewStub(channels_[0]);
    {
      grpc::ClientContext ctx;
      v1::CompactResponse resp;
      Check(admin->Compact(&ctx, v1::CompactRequest(), &resp), "Compact");
    }
    grpc::ClientContext ctx;
    v1::GetStorageStatsResponse stats;
    Check(admin->GetStorageStats(&ctx, v1::GetStorageStatsRequest(), &stats),
          "GetStorageStats");
    return stats;
  }

  // Milliseconds per operation; an operation reads `per_op` whole series.
  std::vector<double> ReadSeries(const Workload& w, int iterations, int per_op,
                                 size_t expected_points) {
    auto stub = v1::PointsService::NewStub(channels_[0]);
    std::mt19937 rng(42);
    std::vector<double> ms;
    for (int it = 0; it < iterations + 5; ++it) {
      const auto start = Clock::now();
      for (int k = 0; k < per_op; ++k) {
        v1::ReadPointsRequest req;
        req.set_series(w.names[rng() % w.names.size()]);
        v1::ReadPointsResponse resp;
        grpc::ClientContext ctx;
        Check(stub->ReadPoints(&ctx, req, &resp), "ReadPoints");
        if (static_cast<size_t>(resp.values_size()) != expected_points) {
          std::fprintf(stderr, "read %d points, expected %zu\n",
                       resp.values_size(), expected_points);
          std::exit(1);
        }
      }
      const double elapsed =
          std::chrono::duration<double, std::milli>(Clock::now() - start)
              .count();
      if (it >= 5) ms.push_back(elapsed);  // the first 5 warm up
    }
    return ms;
  }

 private:
  std::vector<std::shared_ptr<grpc::Channel>> channels_;
};

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  const auto t0 = Clock::now();
  Workload w = Load(absl::GetFlag(FLAGS_workload));
  if (const int64_t max = absl::GetFlag(FLAGS_max_points);
      max > 0 && static_cast<size_t>(max) < w.ts.size()) {
    w.series.resize(max);
    w.ts.resize(max);
    w.values.resize(max);
  }
  const size_t points = w.ts.size();
  const size_t per_series = points / w.names.size();
  std::fprintf(stderr, "loaded %zu points of %zu series in %.1f s\n", points,
               w.names.size(),
               std::chrono::duration<double>(Clock::now() - t0).count());
  const int clients = absl::GetFlag(FLAGS_clients);
  const size_t batch = absl::GetFlag(FLAGS_batch_points);
  Bench bench(absl::GetFlag(FLAGS_server));

  bench.CreateSeries(w, "");
  auto batches = MakeBatches(w, "", batch);
  const double unary_s = bench.Ingest(w, "", batches, clients, false);
  const double unary_rate = points / unary_s;
  std::printf(
      "ingest_unary   : %zu points in %zu requests, %d clients, %.2f s, %.0f "
      "points/s\n",
      points, batches.size(), clients, unary_s, unary_rate);
  batches.clear();
  if (absl::GetFlag(FLAGS_ingest_only)) {
    std::printf("ingest_points_per_s=%.0f\n", unary_rate);
    return 0;
  }

  const v1::GetStorageStatsResponse stats = bench.CompactAndStats();
  const double sst_bytes =
      static_cast<double>(stats.points_sst_bytes() + stats.meta_sst_bytes());
  const double bytes_per_point = sst_bytes / points;
  std::printf(
      "disk           : %.0f bytes of SST (points %llu, meta %llu), %.3f "
      "bytes/point\n",
      sst_bytes, static_cast<unsigned long long>(stats.points_sst_bytes()),
      static_cast<unsigned long long>(stats.meta_sst_bytes()), bytes_per_point);

  auto one =
      bench.ReadSeries(w, absl::GetFlag(FLAGS_read_iterations), 1, per_series);
  std::printf(
      "read_series    : %zu points per op, %zu ops, p50 %.3f ms, p99 %.3f ms\n",
      per_series, one.size(), Percentile(one, 0.5), Percentile(one, 0.99));
  auto hundred = bench.ReadSeries(w, absl::GetFlag(FLAGS_read_100_iterations),
                                  100, per_series);
  std::printf(
      "read_100       : %zu points per op, %zu ops, p50 %.3f ms, p99 %.3f ms\n",
      per_series * 100, hundred.size(), Percentile(hundred, 0.5),
      Percentile(hundred, 0.99));

  double stream_rate = 0;
  if (absl::GetFlag(FLAGS_stream)) {
    bench.CreateSeries(w, "s_");
    auto sbatches = MakeBatches(w, "s_", batch);
    const double stream_s = bench.Ingest(w, "s_", sbatches, clients, true);
    stream_rate = points / stream_s;
    std::printf(
        "ingest_stream  : %zu points in %zu batches, %d streams, %.2f s, %.0f "
        "points/s\n",
        points, sbatches.size(), clients, stream_s, stream_rate);
  }

  std::printf("ingest_points_per_s=%.0f\n", unary_rate);
  std::printf("stream_ingest_points_per_s=%.0f\n", stream_rate);
  std::printf("bytes_per_point=%.3f\n", bytes_per_point);
  std::printf("read_series_p50_ms=%.3f\n", Percentile(one, 0.5));
  std::printf("read_series_p99_ms=%.3f\n", Percentile(one, 0.99));
  std::printf("read_100_series_p50_ms=%.3f\n", Percentile(hundred, 0.5));
  std::printf("read_100_series_p99_ms=%.3f\n", Percentile(hundred, 0.99));
  return 0;
}
