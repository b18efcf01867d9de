#include "service/forecast_service.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "common/status_macros.h"
#include "forecast/backtest.h"
#include "forecast/model_registry.h"
#include "service/forecast_runner.h"
#include "service/grpc_status.h"
#include "service/proto_convert.h"

namespace tsforecast::service {
namespace {

forecast::ModelSpec SpecFromProto(const v1::ModelSpec& spec) {
  forecast::ModelSpec out;
  out.name = spec.name().empty() ? "auto" : spec.name();
  out.options.insert(spec.options().begin(), spec.options().end());
  return out;
}

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

void MetricsToProto(const forecast::Metrics& m, v1::AccuracyMetrics* out) {
  out->set_mae(m.mae);
  out->set_rmse(m.rmse);
  out->set_smape(m.smape);
  out->set_mase(m.mase);
  out->set_coverage(m.coverage);
  out->set_msis(m.msis);
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

absl::StatusOr<int64_t> ForecastServiceImpl::SaveVintage(
    const v1::ForecastResponse& forecast) {
  v1::ForecastResponse kept = forecast;
  kept.clear_cached();
  kept.clear_vintage_id();
  TSF_ASSIGN_OR_RETURN(
      uint64_t id,
      store_->AddAttachment(forecast.series(), absl::ToUnixMillis(absl::Now()),
                            kept.SerializeAsString()));
  return static_cast<int64_t>(id);
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

grpc::Status ForecastServiceImpl::ListForecastVintages(
    grpc::ServerContext* context,
    const v1::ListForecastVintagesRequest* request,
    v1::ListForecastVintagesResponse* response) {
  absl::StatusOr<Caller> caller = CallerFor(
      *context, auth::Role::kRead, request->series(), "ListForecastVintages");
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  if (request->page_size() < 0 || request->page_size() > 1000) {
    return ToGrpcStatus(absl::InvalidArgumentError(absl::StrCat(
        "page_size: ", request->page_size(), " is outside [1, 1000]")));
  }
  const size_t page_size = request->page_size() == 0
                               ? 100
                               : static_cast<size_t>(request->page_size());
  uint64_t before_id = 0;
  if (!request->page_token().empty() &&
      (!absl::SimpleAtoi(request->page_token(), &before_id) ||
       before_id == 0)) {
    return ToGrpcStatus(absl::InvalidArgumentError(
        absl::StrCat("page_token: \"", request->page_token(),
                     "\" is not a token from a previous page")));
  }
  // One more than asked tells whether another page follows.
  absl::StatusOr<std::vector<v1::ForecastVintage>> vintages =
      LoadVintages(request->series(), before_id, page_size + 1);
  if (!vintages.ok()) return ToGrpcStatus(vintages.status());
  for (size_t i = 0; i < vintages->size() && i < page_size; ++i) {
    const v1::ForecastVintage& full = (*vintages)[i];
    v1::ForecastVintage* v = response->add_vintages();
    v->set_vintage_id(full.vintage_id());
    v->set_create_time_ms(full.create_time_ms());
    v1::ForecastResponse* summary = v->mutable_forecast();
    summary->set_series(full.forecast().series());
    summary->set_revision(full.forecast().revision());
    summary->set_vintage_id(full.vintage_id());
    *summary->mutable_model() = full.forecast().model();
  }
  if (vintages->size() > page_size) {
    response->set_next_page_token(
        absl::StrCat(response->vintages(page_size - 1).vintage_id()));
  }
  return grpc::Status::OK;
}

absl::StatusOr<std::vector<v1::ForecastVintage>>
ForecastServiceImpl::LoadVintages(absl::string_view series, uint64_t before_id,
                                  size_t limit) const {
  absl::StatusOr<std::vector<storage::SeriesAttachment>> docs =
      store_->ListAttachments(series, before_id, limit, /*with_payload=*/true);
  if (!docs.ok()) return docs.status();
  std::vector<v1::ForecastVintage> out;
  out.reserve(docs->size());
  for (const storage::SeriesAttachment& doc : *docs) {
    v1::ForecastVintage& v = out.emplace_back();
    if (!v.mutable_forecast()->ParseFromString(doc.payload)) {
      return absl::DataLossError(
          absl::StrCat("forecast vintage ", doc.id, " is unreadable"));
    }
    v.set_vintage_id(static_cast<int64_t>(doc.id));
    v.set_create_time_ms(doc.create_time_ms);
    v.mutable_forecast()->set_vintage_id(static_cast<int64_t>(doc.id));
  }
  return out;
}

grpc::Status ForecastServiceImpl::GetForecastVintage(
    grpc::ServerContext* context, const v1::GetForecastVintageRequest* request,
    v1::GetForecastVintageResponse* response) {
  absl::StatusOr<Caller> caller = CallerFor(
      *context, auth::Role::kRead, request->series(), "GetForecastVintage");
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  if (request->vintage_id() <= 0) {
    return ToGrpcStatus(absl::InvalidArgumentError(
        "vintage_id: required, as returned by Forecast with save_vintage or "
        "by ListForecastVintages"));
  }
  absl::StatusOr<storage::SeriesAttachment> doc = store_->GetAttachment(
      request->series(), static_cast<uint64_t>(request->vintage_id()));
  if (!doc.ok()) {
    if (doc.status().code() == absl::StatusCode::kNotFound &&
        absl::StrContains(doc.status().message(), "attachment")) {
      return ToGrpcStatus(absl::NotFoundError(
          absl::StrCat("series \"", request->series(),
                       "\" has no forecast vintage ", request->vintage_id())));
    }
    return ToGrpcStatus(doc.status());
  }
  v1::ForecastVintage* v = response->mutable_vintage();
  v->set_vintage_id(request->vintage_id());
  v->set_create_time_ms(doc->create_time_ms);
  if (!v->mutable_forecast()->ParseFromString(doc->payload)) {
    return ToGrpcStatus(absl::DataLossError(absl::StrCat(
        "forecast vintage ", request->vintage_id(), " is unreadable")));
  }
  v->mutable_forecast()->set_vintage_id(request->vintage_id());
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

grpc::Status ForecastServiceImpl::Backtest(grpc::ServerContext* context,
                                           const v1::BacktestRequest* request,
                                           v1::BacktestResponse* response) {
  absl::StatusOr<Caller> caller =
      CallerFor(*context, auth::Role::kRead, request->series(), "Backtest");
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  return ToGrpcStatus(
      RunBacktest(*request, response, absl::FromChrono(context->deadline()),
                  [context] { return context->IsCancelled(); }));
}

absl::Status ForecastServiceImpl::RunBacktest(
    const v1::BacktestRequest& request, v1::BacktestResponse* response,
    absl::Time deadline, std::function<bool()> stop) {
  // A slot among the fits; no sharing between backtests (each fills its
  // own response), so the key is unique.
  static std::atomic<uint64_t> next_key{0};
  const std::string key = absl::StrCat("backtest#", next_key.fetch_add(1));
  absl::Status status;
  FitScheduler::Result slot =
      scheduler_.Run(key, deadline, [&]() -> FitScheduler::Result {
        status = BacktestNow(request, response, [&] {
          return absl::Now() > deadline || (stop && stop());
        });
        return std::shared_ptr<const v1::ForecastResponse>();
      });
  if (!slot.ok()) return slot.status();
  if (status.code() == absl::StatusCode::kCancelled && absl::Now() > deadline) {
    return absl::DeadlineExceededError(
        absl::StrCat("backtest: ", status.message()));
  }
  return status;
}

absl::Status ForecastServiceImpl::BacktestNow(
    const v1::BacktestRequest& request, v1::BacktestResponse* response,
    std::function<bool()> stop) {
  ForecastJob base;
  base.series = request.series();
  base.horizon = request.horizon();
  base.levels = {request.levels_size() > 0 ? request.levels(0) : 95.0};
  base.season_lengths.assign(request.season_lengths().begin(),
                             request.season_lengths().end());
  base.max_missing_percent = request.has_max_missing_percent()
                                 ? request.max_missing_percent()
                                 : max_missing_percent_;
  if (request.window().has_range()) {
    base.window.range = storage::TimeRange{request.window().range().start_ms(),
                                           request.window().range().end_ms()};
  } else if (request.window().window_case() ==
             v1::TrainingWindow::kLastPoints) {
    base.window.last_points = request.window().last_points();
  }
  TSF_RETURN_IF_ERROR(ValidateJob(base));
  TSF_ASSIGN_OR_RETURN(const forecast::BacktestMetric metric,
                       forecast::ParseBacktestMetric(request.metric()));
  TSF_ASSIGN_OR_RETURN(const TrainingData data,
                       LoadTrainingData(*store_, base));
  response->set_revision(data.revision);
  response->set_metric(std::string(forecast::BacktestMetricName(metric)));
  response->set_level(base.levels[0]);
  forecast::BacktestOptions options;
  options.horizon = request.horizon();
  options.windows = request.windows() == 0 ? 5 : request.windows();
  options.step = request.step();
  options.level = base.levels[0];
  options.stop = std::move(stop);
  std::vector<v1::ModelSpec> specs(request.models().begin(),
                                   request.models().end());
  if (specs.empty()) specs.emplace_back();  // auto
  double best = INFINITY;
  for (size_t i = 0; i < specs.size(); ++i) {
    ForecastJob job = base;
    job.model = SpecFromProto(specs[i]);
    v1::ModelBacktest* out = response->add_models();
    out->mutable_model()->set_name(job.model.name);
    out->mutable_model()->mutable_options()->insert(job.model.options.begin(),
                                                    job.model.options.end());
    absl::StatusOr<std::unique_ptr<forecast::Model>> model = BuildModel(job);
    if (!model.ok()) {
      return Annotate(model.status(), absl::StrCat("models[", i, "]"));
    }
    absl::StatusOr<forecast::BacktestResult> result = forecast::Backtest(
        **model, {data.grid.values, data.season_lengths, options.horizon},
        options);
    if (!result.ok()) {
      if (result.status().code() == absl::StatusCode::kCancelled) {
        return result.status();
      }
      // One model failing on this series does not fail the comparison.
      out->set_error(std::string(result.status().message()));
      if (result.status().code() == absl::StatusCode::kInvalidArgument) {
        return result.status();
      }
      continue;
    }
    MetricsToProto(result->overall, out->mutable_overall());
    for (const forecast::Metrics& m : result->by_horizon) {
      MetricsToProto(m, out->add_by_horizon());
    }
    response->set_windows(result->windows);
    if (const double v = forecast::MetricValue(result->overall, metric);
        v < best) {
      best = v;
      response->set_best_model(job.model.Canonical());
    }
  }
  if (response->best_model().empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat("no model could be backtested on series \"", base.series,
                     "\": ", response->models(0).error()));
  }
  return absl::OkStatus();
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
