// Access control on the HTTP port: the Host allow-list (against DNS
// rebinding) before routing, then before each handler the role its path
// needs, the scope of a `series` parameter, and POST for requests that
// change data.
// Handlers that list series narrow them with RequestCaller().
#ifndef TSFORECAST_SERVICE_HTTP_HTTP_ACCESS_H_
#define TSFORECAST_SERVICE_HTTP_HTTP_ACCESS_H_

#include <string>
#include <vector>

#include "service/access.h"
#include "service/http/http_message.h"

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

  // Before routing: refuses a Host not on the allow-list, and returns
  // false when it did.
  bool CheckHost(const HttpRequest& req, HttpResponse& res) const;

  // Before each handler, with the body read (a POST form's parameters
  // count): answers and returns false when the request is refused;
  // otherwise records the caller for the handler.
  bool Check(const HttpRequest& req, HttpResponse& res) const;

 private:
  bool HostAllowed(const std::string& host_header) const;

  const Access* access_;
  const HttpAccessOptions options_;
};

// The caller of the request this thread is serving (null when access
// control is off or the path is open). A worker runs the handler on its
// thread right after Check, one request at a time, so a thread-local is
// exact.
const Caller& RequestCaller();

}  // namespace tsforecast::service::http

#endif  // TSFORECAST_SERVICE_HTTP_HTTP_ACCESS_H_
