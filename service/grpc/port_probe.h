// Whether a listening TCP port still accepts connections, seen from
// inside the process. gRPC 1.51's listener stops accepting for good once
// an accept fails for lack of file descriptors (tcp_server_posix.cc,
// "Failed accept4: Too many open files"), while the kernel keeps queueing
// connections on the socket: only a connection that gets an answer proves
// the port alive.
#ifndef TSFORECAST_SERVICE_GRPC_PORT_PROBE_H_
#define TSFORECAST_SERVICE_GRPC_PORT_PROBE_H_

#include <string>

#include "absl/time/time.h"

namespace tsforecast::service {

enum class ProbeResult {
  kAccepts,  // the server answered (data, a close or a reset)
  kSilent,   // connected but nothing came back within the timeout
  kUnknown,  // the probe itself could not run (no descriptor, ...)
};

// Probes keep one descriptor in reserve (open on /dev/null) and give it up
// for their socket when the process has run out, which is exactly when a
// probe matters.
class PortProbe {
 public:
  PortProbe();
  ~PortProbe();
  PortProbe(const PortProbe&) = delete;
  PortProbe& operator=(const PortProbe&) = delete;

  // Connects to `host`:`port`, sends a line no protocol accepts and waits
  // up to `timeout` for any answer. A wildcard host probes loopback.
  ProbeResult Probe(const std::string& host, int port, absl::Duration timeout);

 private:
  int reserve_ = -1;
};

}  // namespace tsforecast::service

#endif  // TSFORECAST_SERVICE_GRPC_PORT_PROBE_H_
