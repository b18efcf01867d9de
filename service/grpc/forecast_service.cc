#include "service/grpc/forecast_service.h"

#include <memory>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "service/forecast_request.h"
#include "service/grpc/grpc_status.h"
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
  absl::StatusOr<ForecastJob> job =
      ForecastJobFromProto(*request, engine_->defaults());
  if (!job.ok()) {
    reactor->Finish(ToGrpcStatus(job.status()));
    return reactor;
  }
  // Answered on this thread from memory (an unchanged revision, a cache
  // hit), else on an engine worker; gRPC keeps `response` alive until
  // Finish.
  engine_->Forecast(*job, absl::FromChrono(context->deadline()),
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
  absl::StatusOr<BacktestJob> job =
      BacktestJobFromProto(*request, engine_->defaults());
  if (!job.ok()) return ToGrpcStatus(job.status());
  return ToGrpcStatus(
      engine_->Backtest(*job, response, absl::FromChrono(context->deadline()),
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
  // The request's job, checked once with the first series in its place.
  v1::ForecastRequest first = request->forecast();
  first.set_series(series->front().definition.name);
  absl::StatusOr<ForecastJob> job =
      ForecastJobFromProto(first, engine_->defaults());
  if (!job.ok()) return ToGrpcStatus(Annotate(job.status(), "forecast"));
  std::vector<std::string> names;
  names.reserve(series->size());
  for (const storage::SeriesInfo& info : *series) {
    names.push_back(info.definition.name);
  }
  // Answers stream in the order they finish.
  std::unique_ptr<ForecastEngine::Batch> batch = engine_->ForecastEach(
      *job, std::move(names), absl::FromChrono(context->deadline()));
  bool client_gone = false;
  while (!batch->done()) {
    if (context->IsCancelled()) batch->Cancel();
    // Rechecks cancellation every second.
    for (ForecastEngine::Batch::Item& item : batch->Take(absl::Seconds(1))) {
      // Answers still in flight when the client went are drained unsent.
      if (client_gone) continue;
      v1::ForecastManyResponse out;
      out.set_series(item.series);
      if (item.result.ok()) {
        *out.mutable_forecast() = **item.result;
      } else {
        out.set_error_code(static_cast<int>(item.result.status().code()));
        out.set_error_message(std::string(item.result.status().message()));
      }
      auto step = watchdog_->Begin(context, "ForecastMany sending");
      if (!writer->Write(out)) {
        client_gone = true;
        batch->Cancel();
      }
    }
  }
  return grpc::Status::OK;
}

}  // namespace tsforecast::service
