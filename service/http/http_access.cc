#include "service/http/http_access.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "service/http/http_util.h"
#include "service/listen_address.h"

namespace tsforecast::service::http {
namespace {

thread_local Caller current_caller;

// The host of a Host header: "example.com:8080" -> "example.com",
// "[::1]:8080" -> "::1".
std::string HostName(const std::string& header) {
  if (absl::StartsWith(header, "[")) {
    const size_t close = header.find(']');
    return close == std::string::npos ? header : header.substr(1, close - 1);
  }
  const size_t colon = header.rfind(':');
  return absl::AsciiStrToLower(
      colon == std::string::npos ? header : header.substr(0, colon));
}

// Paths that store data whatever their method.
bool IsPushPath(const std::string& path) {
  return path == "/api/v1/write" || path == "/write" || path == "/api/v2/write";
}

// The token of a request as "Bearer <secret>", from whichever form its
// sender uses: Bearer (ours, Prometheus' `authorization`), "Token" (InfluxDB
// 2.x clients), Basic with the token as password (Prometheus'
// `basic_auth`, InfluxDB 1.x clients), or InfluxDB 1.x's `p` parameter.
std::string Authorization(const HttpRequest& req, const Params& params) {
  std::string header = req.get_header_value("Authorization");
  absl::string_view rest = header;
  if (absl::ConsumePrefix(&rest, "Token ")) {
    return absl::StrCat("Bearer ", rest);
  }
  if (absl::ConsumePrefix(&rest, "Basic ")) {
    std::string decoded;
    if (absl::Base64Unescape(absl::StripAsciiWhitespace(rest), &decoded)) {
      const size_t colon = decoded.find(':');
      if (colon != std::string::npos) {
        return absl::StrCat("Bearer ", decoded.substr(colon + 1));
      }
    }
    return header;
  }
  if (header.empty() && params.Has("p")) {
    return absl::StrCat("Bearer ", params.Get("p"));
  }
  return header;
}

}  // namespace

const Caller& RequestCaller() { return current_caller; }

std::vector<std::string> DefaultAllowedHosts(const std::string& listen_host) {
  std::vector<std::string> hosts = {"localhost", "127.0.0.1", "::1"};
  const std::string host = absl::AsciiStrToLower(listen_host);
  if (!host.empty() && host != "0.0.0.0" && host != "::" &&
      std::find(hosts.begin(), hosts.end(), host) == hosts.end()) {
    hosts.push_back(host);
  }
  return hosts;
}

bool HttpAccess::HostAllowed(const std::string& host_header) const {
  const std::string host = HostName(host_header);
  for (const std::string& allowed : options_.allowed_hosts) {
    if (allowed == "*" || allowed == host) return true;
  }
  return false;
}

bool HttpAccess::CheckHost(const HttpRequest& req, HttpResponse& res) const {
  // HTTP/1.1 requires Host; a browser tricked by DNS rebinding sends the
  // attacker's name.
  if (HostAllowed(req.get_header_value("Host"))) {
    return true;
  }
  ReplyErrorFor(req, res,
                absl::PermissionDeniedError(absl::StrCat(
                    "Host \"", req.get_header_value("Host").substr(0, 100),
                    "\" is not served here (server flag "
                    "--http_allowed_hosts)")));
  return false;
}

bool HttpAccess::Check(const HttpRequest& req, HttpResponse& res) const {
  current_caller = nullptr;
  const std::string& path = req.path;
  const Params params(req);
  // Saving a vintage stores data: never on a GET a link or a prefetch can
  // trigger.
  const bool saves =
      path == "/api/tsf/v1/forecast" && (params.Get("save_vintage") == "1" ||
                                         params.Get("save_vintage") == "true");
  if (saves && req.method != "POST") {
    ReplyErrorFor(req, res,
                  absl::InvalidArgumentError(
                      "save_vintage: changes data, so it needs a POST"));
    res.status = 405;
    res.set_header("Allow", "POST");
    return false;
  }
  const bool open = path == "/healthz" || path == "/readyz" || path == "/" ||
                    path == "/ping" ||
                    (path == "/metrics" && !options_.metrics_auth);
  if (open || !access_->enabled()) return true;
  absl::StatusOr<Caller> caller = access_->Check(
      Authorization(req, params),
      saves || IsPushPath(path) ? auth::Role::kWrite : auth::Role::kRead,
      absl::StrCat(req.method, " ", path));
  if (!caller.ok()) {
    ReplyErrorFor(req, res, caller.status());
    return false;
  }
  if (params.Has("series")) {
    absl::Status in_scope = access_->CheckSeries(*caller, params.Get("series"));
    if (!in_scope.ok()) {
      ReplyErrorFor(req, res, in_scope);
      return false;
    }
  }
  current_caller = *std::move(caller);
  return true;
}

}  // namespace tsforecast::service::http
