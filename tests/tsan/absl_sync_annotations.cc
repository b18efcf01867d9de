// Makes Debian's Abseil synchronization visible to ThreadSanitizer.
//
// libabsl_synchronization is not built with -fsanitize=thread, so TSan
// does not see absl::Mutex acquire and release: every access under a held
// Mutex looks like a race. This library is LD_PRELOADed into the TSan test
// binaries (scripts/run_sanitizers.sh tsan). It interposes the Mutex and
// CondVar entry points, calls the real ones (found with
// dlsym(RTLD_NEXT)), and tells TSan what they did through its mutex
// annotation API, as Abseil's own TSan build does inside mutex.cc.
// Abseil calls these entry points through the PLT even from inside the
// library (Notification, BlockingCounter), so they are annotated too.
//
// Built without -fsanitize=thread; the __tsan_* hooks are weak, so a
// process without TSan (a child started by a test) runs the real
// functions untouched.
#include <dlfcn.h>

#include <cstdio>
#include <cstdlib>
#include <type_traits>

#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"

extern "C" {
void __tsan_mutex_pre_lock(void* addr, unsigned flags) __attribute__((weak));
void __tsan_mutex_post_lock(void* addr, unsigned flags, int recursion)
    __attribute__((weak));
int __tsan_mutex_pre_unlock(void* addr, unsigned flags) __attribute__((weak));
void __tsan_mutex_post_unlock(void* addr, unsigned flags) __attribute__((weak));
void __tsan_acquire(void* addr) __attribute__((weak));
void __tsan_release(void* addr) __attribute__((weak));
void AnnotateIgnoreReadsBegin(const char* file, int line) __attribute__((weak));
void AnnotateIgnoreReadsEnd(const char* file, int line) __attribute__((weak));
}

namespace {

constexpr unsigned kReadLock = 1 << 3;       // __tsan_mutex_read_lock
constexpr unsigned kTryLock = 1 << 4;        // __tsan_mutex_try_lock
constexpr unsigned kTryLockFailed = 1 << 5;  // __tsan_mutex_try_lock_failed

using absl::Condition;
using absl::CondVar;
using absl::Duration;
using absl::Mutex;
using absl::Time;

// Entry points may call one another through the PLT (LockWhenWithTimeout
// may call LockWhenWithDeadline); only the outermost call is annotated.
thread_local int depth = 0;

bool Tsan() { return __tsan_mutex_pre_lock != nullptr; }

template <typename Fn>
Fn Real(const char* symbol) {
  void* fn = dlsym(RTLD_NEXT, symbol);
  if (fn == nullptr) {
    std::fprintf(stderr, "absl_sync_annotations: %s not found\n", symbol);
    std::abort();
  }
  return reinterpret_cast<Fn>(fn);
}

// What one call does to its mutex, for TSan. While the real call runs,
// reads are not checked: the only instrumented code it runs is the
// Condition functions of waiters (ours), which Abseil may evaluate in any
// thread that holds or is releasing the mutex, at moments these
// annotations cannot mark as "held" (Abseil's own TSan build marks them
// inside mutex.cc). Conditions only read, by Abseil's contract.
struct Annotated {
  Annotated() { ++depth; }
  ~Annotated() { --depth; }
  static bool Outermost() { return depth == 1 && Tsan(); }
};

struct ReadsIgnored {
  ReadsIgnored() {
    if (Tsan()) AnnotateIgnoreReadsBegin(__FILE__, __LINE__);
  }
  ~ReadsIgnored() {
    if (Tsan()) AnnotateIgnoreReadsEnd(__FILE__, __LINE__);
  }
};

void PreLock(void* mu, unsigned flags) {
  if (Annotated::Outermost()) __tsan_mutex_pre_lock(mu, flags);
}
void PostLock(void* mu, unsigned flags) {
  if (Annotated::Outermost()) __tsan_mutex_post_lock(mu, flags, 0);
}
void PreUnlock(void* mu, unsigned flags) {
  if (Annotated::Outermost()) __tsan_mutex_pre_unlock(mu, flags);
}
void PostUnlock(void* mu, unsigned flags) {
  if (Annotated::Outermost()) __tsan_mutex_post_unlock(mu, flags);
}

// A call that returns holding the mutex.
template <typename Ret, typename... Args>
Ret Locking(Ret (*real)(Mutex*, Args...), unsigned flags, Mutex* mu,
            Args... args) {
  Annotated a;
  PreLock(mu, flags);
  if constexpr (std::is_void_v<Ret>) {
    {
      ReadsIgnored ignored;
      real(mu, args...);
    }
    PostLock(mu, flags);
  } else {
    Ret r;
    {
      ReadsIgnored ignored;
      r = real(mu, args...);
    }
    PostLock(mu, flags);
    return r;
  }
}

// A call that releases a held mutex.
void Unlocking(void (*real)(Mutex*), unsigned flags, Mutex* mu) {
  Annotated a;
  PreUnlock(mu, flags);
  {
    ReadsIgnored ignored;
    real(mu);
  }
  PostUnlock(mu, flags);
}

// A call made holding the mutex that lets it go while it waits and holds
// it again when it returns (Await, CondVar::Wait): for TSan, an unlock and
// a lock, so that what other holders did in between happens-before what
// follows.
template <typename Ret, typename Self, typename... Args>
Ret Waiting(Ret (*real)(Self*, Args...), Mutex* mu, Self* self, Args... args) {
  Annotated a;
  PreUnlock(mu, 0);
  PostUnlock(mu, 0);
  if constexpr (std::is_void_v<Ret>) {
    {
      ReadsIgnored ignored;
      real(self, args...);
    }
    PreLock(mu, 0);
    PostLock(mu, 0);
  } else {
    Ret r;
    {
      ReadsIgnored ignored;
      r = real(self, args...);
    }
    PreLock(mu, 0);
    PostLock(mu, 0);
    return r;
  }
}

bool TryLockAs(bool (*real)(Mutex*), unsigned flags, Mutex* mu) {
  Annotated a;
  PreLock(mu, flags | kTryLock);
  bool locked;
  {
    ReadsIgnored ignored;
    locked = real(mu);
  }
  PostLock(mu, flags | kTryLock | (locked ? 0 : kTryLockFailed));
  return locked;
}

}  // namespace

#define TSF_REAL(fn_type, symbol) static const auto real = Real<fn_type>(symbol)

extern "C" {

void WrapLock(Mutex* mu) __asm__("_ZN4absl7debian35Mutex4LockEv");
void WrapLock(Mutex* mu) {
  TSF_REAL(void (*)(Mutex*), "_ZN4absl7debian35Mutex4LockEv");
  Locking(real, 0, mu);
}

void WrapReaderLock(Mutex* mu) __asm__("_ZN4absl7debian35Mutex10ReaderLockEv");
void WrapReaderLock(Mutex* mu) {
  TSF_REAL(void (*)(Mutex*), "_ZN4absl7debian35Mutex10ReaderLockEv");
  Locking(real, kReadLock, mu);
}

void WrapUnlock(Mutex* mu) __asm__("_ZN4absl7debian35Mutex6UnlockEv");
void WrapUnlock(Mutex* mu) {
  TSF_REAL(void (*)(Mutex*), "_ZN4absl7debian35Mutex6UnlockEv");
  Unlocking(real, 0, mu);
}

void WrapReaderUnlock(Mutex* mu) __asm__(
    "_ZN4absl7debian35Mutex12ReaderUnlockEv");
void WrapReaderUnlock(Mutex* mu) {
  TSF_REAL(void (*)(Mutex*), "_ZN4absl7debian35Mutex12ReaderUnlockEv");
  Unlocking(real, kReadLock, mu);
}

bool WrapTryLock(Mutex* mu) __asm__("_ZN4absl7debian35Mutex7TryLockEv");
bool WrapTryLock(Mutex* mu) {
  TSF_REAL(bool (*)(Mutex*), "_ZN4absl7debian35Mutex7TryLockEv");
  return TryLockAs(real, 0, mu);
}

bool WrapReaderTryLock(Mutex* mu) __asm__(
    "_ZN4absl7debian35Mutex13ReaderTryLockEv");
bool WrapReaderTryLock(Mutex* mu) {
  TSF_REAL(bool (*)(Mutex*), "_ZN4absl7debian35Mutex13ReaderTryLockEv");
  return TryLockAs(real, kReadLock, mu);
}

void WrapLockWhen(Mutex* mu, const Condition& c) __asm__(
    "_ZN4absl7debian35Mutex8LockWhenERKNS0_9ConditionE");
void WrapLockWhen(Mutex* mu, const Condition& c) {
  TSF_REAL(void (*)(Mutex*, const Condition&),
           "_ZN4absl7debian35Mutex8LockWhenERKNS0_9ConditionE");
  Locking<void, const Condition&>(real, 0, mu, c);
}

void WrapReaderLockWhen(Mutex* mu, const Condition& c) __asm__(
    "_ZN4absl7debian35Mutex14ReaderLockWhenERKNS0_9ConditionE");
void WrapReaderLockWhen(Mutex* mu, const Condition& c) {
  TSF_REAL(void (*)(Mutex*, const Condition&),
           "_ZN4absl7debian35Mutex14ReaderLockWhenERKNS0_9ConditionE");
  Locking<void, const Condition&>(real, kReadLock, mu, c);
}

bool WrapLockWhenWithTimeout(Mutex* mu, const Condition& c, Duration d) __asm__(
    "_ZN4absl7debian35Mutex19LockWhenWithTimeoutERKNS0_"
    "9ConditionENS0_8DurationE");
bool WrapLockWhenWithTimeout(Mutex* mu, const Condition& c, Duration d) {
  TSF_REAL(bool (*)(Mutex*, const Condition&, Duration),
           "_ZN4absl7debian35Mutex19LockWhenWithTimeoutERKNS0_"
           "9ConditionENS0_8DurationE");
  return Locking<bool, const Condition&, Duration>(real, 0, mu, c, d);
}

bool WrapLockWhenWithDeadline(Mutex* mu, const Condition& c, Time t) __asm__(
    "_ZN4absl7debian35Mutex20LockWhenWithDeadlineERKNS0_9ConditionENS0_4TimeE");
bool WrapLockWhenWithDeadline(Mutex* mu, const Condition& c, Time t) {
  TSF_REAL(bool (*)(Mutex*, const Condition&, Time),
           "_ZN4absl7debian35Mutex20LockWhenWithDeadlineERKNS0_9ConditionENS0_"
           "4TimeE");
  return Locking<bool, const Condition&, Time>(real, 0, mu, c, t);
}

bool WrapReaderLockWhenWithTimeout(Mutex* mu, const Condition& c, Duration d) __asm__(
    "_ZN4absl7debian35Mutex25ReaderLockWhenWithTimeoutERKNS0_"
    "9ConditionENS0_8DurationE");
bool WrapReaderLockWhenWithTimeout(Mutex* mu, const Condition& c, Duration d) {
  TSF_REAL(bool (*)(Mutex*, const Condition&, Duration),
           "_ZN4absl7debian35Mutex25ReaderLockWhenWithTimeoutERKNS0_"
           "9ConditionENS0_8DurationE");
  return Locking<bool, const Condition&, Duration>(real, kReadLock, mu, c, d);
}

bool WrapReaderLockWhenWithDeadline(Mutex* mu, const Condition& c, Time t) __asm__(
    "_ZN4absl7debian35Mutex26ReaderLockWhenWithDeadlineERKNS0_"
    "9ConditionENS0_4TimeE");
bool WrapReaderLockWhenWithDeadline(Mutex* mu, const Condition& c, Time t) {
  TSF_REAL(bool (*)(Mutex*, const Condition&, Time),
           "_ZN4absl7debian35Mutex26ReaderLockWhenWithDeadlineERKNS0_"
           "9ConditionENS0_4TimeE");
  return Locking<bool, const Condition&, Time>(real, kReadLock, mu, c, t);
}

void WrapAwait(Mutex* mu, const Condition& c) __asm__(
    "_ZN4absl7debian35Mutex5AwaitERKNS0_9ConditionE");
void WrapAwait(Mutex* mu, const Condition& c) {
  TSF_REAL(void (*)(Mutex*, const Condition&),
           "_ZN4absl7debian35Mutex5AwaitERKNS0_9ConditionE");
  Waiting<void, Mutex, const Condition&>(real, mu, mu, c);
}

bool WrapAwaitWithTimeout(Mutex* mu, const Condition& c, Duration d) __asm__(
    "_ZN4absl7debian35Mutex16AwaitWithTimeoutERKNS0_9ConditionENS0_"
    "8DurationE");
bool WrapAwaitWithTimeout(Mutex* mu, const Condition& c, Duration d) {
  TSF_REAL(bool (*)(Mutex*, const Condition&, Duration),
           "_ZN4absl7debian35Mutex16AwaitWithTimeoutERKNS0_9ConditionENS0_"
           "8DurationE");
  return Waiting<bool, Mutex, const Condition&, Duration>(real, mu, mu, c, d);
}

bool WrapAwaitWithDeadline(Mutex* mu, const Condition& c, Time t) __asm__(
    "_ZN4absl7debian35Mutex17AwaitWithDeadlineERKNS0_9ConditionENS0_4TimeE");
bool WrapAwaitWithDeadline(Mutex* mu, const Condition& c, Time t) {
  TSF_REAL(
      bool (*)(Mutex*, const Condition&, Time),
      "_ZN4absl7debian35Mutex17AwaitWithDeadlineERKNS0_9ConditionENS0_4TimeE");
  return Waiting<bool, Mutex, const Condition&, Time>(real, mu, mu, c, t);
}

void WrapWait(CondVar* cv,
              Mutex* mu) __asm__("_ZN4absl7debian37CondVar4WaitEPNS0_5MutexE");
void WrapWait(CondVar* cv, Mutex* mu) {
  TSF_REAL(void (*)(CondVar*, Mutex*),
           "_ZN4absl7debian37CondVar4WaitEPNS0_5MutexE");
  Waiting<void, CondVar, Mutex*>(real, mu, cv, mu);
}

bool WrapWaitWithTimeout(CondVar* cv, Mutex* mu, Duration d) __asm__(
    "_ZN4absl7debian37CondVar15WaitWithTimeoutEPNS0_5MutexENS0_8DurationE");
bool WrapWaitWithTimeout(CondVar* cv, Mutex* mu, Duration d) {
  TSF_REAL(
      bool (*)(CondVar*, Mutex*, Duration),
      "_ZN4absl7debian37CondVar15WaitWithTimeoutEPNS0_5MutexENS0_8DurationE");
  return Waiting<bool, CondVar, Mutex*, Duration>(real, mu, cv, mu, d);
}

bool WrapWaitWithDeadline(CondVar* cv, Mutex* mu, Time t) __asm__(
    "_ZN4absl7debian37CondVar16WaitWithDeadlineEPNS0_5MutexENS0_4TimeE");
bool WrapWaitWithDeadline(CondVar* cv, Mutex* mu, Time t) {
  TSF_REAL(bool (*)(CondVar*, Mutex*, Time),
           "_ZN4absl7debian37CondVar16WaitWithDeadlineEPNS0_5MutexENS0_4TimeE");
  return Waiting<bool, CondVar, Mutex*, Time>(real, mu, cv, mu, t);
}

// Notification: Notify releases, a wait that saw the notification
// acquires. Its waits may return on a fast path that takes no Mutex.
void WrapNotify(absl::Notification* n) __asm__(
    "_ZN4absl7debian312Notification6NotifyEv");
void WrapNotify(absl::Notification* n) {
  TSF_REAL(void (*)(absl::Notification*),
           "_ZN4absl7debian312Notification6NotifyEv");
  if (Tsan()) __tsan_release(n);
  real(n);
}

void WrapWaitForNotification(const absl::Notification* n) __asm__(
    "_ZNK4absl7debian312Notification19WaitForNotificationEv");
void WrapWaitForNotification(const absl::Notification* n) {
  TSF_REAL(void (*)(const absl::Notification*),
           "_ZNK4absl7debian312Notification19WaitForNotificationEv");
  real(n);
  if (Tsan()) __tsan_acquire(const_cast<absl::Notification*>(n));
}

bool WrapWaitForNotificationWithTimeout(const absl::Notification* n, Duration d) __asm__(
    "_ZNK4absl7debian312Notification30WaitForNotificationWithTimeoutENS0_"
    "8DurationE");
bool WrapWaitForNotificationWithTimeout(const absl::Notification* n,
                                        Duration d) {
  TSF_REAL(
      bool (*)(const absl::Notification*, Duration),
      "_ZNK4absl7debian312Notification30WaitForNotificationWithTimeoutENS0_"
      "8DurationE");
  const bool notified = real(n, d);
  if (notified && Tsan()) __tsan_acquire(const_cast<absl::Notification*>(n));
  return notified;
}

bool WrapWaitForNotificationWithDeadline(const absl::Notification* n, Time t) __asm__(
    "_ZNK4absl7debian312Notification31WaitForNotificationWithDeadlineENS0_"
    "4TimeE");
bool WrapWaitForNotificationWithDeadline(const absl::Notification* n, Time t) {
  TSF_REAL(
      bool (*)(const absl::Notification*, Time),
      "_ZNK4absl7debian312Notification31WaitForNotificationWithDeadlineENS0_"
      "4TimeE");
  const bool notified = real(n, t);
  if (notified && Tsan()) __tsan_acquire(const_cast<absl::Notification*>(n));
  return notified;
}

}  // extern "C"
