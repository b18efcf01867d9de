#include "service/http/prom_api.h"

#include <set>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "service/http/http_access.h"
#include "service/http/http_util.h"
#include "service/http/json_text.h"
#include "storage/selector.h"

namespace tsforecast::service::http {
namespace {

void Success(HttpResponse& res, const std::string& data,
             const std::vector<std::string>& warnings = {}) {
  std::string body;
  body.reserve(data.size() + 64);
  body += "{\"status\":\"success\",\"data\":";
  body += data;
  if (!warnings.empty()) {
    body += ",\"warnings\":[";
    for (size_t i = 0; i < warnings.size(); ++i) {
      if (i > 0) body += ',';
      AppendJsonString(&body, warnings[i]);
    }
    body += ']';
  }
  body += '}';
  res.set_content(std::move(body), "application/json");
}

// Prometheus error types: bad_data (400) for requests it cannot parse,
// execution (422) when evaluation fails, internal (500).
void Error(HttpResponse& res, const absl::Status& status) {
  std::string type = "execution";
  int http = 422;
  if (status.code() == absl::StatusCode::kInvalidArgument) {
    type = "bad_data";
    http = 400;
  } else if (status.code() == absl::StatusCode::kDeadlineExceeded) {
    // Mostly a fit that waited for a worker past the deadline: busy, so
    // come back later.
    type = "timeout";
    http = 503;
    res.set_header("Retry-After", "1");
  } else if (status.code() == absl::StatusCode::kInternal ||
             status.code() == absl::StatusCode::kDataLoss) {
    type = "internal";
    http = 500;
  } else if (status.code() == absl::StatusCode::kResourceExhausted ||
             status.code() == absl::StatusCode::kUnavailable) {
    type = "unavailable";
    http = HttpStatusOf(status.code());
    SetRetryAfter(res, status);
  }
  std::string body = absl::StrCat("{\"status\":\"error\",\"errorType\":\"",
                                  type, "\",\"error\":");
  AppendJsonString(&body, status.message());
  body += '}';
  res.status = http;
  res.set_content(std::move(body), "application/json");
}

void AppendMetric(std::string* out,
                  const std::map<std::string, std::string>& metric) {
  *out += '{';
  bool first = true;
  for (const auto& [k, v] : metric) {
    if (!first) *out += ',';
    first = false;
    AppendJsonString(out, k);
    *out += ':';
    AppendJsonString(out, v);
  }
  *out += '}';
}

void AppendSample(std::string* out, int64_t ts_ms, double v) {
  out->push_back('[');
  AppendPromTime(out, ts_ms);
  out->append(",\"");
  AppendPromValue(out, v);
  out->append("\"]");
}

absl::StatusOr<PromQuery> QueryParam(const Params& p) {
  if (!p.Has("query")) {
    return absl::InvalidArgumentError("query: required, e.g. query=ndpr");
  }
  return ParsePromQuery(p.Get("query"));
}

constexpr char kTruncatedWarning[] = "results truncated due to limit";

void AppendStringArray(std::string* out, const std::vector<std::string>& v) {
  *out += '[';
  for (size_t i = 0; i < v.size(); ++i) {
    if (i > 0) *out += ',';
    AppendJsonString(out, v[i]);
  }
  *out += ']';
}

// The request's match[] selectors, parsed, each narrowed to the caller's
// scope; INVALID_ARGUMENT naming match[] for one that does not parse.
absl::StatusOr<std::vector<std::vector<storage::LabelMatcher>>>
ScopedSelections(const std::vector<std::string>& texts, const Caller& caller) {
  std::vector<std::vector<storage::LabelMatcher>> out;
  for (const std::string& text : texts) {
    absl::StatusOr<std::vector<storage::LabelMatcher>> m =
        storage::ParseSelector(text);
    if (!m.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("match[]: ", m.status().message()));
    }
    Access::NarrowToScope(caller, &*m);
    out.push_back(*std::move(m));
  }
  return out;
}

}  // namespace

void PromApi::Query(const HttpRequest& req, HttpResponse& res) const {
  const Params p(req);
  absl::StatusOr<PromQuery> query = QueryParam(p);
  if (!query.ok()) return Error(res, query.status());
  Access::NarrowToScope(RequestCaller(), &query->matchers);
  int64_t t = absl::ToUnixMillis(absl::Now());
  if (p.Has("time")) {
    absl::StatusOr<int64_t> parsed = ParsePromTime("time", p.Get("time"));
    if (!parsed.ok()) return Error(res, parsed.status());
    t = *parsed;
  }
  if (query->kind == PromQuery::Kind::kScalar) {
    std::string data = "{\"resultType\":\"scalar\",\"result\":";
    AppendSample(&data, t, query->scalar);
    data += '}';
    return Success(res, data);
  }
  absl::StatusOr<std::vector<storage::SeriesInfo>> selected =
      evaluator_.SelectSeries(*query);
  if (!selected.ok()) return Error(res, selected.status());
  const std::string key =
      PromAnswerKey('q', p.Get("query"), query->matchers, {t});
  const std::optional<std::string> version = PromAnswerVersion(*selected);
  if (version && memo_.Answer(key, *version, res)) return;
  absl::StatusOr<PromResult> result =
      evaluator_.Evaluate(*query, *selected, t, t, 1, HttpDeadline());
  if (!result.ok()) return Error(res, result.status());
  std::string data = "{\"resultType\":\"vector\",\"result\":[";
  for (size_t i = 0; i < result->series.size(); ++i) {
    const PromSeries& s = result->series[i];
    if (i > 0) data += ',';
    data += "{\"metric\":";
    AppendMetric(&data, s.metric);
    data += ",\"value\":";
    AppendSample(&data, s.samples[0].first, s.samples[0].second);
    data += '}';
  }
  data += "]}";
  Success(res, data, result->warnings);
  // Answers with warnings are not kept: the next poll should see them too.
  if (version && result->warnings.empty()) memo_.Keep(key, *version, res);
}

void PromApi::QueryRange(const HttpRequest& req, HttpResponse& res) const {
  const Params p(req);
  absl::StatusOr<PromQuery> query = QueryParam(p);
  if (!query.ok()) return Error(res, query.status());
  Access::NarrowToScope(RequestCaller(), &query->matchers);
  for (const char* field : {"start", "end", "step"}) {
    if (!p.Has(field)) {
      return Error(
          res, absl::InvalidArgumentError(absl::StrCat(field, ": required")));
    }
  }
  absl::StatusOr<int64_t> start = ParsePromTime("start", p.Get("start"));
  if (!start.ok()) return Error(res, start.status());
  absl::StatusOr<int64_t> end = ParsePromTime("end", p.Get("end"));
  if (!end.ok()) return Error(res, end.status());
  absl::StatusOr<int64_t> step = ParsePromDuration("step", p.Get("step"));
  if (!step.ok()) return Error(res, step.status());
  if (query->kind == PromQuery::Kind::kScalar) {
    std::string data =
        "{\"resultType\":\"matrix\",\"result\":[{\"metric\":{},"
        "\"values\":[";
    if ((*end - *start) / *step + 1 > kMaxPromSteps) {
      return Error(res, absl::InvalidArgumentError(
                            "exceeded maximum resolution of 11000 points per "
                            "series; try a larger step"));
    }
    for (int64_t t = *start; t <= *end; t += *step) {
      if (t != *start) data += ',';
      AppendSample(&data, t, query->scalar);
    }
    data += "]}]}";
    return Success(res, data);
  }
  absl::StatusOr<std::vector<storage::SeriesInfo>> selected =
      evaluator_.SelectSeries(*query);
  if (!selected.ok()) return Error(res, selected.status());
  const std::string key = PromAnswerKey('r', p.Get("query"), query->matchers,
                                        {*start, *end, *step});
  const std::optional<std::string> version = PromAnswerVersion(*selected);
  if (version && memo_.Answer(key, *version, res)) return;
  absl::StatusOr<PromResult> result = evaluator_.Evaluate(
      *query, *selected, *start, *end, *step, HttpDeadline());
  if (!result.ok()) return Error(res, result.status());
  std::string data = "{\"resultType\":\"matrix\",\"result\":[";
  for (size_t i = 0; i < result->series.size(); ++i) {
    const PromSeries& s = result->series[i];
    if (i > 0) data += ',';
    data += "{\"metric\":";
    AppendMetric(&data, s.metric);
    data += ",\"values\":[";
    for (size_t j = 0; j < s.samples.size(); ++j) {
      if (j > 0) data += ',';
      AppendSample(&data, s.samples[j].first, s.samples[j].second);
    }
    data += "]}";
  }
  data += "]}";
  Success(res, data, result->warnings);
  // Answers with warnings are not kept: the next poll should see them too.
  if (version && result->warnings.empty()) memo_.Keep(key, *version, res);
}

void PromApi::Series(const HttpRequest& req, HttpResponse& res) const {
  const Params p(req);
  const std::vector<std::string> selectors = p.GetAll("match[]");
  if (selectors.empty()) {
    return Error(res, absl::InvalidArgumentError(
                          "match[]: at least one selector is required"));
  }
  absl::StatusOr<int64_t> limit =
      ParseIntParam(p, "limit", kMaxListEntries, 1, kMaxListEntries);
  if (!limit.ok()) return Error(res, limit.status());
  absl::StatusOr<std::vector<std::vector<storage::LabelMatcher>>> selections =
      ScopedSelections(selectors, RequestCaller());
  if (!selections.ok()) return Error(res, selections.status());
  std::map<std::string, std::map<std::string, std::string>> found;
  for (const std::vector<storage::LabelMatcher>& m : *selections) {
    absl::StatusOr<std::vector<storage::SeriesInfo>> infos =
        store_->ListSeries(m, "", static_cast<size_t>(*limit) + 1);
    if (!infos.ok()) return Error(res, infos.status());
    for (const storage::SeriesInfo& info : *infos) {
      found[info.definition.name] = storage::SelectableLabels(
          info.definition.name, info.definition.labels);
    }
  }
  // Cut at the limit with Prometheus's warning (2.49 and later).
  std::vector<std::string> warnings;
  if (found.size() > static_cast<size_t>(*limit)) {
    found.erase(std::next(found.begin(), *limit), found.end());
    warnings.push_back(kTruncatedWarning);
  }
  std::string data = "[";
  bool first = true;
  for (const auto& [name, metric] : found) {
    if (!first) data += ',';
    first = false;
    AppendMetric(&data, metric);
  }
  data += ']';
  Success(res, data, warnings);
}

// A scoped caller sees the labels of its series only; `match` (the
// request's match[] selectors, as Grafana's editor sends once a metric is
// chosen) narrows to the series any of them selects.
absl::StatusOr<std::set<std::string>> PromApi::VisibleLabels(
    const std::string* values_of, const std::vector<std::string>& match) const {
  const Caller& caller = RequestCaller();
  std::set<std::string> out;
  if (match.empty() && (caller == nullptr || !caller->Scoped())) {
    const std::vector<std::string> all = values_of == nullptr
                                             ? store_->LabelNames()
                                             : store_->LabelValues(*values_of);
    out.insert(all.begin(), all.end());
    return out;
  }
  absl::StatusOr<std::vector<std::vector<storage::LabelMatcher>>> selections =
      ScopedSelections(match, caller);
  if (!selections.ok()) return selections.status();
  if (selections->empty()) {  // no match[]: every series the caller may see
    Access::NarrowToScope(caller, &selections->emplace_back());
  }
  for (const std::vector<storage::LabelMatcher>& matchers : *selections) {
    absl::StatusOr<std::vector<storage::SeriesInfo>> infos =
        store_->ListSeries(matchers, "", 100000);
    if (!infos.ok()) return infos.status();
    for (const storage::SeriesInfo& info : *infos) {
      for (const auto& [name, value] : storage::SelectableLabels(
               info.definition.name, info.definition.labels)) {
        if (values_of == nullptr) {
          out.insert(name);
        } else if (name == *values_of) {
          out.insert(value);
        }
      }
    }
  }
  return out;
}

void PromApi::Labels(const HttpRequest& req, HttpResponse& res) const {
  absl::StatusOr<std::set<std::string>> names =
      VisibleLabels(nullptr, Params(req).GetAll("match[]"));
  if (!names.ok()) return Error(res, names.status());
  LimitedStrings(req, *names, res);
}

void PromApi::LabelValues(const HttpRequest& req, HttpResponse& res) const {
  const std::string label(req.matches[1]);
  absl::StatusOr<std::set<std::string>> values =
      VisibleLabels(&label, Params(req).GetAll("match[]"));
  if (!values.ok()) return Error(res, values.status());
  LimitedStrings(req, *values, res);
}

void PromApi::LimitedStrings(const HttpRequest& req,
                             const std::set<std::string>& all,
                             HttpResponse& res) const {
  absl::StatusOr<int64_t> limit =
      ParseIntParam(Params(req), "limit", kMaxListEntries, 1, kMaxListEntries);
  if (!limit.ok()) return Error(res, limit.status());
  std::vector<std::string> warnings;
  auto end = all.end();
  if (all.size() > static_cast<size_t>(*limit)) {
    end = std::next(all.begin(), *limit);
    warnings.push_back(kTruncatedWarning);
  }
  std::string data;
  AppendStringArray(&data, {all.begin(), end});
  Success(res, data, warnings);
}

void PromApi::QueryExemplars(const HttpRequest&, HttpResponse& res) const {
  Success(res, "[]");  // no exemplars are stored
}

void PromApi::BuildInfo(const HttpRequest&, HttpResponse& res) const {
  // Grafana reads the version to pick query features; 2.40 is the
  // Prometheus release whose API this subset follows.
  Success(res,
          "{\"version\":\"2.40.0\",\"revision\":\"tsforecast\",\"branch\":"
          "\"tsforecast\",\"buildUser\":\"tsforecast\",\"buildDate\":\"\","
          "\"goVersion\":\"none\",\"application\":\"tsforecast\"}");
}

// Per metric family: what remote-write senders said of it, else a
// series' own unit and description (type "gauge": a stored value at a
// time). Families the caller sees no series of are left out for a scoped
// caller; `metric` picks one family, `limit` caps the families.
void PromApi::Metadata(const HttpRequest& req, HttpResponse& res) const {
  const Params p(req);
  absl::StatusOr<int64_t> limit =
      ParseIntParam(p, "limit", kMaxListEntries, 1, kMaxListEntries);
  if (!limit.ok()) return Error(res, limit.status());
  const std::string only = p.Get("metric");
  std::vector<storage::LabelMatcher> matchers;
  if (!only.empty()) {
    matchers.push_back({storage::kNameLabel, storage::MatchType::kEqual, only});
  }
  const Caller& caller = RequestCaller();
  Access::NarrowToScope(caller, &matchers);
  absl::StatusOr<std::vector<storage::SeriesInfo>> infos =
      store_->ListSeries(matchers, "", 100000);
  if (!infos.ok()) return Error(res, infos.status());
  std::map<std::string, ingest::MetricMetadata> families;
  for (const storage::SeriesInfo& info : *infos) {
    const std::string family = storage::SelectableLabels(
        info.definition.name, info.definition.labels)[storage::kNameLabel];
    families.try_emplace(
        family, ingest::MetricMetadata{"gauge", info.definition.description,
                                       info.definition.unit});
  }
  const bool scoped = caller != nullptr && caller->Scoped();
  for (auto& [family, metadata] : metadata_->Snapshot()) {
    if (!only.empty() && family != only) continue;
    if (scoped && !families.contains(family)) continue;
    families[family] = std::move(metadata);
  }
  std::string data = "{";
  int64_t n = 0;
  for (const auto& [family, m] : families) {
    if (n++ == *limit) break;
    if (n > 1) data += ',';
    AppendJsonString(&data, family);
    data += ":[{\"type\":";
    AppendJsonString(&data, m.type);
    data += ",\"help\":";
    AppendJsonString(&data, m.help);
    data += ",\"unit\":";
    AppendJsonString(&data, m.unit);
    data += "}]";
  }
  data += '}';
  Success(res, data);
}

}  // namespace tsforecast::service::http
