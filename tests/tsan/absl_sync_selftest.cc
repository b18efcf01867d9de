// Proves that tests/tsan/absl_sync_annotations.cc does its job: counters
// guarded by absl::Mutex (Lock, ReaderLock, LockWhen, Await, CondVar::Wait,
// Notification) are touched from several threads. Under ThreadSanitizer
// with the annotations preloaded this must run clean; without them TSan
// must report a race here (scripts/run_sanitizers.sh checks both).
#include <cstdio>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"

namespace {

absl::Mutex mu;
absl::CondVar cv;
long counter = 0;  // guarded by mu
bool go = false;   // guarded by mu
long published = 0;

}  // namespace

int main() {
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([] {
      {
        absl::MutexLock lock(&mu);
        while (!go) cv.Wait(&mu);
      }
      for (int i = 0; i < 1000; ++i) {
        absl::MutexLock lock(&mu);
        ++counter;
      }
      absl::ReaderMutexLock read(&mu);
      if (counter < 0) std::puts("impossible");
    });
  }
  {
    absl::MutexLock lock(&mu);
    go = true;
    cv.SignalAll();
  }
  {
    absl::MutexLock lock(&mu);
    mu.Await(absl::Condition(
        +[](long* c) { return *c == 4000; }, &counter));
  }
  for (std::thread& t : threads) t.join();

  absl::Notification ready;
  std::thread producer([&] {
    published = 42;
    ready.Notify();
  });
  ready.WaitForNotification();
  const long seen = published;
  producer.join();
  std::printf("counter %ld, published %ld\n", counter, seen);
  return counter == 4000 && seen == 42 ? 0 : 1;
}
