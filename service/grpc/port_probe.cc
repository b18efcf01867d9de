#include "service/grpc/port_probe.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

#include "absl/cleanup/cleanup.h"
#include "absl/strings/str_cat.h"

namespace tsforecast::service {

PortProbe::PortProbe() : reserve_(open("/dev/null", O_RDONLY | O_CLOEXEC)) {}

PortProbe::~PortProbe() {
  if (reserve_ >= 0) close(reserve_);
}

ProbeResult PortProbe::Probe(const std::string& host, int port,
                             absl::Duration timeout) {
  std::string target = host;
  if (target.empty() || target == "0.0.0.0" || target == "[::]" ||
      target == "::") {
    target = "127.0.0.1";
  }
  if (target.size() > 2 && target.front() == '[' && target.back() == ']') {
    target = target.substr(1, target.size() - 2);
  }
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICSERV;
  addrinfo* found = nullptr;
  const std::string service = absl::StrCat(port);
  if (getaddrinfo(target.c_str(), service.c_str(), &hints, &found) != 0 ||
      found == nullptr) {
    return ProbeResult::kUnknown;
  }
  int fd = socket(found->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0 && errno == EMFILE && reserve_ >= 0) {
    close(reserve_);
    fd = socket(found->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    reserve_ = -1;
  }
  absl::Cleanup rebuild_reserve = [this] {
    if (reserve_ < 0) reserve_ = open("/dev/null", O_RDONLY | O_CLOEXEC);
  };
  if (fd < 0) {
    freeaddrinfo(found);
    return ProbeResult::kUnknown;
  }
  const int connected = connect(fd, found->ai_addr, found->ai_addrlen);
  freeaddrinfo(found);
  if (connected != 0) {
    close(fd);
    // Refused outright is an answer of its own: nothing listens.
    return ProbeResult::kUnknown;
  }
  constexpr char kLine[] = "tsforecast-probe\r\n\r\n";
  (void)send(fd, kLine, sizeof(kLine) - 1, MSG_NOSIGNAL);
  pollfd p{fd, POLLIN, 0};
  const int ready =
      poll(&p, 1, static_cast<int>(absl::ToInt64Milliseconds(timeout)));
  close(fd);
  if (ready < 0) return ProbeResult::kUnknown;
  return ready > 0 ? ProbeResult::kAccepts : ProbeResult::kSilent;
}

}  // namespace tsforecast::service
