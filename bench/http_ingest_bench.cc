// Push ingestion over HTTP, for scripts/bench_peers.sh: the shared
// workload's workload.lp (time-major), cut into requests of --batch_points
// lines, posted by --clients threads over keep-alive connections to --path
// (InfluxDB's, VictoriaMetrics' and our /write). With --remote_write each
// request's lines are sent instead as a snappy Remote-Write 1.0
// WriteRequest (metric <measurement>_value, label series; the same points)
// to /api/v1/write (VictoriaMetrics' and ours). Requests are built before
// the clock starts. Prints points/s and a key=value line; asserts nothing.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "httplib.h"
#include "prometheus_wire/remote.pb.h"
#include "service/ingest/line_protocol.h"
#include "snappy.h"

ABSL_FLAG(std::string, host, "127.0.0.1", "server host");
ABSL_FLAG(int, port, 8086, "server port");
ABSL_FLAG(std::string, path, "/write?db=bench&precision=s",
          "request path, with the query string");
ABSL_FLAG(std::string, workload, "/tmp/tsf-workload/workload.lp",
          "line-protocol file");
ABSL_FLAG(int, clients, 4, "concurrent writers, one connection each");
ABSL_FLAG(int, batch_points, 1000, "lines (points) per request");
ABSL_FLAG(int64_t, max_points, 0, "send only the first N lines (0: all)");
ABSL_FLAG(bool, remote_write, false,
          "send Prometheus Remote-Write 1.0 bodies instead of line protocol");

namespace {

using Clock = std::chrono::steady_clock;

std::vector<std::string> Batches(const std::string& path, size_t batch,
                                 int64_t max_points, size_t* points) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "cannot read %s\n", path.c_str());
    std::exit(2);
  }
  std::vector<std::string> out;
  std::string line, body;
  size_t in_body = 0;
  *points = 0;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    if (max_points > 0 && static_cast<int64_t>(*points) >= max_points) break;
    absl::StrAppend(&body, line, "\n");
    ++*points;
    if (++in_body == batch) {
      out.push_back(std::move(body));
      body.clear();
      in_body = 0;
    }
  }
  if (!body.empty()) out.push_back(std::move(body));
  return out;
}

// The lines of one request as a snappy WriteRequest, parsed by the same
// line-protocol reader as our door (seconds precision, as workload.lp).
std::string RemoteWriteBody(const std::string& lines) {
  namespace ingest = tsforecast::service::ingest;
  namespace wire = tsforecast::prometheus_wire;
  ingest::LineProtocolOptions options;
  options.precision = ingest::Precision::kSeconds;
  ingest::DecodedLines decoded = ingest::ParseLineProtocol(lines, options);
  wire::WriteRequest request;
  for (const ingest::PushedSeries& s : decoded.series) {
    wire::TimeSeries* ts = request.add_timeseries();
    for (const auto& [name, value] : s.labels) {  // sorted, as the spec asks
      wire::Label* label = ts->add_labels();
      label->set_name(name);
      label->set_value(value);
    }
    for (const tsforecast::storage::Point& p : s.points) {
      wire::Sample* sample = ts->add_samples();
      sample->set_timestamp(p.timestamp_ms);
      sample->set_value(p.value);
    }
  }
  const std::string raw = request.SerializeAsString();
  std::string out;
  snappy::Compress(raw.data(), raw.size(), &out);
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  size_t points = 0;
  std::vector<std::string> batches =
      Batches(absl::GetFlag(FLAGS_workload),
              static_cast<size_t>(absl::GetFlag(FLAGS_batch_points)),
              absl::GetFlag(FLAGS_max_points), &points);
  const bool remote_write = absl::GetFlag(FLAGS_remote_write);
  if (remote_write) {
    for (std::string& b : batches) b = RemoteWriteBody(b);
  }
  httplib::Headers headers;
  if (remote_write) {
    headers = {{"Content-Encoding", "snappy"},
               {"X-Prometheus-Remote-Write-Version", "0.1.0"}};
  }
  const char* content_type =
      remote_write ? "application/x-protobuf" : "text/plain";
  const std::string path = absl::GetFlag(FLAGS_path);
  const int clients = absl::GetFlag(FLAGS_clients);
  std::atomic<size_t> next{0};
  std::atomic<bool> failed{false};
  const auto start = Clock::now();
  std::vector<std::thread> threads;
  for (int c = 0; c < clients; ++c) {
    threads.emplace_back([&] {
      httplib::Client client(absl::GetFlag(FLAGS_host),
                             absl::GetFlag(FLAGS_port));
      client.set_keep_alive(true);
      // Without it, Nagle's algorithm holds a small body behind the headers
      // until the server's delayed ACK: 40 ms per request.
      client.set_tcp_nodelay(true);
      client.set_read_timeout(120, 0);
      for (size_t i; !failed && (i = next.fetch_add(1)) < batches.size();) {
        httplib::Result r =
            client.Post(path, headers, batches[i], content_type);
        if (!r || r->status / 100 != 2) {
          std::fprintf(stderr, "POST %s failed: %s\n", path.c_str(),
                       r ? absl::StrCat(r->status, " ", r->body).c_str()
                         : httplib::to_string(r.error()).c_str());
          failed = true;
        }
      }
    });
  }
  for (std::thread& t : threads) t.join();
  if (failed) return 1;
  const double seconds =
      std::chrono::duration<double>(Clock::now() - start).count();
  std::printf("%zu points in %zu requests, %d clients, %.2f s, %.0f points/s\n",
              points, batches.size(), clients, seconds, points / seconds);
  std::printf("ingest_points_per_s=%.0f\n", points / seconds);
  return 0;
}
