#include "service/http/json_text.h"

#include <cmath>
#include <cstdio>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace tsforecast::service::http {

void AppendJsonString(std::string* out, absl::string_view text) {
  out->push_back('"');
  for (char c : text) {
    switch (c) {
      case '"':
        out->append("\\\"");
        break;
      case '\\':
        out->append("\\\\");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\r':
        out->append("\\r");
        break;
      case '\t':
        out->append("\\t");
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          absl::StrAppendFormat(out, "\\u%04x", c);
        } else {
          out->push_back(c);
        }
    }
  }
  out->push_back('"');
}

std::string PromValue(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[32];
  for (int precision = 15; precision <= 17; ++precision) {
    std::snprintf(buf, sizeof(buf), "%.*g", precision, v);
    if (std::strtod(buf, nullptr) == v) break;
  }
  return buf;
}

std::string JsonNumber(double v) {
  return std::isfinite(v) ? PromValue(v) : "null";
}

std::string PromTime(int64_t ts_ms) {
  const int64_t seconds = ts_ms / 1000;
  int64_t millis = ts_ms % 1000;
  if (millis == 0) return absl::StrCat(seconds);
  if (millis < 0) millis = -millis;
  return absl::StrFormat("%s%d.%03d", ts_ms < 0 && seconds == 0 ? "-" : "",
                         seconds, millis);
}

}  // namespace tsforecast::service::http
