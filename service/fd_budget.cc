#include "service/fd_budget.h"

#include <sys/resource.h>

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace tsforecast::service {

std::string FdBudget::Describe() const {
  return absl::StrCat(
      "file descriptors: limit ", limit,
      raised_from != 0 ? absl::StrCat(" (raised from ", raised_from, ")") : "",
      "; ", store_open_files, " for table files, ", http_connections,
      " HTTP connections, ", kFdReserve,
      " reserved for logs and listeners, the rest for gRPC connections");
}

FdBudget PlanFdBudget(uint64_t limit) {
  FdBudget budget;
  budget.limit = limit;
  const uint64_t rest = limit > kFdReserve ? limit - kFdReserve : 0;
  budget.store_open_files =
      static_cast<int>(std::clamp<uint64_t>(rest / 4, 16, 5000));
  budget.http_connections =
      static_cast<size_t>(std::clamp<uint64_t>(rest / 2, 16, 20000));
  return budget;
}

FdBudget RaiseAndPlanFdBudget() {
  struct rlimit rl;
  if (getrlimit(RLIMIT_NOFILE, &rl) != 0) return PlanFdBudget(1024);
  uint64_t raised_from = 0;
  if (rl.rlim_cur < rl.rlim_max) {
    const rlim_t before = rl.rlim_cur;
    rl.rlim_cur = rl.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &rl) == 0) {
      raised_from = before;
    } else {
      rl.rlim_cur = before;
    }
  }
  FdBudget budget = PlanFdBudget(rl.rlim_cur == RLIM_INFINITY
                                     ? uint64_t{1} << 20
                                     : static_cast<uint64_t>(rl.rlim_cur));
  budget.raised_from = raised_from;
  return budget;
}

}  // namespace tsforecast::service
