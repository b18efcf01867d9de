#include "service/listen_address.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/strip.h"

namespace tsforecast::service {

std::string HostOf(absl::string_view address) {
  if (absl::StartsWith(address, "unix:")) return "unix";
  absl::ConsumePrefix(&address, "dns:///");
  absl::ConsumePrefix(&address, "ipv4:");
  absl::ConsumePrefix(&address, "ipv6:");
  if (absl::StartsWith(address, "[")) {
    const size_t close = address.find(']');
    return std::string(address.substr(1, close == absl::string_view::npos
                                             ? absl::string_view::npos
                                             : close - 1));
  }
  const size_t colon = address.rfind(':');
  return std::string(
      colon == absl::string_view::npos ? address : address.substr(0, colon));
}

bool IsLoopbackHost(absl::string_view host) {
  const std::string h = absl::AsciiStrToLower(host);
  return h == "localhost" || h == "unix" || h == "::1" ||
         absl::StartsWith(h, "127.");
}

}  // namespace tsforecast::service
