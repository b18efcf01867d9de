// Cancels streaming calls that stall: a server write the client does not
// read, or a client stream that sends nothing, for longer than a limit.
// Without it such a call holds a server thread (and its buffered message)
// for as long as the client keeps the connection open.
#ifndef TSFORECAST_SERVICE_GRPC_STREAM_WATCHDOG_H_
#define TSFORECAST_SERVICE_GRPC_STREAM_WATCHDOG_H_

#include <cstdint>
#include <memory>
#include <thread>

#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "grpcpp/server_context.h"

namespace tsforecast::service {

class StreamWatchdog {
 public:
  // `limit` <= 0 turns the watchdog off.
  explicit StreamWatchdog(absl::Duration limit);
  ~StreamWatchdog();

  // Marks a blocking step of one call (a Write the client must read, a Read
  // the client must feed); the call is cancelled when a step lasts longer
  // than the limit.
  class Step {
   public:
    ~Step();

   private:
    friend class StreamWatchdog;
    Step(StreamWatchdog* owner, uint64_t id) : owner_(owner), id_(id) {}
    StreamWatchdog* owner_;
    uint64_t id_;
  };
  std::unique_ptr<Step> Begin(grpc::ServerContextBase* context,
                              const char* what);

  // Calls cancelled so far.
  uint64_t cancelled() const;

 private:
  struct Watched {
    grpc::ServerContextBase* context;
    absl::Time since;
    const char* what;
  };
  void Loop();

  const absl::Duration limit_;
  mutable absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  uint64_t next_id_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t cancelled_ ABSL_GUARDED_BY(mu_) = 0;
  absl::flat_hash_map<uint64_t, Watched> steps_ ABSL_GUARDED_BY(mu_);
  std::thread thread_;
};

}  // namespace tsforecast::service

#endif  // TSFORECAST_SERVICE_GRPC_STREAM_WATCHDOG_H_
