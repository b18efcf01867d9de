// Status propagation helpers. Abseil 20220623 ships no RETURN_IF_ERROR, so
// these are the project's small equivalents.
#ifndef TSFORECAST_COMMON_STATUS_MACROS_H_
#define TSFORECAST_COMMON_STATUS_MACROS_H_

#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"

#define TSF_CONCAT_INNER_(a, b) a##b
#define TSF_CONCAT_(a, b) TSF_CONCAT_INNER_(a, b)

// Returns from the current function with `expr`'s status if it is not OK.
#define TSF_RETURN_IF_ERROR(expr)              \
  do {                                         \
    ::absl::Status tsf_status_ = (expr);       \
    if (!tsf_status_.ok()) return tsf_status_; \
  } while (0)

// `TSF_ASSIGN_OR_RETURN(auto x, Compute());` binds the value or returns the
// error.
#define TSF_ASSIGN_OR_RETURN(lhs, expr) \
  TSF_ASSIGN_OR_RETURN_IMPL_(TSF_CONCAT_(tsf_statusor_, __LINE__), lhs, expr)

#define TSF_ASSIGN_OR_RETURN_IMPL_(statusor, lhs, expr)    \
  auto statusor = (expr);                                  \
  if (!statusor.ok()) return std::move(statusor).status(); \
  lhs = std::move(statusor).value()

namespace tsforecast {

// Returns `status` with `prefix: ` put before its message, same code.
inline absl::Status Annotate(const absl::Status& status,
                             absl::string_view prefix) {
  if (status.ok()) return status;
  return absl::Status(status.code(),
                      absl::StrCat(prefix, ": ", status.message()));
}

}  // namespace tsforecast

#endif  // TSFORECAST_COMMON_STATUS_MACROS_H_
