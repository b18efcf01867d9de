#include "service/fd_budget.h"

#include "gtest/gtest.h"

namespace tsforecast::service {
namespace {

TEST(FdBudgetTest, DividesTheLimitAndKeepsTheReserve) {
  const FdBudget small = PlanFdBudget(1024);
  EXPECT_EQ(small.store_open_files, 224);
  EXPECT_EQ(small.http_connections, 448u);
  // Table files, HTTP connections and the reserve fit with a quarter left
  // for gRPC.
  EXPECT_LE(small.store_open_files + small.http_connections + kFdReserve +
                (1024 - kFdReserve) / 4,
            1024u);
  const FdBudget large = PlanFdBudget(1 << 20);
  EXPECT_EQ(large.store_open_files, 5000);
  EXPECT_EQ(large.http_connections, 20000u);
  const FdBudget tiny = PlanFdBudget(64);
  EXPECT_EQ(tiny.store_open_files, 16);
  EXPECT_EQ(tiny.http_connections, 16u);
  EXPECT_NE(small.Describe().find("limit 1024"), std::string::npos);
}

}  // namespace
}  // namespace tsforecast::service
