// File descriptors divided between the store and the ports, so that idle
// connections cannot take the descriptors RocksDB needs to open a table or
// a new write-ahead log (issue 19: 1,100 idle HTTP connections under
// `ulimit -n 1024` stopped writes until a restart).
#ifndef TSFORECAST_SERVICE_FD_BUDGET_H_
#define TSFORECAST_SERVICE_FD_BUDGET_H_

#include <cstdint>
#include <string>

namespace tsforecast::service {

struct FdBudget {
  uint64_t limit = 0;        // RLIMIT_NOFILE's soft limit in effect
  uint64_t raised_from = 0;  // the soft limit found, when it was raised
  int store_open_files = 0;  // RocksDB's max_open_files (table files)
  size_t http_connections = 0;
  // One line for the start-up log.
  std::string Describe() const;
};

// Descriptors kept for everything that is neither a table file nor a
// connection: write-ahead and head logs, the MANIFEST, listeners, epoll
// and event descriptors, the info log.
inline constexpr uint64_t kFdReserve = 128;

// Divides `limit` descriptors: the fixed reserve, then a quarter of the
// rest for table files (at most 5,000) and half for HTTP connections (at
// most 20,000); the last quarter is for gRPC connections, which gRPC 1.51
// cannot cap (docs/reliability.md).
FdBudget PlanFdBudget(uint64_t limit);

// Raises the soft RLIMIT_NOFILE to the hard limit where allowed and plans
// the budget for the limit then in effect.
FdBudget RaiseAndPlanFdBudget();

}  // namespace tsforecast::service

#endif  // TSFORECAST_SERVICE_FD_BUDGET_H_
