// Issue 19: listings over HTTP had no limit, and 40 slow readers of a
// 60 MB /api/v1/series answer took the server from 218 MB to 3.75 GB.
// Listings now stop at a limit (with Prometheus's warning), and any answer
// over --http_max_answer_mb is an error asking for less, so a slow reader
// holds at most that much. Here 30,000 series, a 1 MiB answer limit, and
// 40 readers that ask for the largest listing the limit allows and never
// read: the server's RSS must grow by less than twice 40 answers (each
// answer and its handler's working memory) plus 64 MiB.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "httplib.h"
#include "tests/testing/server_process.h"
#include "tests/testing/temp_dir.h"
#include "tsforecast/v1/points.grpc.pb.h"

namespace tsforecast {
namespace {

namespace v1 = ::tsforecast::v1;

constexpr int kSeries = 30000;
constexpr int kReaders = 40;
constexpr int64_t kAnswerLimit = 1 << 20;

int64_t RssBytes(int pid) {
  std::ifstream status(absl::StrCat("/proc/", pid, "/status"));
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::atoll(line.c_str() + 6) << 10;
  }
  return 0;
}

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(SlowReadersTest, ListingsAreBoundedAndSlowReadersHoldLittle) {
  testing::TempDir dir;
  testing::ServerProcess server;
  std::string error;
  ASSERT_TRUE(server.Start(dir.Sub("data"),
                           {"--durability=process", "--http_max_answer_mb=1"},
                           &error))
      << error;
  auto points = v1::PointsService::NewStub(grpc::CreateChannel(
      server.address(), grpc::InsecureChannelCredentials()));
  for (int first = 0; first < kSeries; first += 10000) {
    v1::WritePointsRequest write;
    for (int s = first; s < first + 10000; ++s) {
      v1::SeriesPoints* sp = write.add_series();
      sp->set_series(absl::StrCat(
          "export_tonnage_of_rare_earth_oxides_by_destination_", s));
      v1::Series* def = sp->mutable_create_if_missing();
      def->mutable_step()->set_unit(v1::STEP_UNIT_MONTH);
      (*def->mutable_labels())["kind"] = "export";
      (*def->mutable_labels())["country"] = absl::StrCat("C", s % 200);
      (*def->mutable_labels())["source"] = "customs_statistics_monthly";
      sp->add_timestamps_ms(1704067200000);
      sp->add_values(s);
    }
    grpc::ClientContext ctx;
    v1::WritePointsResponse written;
    const grpc::Status s = points->WritePoints(&ctx, write, &written);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }

  httplib::Client http("127.0.0.1", server.http_port());
  const std::string match =
      "/api/v1/series?match[]=" +
      httplib::detail::encode_query_param("{kind=\"export\"}");
  // The default limit (10,000 series) makes more than 1 MiB: an error in
  // Prometheus's shape, asking for less.
  httplib::Result r = http.Get(match);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 422) << r->body.substr(0, 300);
  EXPECT_TRUE(Contains(r->body, "over the server's limit")) << r->body;
  // A limit under it: cut with Prometheus's warning.
  const std::string largest = match + "&limit=6000";
  r = http.Get(largest);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body.substr(0, 300);
  EXPECT_TRUE(Contains(r->body, "results truncated due to limit"));
  const size_t answer_bytes = r->body.size();
  EXPECT_GT(answer_bytes, size_t{kAnswerLimit} / 2);
  r = http.Get(match + "&limit=0");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  // The dashboard API pages with a continuation.
  r = http.Get("/api/tsf/v1/series?limit=2");
  ASSERT_TRUE(r);
  EXPECT_TRUE(Contains(r->body, "\"next_after\":")) << r->body;

  // Slow readers: each asks for the largest answer and reads nothing,
  // with a small receive buffer so the answer stays in the server.
  const int64_t before = RssBytes(server.pid());
  std::vector<int> sockets;
  for (int i = 0; i < kReaders; ++i) {
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    ASSERT_GE(fd, 0);
    const int small = 4096;
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof(small));
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(server.http_port()));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
    const std::string request =
        absl::StrCat("GET ", largest, " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    ASSERT_EQ(send(fd, request.data(), request.size(), 0),
              static_cast<ssize_t>(request.size()));
    sockets.push_back(fd);
  }
  int64_t peak = before;
  for (int i = 0; i < 30; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    peak = std::max(peak, RssBytes(server.pid()));
  }
  // Each reader's answer, and as much again of working memory while its
  // handler builds it (which the allocator may keep), plus 64 MiB.
  const int64_t bound = 2 * kReaders * kAnswerLimit + (int64_t{64} << 20);
  std::printf(
      "slow readers: %d of a %zu-byte answer; server RSS %lld MiB before, "
      "peak %lld MiB (growth %lld MiB, bound %lld MiB)\n",
      kReaders, answer_bytes, static_cast<long long>(before >> 20),
      static_cast<long long>(peak >> 20),
      static_cast<long long>((peak - before) >> 20),
      static_cast<long long>(bound >> 20));
#if defined(__SANITIZE_ADDRESS__)
  // AddressSanitizer keeps freed memory in quarantine: RSS says little.
  (void)bound;
#else
  EXPECT_LT(peak - before, bound);
#endif
  for (int fd : sockets) close(fd);
  // Health is unaffected.
  r = http.Get("/healthz");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
}

}  // namespace
}  // namespace tsforecast
