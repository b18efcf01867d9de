#include "service/ingest_budget.h"

#include <optional>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace tsforecast::service {
namespace {

using ::testing::HasSubstr;

TEST(IngestBudgetTest, RefusesWhatWouldPassTheLimitAndFreesOnRelease) {
  IngestBudget budget(100 << 20);
  std::optional<IngestBudget::Lease> first;
  {
    absl::StatusOr<IngestBudget::Lease> lease = budget.Acquire(60 << 20);
    ASSERT_TRUE(lease.ok());
    first.emplace(std::move(*lease));
  }
  EXPECT_EQ(budget.in_flight(), 60 << 20);
  absl::StatusOr<IngestBudget::Lease> second = budget.Acquire(50 << 20);
  ASSERT_EQ(second.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(second.status().message(), HasSubstr("--max_ingest_inflight_mb"));
  EXPECT_THAT(second.status().message(), HasSubstr("retry"));
  EXPECT_EQ(budget.refused(), 1u);
  // What still fits is let in.
  EXPECT_TRUE(budget.Acquire(40 << 20).ok());
  EXPECT_EQ(budget.in_flight(), 60 << 20) << "the lease above was dropped";
  first.reset();
  EXPECT_EQ(budget.in_flight(), 0);
  EXPECT_TRUE(budget.Acquire(50 << 20).ok());
}

TEST(IngestBudgetTest, OneRequestLargerThanTheBudgetPassesWhenIdle) {
  IngestBudget budget(1 << 20);
  absl::StatusOr<IngestBudget::Lease> big = budget.Acquire(8 << 20);
  ASSERT_TRUE(big.ok());
  EXPECT_EQ(budget.Acquire(1).status().code(),
            absl::StatusCode::kResourceExhausted);
}

TEST(IngestBudgetTest, ZeroMeansNoBudget) {
  IngestBudget budget(0);
  absl::StatusOr<IngestBudget::Lease> a = budget.Acquire(int64_t{1} << 40);
  absl::StatusOr<IngestBudget::Lease> b = budget.Acquire(int64_t{1} << 40);
  EXPECT_TRUE(a.ok());
  EXPECT_TRUE(b.ok());
  EXPECT_EQ(budget.refused(), 0u);
}

TEST(IngestBudgetTest, MovedLeaseReleasesOnce) {
  IngestBudget budget(10);
  {
    absl::StatusOr<IngestBudget::Lease> a = budget.Acquire(7);
    ASSERT_TRUE(a.ok());
    IngestBudget::Lease moved(std::move(*a));
    EXPECT_EQ(budget.in_flight(), 7);
  }
  EXPECT_EQ(budget.in_flight(), 0);
}

}  // namespace
}  // namespace tsforecast::service
