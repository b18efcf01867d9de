// Series selectors and the PromQL subset on arbitrary text: parsed, or an
// INVALID_ARGUMENT; never a crash, hang or unbounded regex.
#include <cstddef>
#include <cstdint>
#include <string>

#include "service/http/prom_query.h"
#include "storage/selector.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<std::vector<tsforecast::storage::LabelMatcher>> matchers =
      tsforecast::storage::ParseSelector(text);
  if (matchers.ok()) {
    absl::StatusOr<tsforecast::storage::SeriesSelector> compiled =
        tsforecast::storage::SeriesSelector::Compile(*matchers);
    if (compiled.ok()) (void)compiled->Matches("fuzz", {{"a", text}});
  }
  (void)tsforecast::service::http::ParsePromQuery(text);
  return 0;
}
