// The subset of the Prometheus HTTP API that Grafana's Prometheus data
// source calls: query, query_range, series, labels, label values,
// buildinfo and metadata. Answers use the Prometheus envelope
// {"status":"success","data":...} or {"status":"error","errorType":...}.
#ifndef TSFORECAST_SERVICE_HTTP_PROM_API_H_
#define TSFORECAST_SERVICE_HTTP_PROM_API_H_

#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "service/http/answer_memo.h"
#include "service/http/http_message.h"
#include "service/http/prom_answer_memo.h"
#include "service/http/prom_query.h"
#include "service/ingest/metric_metadata.h"

namespace tsforecast::service::http {

class PromApi {
 public:
  // `metadata`: what remote-write senders said of metric families (not
  // owned).
  PromApi(storage::SeriesStore* store, ForecastEngine* forecasts,
          const ingest::MetadataTable* metadata)
      : store_(store), evaluator_(store, forecasts), metadata_(metadata) {}

  void Query(const HttpRequest& req, HttpResponse& res) const;
  void QueryRange(const HttpRequest& req, HttpResponse& res) const;
  void Series(const HttpRequest& req, HttpResponse& res) const;
  void Labels(const HttpRequest& req, HttpResponse& res) const;
  void LabelValues(const HttpRequest& req, HttpResponse& res) const;
  void BuildInfo(const HttpRequest& req, HttpResponse& res) const;
  void Metadata(const HttpRequest& req, HttpResponse& res) const;
  // Always an empty success: no exemplars are stored (Grafana asks).
  void QueryExemplars(const HttpRequest& req, HttpResponse& res) const;

 private:
  // Label names (`values_of` null) or the values of one label, over the
  // series the request's caller may see (and `match` selects, if given).
  absl::StatusOr<std::set<std::string>> VisibleLabels(
      const std::string* values_of,
      const std::vector<std::string>& match) const;
  // Answers `all` as a string array, cut at the request's `limit` (at most
  // kMaxListEntries) with Prometheus's warning.
  void LimitedStrings(const HttpRequest& req, const std::set<std::string>& all,
                      HttpResponse& res) const;

  storage::SeriesStore* store_;
  PromEvaluator evaluator_;
  const ingest::MetadataTable* metadata_;
  // Rendered answers, kept while their series are unchanged (at
  // PromAnswerVersion; never when it is nullopt).
  mutable AnswerMemo memo_;
};

}  // namespace tsforecast::service::http

#endif  // TSFORECAST_SERVICE_HTTP_PROM_API_H_
