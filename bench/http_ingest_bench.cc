// Line-protocol ingestion into a peer time-series database over HTTP, for
// scripts/bench_peers.sh: the shared workload's workload.lp (time-major),
// cut into requests of --batch_points lines, posted by --clients threads
// over keep-alive connections to --url (InfluxDB's and VictoriaMetrics'
// /write). Prints points/s and a key=value line; asserts nothing.
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

ABSL_FLAG(std::string, host, "127.0.0.1", "server host");
ABSL_FLAG(int, port, 8086, "server port");
ABSL_FLAG(std::string, path, "/write?db=bench&precision=s",
          "request path, with the query string");
ABSL_FLAG(std::string, workload, "/tmp/tsf-workload/workload.lp",
          "line-protocol file");
ABSL_FLAG(int, clients, 4, "concurrent writers, one connection each");
ABSL_FLAG(int, batch_points, 1000, "lines (points) per request");
ABSL_FLAG(int64_t, max_points, 0, "send only the first N lines (0: all)");

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

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  size_t points = 0;
  const std::vector<std::string> batches =
      Batches(absl::GetFlag(FLAGS_workload),
              static_cast<size_t>(absl::GetFlag(FLAGS_batch_points)),
              absl::GetFlag(FLAGS_max_points), &points);
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
        httplib::Result r = client.Post(path, batches[i], "text/plain");
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
