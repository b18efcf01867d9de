// Small helpers for writing JSON text by hand on the HTTP port's hot paths.
#ifndef TSFORECAST_SERVICE_HTTP_JSON_TEXT_H_
#define TSFORECAST_SERVICE_HTTP_JSON_TEXT_H_

#include <string>

#include "absl/strings/string_view.h"

namespace tsforecast::service::http {

// Appends `text` as a quoted JSON string.
void AppendJsonString(std::string* out, absl::string_view text);
// A sample value as Prometheus writes it: shortest round-trip text, "NaN",
// "+Inf", "-Inf".
std::string PromValue(double v);
void AppendPromValue(std::string* out, double v);
// A JSON number: shortest round-trip text, or null when not finite (JSON
// has no NaN or infinity).
std::string JsonNumber(double v);
// Seconds since the epoch with millisecond precision, as a JSON number.
std::string PromTime(int64_t ts_ms);
void AppendPromTime(std::string* out, int64_t ts_ms);

}  // namespace tsforecast::service::http

#endif  // TSFORECAST_SERVICE_HTTP_JSON_TEXT_H_
