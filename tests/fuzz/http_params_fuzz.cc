// The HTTP port's query-string handling: arbitrary query strings through
// the parameter parser and every numeric and time parameter parser (the
// query_range overflow was here).
#include <cstddef>
#include <cstdint>
#include <string>

#include "service/http/http_message.h"
#include "service/http/http_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace http = tsforecast::service::http;
  http::HttpRequest req;
  req.method = (size > 0 && data[0] & 1) ? "POST" : "GET";
  const std::string text(reinterpret_cast<const char*>(data), size);
  http::ParseQueryText(text, req.params);
  (void)http::PercentDecode(text, false);
  const http::Params params(req);
  for (const char* name : {"start", "end", "time", "step", "last", "query"}) {
    const std::string v = params.Get(name);
    (void)http::ParsePromTime(name, v);
    (void)http::ParsePromDuration(name, v);
    (void)http::ParseIntParam(params, name, 0, -1000000, 1000000);
    (void)params.GetAll(name);
  }
  return 0;
}
