// ForecastServiceImpl::WatchForecast on gRPC's callback API: each watcher
// is a reactor woken by the engine's revision watcher, so ten thousand
// watchers hold no thread each and at most one pending message each. A
// watcher that does not read a message within --stream_stall_timeout_s is
// cancelled, so unread watchers cannot pile up memory.
#include <optional>

#include "absl/synchronization/mutex.h"
#include "service/forecast_request.h"
#include "service/grpc/forecast_service.h"
#include "service/grpc/grpc_status.h"

namespace tsforecast::service {
namespace {

// One watcher. At most one of its steps runs at a time: whoever holds the
// "busy" token (a forecast being computed or a message being written) is
// the only one to call StartWrite or Finish, so that neither can race the
// other; a change that arrives meanwhile is remembered ("dirty") and
// handled when the token is released.
class WatchReactor final
    : public grpc::ServerWriteReactor<v1::ForecastResponse> {
 public:
  WatchReactor(ForecastEngine* engine, StreamWatchdog* watchdog,
               grpc::CallbackServerContext* context, ForecastJob job,
               absl::Time deadline)
      : engine_(engine),
        watchdog_(watchdog),
        context_(context),
        job_(std::move(job)),
        deadline_(deadline),
        state_(std::make_shared<State>()),
        sent_revision_(job_.known_revision) {}

  // Starts watching and sends the forecast unless the client has it.
  void Begin() {
    std::shared_ptr<State> state = state_;
    watch_id_ =
        engine_->Watch(job_.series, job_.known_revision,
                       [this, state](const absl::StatusOr<uint64_t>& revision) {
                         // `this` is alive while the watch is not finished
                         // (Finish, and with it OnDone, comes only after
                         // `finished` is set).
                         if (revision.ok()) {
                           Kick(*state);
                         } else {
                           End(*state, ToGrpcStatus(revision.status()));
                         }
                       });
    Kick(*state_);
  }

  void OnWriteDone(bool ok) override {
    write_step_.reset();
    writing_.reset();
    if (!ok) {
      // The client is gone.
      {
        absl::MutexLock lock(&state_->mu);
        state_->finished = true;
      }
      Finish(grpc::Status::OK);
      return;
    }
    Release();
  }

  void OnCancel() override {
    End(*state_, grpc::Status(grpc::StatusCode::CANCELLED, "client cancelled"));
  }

  void OnDone() override {
    engine_->Unwatch(watch_id_);
    delete this;
  }

 private:
  struct State {
    absl::Mutex mu;
    bool busy ABSL_GUARDED_BY(mu) = false;
    bool dirty ABSL_GUARDED_BY(mu) = false;
    bool finished ABSL_GUARDED_BY(mu) = false;
    grpc::Status final_status ABSL_GUARDED_BY(mu);
  };

  // A change: compute now, or once the token is free.
  void Kick(State& state) {
    {
      absl::MutexLock lock(&state.mu);
      if (state.finished) return;
      if (state.busy) {
        state.dirty = true;
        return;
      }
      state.busy = true;
    }
    Compute();
  }

  // Ends the call with `status`, now when nobody holds the token, else by
  // the holder when it lets go.
  void End(State& state, grpc::Status status) {
    {
      absl::MutexLock lock(&state.mu);
      if (state.finished) return;
      state.finished = true;
      state.final_status = status;
      if (state.busy) return;
      state.busy = true;
    }
    Finish(status);
  }

  // With the token: the forecast at the current revision, "unchanged" when
  // the client has it already.
  void Compute() {
    ForecastJob job = job_;
    job.known_revision = sent_revision_;
    engine_->Forecast(
        job, deadline_,
        [this](const ForecastEngine::Result& result) { OnForecast(result); });
  }

  void OnForecast(const ForecastEngine::Result& result) {
    if (!result.ok()) {
      {
        absl::MutexLock lock(&state_->mu);
        state_->finished = true;
      }
      Finish(ToGrpcStatus(result.status()));
      return;
    }
    if ((*result)->unchanged()) {
      Release();
      return;
    }
    std::optional<grpc::Status> ended;
    {
      absl::MutexLock lock(&state_->mu);
      if (state_->finished) ended = state_->final_status;
    }
    if (ended) {
      Finish(*ended);
      return;
    }
    // The engine's shared answer, not a copy: ten thousand watchers of one
    // series hold one response between them.
    writing_ = *result;
    sent_revision_ = writing_->revision();
    write_step_ = watchdog_->Begin(context_, "WatchForecast sending");
    StartWrite(writing_.get());
  }

  // Lets go of the token: finishes when the call has ended meanwhile,
  // computes again when a change came meanwhile.
  void Release() {
    bool finish = false, again = false;
    grpc::Status status;
    {
      absl::MutexLock lock(&state_->mu);
      if (state_->finished) {
        finish = true;
        status = state_->final_status;
      } else if (state_->dirty) {
        state_->dirty = false;
        again = true;
      } else {
        state_->busy = false;
      }
    }
    if (finish) {
      Finish(status);
    } else if (again) {
      Compute();
    }
  }

  ForecastEngine* engine_;
  StreamWatchdog* watchdog_;
  grpc::CallbackServerContext* context_;
  // While a write waits for the client to read it.
  std::unique_ptr<StreamWatchdog::Step> write_step_;
  const ForecastJob job_;
  const absl::Time deadline_;
  // Outlives the reactor for a revision-watch call already under way.
  std::shared_ptr<State> state_;
  uint64_t sent_revision_;
  uint64_t watch_id_ = 0;
  // The answer being written; held until the write is done.
  std::shared_ptr<const v1::ForecastResponse> writing_;
};

}  // namespace

grpc::ServerWriteReactor<v1::ForecastResponse>*
ForecastServiceImpl::WatchForecast(grpc::CallbackServerContext* context,
                                   const v1::ForecastRequest* request) {
  auto refuse = [](grpc::Status status) {
    // A reactor that only finishes.
    class Refused final
        : public grpc::ServerWriteReactor<v1::ForecastResponse> {
     public:
      explicit Refused(grpc::Status status) { Finish(std::move(status)); }
      void OnDone() override { delete this; }
    };
    return new Refused(std::move(status));
  };
  absl::StatusOr<Caller> caller = CallerFor(*context, auth::Role::kRead,
                                            request->series(), "WatchForecast");
  if (!caller.ok()) return refuse(ToGrpcStatus(caller.status()));
  if (request->save_vintage()) {
    return refuse(ToGrpcStatus(absl::InvalidArgumentError(
        "save_vintage: not supported by WatchForecast (it would save one "
        "per change); save vintages with Forecast")));
  }
  absl::StatusOr<ForecastJob> job =
      ForecastJobFromProto(*request, engine_->defaults());
  if (!job.ok()) return refuse(ToGrpcStatus(job.status()));
  auto* reactor = new WatchReactor(engine_, watchdog_, context, *std::move(job),
                                   absl::FromChrono(context->deadline()));
  reactor->Begin();
  return reactor;
}

}  // namespace tsforecast::service
