#include "service/http/remote_read.h"

#include "absl/strings/str_cat.h"
#include "prometheus_wire/remote.pb.h"
#include "service/access.h"
#include "service/http/http_access.h"
#include "service/http/http_util.h"
#include "service/ingest/remote_write.h"
#include "snappy.h"

namespace tsforecast::service::http {
namespace {

namespace wire = ::tsforecast::prometheus_wire;

}  // namespace

absl::StatusOr<std::vector<RemoteReadQuery>> DecodeReadRequest(
    absl::string_view body, const ingest::BodyLimits& limits) {
  absl::StatusOr<std::string> raw = ingest::UnsnappyBody(body, limits);
  if (!raw.ok()) return raw.status();
  wire::ReadRequest request;
  if (!request.ParseFromString(*raw)) {
    return absl::InvalidArgumentError("body is not a ReadRequest protobuf");
  }
  bool samples = request.accepted_response_types_size() == 0;
  for (int type : request.accepted_response_types()) {
    samples = samples || type == wire::ReadRequest::SAMPLES;
  }
  if (!samples) {
    return absl::InvalidArgumentError(
        "accepted_response_types: only SAMPLES is served here, not "
        "STREAMED_XOR_CHUNKS");
  }
  std::vector<RemoteReadQuery> out;
  for (const wire::Query& q : request.queries()) {
    RemoteReadQuery query;
    query.range.start_ms = q.start_timestamp_ms();
    query.range.end_ms = q.end_timestamp_ms() == INT64_MAX
                             ? INT64_MAX
                             : q.end_timestamp_ms() + 1;
    for (const wire::LabelMatcher& m : q.matchers()) {
      storage::MatchType type;
      switch (m.type()) {
        case wire::LabelMatcher::EQ:
          type = storage::MatchType::kEqual;
          break;
        case wire::LabelMatcher::NEQ:
          type = storage::MatchType::kNotEqual;
          break;
        case wire::LabelMatcher::RE:
          type = storage::MatchType::kRegex;
          break;
        case wire::LabelMatcher::NRE:
          type = storage::MatchType::kNotRegex;
          break;
        default:
          return absl::InvalidArgumentError(
              absl::StrCat("matchers: unknown type ", m.type()));
      }
      query.matchers.push_back({m.name(), type, m.value()});
    }
    out.push_back(std::move(query));
  }
  return out;
}

void RemoteReadApi::Read(const HttpRequest& req, HttpResponse& res) const {
  absl::StatusOr<std::vector<RemoteReadQuery>> queries =
      DecodeReadRequest(req.body, limits_);
  if (!queries.ok()) {
    return ReplyText(
        res,
        queries.status().code() == absl::StatusCode::kOutOfRange ? 413 : 400,
        queries.status().message());
  }
  const Caller& caller = RequestCaller();
  wire::ReadResponse response;
  int64_t samples = 0;
  for (RemoteReadQuery& q : *queries) {
    wire::QueryResult* result = response.add_results();
    Access::NarrowToScope(caller, &q.matchers);
    absl::StatusOr<std::vector<storage::SeriesInfo>> infos =
        store_->ListSeries(q.matchers, "", static_cast<size_t>(max_samples_));
    if (!infos.ok()) {
      return ReplyText(res, HttpStatusOf(infos.status().code()),
                       infos.status().message());
    }
    for (const storage::SeriesInfo& info : *infos) {
      absl::StatusOr<storage::ReadResult> read =
          store_->Read(info.definition.name, q.range,
                       static_cast<size_t>(max_samples_ - samples + 1));
      if (!read.ok()) {
        if (absl::IsNotFound(read.status())) continue;  // deleted meanwhile
        return ReplyText(res, HttpStatusOf(read.status().code()),
                         read.status().message());
      }
      if (read->points.empty()) continue;
      samples += static_cast<int64_t>(read->points.size());
      if (samples > max_samples_) {
        return ReplyText(
            res, 400,
            absl::StrCat("exceeded sample limit (", max_samples_,
                         ", server flag --remote_read_max_samples); "
                         "ask for a shorter range or fewer series"));
      }
      wire::TimeSeries* ts = result->add_timeseries();
      for (const auto& [name, value] : storage::SelectableLabels(
               info.definition.name, info.definition.labels)) {
        wire::Label* label = ts->add_labels();
        label->set_name(name);
        label->set_value(value);
      }
      for (const storage::Point& p : read->points) {
        wire::Sample* s = ts->add_samples();
        s->set_timestamp(p.timestamp_ms);
        s->set_value(p.value);
      }
    }
  }
  const std::string raw = response.SerializeAsString();
  std::string body;
  snappy::Compress(raw.data(), raw.size(), &body);
  res.status = 200;
  res.set_header("Content-Encoding", "snappy");
  res.set_content(std::move(body), "application/x-protobuf");
}

}  // namespace tsforecast::service::http
