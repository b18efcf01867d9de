// Request parameters and error answers shared by the HTTP handlers.
#ifndef TSFORECAST_SERVICE_HTTP_HTTP_UTIL_H_
#define TSFORECAST_SERVICE_HTTP_HTTP_UTIL_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "service/http/http_message.h"

namespace tsforecast::service::http {

// Query-string and (for POST) form-body parameters together (the server
// parsed both into the request).
class Params {
 public:
  explicit Params(const HttpRequest& request) : params_(request.params) {}
  bool Has(const std::string& name) const;
  std::string Get(const std::string& name, const std::string& def = "") const;
  std::vector<std::string> GetAll(const std::string& name) const;

 private:
  const QueryParams& params_;
};

// HTTP status for a Status code: 400, 401, 403, 404, 409, 412, 429, 499,
// 503, 504, 500.
int HttpStatusOf(absl::StatusCode code);
// absl::StatusCodeToString, e.g. "INVALID_ARGUMENT".
std::string CodeName(absl::StatusCode code);
// The JSON API's error answer: {"error":{"code":"...","message":"..."}}
// with the matching HTTP status (and WWW-Authenticate for 401).
void ReplyError(HttpResponse& res, const absl::Status& status);
// The error answer in the shape the clients of `req`'s path read:
// Prometheus' {"status":"error","errorType":...,"error":...} under
// /api/v1/ (Grafana shows its `error`), plain text for the remote-write
// and remote-read senders (they log the body), InfluxDB's shapes for its
// write paths, the JSON API's (ReplyError) under /api/tsf/, plain text
// elsewhere. `http_status` 0 takes HttpStatusOf(code); `prom_type` null
// takes the code's Prometheus error type.
void ReplyErrorFor(const HttpRequest& req, HttpResponse& res,
                   const absl::Status& status, int http_status = 0,
                   const char* prom_type = nullptr);
// A plain-text answer (one line), as the remote-write and remote-read
// senders log it.
void ReplyText(HttpResponse& res, int status, absl::string_view text);
// Retry-After from the status's retry hint (retry_hint.h), if it has one.
void SetRetryAfter(HttpResponse& res, const absl::Status& status);

// A Prometheus API time: RFC 3339 or Unix seconds (fractions allowed).
absl::StatusOr<int64_t> ParsePromTime(const std::string& field,
                                      const std::string& text);
// A Prometheus step or duration: seconds ("15", "0.5") or "1h30m", "5m",
// "1d", "1w", "1y", "250ms".
absl::StatusOr<int64_t> ParsePromDuration(const std::string& field,
                                          const std::string& text);
// An integer parameter in [lo, hi]; `def` when absent.
absl::StatusOr<int64_t> ParseIntParam(const Params& params,
                                      const std::string& name, int64_t def,
                                      int64_t lo, int64_t hi);

// Listings over HTTP return at most this many entries per answer (the
// `limit` parameter asks for fewer); beyond it they are cut (with a
// warning, or a continuation for the dashboard API).
inline constexpr int64_t kMaxListEntries = 10000;

// Deadline for work done for one HTTP request.
inline absl::Time HttpDeadline() { return absl::Now() + absl::Seconds(30); }

}  // namespace tsforecast::service::http

#endif  // TSFORECAST_SERVICE_HTTP_HTTP_UTIL_H_
