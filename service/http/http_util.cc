#include "service/http/http_util.h"

#include <cmath>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/calendar_step.h"
#include "common/time_util.h"
#include "service/http/json_text.h"
#include "service/retry_hint.h"

namespace tsforecast::service::http {

bool Params::Has(const std::string& name) const {
  return params_.find(name) != params_.end();
}

std::string Params::Get(const std::string& name, const std::string& def) const {
  auto it = params_.find(name);
  return it == params_.end() ? def : it->second;
}

std::vector<std::string> Params::GetAll(const std::string& name) const {
  std::vector<std::string> out;
  auto range = params_.equal_range(name);
  for (auto it = range.first; it != range.second; ++it) {
    out.push_back(it->second);
  }
  return out;
}

int HttpStatusOf(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kOk:
      return 200;
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kOutOfRange:
      return 400;
    case absl::StatusCode::kUnauthenticated:
      return 401;
    case absl::StatusCode::kPermissionDenied:
      return 403;
    case absl::StatusCode::kNotFound:
      return 404;
    case absl::StatusCode::kAlreadyExists:
    case absl::StatusCode::kAborted:
      return 409;
    case absl::StatusCode::kFailedPrecondition:
      return 412;
    case absl::StatusCode::kResourceExhausted:
      return 429;
    case absl::StatusCode::kCancelled:
      return 499;
    case absl::StatusCode::kUnavailable:
      return 503;
    case absl::StatusCode::kDeadlineExceeded:
      return 504;
    case absl::StatusCode::kUnimplemented:
      return 501;
    default:
      return 500;
  }
}

std::string CodeName(absl::StatusCode code) {
  return absl::StatusCodeToString(code);
}

void ReplyError(HttpResponse& res, const absl::Status& status) {
  std::string body = "{\"error\":{\"code\":";
  AppendJsonString(&body, CodeName(status.code()));
  body += ",\"message\":";
  AppendJsonString(&body, status.message());
  body += "}}";
  res.status = HttpStatusOf(status.code());
  if (status.code() == absl::StatusCode::kUnauthenticated) {
    res.set_header("WWW-Authenticate", "Bearer");
  }
  SetRetryAfter(res, status);
  res.set_content(std::move(body), "application/json");
}

namespace {

const char* PromErrorType(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kInvalidArgument:
      return "bad_data";
    case absl::StatusCode::kNotFound:
      return "not_found";
    case absl::StatusCode::kDeadlineExceeded:
      return "timeout";
    case absl::StatusCode::kResourceExhausted:
    case absl::StatusCode::kUnavailable:
      return "unavailable";
    case absl::StatusCode::kInternal:
    case absl::StatusCode::kDataLoss:
      return "internal";
    case absl::StatusCode::kUnauthenticated:
      return "unauthorized";
    case absl::StatusCode::kPermissionDenied:
      return "forbidden";
    default:
      return "execution";
  }
}

// InfluxDB 2.x's error codes.
const char* InfluxCode(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kInvalidArgument:
      return "invalid";
    case absl::StatusCode::kUnauthenticated:
      return "unauthorized";
    case absl::StatusCode::kPermissionDenied:
      return "forbidden";
    case absl::StatusCode::kNotFound:
      return "not found";
    case absl::StatusCode::kOutOfRange:
      return "request too large";
    case absl::StatusCode::kResourceExhausted:
      return "too many requests";
    case absl::StatusCode::kUnavailable:
      return "unavailable";
    default:
      return "internal error";
  }
}

}  // namespace

void ReplyErrorFor(const HttpRequest& req, HttpResponse& res,
                   const absl::Status& status, int http_status,
                   const char* prom_type) {
  const std::string& path = req.path;
  if (absl::StartsWith(path, "/api/tsf/")) {
    ReplyError(res, status);
    if (http_status != 0) res.status = http_status;
    return;
  }
  res.status = http_status != 0 ? http_status : HttpStatusOf(status.code());
  SetRetryAfter(res, status);
  if (status.code() == absl::StatusCode::kUnauthenticated) {
    res.set_header("WWW-Authenticate", "Bearer");
  }
  std::string body;
  if (path == "/api/v1/write" || path == "/api/v1/read") {
    ReplyText(res, res.status, status.message());
  } else if (absl::StartsWith(path, "/api/v1/")) {
    body = absl::StrCat(
        "{\"status\":\"error\",\"errorType\":\"",
        prom_type != nullptr ? prom_type : PromErrorType(status.code()),
        "\",\"error\":");
    AppendJsonString(&body, status.message());
    body += '}';
    res.set_content(std::move(body), "application/json");
  } else if (path == "/api/v2/write") {
    body = absl::StrCat("{\"code\":\"", InfluxCode(status.code()),
                        "\",\"message\":");
    AppendJsonString(&body, status.message());
    body += '}';
    res.set_content(std::move(body), "application/json");
  } else if (path == "/write" || path == "/ping") {
    body = "{\"error\":";
    AppendJsonString(&body, status.message());
    body += '}';
    res.set_content(std::move(body), "application/json");
  } else {
    res.set_content(absl::StrCat(status.message(), "\n"), "text/plain");
  }
}

void ReplyText(HttpResponse& res, int status, absl::string_view text) {
  res.status = status;
  res.set_content(absl::StrCat(text, "\n"), "text/plain; charset=utf-8");
}

void SetRetryAfter(HttpResponse& res, const absl::Status& status) {
  if (std::optional<absl::Duration> wait = RetryAfter(status)) {
    // Whole seconds (RFC 9110), rounded up so that waiting them suffices.
    res.set_header(
        "Retry-After",
        std::to_string(std::max<int64_t>(
            1, absl::ToInt64Seconds(absl::Ceil(*wait, absl::Seconds(1))))));
  }
}

absl::StatusOr<int64_t> ParsePromTime(const std::string& field,
                                      const std::string& text) {
  double seconds;
  if (absl::SimpleAtod(text, &seconds) && std::isfinite(seconds)) {
    // Bounded before converting: a huge number would overflow int64 and
    // then every step count computed from it.
    if (seconds < kMinTimestampMs / 1000.0 ||
        seconds > kMaxTimestampMs / 1000.0) {
      return absl::InvalidArgumentError(absl::StrCat(
          field, ": ", text.substr(0, 40),
          " is outside years 1000 to 9999 (Unix seconds expected)"));
    }
    return static_cast<int64_t>(std::llround(seconds * 1000));
  }
  absl::StatusOr<int64_t> ts = ParseTimestamp(text);
  if (!ts.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        field, ": cannot parse \"", text.substr(0, 40),
        "\" as RFC 3339 or Unix seconds, e.g. 2024-05-01T00:00:00Z"));
  }
  return ts;
}

absl::StatusOr<int64_t> ParsePromDuration(const std::string& field,
                                          const std::string& text) {
  // Longer than the span of valid timestamps is never meaningful, and
  // bounding it keeps the sums below from overflowing.
  constexpr int64_t kMaxDurationMs = kMaxTimestampMs - kMinTimestampMs;
  double seconds;
  int64_t total = 0;
  if (absl::SimpleAtod(text, &seconds)) {
    total = std::isfinite(seconds) && seconds > 0 &&
                    seconds <= kMaxDurationMs / 1000.0
                ? std::llround(seconds * 1000)
                : -1;
  } else {
    size_t i = 0;
    while (i < text.size()) {
      size_t j = i;
      while (j < text.size() && std::isdigit(text[j])) ++j;
      size_t k = j;
      while (k < text.size() && std::isalpha(text[k])) ++k;
      int64_t n = 0;
      if (j == i || k == j || !absl::SimpleAtoi(text.substr(i, j - i), &n) ||
          n > kMaxDurationMs) {
        total = -1;
        break;
      }
      const std::string unit = text.substr(j, k - j);
      static const std::pair<const char*, int64_t> kUnits[] = {
          {"ms", 1},
          {"s", 1000},
          {"m", 60000},
          {"h", 3600000},
          {"d", 86400000},
          {"w", 7 * 86400000LL},
          {"y", 365 * 86400000LL}};
      int64_t unit_ms = 0;
      for (const auto& [name, ms] : kUnits) {
        if (unit == name) unit_ms = ms;
      }
      if (unit_ms == 0) {
        total = -1;
        break;
      }
      if (n > (kMaxDurationMs - total) / unit_ms) {
        total = -1;
        break;
      }
      total += n * unit_ms;
      i = k;
    }
  }
  if (total <= 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": cannot parse \"", text.substr(0, 40),
                     "\" as a positive duration, e.g. 15s, 1h or 3600"));
  }
  return total;
}

absl::StatusOr<int64_t> ParseIntParam(const Params& params,
                                      const std::string& name, int64_t def,
                                      int64_t lo, int64_t hi) {
  if (!params.Has(name)) return def;
  int64_t v;
  const std::string text = params.Get(name);
  if (!absl::SimpleAtoi(text, &v) || v < lo || v > hi) {
    return absl::InvalidArgumentError(absl::StrCat(
        name, ": \"", text, "\" is not an integer in [", lo, ", ", hi, "]"));
  }
  return v;
}

}  // namespace tsforecast::service::http
