// The InfluxDB line-protocol doors of PushApi.
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "service/http/http_access.h"
#include "service/http/http_util.h"
#include "service/http/push_api.h"
#include "service/ingest/gunzip.h"
#include "service/ingest/line_protocol.h"

namespace tsforecast::service::http {
namespace {

// InfluxDB's answer shapes: 1.x {"error": "..."}, 2.x {"code": "...",
// "message": "..."}.
void InfluxError(const HttpRequest& req, HttpResponse& res, int status,
                 const absl::Status& why) {
  ReplyErrorFor(req, res, why, status);
  res.set_header("X-Influxdb-Version", kInfluxApiVersion);
}

}  // namespace

void PushApi::Ping(const HttpRequest&, HttpResponse& res) {
  res.status = 204;
  res.set_header("X-Influxdb-Version", kInfluxApiVersion);
  res.set_header("X-Influxdb-Build", "tsforecast");
}

void PushApi::InfluxWrite(const HttpRequest& req, HttpResponse& res, bool v2) {
  const Params p(req);
  const std::string db = p.Get(v2 ? "bucket" : "db");
  if (db.empty()) {
    return InfluxError(req, res, 400,
                       absl::InvalidArgumentError(
                           v2 ? "bucket: required (it becomes the db label)"
                              : "database is required (db=..., it becomes "
                                "the db label)"));
  }
  absl::StatusOr<ingest::Precision> precision =
      ingest::ParsePrecision(p.Get("precision"), v2);
  if (!precision.ok()) return InfluxError(req, res, 400, precision.status());
  const ingest::BodyLimits& limits = options_.line_protocol;
  if (req.body.size() > limits.max_compressed_bytes) {
    return InfluxError(
        req, res, 413,
        absl::OutOfRangeError(absl::StrCat(
            "body is ", req.body.size(), " bytes, over the limit of ",
            limits.max_compressed_bytes,
            " (server flag --line_protocol_max_bytes); send smaller "
            "batches")));
  }
  std::string inflated;
  absl::string_view body = req.body;
  const std::string encoding = req.get_header_value("Content-Encoding");
  if (encoding == "gzip") {
    absl::StatusOr<std::string> out =
        ingest::Gunzip(body, limits.max_decoded_bytes);
    if (!out.ok()) {
      return InfluxError(
          req, res,
          out.status().code() == absl::StatusCode::kOutOfRange ? 413 : 400,
          out.status());
    }
    inflated = *std::move(out);
    body = inflated;
  } else if (!encoding.empty() && encoding != "identity") {
    return InfluxError(req, res, 415,
                       absl::InvalidArgumentError(absl::StrCat(
                           "Content-Encoding \"", encoding.substr(0, 40),
                           "\" is not served; send gzip or none")));
  }
  ingest::LineProtocolOptions options;
  options.precision = *precision;
  options.now_ms = absl::ToUnixMillis(absl::Now());
  options.db = db;
  ingest::DecodedLines lines = ingest::ParseLineProtocol(body, options);
  absl::StatusOr<ingest::PushReport> report =
      writer_.Write(RequestCaller(), std::move(lines.series));
  if (!report.ok() || report->retry_later) {
    if (!report.ok()) {
      ReplyWriteError(req, res, report.status());
    } else {
      ReplyRetryLater(req, res, *report);
    }
    res.set_header("X-Influxdb-Version", kInfluxApiVersion);
    return;
  }
  if (lines.bad_lines == 0 && !report->partial()) {
    res.status = 204;
    res.set_header("X-Influxdb-Version", kInfluxApiVersion);
    return;
  }
  const std::string first =
      lines.first_error ? lines.first_error->ToString() : report->first_refusal;
  if (report->points_written == 0) {
    return InfluxError(req, res, 400,
                       absl::InvalidArgumentError(
                           absl::StrCat("unable to parse or store: ", first)));
  }
  InfluxError(req, res, v2 ? 422 : 400,
              absl::InvalidArgumentError(absl::StrCat(
                  "partial write: ", report->points_written, " points stored; ",
                  lines.bad_lines, " lines and ",
                  report->series_refused + report->samples_refused > 0
                      ? absl::StrCat(report->series_refused, " series, ",
                                     report->samples_refused, " points")
                      : std::string("no points"),
                  " refused; first: ", first)));
}

}  // namespace tsforecast::service::http
