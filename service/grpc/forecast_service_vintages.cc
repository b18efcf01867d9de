// ForecastServiceImpl: listing and getting saved forecast vintages.
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "service/grpc/forecast_service.h"
#include "service/grpc/grpc_status.h"

namespace tsforecast::service {

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
      engine_->LoadVintages(request->series(), before_id, page_size + 1);
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

grpc::Status ForecastServiceImpl::GetForecastVintage(
    grpc::ServerContext* context, const v1::GetForecastVintageRequest* request,
    v1::GetForecastVintageResponse* response) {
  absl::StatusOr<Caller> caller = CallerFor(
      *context, auth::Role::kRead, request->series(), "GetForecastVintage");
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  absl::StatusOr<v1::ForecastVintage> vintage =
      engine_->GetVintage(request->series(), request->vintage_id());
  if (!vintage.ok()) return ToGrpcStatus(vintage.status());
  *response->mutable_vintage() = *std::move(vintage);
  return grpc::Status::OK;
}

}  // namespace tsforecast::service
