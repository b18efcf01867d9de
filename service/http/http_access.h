// Access control on the HTTP port: the Host allow-list (against DNS
// rebinding) before routing, then before each handler the role its path
// needs, the scope of a `series` parameter, and POST for requests that
// change data.
// Handlers that list series narrow them with RequestCaller().
#ifndef TSFORECAST_SERVICE_HTTP_HTTP_ACCESS_H_
#define TSFORECAST_SERVICE_HTTP_HTTP_ACCESS_H_

#include <string>
#include <vector>

#include "httplib.h"
#include "service/access.h"

namespace tsforecast::service::http {

struct HttpAccessOptions {
  // Host header values accepted (without port); "*" accepts any.
  std::vector<std::string> allowed_hosts;
  // Whether /metrics needs a read token (with access control on).
  bool metrics_auth = false;
};

// The default allow-list: loopback names, plus `listen_host` when it is a
// specific address (not a wildcard).
std::vector<std::string> DefaultAllowedHosts(const std::string& listen_host);

class HttpAccess {
 public:
  HttpAccess(const Access* access, HttpAccessOptions options)
      : access_(access), options_(std::move(options)) {}

  // For httplib's pre-routing hook, before the body is read: refuses a
  // Host not on the allow-list, and returns Handled when it did.
  httplib::Server::HandlerResponse CheckHost(const httplib::Request& req,
                                             httplib::Response& res) const;

  // Before each handler, with the body read (a POST form's parameters
  // count): answers and returns false when the request is refused;
  // otherwise records the caller for the handler.
  bool Check(const httplib::Request& req, httplib::Response& res) const;

 private:
  bool HostAllowed(const std::string& host_header) const;

  const Access* access_;
  const HttpAccessOptions options_;
};

// The caller of the request this thread is serving (null when access
// control is off or the path is open). cpp-httplib has no per-request
// context, but runs a handler on one worker thread, one request at a time,
// right after Check, so a thread-local is exact.
const Caller& RequestCaller();

}  // namespace tsforecast::service::http

#endif  // TSFORECAST_SERVICE_HTTP_HTTP_ACCESS_H_
