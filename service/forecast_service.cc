#include "service/forecast_service.h"

#include <deque>
#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "service/grpc_status.h"
#include "service/proto_convert.h"

namespace tsforecast::service {

absl::StatusOr<Caller> ForecastServiceImpl::CallerFor(
    const grpc::ServerContextBase& context, auth::Role need,
    absl::string_view series, absl::string_view what) const {
  absl::StatusOr<Caller> caller = access_->Check(context, need, what);
  if (!caller.ok()) return caller.status();
  absl::Status in_scope = access_->CheckSeries(*caller, series);
  if (!in_scope.ok()) return in_scope;
  return caller;
}

grpc::ServerUnaryReactor* ForecastServiceImpl::Forecast(
    grpc::CallbackServerContext* context, const v1::ForecastRequest* request,
    v1::ForecastResponse* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  // Saving a vintage writes to the series.
  absl::StatusOr<Caller> caller = CallerFor(
      *context,
      request->save_vintage() ? auth::Role::kWrite : auth::Role::kRead,
      request->series(),
      request->save_vintage() ? "Forecast with save_vintage" : "Forecast");
  if (!caller.ok()) {
    reactor->Finish(ToGrpcStatus(caller.status()));
    return reactor;
  }
  // Answered on this thread from memory (an unchanged revision, a cache
  // hit), else on an engine worker; gRPC keeps `response` alive until
  // Finish.
  engine_->Forecast(*request, absl::FromChrono(context->deadline()),
                    [response, reactor](const ForecastEngine::Result& result) {
                      if (!result.ok()) {
                        reactor->Finish(ToGrpcStatus(result.status()));
                        return;
                      }
                      *response = **result;
                      reactor->Finish(grpc::Status::OK);
                    });
  return reactor;
}

grpc::Status ForecastServiceImpl::Backtest(grpc::ServerContext* context,
                                           const v1::BacktestRequest* request,
                                           v1::BacktestResponse* response) {
  absl::StatusOr<Caller> caller =
      CallerFor(*context, auth::Role::kRead, request->series(), "Backtest");
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  return ToGrpcStatus(engine_->Backtest(
      *request, response, absl::FromChrono(context->deadline()),
      [context] { return context->IsCancelled(); }));
}

grpc::Status ForecastServiceImpl::ListModels(grpc::ServerContext* context,
                                             const v1::ListModelsRequest*,
                                             v1::ListModelsResponse* response) {
  absl::StatusOr<Caller> caller =
      access_->Check(*context, auth::Role::kRead, "ListModels");
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  ForecastEngine::ListModels(response);
  return grpc::Status::OK;
}

grpc::Status ForecastServiceImpl::ForecastMany(
    grpc::ServerContext* context, const v1::ForecastManyRequest* request,
    grpc::ServerWriter<v1::ForecastManyResponse>* writer) {
  absl::StatusOr<Caller> caller =
      access_->Check(*context, auth::Role::kRead, "ForecastMany");
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  absl::StatusOr<std::vector<storage::LabelMatcher>> matchers =
      MatchersFromProto(request->matchers(), request->selector());
  if (!matchers.ok()) return ToGrpcStatus(matchers.status());
  if (matchers->empty()) {
    return ToGrpcStatus(absl::InvalidArgumentError(
        "selector: give at least one matcher, e.g. {country=\"CN\"}"));
  }
  if (request->forecast().save_vintage()) {
    return ToGrpcStatus(absl::InvalidArgumentError(
        "forecast.save_vintage: not supported by ForecastMany; save "
        "vintages with Forecast, one series at a time"));
  }
  Access::NarrowToScope(*caller, &*matchers);
  absl::StatusOr<std::vector<storage::SeriesInfo>> series =
      store_->ListSeries(*matchers, "", 100000);
  if (!series.ok()) return ToGrpcStatus(series.status());
  if (series->empty()) {
    return ToGrpcStatus(absl::NotFoundError("the selector matches no series"));
  }
  // As many series in flight as the engine has workers, so the call uses
  // every core without filling the shared queue; answers stream in the
  // order they finish. Shared with the workers, which may finish after a
  // cancelled call returns.
  struct Pending {
    absl::Mutex mu;
    std::deque<v1::ForecastManyResponse> ready ABSL_GUARDED_BY(mu);
    int in_flight ABSL_GUARDED_BY(mu) = 0;
  };
  auto pending = std::make_shared<Pending>();
  const int window = engine_->scheduler().workers();
  const absl::Time deadline = absl::FromChrono(context->deadline());
  size_t next = 0;
  bool client_gone = false;
  for (;;) {
    for (;;) {
      {
        absl::MutexLock lock(&pending->mu);
        if (next >= series->size() || pending->in_flight >= window ||
            client_gone || context->IsCancelled()) {
          break;
        }
        ++pending->in_flight;
      }
      v1::ForecastRequest one = request->forecast();
      one.set_series(series->at(next++).definition.name);
      one.set_known_revision(0);
      engine_->Forecast(
          one, deadline,
          [pending, name = one.series()](const ForecastEngine::Result& r) {
            v1::ForecastManyResponse out;
            out.set_series(name);
            if (r.ok()) {
              *out.mutable_forecast() = **r;
            } else {
              out.set_error_code(static_cast<int>(r.status().code()));
              out.set_error_message(std::string(r.status().message()));
            }
            absl::MutexLock lock(&pending->mu);
            pending->ready.push_back(std::move(out));
            --pending->in_flight;
          });
    }
    std::deque<v1::ForecastManyResponse> batch;
    {
      absl::MutexLock lock(&pending->mu);
      auto ready = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(pending->mu) {
        return !pending->ready.empty() || pending->in_flight == 0;
      };
      // Woken by a finished series; rechecks cancellation every second.
      pending->mu.AwaitWithTimeout(absl::Condition(&ready), absl::Seconds(1));
      batch.swap(pending->ready);
      if (batch.empty() && pending->in_flight == 0 &&
          (next >= series->size() || client_gone || context->IsCancelled())) {
        break;
      }
    }
    for (v1::ForecastManyResponse& out : batch) {
      if (client_gone) break;
      auto step = watchdog_->Begin(context, "ForecastMany sending");
      if (!writer->Write(out)) client_gone = true;
    }
  }
  return grpc::Status::OK;
}

}  // namespace tsforecast::service
