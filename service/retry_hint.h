// A retry hint carried on an absl::Status, so that the HTTP port can send
// it as Retry-After; the message says the same in words for gRPC callers.
#ifndef TSFORECAST_SERVICE_RETRY_HINT_H_
#define TSFORECAST_SERVICE_RETRY_HINT_H_

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"

namespace tsforecast::service {

inline constexpr char kRetryAfterPayload[] = "tsforecast/retry-after-ms";

inline absl::Status WithRetryAfter(absl::Status status, absl::Duration wait) {
  status.SetPayload(kRetryAfterPayload,
                    absl::Cord(absl::StrCat(absl::ToInt64Milliseconds(wait))));
  return status;
}

inline std::optional<absl::Duration> RetryAfter(const absl::Status& status) {
  absl::optional<absl::Cord> payload = status.GetPayload(kRetryAfterPayload);
  int64_t ms = 0;
  if (!payload || !absl::SimpleAtoi(std::string(*payload), &ms)) {
    return std::nullopt;
  }
  return absl::Milliseconds(ms);
}

}  // namespace tsforecast::service

#endif  // TSFORECAST_SERVICE_RETRY_HINT_H_
