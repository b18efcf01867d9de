// Which addresses are loopback: the server refuses to listen elsewhere in
// plaintext (see ServerOptions::allow_insecure_remote).
#ifndef TSFORECAST_SERVICE_LISTEN_ADDRESS_H_
#define TSFORECAST_SERVICE_LISTEN_ADDRESS_H_

#include <string>

#include "absl/strings/string_view.h"

namespace tsforecast::service {

// The host of "host:port", "[v6]:port", "dns:///host:port" or
// "unix:path" ("unix:..." gives "unix").
std::string HostOf(absl::string_view address);

// localhost, 127.0.0.0/8, ::1 and unix sockets. Wildcards (0.0.0.0, ::,
// "") are not: they bind every interface.
bool IsLoopbackHost(absl::string_view host);

}  // namespace tsforecast::service

#endif  // TSFORECAST_SERVICE_LISTEN_ADDRESS_H_
