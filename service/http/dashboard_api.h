// The JSON API behind the dashboard page, also handy for scripts:
//   GET /api/tsf/v1/series                      series with labels and step
//   GET /api/tsf/v1/points?series=&last=        recent history
//   GET /api/tsf/v1/forecast?series=&horizon=&model=&level=&known_revision=
//   GET /api/tsf/v1/backtest?series=&horizon=&model=&windows=
//   GET /api/tsf/v1/models                      as ListModels
//   GET /api/tsf/v1/vintages?series=&last=      saved forecasts against the
//                                               actuals since
// Forecast and backtest answers are the proto messages in JSON (field names
// as in the .proto); errors are {"error":{"code":..,"message":..}} with
// the matching HTTP status. Series list entries carry "decimals" when the
// series declares them.
#ifndef TSFORECAST_SERVICE_HTTP_DASHBOARD_API_H_
#define TSFORECAST_SERVICE_HTTP_DASHBOARD_API_H_

#include "service/engine/forecast_engine.h"
#include "service/http/answer_memo.h"
#include "service/http/http_message.h"
#include "storage/series_store.h"

namespace tsforecast::service::http {

class DashboardApi {
 public:
  DashboardApi(storage::SeriesStore* store, ForecastEngine* forecasts)
      : store_(store), forecasts_(forecasts) {}

  void Series(const HttpRequest& req, HttpResponse& res) const;
  void Points(const HttpRequest& req, HttpResponse& res) const;
  void Forecast(const HttpRequest& req, HttpResponse& res) const;
  void Backtest(const HttpRequest& req, HttpResponse& res) const;
  void Models(const HttpRequest& req, HttpResponse& res) const;
  void Vintages(const HttpRequest& req, HttpResponse& res) const;

 private:
  storage::SeriesStore* store_;
  ForecastEngine* forecasts_;
  // Rendered forecast JSON by request target, at revision and cached flag:
  // polls of an unchanged series skip the protobuf-to-JSON conversion.
  mutable AnswerMemo json_memo_;
};

// The dashboard page (service/http/dashboard/index.html, embedded at build
// time).
const std::string& DashboardHtml();

}  // namespace tsforecast::service::http

#endif  // TSFORECAST_SERVICE_HTTP_DASHBOARD_API_H_
