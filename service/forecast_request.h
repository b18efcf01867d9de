// The forecasting engine's jobs from the API's request messages: the one
// conversion every adapter (gRPC, the HTTP dashboard API, PromQL
// forecast()) makes before calling the engine. The result is validated;
// errors name the request field.
#ifndef TSFORECAST_SERVICE_FORECAST_REQUEST_H_
#define TSFORECAST_SERVICE_FORECAST_REQUEST_H_

#include "absl/status/statusor.h"
#include "service/engine/forecast_job.h"
#include "tsforecast/v1/forecast.pb.h"

namespace tsforecast::service {

namespace v1 = ::tsforecast::v1;

absl::StatusOr<ForecastJob> ForecastJobFromProto(
    const v1::ForecastRequest& request, const JobDefaults& defaults);

absl::StatusOr<BacktestJob> BacktestJobFromProto(
    const v1::BacktestRequest& request, const JobDefaults& defaults);

}  // namespace tsforecast::service

#endif  // TSFORECAST_SERVICE_FORECAST_REQUEST_H_
