#include "service/http/dashboard_api.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "forecast/vintage_errors.h"
#include "google/protobuf/util/json_util.h"
#include "service/forecast_request.h"
#include "service/http/http_access.h"
#include "service/http/http_util.h"
#include "service/http/json_text.h"
#include "service/proto_convert.h"

namespace tsforecast::service::http {
namespace {

void Reply(HttpResponse& res, const google::protobuf::Message& message) {
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  std::string json;
  auto status =
      google::protobuf::util::MessageToJsonString(message, &json, options);
  if (!status.ok()) {
    return ReplyError(res, absl::InternalError(std::string(status.message())));
  }
  res.set_content(json, "application/json");
}

absl::Status RequireSeries(const Params& p) {
  if (p.Get("series").empty()) {
    return absl::InvalidArgumentError("series: required, e.g. ?series=ndpr");
  }
  return absl::OkStatus();
}

}  // namespace

void DashboardApi::Series(const HttpRequest& req, HttpResponse& res) const {
  const Params p(req);
  absl::StatusOr<int64_t> limit =
      ParseIntParam(p, "limit", 1000, 1, kMaxListEntries);
  if (!limit.ok()) return ReplyError(res, limit.status());
  std::vector<storage::LabelMatcher> visible;
  Access::NarrowToScope(RequestCaller(), &visible);
  // One more than the page, to know whether another follows.
  absl::StatusOr<std::vector<storage::SeriesInfo>> infos = store_->ListSeries(
      visible, p.Get("after"), static_cast<size_t>(*limit) + 1);
  if (!infos.ok()) return ReplyError(res, infos.status());
  std::string next_after;
  if (infos->size() > static_cast<size_t>(*limit)) {
    infos->resize(static_cast<size_t>(*limit));
    next_after = infos->back().definition.name;
  }
  std::string body = "{\"series\":[";
  for (size_t i = 0; i < infos->size(); ++i) {
    const storage::SeriesInfo& info = (*infos)[i];
    if (i > 0) body += ',';
    body += "{\"name\":";
    AppendJsonString(&body, info.definition.name);
    body += ",\"step\":";
    AppendJsonString(&body, info.definition.step.ToString());
    body += ",\"unit\":";
    AppendJsonString(&body, info.definition.unit);
    if (info.definition.decimals >= 0) {
      absl::StrAppend(&body, ",\"decimals\":", info.definition.decimals);
    }
    absl::StrAppend(&body, ",\"revision\":", info.revision, ",\"labels\":{");
    bool first = true;
    for (const auto& [k, v] : info.definition.labels) {
      if (!first) body += ',';
      first = false;
      AppendJsonString(&body, k);
      body += ':';
      AppendJsonString(&body, v);
    }
    body += "}}";
  }
  body += ']';
  if (!next_after.empty()) {
    body += ",\"next_after\":";
    AppendJsonString(&body, next_after);
  }
  body += '}';
  res.set_content(std::move(body), "application/json");
}

void DashboardApi::Points(const HttpRequest& req, HttpResponse& res) const {
  const Params p(req);
  if (absl::Status s = RequireSeries(p); !s.ok()) return ReplyError(res, s);
  absl::StatusOr<int64_t> last = ParseIntParam(p, "last", 500, 1, 100000);
  if (!last.ok()) return ReplyError(res, last.status());
  absl::StatusOr<storage::ReadResult> read =
      store_->ReadLatest(p.Get("series"), static_cast<size_t>(*last));
  if (!read.ok()) return ReplyError(res, read.status());
  std::string body = "{\"series\":";
  AppendJsonString(&body, p.Get("series"));
  absl::StrAppend(&body, ",\"revision\":", read->revision,
                  ",\"timestamps_ms\":[");
  for (size_t i = 0; i < read->points.size(); ++i) {
    absl::StrAppend(&body, i > 0 ? "," : "", read->points[i].timestamp_ms);
  }
  body += "],\"values\":[";
  for (size_t i = 0; i < read->points.size(); ++i) {
    if (i > 0) body += ',';
    AppendPromValue(&body, read->points[i].value);
  }
  body += "]}";
  res.set_content(std::move(body), "application/json");
}

void DashboardApi::Forecast(const HttpRequest& req, HttpResponse& res) const {
  const Params p(req);
  if (absl::Status s = RequireSeries(p); !s.ok()) return ReplyError(res, s);
  v1::ForecastRequest request;
  request.set_series(p.Get("series"));
  absl::StatusOr<int64_t> horizon = ParseIntParam(p, "horizon", 0, 0, 1 << 30);
  if (!horizon.ok()) return ReplyError(res, horizon.status());
  request.set_horizon(static_cast<int32_t>(*horizon));
  request.mutable_model()->set_name(p.Get("model", "auto"));
  for (const std::string& level : p.GetAll("level")) {
    double v;
    if (!absl::SimpleAtod(level, &v)) {
      return ReplyError(res, absl::InvalidArgumentError(absl::StrCat(
                                 "level: \"", level, "\" is not a number")));
    }
    request.add_levels(v);
  }
  uint64_t known = 0;
  if (p.Has("known_revision") &&
      !absl::SimpleAtoi(p.Get("known_revision"), &known)) {
    return ReplyError(res, absl::InvalidArgumentError(
                               "known_revision: not an unsigned integer"));
  }
  request.set_known_revision(known);
  request.set_save_vintage(p.Get("save_vintage") == "1" ||
                           p.Get("save_vintage") == "true");
  // A coarser step: step=1w&agg=last.
  if (p.Has("step") || p.Has("agg")) {
    absl::StatusOr<v1::Aggregation> aggregation =
        AggregationFromText(p.Get("step"), p.Get("agg", "last"), "step", "agg");
    if (!aggregation.ok()) return ReplyError(res, aggregation.status());
    *request.mutable_aggregation() = *std::move(aggregation);
  }
  absl::StatusOr<ForecastJob> job =
      ForecastJobFromProto(request, forecasts_->defaults());
  if (!job.ok()) return ReplyError(res, job.status());
  absl::StatusOr<std::shared_ptr<const v1::ForecastResponse>> answer =
      forecasts_->Answer(*job, HttpDeadline());
  if (!answer.ok()) return ReplyError(res, answer.status());
  if (request.save_vintage()) return Reply(res, **answer);
  // The JSON says whether the answer came from the cache, so that is part
  // of the version it was rendered from.
  const std::string version =
      absl::StrCat((*answer)->revision(), (*answer)->cached() ? "c" : "");
  if (json_memo_.Answer(req.target, version, res)) return;
  Reply(res, **answer);
  json_memo_.Keep(req.target, version, res);
}

void DashboardApi::Backtest(const HttpRequest& req, HttpResponse& res) const {
  const Params p(req);
  if (absl::Status s = RequireSeries(p); !s.ok()) return ReplyError(res, s);
  v1::BacktestRequest request;
  request.set_series(p.Get("series"));
  absl::StatusOr<int64_t> horizon = ParseIntParam(p, "horizon", 0, 0, 1 << 30);
  if (!horizon.ok()) return ReplyError(res, horizon.status());
  request.set_horizon(static_cast<int32_t>(*horizon));
  absl::StatusOr<int64_t> windows = ParseIntParam(p, "windows", 0, 0, 1000);
  if (!windows.ok()) return ReplyError(res, windows.status());
  request.set_windows(static_cast<int32_t>(*windows));
  for (const std::string& m : p.GetAll("model")) {
    request.add_models()->set_name(m);
  }
  // Checked by the service: "metric: ... is not one of ...".
  request.set_metric(p.Get("metric"));
  absl::StatusOr<BacktestJob> job =
      BacktestJobFromProto(request, forecasts_->defaults());
  if (!job.ok()) return ReplyError(res, job.status());
  v1::BacktestResponse response;
  if (absl::Status s = forecasts_->Backtest(*job, &response, HttpDeadline());
      !s.ok()) {
    return ReplyError(res, s);
  }
  Reply(res, response);
}

void DashboardApi::Models(const HttpRequest&, HttpResponse& res) const {
  v1::ListModelsResponse response;
  ForecastEngine::ListModels(&response);
  Reply(res, response);
}

// Each saved forecast with what happened since: the forecast itself for
// drawing, and its errors on the steps whose actuals have arrived.
void DashboardApi::Vintages(const HttpRequest& req, HttpResponse& res) const {
  const Params p(req);
  if (absl::Status s = RequireSeries(p); !s.ok()) return ReplyError(res, s);
  absl::StatusOr<int64_t> last = ParseIntParam(p, "last", 10, 1, 100);
  if (!last.ok()) return ReplyError(res, last.status());
  absl::StatusOr<std::vector<v1::ForecastVintage>> vintages =
      forecasts_->LoadVintages(p.Get("series"), 0, static_cast<size_t>(*last));
  if (!vintages.ok()) return ReplyError(res, vintages.status());
  absl::StatusOr<storage::ReadResult> read =
      store_->Read(p.Get("series"), storage::TimeRange{}, 0);
  if (!read.ok()) return ReplyError(res, read.status());
  std::vector<int64_t> actual_ts;
  std::vector<double> actual;
  for (const storage::Point& point : read->points) {
    actual_ts.push_back(point.timestamp_ms);
    actual.push_back(point.value);
  }
  auto numbers = [](const auto& values) {
    std::string out = "[";
    for (int i = 0; i < values.size(); ++i) {
      absl::StrAppend(&out, i > 0 ? "," : "", JsonNumber(values[i]));
    }
    return out + "]";
  };
  std::string body = "{\"series\":";
  AppendJsonString(&body, p.Get("series"));
  body += ",\"vintages\":[";
  for (size_t i = 0; i < vintages->size(); ++i) {
    const v1::ForecastVintage& v = (*vintages)[i];
    const v1::ForecastResponse& f = v.forecast();
    std::vector<forecast::ForecastBand> bands;
    for (const v1::PredictionInterval& pi : f.intervals()) {
      bands.push_back({pi.level(),
                       {pi.lower().begin(), pi.lower().end()},
                       {pi.upper().begin(), pi.upper().end()}});
    }
    const std::vector<int64_t> steps(f.timestamps_ms().begin(),
                                     f.timestamps_ms().end());
    const std::vector<double> mean(f.mean().begin(), f.mean().end());
    const forecast::VintageErrors e =
        forecast::CompareWithActuals(steps, mean, bands, actual_ts, actual);
    absl::StrAppend(&body, i > 0 ? "," : "", "{\"vintage_id\":", v.vintage_id(),
                    ",\"create_time_ms\":", v.create_time_ms(),
                    ",\"revision\":", f.revision(), ",\"model\":");
    AppendJsonString(&body, f.model().name());
    absl::StrAppend(&body, ",\"timestamps_ms\":[");
    for (size_t h = 0; h < steps.size(); ++h) {
      absl::StrAppend(&body, h > 0 ? "," : "", steps[h]);
    }
    absl::StrAppend(&body, "],\"mean\":", numbers(f.mean()),
                    ",\"intervals\":[");
    for (int b = 0; b < f.intervals_size(); ++b) {
      const v1::PredictionInterval& pi = f.intervals(b);
      absl::StrAppend(&body, b > 0 ? "," : "",
                      "{\"level\":", JsonNumber(pi.level()),
                      ",\"lower\":", numbers(pi.lower()),
                      ",\"upper\":", numbers(pi.upper()),
                      ",\"coverage\":", JsonNumber(e.coverage[b]), "}");
    }
    absl::StrAppend(&body, "],\"due\":", e.due, ",\"pending\":", e.pending,
                    ",\"mae\":", JsonNumber(e.mae),
                    ",\"mase\":", JsonNumber(e.mase), "}");
  }
  body += "]}";
  res.set_content(std::move(body), "application/json");
}

}  // namespace tsforecast::service::http
