// ForecastServiceImpl: saved forecast vintages (save, list, get, load).
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "service/forecast_service.h"
#include "service/grpc_status.h"

namespace tsforecast::service {

absl::StatusOr<int64_t> ForecastServiceImpl::SaveVintage(
    const v1::ForecastResponse& forecast) {
  v1::ForecastResponse kept = forecast;
  kept.clear_cached();
  kept.clear_vintage_id();
  TSF_ASSIGN_OR_RETURN(
      uint64_t id,
      store_->AddAttachment(forecast.series(), absl::ToUnixMillis(absl::Now()),
                            kept.SerializeAsString()));
  return static_cast<int64_t>(id);
}

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
      LoadVintages(request->series(), before_id, page_size + 1);
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

absl::StatusOr<std::vector<v1::ForecastVintage>>
ForecastServiceImpl::LoadVintages(absl::string_view series, uint64_t before_id,
                                  size_t limit) const {
  absl::StatusOr<std::vector<storage::SeriesAttachment>> docs =
      store_->ListAttachments(series, before_id, limit, /*with_payload=*/true);
  if (!docs.ok()) return docs.status();
  std::vector<v1::ForecastVintage> out;
  out.reserve(docs->size());
  for (const storage::SeriesAttachment& doc : *docs) {
    v1::ForecastVintage& v = out.emplace_back();
    if (!v.mutable_forecast()->ParseFromString(doc.payload)) {
      return absl::DataLossError(
          absl::StrCat("forecast vintage ", doc.id, " is unreadable"));
    }
    v.set_vintage_id(static_cast<int64_t>(doc.id));
    v.set_create_time_ms(doc.create_time_ms);
    v.mutable_forecast()->set_vintage_id(static_cast<int64_t>(doc.id));
  }
  return out;
}

grpc::Status ForecastServiceImpl::GetForecastVintage(
    grpc::ServerContext* context, const v1::GetForecastVintageRequest* request,
    v1::GetForecastVintageResponse* response) {
  absl::StatusOr<Caller> caller = CallerFor(
      *context, auth::Role::kRead, request->series(), "GetForecastVintage");
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  if (request->vintage_id() <= 0) {
    return ToGrpcStatus(absl::InvalidArgumentError(
        "vintage_id: required, as returned by Forecast with save_vintage or "
        "by ListForecastVintages"));
  }
  absl::StatusOr<storage::SeriesAttachment> doc = store_->GetAttachment(
      request->series(), static_cast<uint64_t>(request->vintage_id()));
  if (!doc.ok()) {
    if (doc.status().code() == absl::StatusCode::kNotFound &&
        absl::StrContains(doc.status().message(), "attachment")) {
      return ToGrpcStatus(absl::NotFoundError(
          absl::StrCat("series \"", request->series(),
                       "\" has no forecast vintage ", request->vintage_id())));
    }
    return ToGrpcStatus(doc.status());
  }
  v1::ForecastVintage* v = response->mutable_vintage();
  v->set_vintage_id(request->vintage_id());
  v->set_create_time_ms(doc->create_time_ms);
  if (!v->mutable_forecast()->ParseFromString(doc->payload)) {
    return ToGrpcStatus(absl::DataLossError(absl::StrCat(
        "forecast vintage ", request->vintage_id(), " is unreadable")));
  }
  v->mutable_forecast()->set_vintage_id(request->vintage_id());
  return grpc::Status::OK;
}

}  // namespace tsforecast::service
