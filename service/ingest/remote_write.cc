#include "service/ingest/remote_write.h"

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "prometheus_wire/remote.pb.h"
#include "snappy.h"
#include "storage/validation.h"

namespace tsforecast::service::ingest {
namespace {

namespace wire = ::tsforecast::prometheus_wire;

std::string MetricTypeName(wire::MetricMetadata::MetricType type) {
  switch (type) {
    case wire::MetricMetadata::COUNTER:
      return "counter";
    case wire::MetricMetadata::GAUGE:
      return "gauge";
    case wire::MetricMetadata::HISTOGRAM:
      return "histogram";
    case wire::MetricMetadata::GAUGEHISTOGRAM:
      return "gaugehistogram";
    case wire::MetricMetadata::SUMMARY:
      return "summary";
    case wire::MetricMetadata::INFO:
      return "info";
    case wire::MetricMetadata::STATESET:
      return "stateset";
    default:
      return "unknown";
  }
}

absl::string_view Trimmed(absl::string_view s) {
  return absl::StripAsciiWhitespace(s);
}

}  // namespace

absl::Status CheckRemoteWriteHeaders(absl::string_view content_type,
                                     absl::string_view content_encoding,
                                     absl::string_view version) {
  const std::vector<absl::string_view> parts =
      absl::StrSplit(content_type, ';');
  const std::string media = absl::AsciiStrToLower(Trimmed(parts[0]));
  std::string proto;
  for (size_t i = 1; i < parts.size(); ++i) {
    absl::string_view param = Trimmed(parts[i]);
    if (absl::ConsumePrefix(&param, "proto=")) proto = std::string(param);
  }
  const bool v2 = absl::StartsWith(Trimmed(version), "2") ||
                  proto == "io.prometheus.write.v2.Request";
  if (v2) {
    return absl::UnimplementedError(
        "Remote-Write 2.0 is not served; send Remote-Write 1.0 "
        "(protobuf prometheus.WriteRequest, "
        "X-Prometheus-Remote-Write-Version: 0.1.0)");
  }
  if (media != "application/x-protobuf" ||
      (!proto.empty() && proto != "prometheus.WriteRequest")) {
    return absl::UnimplementedError(absl::StrCat(
        "Content-Type \"", content_type.substr(0, 100),
        "\" is not served; Remote-Write 1.0 sends application/x-protobuf"));
  }
  if (absl::AsciiStrToLower(Trimmed(content_encoding)) != "snappy") {
    return absl::UnimplementedError(absl::StrCat(
        "Content-Encoding \"", content_encoding.substr(0, 100),
        "\" is not served; Remote-Write 1.0 sends snappy (block format)"));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> UnsnappyBody(absl::string_view body,
                                         const BodyLimits& limits) {
  if (body.size() > limits.max_compressed_bytes) {
    return absl::OutOfRangeError(absl::StrCat(
        "body is ", body.size(), " bytes, over the limit of ",
        limits.max_compressed_bytes,
        " (server flag --remote_write_max_bytes); send smaller batches "
        "(queue_config.max_samples_per_send)"));
  }
  size_t decoded_size = 0;
  if (!snappy::GetUncompressedLength(body.data(), body.size(), &decoded_size)) {
    return absl::InvalidArgumentError(
        "body is not snappy-compressed (block format)");
  }
  if (decoded_size > limits.max_decoded_bytes) {
    return absl::OutOfRangeError(absl::StrCat(
        "body decompresses to ", decoded_size, " bytes, over the limit of ",
        limits.max_decoded_bytes,
        " (server flag --remote_write_max_decoded_bytes); send smaller "
        "batches"));
  }
  std::string decoded;
  if (!snappy::Uncompress(body.data(), body.size(), &decoded)) {
    return absl::InvalidArgumentError(
        "body is not valid snappy (block format)");
  }
  return decoded;
}

absl::StatusOr<DecodedRemoteWrite> DecodeRemoteWrite(absl::string_view body,
                                                     const BodyLimits& limits) {
  absl::StatusOr<std::string> decoded = UnsnappyBody(body, limits);
  if (!decoded.ok()) return decoded.status();
  wire::WriteRequest request;
  if (!request.ParseFromString(*decoded)) {
    return absl::InvalidArgumentError(
        "body is not a Remote-Write 1.0 WriteRequest protobuf");
  }
  DecodedRemoteWrite out;
  out.series.reserve(static_cast<size_t>(request.timeseries_size()));
  for (wire::TimeSeries& ts : *request.mutable_timeseries()) {
    PushedSeries s;
    for (wire::Label& label : *ts.mutable_labels()) {
      auto [it, added] = s.labels.emplace(std::move(*label.mutable_name()),
                                          std::move(*label.mutable_value()));
      if (!added && s.invalid.empty()) {
        s.invalid = absl::StrCat("label name \"", absl::CEscape(it->first),
                                 "\" appears twice");
      }
    }
    s.points.reserve(static_cast<size_t>(ts.samples_size()));
    for (const wire::Sample& sample : ts.samples()) {
      s.points.push_back({sample.timestamp(), sample.value()});
    }
    out.exemplars += static_cast<uint64_t>(ts.exemplars_size());
    if (ts.histograms_size() > 0) {
      out.histograms += static_cast<uint64_t>(ts.histograms_size());
      if (out.first_histogram_series.empty()) {
        out.first_histogram_series = PromSeriesText(s.labels);
      }
    }
    out.series.push_back(std::move(s));
  }
  for (const wire::MetricMetadata& m : request.metadata()) {
    // Metadata is advisory: an entry we could not serve as JSON is skipped.
    if (!storage::IsMetricName(m.metric_family_name()) ||
        !storage::IsUtf8(m.help()) || !storage::IsUtf8(m.unit())) {
      continue;
    }
    out.metadata.emplace_back(
        m.metric_family_name(),
        MetricMetadata{MetricTypeName(m.type()), m.help(), m.unit()});
  }
  return out;
}

}  // namespace tsforecast::service::ingest
