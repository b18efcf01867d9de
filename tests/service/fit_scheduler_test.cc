#include "service/fit_scheduler.h"

#include <atomic>
#include <thread>

#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"

namespace tsforecast::service {
namespace {

FitScheduler::Result Answer(double mean) {
  auto r = std::make_shared<v1::ForecastResponse>();
  r->add_mean(mean);
  return std::shared_ptr<const v1::ForecastResponse>(std::move(r));
}

TEST(FitSchedulerTest, IdenticalConcurrentRequestsShareOneFit) {
  FitScheduler scheduler(2, 8);
  std::atomic<int> fits{0};
  absl::Notification started, release;
  auto compute = [&]() {
    ++fits;
    started.Notify();
    release.WaitForNotification();
    return Answer(42);
  };
  FitScheduler::Result a, b;
  std::thread first(
      [&] { a = scheduler.Run("k", absl::InfiniteFuture(), compute); });
  started.WaitForNotification();
  std::thread second(
      [&] { b = scheduler.Run("k", absl::InfiniteFuture(), compute); });
  // Give the second caller time to join the flight, then finish it.
  while (scheduler.shared_results() == 0) absl::SleepFor(absl::Milliseconds(1));
  release.Notify();
  first.join();
  second.join();
  ASSERT_TRUE(a.ok());
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(fits.load(), 1);
  EXPECT_EQ((*b)->mean(0), 42);
}

TEST(FitSchedulerTest, FullQueueIsResourceExhausted) {
  FitScheduler scheduler(1, 0);
  absl::Notification started, release;
  std::thread busy([&] {
    (void)scheduler.Run("a", absl::InfiniteFuture(), [&]() {
      started.Notify();
      release.WaitForNotification();
      return Answer(1);
    });
  });
  started.WaitForNotification();
  FitScheduler::Result r =
      scheduler.Run("b", absl::InfiniteFuture(), [] { return Answer(2); });
  EXPECT_EQ(r.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_NE(r.status().message().find("retry with backoff"), std::string::npos);
  release.Notify();
  busy.join();
  // Free again: the next one runs.
  EXPECT_TRUE(
      scheduler.Run("c", absl::InfiniteFuture(), [] { return Answer(3); })
          .ok());
}

TEST(FitSchedulerTest, DeadlineWhileWaitingForAWorker) {
  FitScheduler scheduler(1, 4);
  absl::Notification started, release;
  std::thread busy([&] {
    (void)scheduler.Run("a", absl::InfiniteFuture(), [&]() {
      started.Notify();
      release.WaitForNotification();
      return Answer(1);
    });
  });
  started.WaitForNotification();
  FitScheduler::Result r = scheduler.Run(
      "b", absl::Now() + absl::Milliseconds(30), [] { return Answer(2); });
  EXPECT_EQ(r.status().code(), absl::StatusCode::kDeadlineExceeded);
  release.Notify();
  busy.join();
}

}  // namespace
}  // namespace tsforecast::service
