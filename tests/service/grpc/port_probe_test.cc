#include "service/grpc/port_probe.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <thread>

#include "gtest/gtest.h"

namespace tsforecast::service {
namespace {

// A loopback socket listening on an ephemeral port; its port.
int Listen(int* port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  listen(fd, 16);
  socklen_t len = sizeof(addr);
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  *port = ntohs(addr.sin_port);
  return fd;
}

// A listener that never accepts is what gRPC 1.51 leaves after running out
// of descriptors: the kernel completes connections, nobody answers.
TEST(PortProbeTest, AListenerThatNeverAcceptsIsSilent) {
  int port = 0;
  const int fd = Listen(&port);
  PortProbe probe;
  EXPECT_EQ(probe.Probe("127.0.0.1", port, absl::Milliseconds(200)),
            ProbeResult::kSilent);
  close(fd);
}

TEST(PortProbeTest, AServerThatAnswersOrClosesAccepts) {
  int port = 0;
  const int fd = Listen(&port);
  std::thread server([fd] {
    const int conn = accept(fd, nullptr, nullptr);
    close(conn);  // an answer: the connection closes
  });
  PortProbe probe;
  EXPECT_EQ(probe.Probe("0.0.0.0", port, absl::Seconds(5)),
            ProbeResult::kAccepts);
  server.join();
  close(fd);
  // Nothing listens any more: no verdict on the port.
  EXPECT_EQ(probe.Probe("127.0.0.1", port, absl::Milliseconds(200)),
            ProbeResult::kUnknown);
}

}  // namespace
}  // namespace tsforecast::service
