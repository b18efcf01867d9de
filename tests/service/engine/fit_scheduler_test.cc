#include "service/engine/fit_scheduler.h"

#include <atomic>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"

namespace tsforecast::service {
namespace {

// The scheduler is generic over its result; a number is enough here.
using Scheduler = FitScheduler<double>;
using Result = Scheduler::Result;

Result Answer(double mean) { return std::make_shared<const double>(mean); }

// Occupies one worker of `scheduler` with key "a" until released.
class BusyWorker {
 public:
  explicit BusyWorker(Scheduler& scheduler)
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
  Scheduler scheduler(2, 8);
  std::atomic<int> fits{0};
  absl::Notification started, release;
  auto compute = [&]() {
    ++fits;
    started.Notify();
    release.WaitForNotification();
    return Answer(42);
  };
  Result a, b;
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
  EXPECT_EQ(**b, 42);
}

TEST(FitSchedulerTest, FullQueueIsResourceExhausted) {
  Scheduler scheduler(1, 0);
  {
    BusyWorker busy(scheduler);
    Result r =
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
  Scheduler scheduler(1, 4);
  BusyWorker busy(scheduler);
  Result r = scheduler.Run("b", absl::Now() + absl::Milliseconds(30),
                           [] { return Answer(2); });
  EXPECT_EQ(r.status().code(), absl::StatusCode::kDeadlineExceeded);
}

TEST(FitSchedulerTest, SubmitAnswersOnAWorkerAndQueuedJobsEndAtShutdown) {
  absl::Notification started, release;
  std::atomic<int> refused{0};
  std::thread unblock;
  {
    Scheduler scheduler(1, 4);
    absl::Notification answered;
    std::thread::id caller = std::this_thread::get_id(), answerer;
    scheduler.Submit(
        "x", absl::InfiniteFuture(), [] { return Answer(7); },
        [&](const Result& r) {
          EXPECT_TRUE(r.ok());
          answerer = std::this_thread::get_id();
          answered.Notify();
        });
    answered.WaitForNotification();
    EXPECT_NE(answerer, caller);
    // One running, two queued: the queued ones are told UNAVAILABLE when
    // the scheduler goes, and never run.
    scheduler.Submit(
        "busy", absl::InfiniteFuture(),
        [&] {
          started.Notify();
          release.WaitForNotification();
          return Answer(1);
        },
        [](const Result&) {});
    started.WaitForNotification();
    for (const char* key : {"q1", "q2"}) {
      scheduler.Submit(
          key, absl::InfiniteFuture(),
          []() -> Result {
            ADD_FAILURE() << "a queued job ran after shutdown";
            return Answer(0);
          },
          [&](const Result& r) {
            if (r.status().code() == absl::StatusCode::kUnavailable) ++refused;
          });
    }
    EXPECT_EQ(scheduler.waiting(), 2);
    // The running job finishes during the shutdown.
    unblock = std::thread([&] {
      absl::SleepFor(absl::Milliseconds(50));
      release.Notify();
    });
  }
  unblock.join();
  EXPECT_EQ(refused.load(), 2);
}

TEST(FitSchedulerTest, AJobWhoseDeadlinePassedInTheQueueDoesNotRun) {
  Scheduler scheduler(1, 4);
  std::atomic<bool> ran{false};
  absl::Notification done;
  Result result;
  {
    BusyWorker busy(scheduler);
    scheduler.Submit(
        "late", absl::Now() + absl::Milliseconds(1),
        [&] {
          ran = true;
          return Answer(1);
        },
        [&](const Result& r) {
          result = r;
          done.Notify();
        });
    absl::SleepFor(absl::Milliseconds(20));
  }
  done.WaitForNotification();
  EXPECT_FALSE(ran.load());
  EXPECT_EQ(result.status().code(), absl::StatusCode::kDeadlineExceeded);
}

// Issue 19: a naive forecast waited 91 s behind an ARIMA fit in the one
// queue. With every shared worker busy and expensive jobs queued, a cheap
// job still runs (on its own worker) and answers before any of them; a
// full expensive queue does not refuse cheap jobs.
TEST(FitSchedulerTest, CheapJobsAreNotQueuedBehindExpensiveOnes) {
  Scheduler scheduler(1, 1);
  BusyWorker busy(scheduler);
  std::atomic<int> expensive_done{0};
  scheduler.Submit(
      "slow", absl::InfiniteFuture(), [] { return Answer(2); },
      [&](const Result&) { ++expensive_done; });
  Result full =
      scheduler.Run("slow2", absl::InfiniteFuture(), [] { return Answer(3); });
  EXPECT_EQ(full.status().code(), absl::StatusCode::kResourceExhausted);
  for (int i = 0; i < 20; ++i) {
    Result cheap = scheduler.Run(
        absl::StrCat("cheap", i), absl::InfiniteFuture(),
        [i] { return Answer(i); }, Scheduler::Cost::kCheap);
    ASSERT_TRUE(cheap.ok()) << cheap.status();
    EXPECT_EQ(**cheap, i);
  }
  EXPECT_EQ(expensive_done.load(), 0);  // all still behind the busy one
  EXPECT_EQ(scheduler.waiting(), 1);
}

}  // namespace
}  // namespace tsforecast::service
