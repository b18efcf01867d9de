// What a bearer token may do. Each role includes the ones below it.
#ifndef TSFORECAST_SERVICE_AUTH_ROLE_H_
#define TSFORECAST_SERVICE_AUTH_ROLE_H_

#include <optional>

#include "absl/strings/string_view.h"

namespace tsforecast::service::auth {

enum class Role {
  // Series, points, forecasts, backtests, vintages, dashboards.
  kRead = 1,
  // Plus writes: points, point deletes, series creation and updates, saved
  // forecast vintages.
  kWrite = 2,
  // Plus series deletion, backup, compaction and storage statistics.
  kAdmin = 3,
};

inline absl::string_view RoleName(Role role) {
  switch (role) {
    case Role::kRead:
      return "read";
    case Role::kWrite:
      return "write";
    case Role::kAdmin:
      return "admin";
  }
  return "read";
}

inline std::optional<Role> ParseRole(absl::string_view text) {
  if (text == "read") return Role::kRead;
  if (text == "write") return Role::kWrite;
  if (text == "admin") return Role::kAdmin;
  return std::nullopt;
}

}  // namespace tsforecast::service::auth

#endif  // TSFORECAST_SERVICE_AUTH_ROLE_H_
