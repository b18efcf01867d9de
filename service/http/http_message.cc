#include "service/http/http_message.h"

#include "absl/strings/str_split.h"

namespace tsforecast::service::http {
namespace {

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string HttpRequest::get_header_value(const std::string& name) const {
  auto it = headers.find(name);
  return it == headers.end() ? "" : it->second;
}

void HttpResponse::set_content(std::string content,
                               const std::string& content_type) {
  body = std::move(content);
  set_header("Content-Type", content_type);
}

void HttpResponse::set_header(const std::string& name,
                              const std::string& value) {
  headers.erase(name);
  headers.emplace(name, value);
}

std::string PercentDecode(absl::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '%' && i + 2 < text.size()) {
      const int hi = HexDigit(text[i + 1]), lo = HexDigit(text[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
        continue;
      }
    }
    out.push_back(plus_is_space && c == '+' ? ' ' : c);
  }
  return out;
}

void ParseQueryText(absl::string_view text, QueryParams& params) {
  for (absl::string_view pair : absl::StrSplit(text, '&', absl::SkipEmpty())) {
    const size_t eq = pair.find('=');
    const absl::string_view key =
        eq == absl::string_view::npos ? pair : pair.substr(0, eq);
    const absl::string_view value = eq == absl::string_view::npos
                                        ? absl::string_view()
                                        : pair.substr(eq + 1);
    params.emplace(PercentDecode(key, true), PercentDecode(value, true));
  }
}

}  // namespace tsforecast::service::http
