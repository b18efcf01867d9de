// One HTTP request and its answer as the handlers see them, apart from the
// server that reads and writes them (http_listener.h).
#ifndef TSFORECAST_SERVICE_HTTP_HTTP_MESSAGE_H_
#define TSFORECAST_SERVICE_HTTP_HTTP_MESSAGE_H_

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/string_view.h"

namespace tsforecast::service::http {

// Header names compare without case (RFC 9110 section 5.1).
struct HeaderNameLess {
  bool operator()(const std::string& a, const std::string& b) const {
    const size_t n = std::min(a.size(), b.size());
    for (size_t i = 0; i < n; ++i) {
      const char x = absl::ascii_tolower(static_cast<unsigned char>(a[i]));
      const char y = absl::ascii_tolower(static_cast<unsigned char>(b[i]));
      if (x != y) return x < y;
    }
    return a.size() < b.size();
  }
};
using Headers = std::multimap<std::string, std::string, HeaderNameLess>;
using QueryParams = std::multimap<std::string, std::string, std::less<>>;

struct HttpRequest {
  std::string method;  // "GET", "POST", ...
  std::string target;  // path and query as sent
  std::string path;    // percent-decoded, without the query
  Headers headers;
  std::string body;
  // The query string's parameters and, for a POSTed form
  // (application/x-www-form-urlencoded), the body's.
  QueryParams params;
  // Captures of the route's pattern; [0] is the whole path.
  std::vector<std::string> matches;

  // The first value of header `name`, or "".
  std::string get_header_value(const std::string& name) const;
};

struct HttpResponse {
  int status = 200;
  Headers headers;
  std::string body;

  void set_content(std::string content, const std::string& content_type);
  void set_header(const std::string& name, const std::string& value);
};

// Adds the parameters of a query string or form body ("a=1&b=x+y&c=%2F")
// to `params`, percent-decoded, '+' read as a space.
void ParseQueryText(absl::string_view text, QueryParams& params);
// Percent-decodes `text`; `plus_is_space` for query strings and forms.
std::string PercentDecode(absl::string_view text, bool plus_is_space);

}  // namespace tsforecast::service::http

#endif  // TSFORECAST_SERVICE_HTTP_HTTP_MESSAGE_H_
