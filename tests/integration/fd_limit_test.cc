// Issue 19: under `ulimit -n 1024`, 1,100 idle HTTP connections (no token
// needed) left RocksDB unable to open a new write-ahead log, and writes
// stayed stopped until a restart. The server now divides its descriptors
// (service/fd_budget.h): here it runs with a soft and hard limit of 1024
// while this test holds 1,100 connections to its HTTP port, and a flush
// (which opens a table file and a new log), writes and reads must all
// still work; the connections beyond the HTTP budget are closed.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "httplib.h"
#include "tests/testing/server_process.h"
#include "tests/testing/temp_dir.h"

namespace tsforecast {
namespace {

using testing::CommandResult;
using testing::RunCommand;

constexpr int kConnections = 1100;

// This process opens 1,100 connections: its own soft limit goes to the
// hard one; false when even that is too low.
bool RoomForConnections() {
  struct rlimit rl;
  if (getrlimit(RLIMIT_NOFILE, &rl) != 0) return false;
  if (rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
    getrlimit(RLIMIT_NOFILE, &rl);
  }
  return rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur >= kConnections + 256;
}

int Connect(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

// Whether the server closed `fd` (a read sees the end or an error).
bool ClosedByServer(int fd) {
  pollfd p{fd, POLLIN, 0};
  if (poll(&p, 1, 0) <= 0) return false;
  char c;
  return recv(fd, &c, 1, MSG_DONTWAIT) <= 0;
}

TEST(FdLimitTest, IdleConnectionsCannotTakeTheStoresDescriptors) {
  if (!RoomForConnections()) GTEST_SKIP() << "RLIMIT_NOFILE too low here";
  testing::TempDir dir;
  testing::ServerProcess server;
  server.set_fd_limit(1024);
  std::string error;
  ASSERT_TRUE(server.Start(dir.Sub("data"), {}, &error)) << error;
  auto tsfctl = [&](std::vector<std::string> args,
                    const std::string& stdin_text = "") {
    args.insert(args.begin(), {testing::BuildBinary("tsfctl"),
                               "--server=" + server.address()});
    return RunCommand(args, stdin_text);
  };
  std::string csv;
  for (int day = 1; day <= 28; ++day) {
    csv += absl::StrCat("2024-02-", day < 10 ? "0" : "", day, ",", day, "\n");
  }
  ASSERT_EQ(tsfctl({"write", "-", "--series", "a", "--create-step", "1d"}, csv)
                .exit_code,
            0);

  std::vector<int> held;
  for (int i = 0; i < kConnections; ++i) {
    const int fd = Connect(server.http_port());
    if (fd >= 0) held.push_back(fd);
  }
  // A request after them makes sure the server has taken (or closed)
  // every one before the store is asked for descriptors; at the cap it is
  // closed too (printed, not asserted).
  httplib::Client probe("127.0.0.1", server.http_port());
  httplib::Result health = probe.Get("/healthz");
  int closed = 0;
  for (int fd : held) closed += ClosedByServer(fd) ? 1 : 0;

  // A flush and compaction open table files and a new write-ahead log.
  CommandResult r = tsfctl({"compact"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  r = tsfctl({"write", "-", "--series", "a"}, "2024-02-29,29\n");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  r = tsfctl({"read", "a", "-f", "csv"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 30) << r.out;
  std::printf(
      "fd limit 1024: %zu connections opened, %d closed by the "
      "server; health %s\n",
      held.size(), closed,
      health ? absl::StrCat(health->status).c_str() : "unanswered");
  // The HTTP budget at 1024 descriptors is 448 connections.
  EXPECT_GE(closed, static_cast<int>(held.size()) - 448 - 1);
  EXPECT_EQ(held.size(), static_cast<size_t>(kConnections));
  for (int fd : held) close(fd);
  // Still writable by the server's own account (/readyz is 503 with the
  // reason after a background error).
  httplib::Client after("127.0.0.1", server.http_port());
  httplib::Result ready = after.Get("/readyz");
  ASSERT_TRUE(ready);
  EXPECT_EQ(ready->status, 200) << ready->body;
  EXPECT_TRUE(server.Alive());
}

// gRPC 1.51 cannot cap its connections, and its listener stops accepting
// for good after one accept fails for lack of descriptors ("Failed
// accept4: Too many open files"). The server notices (its port probe gets
// no answer three times) and stops with exit status 3 for its supervisor;
// started again, it serves as before with everything it had.
TEST(FdLimitTest, ADeadGrpcPortStopsTheServerForARestart) {
#if defined(__SANITIZE_ADDRESS__)
  // UBSan checks a vptr by writing the memory to a pipe; with the
  // descriptor table full it cannot, and reports a false "invalid vptr"
  // as the server's threads start and stop (seen in std::thread).
  GTEST_SKIP() << "the sanitizer runtime needs descriptors this test "
                  "exhausts";
#endif
  if (!RoomForConnections()) GTEST_SKIP() << "RLIMIT_NOFILE too low here";
  testing::TempDir dir;
  testing::ServerProcess server;
  server.set_fd_limit(1024);
  std::string error;
  ASSERT_TRUE(
      server.Start(dir.Sub("data"), {"--grpc_port_probe_s=0.5"}, &error))
      << error;
  CommandResult r = RunCommand(
      {testing::BuildBinary("tsfctl"), "--server=" + server.address(), "write",
       "-", "--series", "a", "--create-step", "1d"},
      "2024-02-01,1\n2024-02-02,2\n");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::vector<int> held;
  for (int i = 0; i < kConnections; ++i) {
    const int fd = Connect(server.port());
    if (fd >= 0) held.push_back(fd);
  }
  // The probe needs three silent answers half a second apart, and gets
  // them while the connections are still held (it keeps a descriptor in
  // reserve for itself).
  for (int i = 0; i < 300 && server.Alive(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  for (int fd : held) close(fd);
  ASSERT_FALSE(server.Alive()) << "the server did not notice its dead port";
  const int status = server.exit_status();
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 3)
      << "wait status " << status;
  ASSERT_TRUE(server.Start(dir.Sub("data"), {}, &error)) << error;
  r = RunCommand({testing::BuildBinary("tsfctl"),
                  "--server=" + server.address(), "read", "a", "-f", "csv"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 3) << r.out;
}

}  // namespace
}  // namespace tsforecast
