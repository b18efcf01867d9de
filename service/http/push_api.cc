#include "service/http/push_api.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "service/http/http_access.h"
#include "service/http/http_util.h"

namespace tsforecast::service::http {

// Remote-write senders log the body of an error and act on its status:
// 4xx drops the batch, 5xx and 429 retry it; InfluxDB clients alike.
void PushApi::ReplyWriteError(const HttpRequest& req, HttpResponse& res,
                              const absl::Status& status) {
  int code = HttpStatusOf(status.code());
  if (code >= 500 || code == 429) {
    code = status.code() == absl::StatusCode::kResourceExhausted ? 429 : 503;
  }
  ReplyErrorFor(req, res, status, code);
  if ((code == 429 || code == 503) && !res.headers.contains("Retry-After")) {
    res.set_header("Retry-After", "1");
  }
}

void PushApi::ReplyRetryLater(const HttpRequest& req, HttpResponse& res,
                              const ingest::PushReport& report) {
  ReplyErrorFor(req, res,
                absl::ResourceExhaustedError(absl::StrCat(
                    report.first_refusal, "; ", report.points_written,
                    req.path == "/api/v1/write" ? " samples" : " points",
                    " stored, resending them is harmless")),
                429);
  res.set_header("Retry-After", "1");
}

void PushApi::RemoteWrite(const HttpRequest& req, HttpResponse& res) {
  if (absl::Status s = ingest::CheckRemoteWriteHeaders(
          req.get_header_value("Content-Type"),
          req.get_header_value("Content-Encoding"),
          req.get_header_value("X-Prometheus-Remote-Write-Version"));
      !s.ok()) {
    return ReplyText(res, 415, std::string(s.message()));
  }
  absl::StatusOr<ingest::DecodedRemoteWrite> decoded =
      ingest::DecodeRemoteWrite(req.body, options_.remote_write);
  if (!decoded.ok()) {
    return ReplyText(
        res,
        decoded.status().code() == absl::StatusCode::kOutOfRange ? 413 : 400,
        std::string(decoded.status().message()));
  }
  for (auto& [family, metadata] : decoded->metadata) {
    metadata_->Put(family, std::move(metadata));
  }
  absl::StatusOr<ingest::PushReport> report =
      writer_.Write(RequestCaller(), std::move(decoded->series));
  if (!report.ok()) return ReplyWriteError(req, res, report.status());
  if (report->retry_later) return ReplyRetryLater(req, res, *report);
  std::vector<std::string> refused;
  if (report->partial()) refused.push_back(report->first_refusal);
  if (decoded->histograms > 0) {
    refused.push_back(absl::StrCat(
        decoded->histograms, " native histogram samples refused, first of ",
        decoded->first_histogram_series,
        ": not stored here (send_native_histograms: false)"));
  }
  if (decoded->exemplars > 0) {
    refused.push_back(absl::StrCat(decoded->exemplars,
                                   " exemplars refused: not stored here "
                                   "(send_exemplars: false)"));
  }
  if (!refused.empty()) {
    return ReplyText(
        res, 400,
        absl::StrCat("partial write: ", report->points_written,
                     " samples stored; ", report->samples_refused,
                     " samples and ", report->series_refused,
                     " series refused; ", absl::StrJoin(refused, "; ")));
  }
  res.status = 204;
}

}  // namespace tsforecast::service::http
