#include "service/forecast_service.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "common/status_macros.h"
#include "forecast/model_registry.h"
#include "service/forecast_runner.h"
#include "service/grpc_status.h"
#include "service/proto_convert.h"

namespace tsforecast::service {
namespace {

ForecastJob JobFromProto(const v1::ForecastRequest& r) {
  ForecastJob job;
  job.series = r.series();
  job.horizon = r.horizon();
  job.model = SpecFromProto(r.model());
  if (r.levels_size() > 0)
    job.levels.assign(r.levels().begin(), r.levels().end());
  if (r.window().has_range()) {
    job.window.range = storage::TimeRange{r.window().range().start_ms(),
                                          r.window().range().end_ms()};
  } else if (r.window().window_case() == v1::TrainingWindow::kLastPoints) {
    job.window.last_points = r.window().last_points();
  }
  switch (r.transform()) {
    case v1::TRANSFORM_LOG:
      job.transform = TransformKind::kLog;
      break;
    case v1::TRANSFORM_BOX_COX:
      job.transform = TransformKind::kBoxCox;
      break;
    default:
      job.transform = TransformKind::kNone;
  }
  if (r.has_box_cox_lambda()) job.box_cox_lambda = r.box_cox_lambda();
  job.season_lengths.assign(r.season_lengths().begin(),
                            r.season_lengths().end());
  return job;
}

void OutcomeToProto(const ForecastJob& job, const ForecastOutcome& out,
                    v1::ForecastResponse* response) {
  response->set_series(job.series);
  response->set_revision(out.revision);
  for (int64_t ts : out.timestamps_ms) response->add_timestamps_ms(ts);
  for (double v : out.prediction.mean) response->add_mean(v);
  for (const forecast::PredictionInterval& pi : out.prediction.intervals) {
    v1::PredictionInterval* p = response->add_intervals();
    p->set_level(pi.level);
    for (double v : pi.lower) p->add_lower(v);
    for (double v : pi.upper) p->add_upper(v);
  }
  v1::FittedModelInfo* info = response->mutable_model();
  info->set_name(out.model_name);
  info->set_description(out.description);
  for (const auto& [name, value] : out.parameters) {
    (*info->mutable_parameters())[name] = value;
  }
  if (out.summary.has_likelihood) {
    info->set_log_likelihood(out.summary.log_likelihood);
    info->set_aic(out.summary.aic);
    info->set_aicc(out.summary.aicc);
    info->set_bic(out.summary.bic);
  }
  info->set_sigma2(out.summary.sigma2);
  info->set_converged(out.summary.converged);
  info->set_training_points(out.training_points);
  for (const std::string& w : out.warnings) response->add_warnings(w);
}

}  // namespace

std::shared_ptr<const v1::ForecastResponse> ForecastCache::Find(
    const std::string& key, bool count_miss) const {
  absl::MutexLock lock(&mu_);
  auto it = entries_.find(key);
  if (it == entries_.end()) {
    if (count_miss) ++misses_;
    return nullptr;
  }
  ++hits_;
  return it->second;
}

void ForecastCache::Insert(const std::string& key,
                           std::shared_ptr<const v1::ForecastResponse> value) {
  absl::MutexLock lock(&mu_);
  // Entries of old revisions are never hit again; dropping everything when
  // full is the simplest bound and costs one refit per live key.
  if (entries_.size() >= max_entries_) entries_.clear();
  entries_[key] = std::move(value);
}

uint64_t ForecastCache::hits() const {
  absl::MutexLock lock(&mu_);
  return hits_;
}

uint64_t ForecastCache::misses() const {
  absl::MutexLock lock(&mu_);
  return misses_;
}

absl::StatusOr<std::shared_ptr<const v1::ForecastResponse>>
ForecastServiceImpl::ForecastCached(const v1::ForecastRequest& request,
                                    absl::Time deadline) {
  TSF_ASSIGN_OR_RETURN(const ForecastJob job, JobFor(request));
  TSF_RETURN_IF_ERROR(ValidateJob(job));
  TSF_ASSIGN_OR_RETURN(storage::SeriesInfo info, store_->GetSeries(job.series));
  const std::string key = absl::StrCat(job.CanonicalKey(), "@", info.revision);
  // Entries are stored already marked `cached`: a hit copies nothing.
  if (auto cached = cache_.Find(key)) return cached;
  // Identical concurrent requests share one fit; fits run on a bounded
  // number of workers.
  return scheduler_.Run(key, deadline, [&]() -> FitScheduler::Result {
    const absl::Time start = absl::Now();
    absl::StatusOr<ForecastOutcome> fitted = RunForecast(*store_, job);
    if (metrics_ != nullptr) {
      if (fitted.ok()) {
        metrics_->fit_seconds.Observe(
            {job.model.name}, absl::ToDoubleSeconds(absl::Now() - start));
      } else {
        metrics_->fit_errors.Add({job.model.name});
      }
    }
    TSF_RETURN_IF_ERROR(fitted.status());
    ForecastOutcome& outcome = *fitted;
    auto response = std::make_shared<v1::ForecastResponse>();
    OutcomeToProto(job, outcome, response.get());
    auto stored = std::make_shared<v1::ForecastResponse>(*response);
    stored->set_cached(true);
    cache_.Insert(absl::StrCat(job.CanonicalKey(), "@", outcome.revision),
                  std::move(stored));
    return std::shared_ptr<const v1::ForecastResponse>(std::move(response));
  });
}

std::shared_ptr<const v1::ForecastResponse> ForecastServiceImpl::FromMemory(
    const v1::ForecastRequest& request) const {
  // A vintage is always computed and saved, so "unchanged" does not apply.
  if (request.save_vintage()) return nullptr;
  absl::StatusOr<ForecastJob> parsed = JobFor(request);
  if (!parsed.ok() || !ValidateJob(*parsed).ok()) return nullptr;
  const ForecastJob& job = *parsed;
  absl::StatusOr<storage::SeriesInfo> info = store_->GetSeries(job.series);
  if (!info.ok()) return nullptr;
  if (request.known_revision() == info->revision) {
    auto unchanged = std::make_shared<v1::ForecastResponse>();
    unchanged->set_unchanged(true);
    unchanged->set_revision(info->revision);
    unchanged->set_series(request.series());
    return unchanged;
  }
  return cache_.Find(absl::StrCat(job.CanonicalKey(), "@", info->revision),
                     /*count_miss=*/false);
}

absl::StatusOr<std::shared_ptr<const v1::ForecastResponse>>
ForecastServiceImpl::Answer(const v1::ForecastRequest& request,
                            absl::Time deadline) {
  if (auto quick = FromMemory(request)) return quick;
  TSF_ASSIGN_OR_RETURN(std::shared_ptr<const v1::ForecastResponse> result,
                       ForecastCached(request, deadline));
  if (!request.save_vintage()) return result;
  auto saved = std::make_shared<v1::ForecastResponse>(*result);
  absl::StatusOr<int64_t> id = SaveVintage(*saved);
  if (!id.ok()) return Annotate(id.status(), "saving the forecast vintage");
  saved->set_vintage_id(*id);
  return std::shared_ptr<const v1::ForecastResponse>(std::move(saved));
}

absl::StatusOr<ForecastJob> ForecastServiceImpl::JobFor(
    const v1::ForecastRequest& request) const {
  if (!v1::Transform_IsValid(request.transform())) {
    return absl::InvalidArgumentError(
        absl::StrCat("transform: unknown value ", request.transform(),
                     "; one of NONE, LOG, BOX_COX"));
  }
  ForecastJob job = JobFromProto(request);
  job.max_missing_percent = request.has_max_missing_percent()
                                ? request.max_missing_percent()
                                : max_missing_percent_;
  if (request.has_aggregation()) {
    const v1::Aggregation& agg = request.aggregation();
    ForecastJob::Aggregation a;
    TSF_ASSIGN_OR_RETURN(
        a.aggregator,
        AggregatorFromProto(agg.aggregator(), "aggregation.aggregator"));
    if (!agg.has_step()) {
      return absl::InvalidArgumentError(
          "aggregation.step: required, e.g. {unit: WEEK, count: 1}");
    }
    TSF_ASSIGN_OR_RETURN(a.step, StepFromProto(agg.step(), "aggregation.step"));
    job.aggregation = a;
  }
  return job;
}

ForecastServiceImpl::~ForecastServiceImpl() {
  absl::MutexLock lock(&detached_mu_);
  detached_mu_.Await(absl::Condition(
      +[](int* n) { return *n == 0; }, &detached_));
}

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
  const absl::Time deadline = absl::FromChrono(context->deadline());
  // Fast path on this thread: an unchanged revision or a cache hit.
  if (auto quick = FromMemory(*request)) {
    *response = *quick;
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }
  // A fit (or an error to explain) may take long: not on a gRPC thread.
  {
    absl::MutexLock lock(&detached_mu_);
    ++detached_;
  }
  std::thread([this, context, request, response, reactor, deadline] {
    grpc::Status status;
    if (context->IsCancelled()) {
      status = grpc::Status(grpc::StatusCode::CANCELLED, "client cancelled");
    } else {
      absl::StatusOr<std::shared_ptr<const v1::ForecastResponse>> result =
          Answer(*request, deadline);
      if (result.ok()) {
        *response = **result;
      } else {
        status = ToGrpcStatus(result.status());
      }
    }
    reactor->Finish(status);
    absl::MutexLock lock(&detached_mu_);
    --detached_;
  }).detach();
  return reactor;
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
  // Both cores: one worker per core pulls series; answers are streamed as
  // each finishes.
  std::atomic<size_t> next{0};
  absl::Mutex write_mu;
  bool client_gone = false;
  auto work = [&] {
    for (size_t i; (i = next.fetch_add(1)) < series->size();) {
      if (context->IsCancelled()) return;
      v1::ForecastRequest one = request->forecast();
      one.set_series(series->at(i).definition.name);
      one.set_known_revision(0);
      absl::StatusOr<std::shared_ptr<const v1::ForecastResponse>> result =
          ForecastCached(one, absl::FromChrono(context->deadline()));
      v1::ForecastManyResponse out;
      out.set_series(one.series());
      if (result.ok()) {
        *out.mutable_forecast() = **result;
      } else {
        out.set_error_code(static_cast<int>(result.status().code()));
        out.set_error_message(std::string(result.status().message()));
      }
      absl::MutexLock lock(&write_mu);
      auto step = watchdog_->Begin(context, "ForecastMany sending");
      if (!client_gone && !writer->Write(out)) client_gone = true;
    }
  };
  std::thread helper(work);
  work();
  helper.join();
  return grpc::Status::OK;
}

grpc::Status ForecastServiceImpl::WatchForecast(
    grpc::ServerContext* context, const v1::ForecastRequest* request,
    grpc::ServerWriter<v1::ForecastResponse>* writer) {
  absl::StatusOr<Caller> caller = CallerFor(*context, auth::Role::kRead,
                                            request->series(), "WatchForecast");
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  if (request->save_vintage()) {
    return ToGrpcStatus(absl::InvalidArgumentError(
        "save_vintage: not supported by WatchForecast (it would save one "
        "per change); save vintages with Forecast"));
  }
  uint64_t sent_revision = request->known_revision();
  while (!context->IsCancelled()) {
    absl::StatusOr<storage::SeriesInfo> info =
        store_->GetSeries(request->series());
    if (!info.ok()) return ToGrpcStatus(info.status());
    if (info->revision != sent_revision) {
      absl::StatusOr<std::shared_ptr<const v1::ForecastResponse>> result =
          ForecastCached(*request, absl::FromChrono(context->deadline()));
      if (!result.ok()) return ToGrpcStatus(result.status());
      auto step = watchdog_->Begin(context, "WatchForecast sending");
      if (!writer->Write(**result)) break;
      sent_revision = (*result)->revision();
    }
    // Polling the in-memory revision is cheap; bursts of writes within one
    // interval are coalesced into one new forecast.
    absl::SleepFor(absl::Milliseconds(100));
  }
  return grpc::Status::OK;
}

grpc::Status ForecastServiceImpl::ListModels(grpc::ServerContext* context,
                                             const v1::ListModelsRequest*,
                                             v1::ListModelsResponse* response) {
  absl::StatusOr<Caller> caller =
      access_->Check(*context, auth::Role::kRead, "ListModels");
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  DescribeModels(response);
  return grpc::Status::OK;
}

void ForecastServiceImpl::DescribeModels(v1::ListModelsResponse* response) {
  for (const forecast::ModelInfo& m : forecast::ListModels()) {
    v1::ModelInfo* info = response->add_models();
    info->set_name(m.name);
    info->set_description(m.description);
    for (const forecast::ModelOption& o : m.options) {
      v1::ModelOption* opt = info->add_options();
      opt->set_name(o.name);
      opt->set_description(o.description);
      opt->set_default_value(o.default_value);
      for (const std::string& v : o.AllowedValues()) {
        opt->add_allowed_values(v);
      }
    }
  }
}

}  // namespace tsforecast::service
