#include "service/http/json_text.h"

#include <charconv>
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

void AppendPromValue(std::string* out, double v) {
  if (std::isnan(v)) {
    out->append("NaN");
  } else if (std::isinf(v)) {
    out->append(v > 0 ? "+Inf" : "-Inf");
  } else {
    // The shortest text that reads back as exactly `v`; what printf with
    // rising precision and a strtod check found, at a tenth of the cost
    // (that search was half of a range query's time).
    char buf[32];
    const std::to_chars_result r = std::to_chars(buf, buf + sizeof(buf), v);
    out->append(buf, r.ptr);
  }
}

std::string PromValue(double v) {
  std::string out;
  AppendPromValue(&out, v);
  return out;
}

std::string JsonNumber(double v) {
  return std::isfinite(v) ? PromValue(v) : "null";
}

void AppendPromTime(std::string* out, int64_t ts_ms) {
  const int64_t seconds = ts_ms / 1000;
  int64_t millis = ts_ms % 1000;
  if (ts_ms < 0 && seconds == 0 && millis != 0) out->push_back('-');
  char buf[24];
  std::to_chars_result r = std::to_chars(buf, buf + sizeof(buf), seconds);
  out->append(buf, r.ptr);
  if (millis == 0) return;
  if (millis < 0) millis = -millis;
  const char digits[4] = {'.', static_cast<char>('0' + millis / 100),
                          static_cast<char>('0' + millis / 10 % 10),
                          static_cast<char>('0' + millis % 10)};
  out->append(digits, 4);
}

std::string PromTime(int64_t ts_ms) {
  std::string out;
  AppendPromTime(&out, ts_ms);
  return out;
}

}  // namespace tsforecast::service::http
