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

// Occupies one worker of `scheduler` with key "a" until released.
class BusyWorker {
 public:
  explicit BusyWorker(FitScheduler& scheduler)
      : thread_([this, &scheduler] {
          (void)scheduler.Run("a", absl::InfiniteFuture(), [this]() {
            started_.Notify();
            release_.WaitForNotification();
            return Answer(1);
          });
        }) {
    started_.WaitForNotification();
  }
  ~BusyWorker() {
    release_.Notify();
    thread_.join();
  }

 private:
  absl::Notification started_, release_;
  std::thread thread_;
};

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
  {
    BusyWorker busy(scheduler);
    FitScheduler::Result r =
        scheduler.Run("b", absl::InfiniteFuture(), [] { return Answer(2); });
    EXPECT_EQ(r.status().code(), absl::StatusCode::kResourceExhausted);
    EXPECT_NE(r.status().message().find("retry with backoff"),
              std::string::npos);
  }
  // Free again: the next one runs.
  EXPECT_TRUE(
      scheduler.Run("c", absl::InfiniteFuture(), [] { return Answer(3); })
          .ok());
}

TEST(FitSchedulerTest, DeadlineWhileWaitingForAWorker) {
  FitScheduler scheduler(1, 4);
  BusyWorker busy(scheduler);
  FitScheduler::Result r = scheduler.Run(
      "b", absl::Now() + absl::Milliseconds(30), [] { return Answer(2); });
  EXPECT_EQ(r.status().code(), absl::StatusCode::kDeadlineExceeded);
}

}  // namespace
}  // namespace tsforecast::service
