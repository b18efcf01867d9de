// Parses Prometheus series selectors: `name`, `name{l="v"}`, `{l=~"a|b"}`,
// with =, !=, =~, !~ and double- or single-quoted values.
#ifndef TSFORECAST_STORAGE_SELECTOR_H_
#define TSFORECAST_STORAGE_SELECTOR_H_

#include <vector>

#include "absl/status/statusor.h"
#include "storage/types.h"

namespace tsforecast::storage {

// INVALID_ARGUMENT with the offending position on a syntax error.
absl::StatusOr<std::vector<LabelMatcher>> ParseSelector(
    absl::string_view selector);

}  // namespace tsforecast::storage

#endif  // TSFORECAST_STORAGE_SELECTOR_H_
