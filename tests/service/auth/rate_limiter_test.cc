#include "service/auth/rate_limiter.h"

#include "absl/container/flat_hash_set.h"
#include "gtest/gtest.h"

namespace tsforecast::service::auth {
namespace {

const absl::Time kT0 = absl::FromUnixSeconds(1700000000);

TEST(RateLimiterTest, BurstsOneSecondThenHoldsTheRate) {
  RateLimiter limiter;
  for (int i = 0; i < 10; ++i) {
    EXPECT_EQ(limiter.Admit("a", 10, kT0), absl::ZeroDuration()) << i;
  }
  // The bucket is empty: the 11th call must wait a tenth of a second.
  EXPECT_EQ(limiter.Admit("a", 10, kT0), absl::Milliseconds(100));
  EXPECT_EQ(limiter.Admit("a", 10, kT0 + absl::Milliseconds(50)),
            absl::Milliseconds(50));
  EXPECT_EQ(limiter.Admit("a", 10, kT0 + absl::Milliseconds(100)),
            absl::ZeroDuration());
  // Idle time refills up to one second of calls, no more.
  const absl::Time later = kT0 + absl::Hours(1);
  int admitted = 0;
  while (limiter.Admit("a", 10, later) == absl::ZeroDuration()) ++admitted;
  EXPECT_EQ(admitted, 10);
}

TEST(RateLimiterTest, KeysAreIndependentAndZeroIsUnlimited) {
  RateLimiter limiter;
  EXPECT_EQ(limiter.Admit("a", 0.5, kT0), absl::ZeroDuration());
  EXPECT_EQ(limiter.Admit("a", 0.5, kT0), absl::Seconds(2));
  EXPECT_EQ(limiter.Admit("b", 0.5, kT0), absl::ZeroDuration());
  for (int i = 0; i < 1000; ++i) {
    EXPECT_EQ(limiter.Admit("c", 0, kT0), absl::ZeroDuration());
  }
}

TEST(RateLimiterTest, AClockGoingBackDoesNotMintCalls) {
  RateLimiter limiter;
  EXPECT_EQ(limiter.Admit("a", 1, kT0), absl::ZeroDuration());
  EXPECT_GT(limiter.Admit("a", 1, kT0 - absl::Seconds(5)),
            absl::ZeroDuration());
  EXPECT_GT(limiter.Admit("a", 1, kT0 + absl::Milliseconds(500)),
            absl::ZeroDuration());
  EXPECT_EQ(limiter.Admit("a", 1, kT0 + absl::Seconds(1)),
            absl::ZeroDuration());
}

TEST(RateLimiterTest, RetainForgetsRemovedKeys) {
  RateLimiter limiter;
  EXPECT_EQ(limiter.Admit("gone", 1, kT0), absl::ZeroDuration());
  EXPECT_GT(limiter.Admit("gone", 1, kT0), absl::ZeroDuration());
  limiter.Retain(absl::flat_hash_set<std::string>{"kept"});
  // A forgotten key starts with a full bucket.
  EXPECT_EQ(limiter.Admit("gone", 1, kT0), absl::ZeroDuration());
}

}  // namespace
}  // namespace tsforecast::service::auth
