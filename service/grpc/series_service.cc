#include "service/grpc/series_service.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "service/grpc/grpc_status.h"
#include "service/proto_convert.h"

namespace tsforecast::service {
namespace {

constexpr int kDefaultPageSize = 1000;
constexpr int kMaxPageSize = 10000;
constexpr char kPageTokenPrefix[] = "n:";

}  // namespace

grpc::Status SeriesServiceImpl::CreateSeries(
    grpc::ServerContext* context, const v1::CreateSeriesRequest* request,
    v1::CreateSeriesResponse* response) {
  absl::StatusOr<Caller> caller =
      access_->Check(*context, auth::Role::kWrite, "CreateSeries");
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  absl::StatusOr<storage::SeriesDefinition> def =
      DefinitionFromProto(request->series(), "series");
  if (!def.ok()) return ToGrpcStatus(def.status());
  absl::Status in_scope = access_->CheckLabels(*caller, def->name, def->labels);
  if (!in_scope.ok()) return ToGrpcStatus(in_scope);
  absl::StatusOr<storage::SeriesInfo> info = store_->CreateSeries(*def);
  if (absl::IsAlreadyExists(info.status())) {
    // Whether a series outside the caller's scope exists must not show.
    in_scope = access_->CheckSeries(*caller, def->name);
    if (!in_scope.ok()) return ToGrpcStatus(in_scope);
  }
  if (!info.ok()) return ToGrpcStatus(info.status());
  SeriesToProto(*info, response->mutable_series());
  return grpc::Status::OK;
}

grpc::Status SeriesServiceImpl::GetSeries(grpc::ServerContext* context,
                                          const v1::GetSeriesRequest* request,
                                          v1::GetSeriesResponse* response) {
  absl::StatusOr<Caller> caller =
      access_->Check(*context, auth::Role::kRead, "GetSeries");
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  absl::Status in_scope = access_->CheckSeries(*caller, request->name());
  if (!in_scope.ok()) return ToGrpcStatus(in_scope);
  absl::StatusOr<storage::SeriesInfo> info = store_->GetSeries(request->name());
  if (!info.ok()) return ToGrpcStatus(info.status());
  // Relabelled since the check: the labels read now decide.
  in_scope = access_->CheckLabels(*caller, info->definition.name,
                                  info->definition.labels);
  if (!in_scope.ok()) return ToGrpcStatus(in_scope);
  SeriesToProto(*info, response->mutable_series());
  return grpc::Status::OK;
}

grpc::Status SeriesServiceImpl::ListSeries(grpc::ServerContext* context,
                                           const v1::ListSeriesRequest* request,
                                           v1::ListSeriesResponse* response) {
  absl::StatusOr<Caller> caller =
      access_->Check(*context, auth::Role::kRead, "ListSeries");
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  const int page_size =
      request->page_size() == 0 ? kDefaultPageSize : request->page_size();
  if (page_size < 1 || page_size > kMaxPageSize) {
    return ToGrpcStatus(absl::InvalidArgumentError(
        absl::StrCat("page_size: ", request->page_size(), " is outside [1, ",
                     kMaxPageSize, "]")));
  }
  std::string after;
  if (!request->page_token().empty()) {
    if (!absl::StartsWith(request->page_token(), kPageTokenPrefix)) {
      return ToGrpcStatus(absl::InvalidArgumentError(
          "page_token: not a token from a previous ListSeries answer"));
    }
    after = request->page_token().substr(sizeof(kPageTokenPrefix) - 1);
  }
  absl::StatusOr<std::vector<storage::LabelMatcher>> matchers =
      MatchersFromProto(request->matchers(), request->selector());
  if (!matchers.ok()) return ToGrpcStatus(matchers.status());
  Access::NarrowToScope(*caller, &*matchers);
  absl::StatusOr<std::vector<storage::SeriesInfo>> page =
      store_->ListSeries(*matchers, after, page_size + 1);
  if (!page.ok()) return ToGrpcStatus(page.status());
  const bool more = static_cast<int>(page->size()) > page_size;
  if (more) page->pop_back();
  for (const storage::SeriesInfo& info : *page) {
    SeriesToProto(info, response->add_series());
  }
  if (more) {
    response->set_next_page_token(
        absl::StrCat(kPageTokenPrefix, page->back().definition.name));
  }
  return grpc::Status::OK;
}

grpc::Status SeriesServiceImpl::UpdateSeries(
    grpc::ServerContext* context, const v1::UpdateSeriesRequest* request,
    v1::UpdateSeriesResponse* response) {
  absl::StatusOr<Caller> caller =
      access_->Check(*context, auth::Role::kWrite, "UpdateSeries");
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  const v1::Series& series = request->series();
  absl::Status in_scope = access_->CheckSeries(*caller, series.name());
  if (!in_scope.ok()) return ToGrpcStatus(in_scope);
  storage::SeriesUpdate update;
  std::vector<std::string> paths(request->update_mask().paths().begin(),
                                 request->update_mask().paths().end());
  if (paths.empty()) paths = {"labels", "unit", "description", "retention_ms"};
  for (const std::string& path : paths) {
    if (path == "labels") {
      update.labels =
          storage::Labels(series.labels().begin(), series.labels().end());
    } else if (path == "unit") {
      update.unit = series.unit();
    } else if (path == "description") {
      update.description = series.description();
    } else if (path == "retention_ms") {
      update.retention_ms = series.retention_ms();
    } else if (path == "off_grid") {
      absl::StatusOr<storage::OffGridPolicy> policy =
          OffGridFromProto(series.off_grid(), "series.off_grid");
      if (!policy.ok()) return ToGrpcStatus(policy.status());
      update.off_grid = *policy;
    } else if (path == "holidays" || path == "holiday_calendar") {
      absl::StatusOr<HolidaySpec> holidays =
          HolidaysFromProto(series, "series");
      if (!holidays.ok()) return ToGrpcStatus(holidays.status());
      update.holidays = *std::move(holidays);
    } else if (path == "decimals") {
      update.decimals = series.has_decimals() ? series.decimals() : -1;
      if (series.has_decimals() && series.decimals() < 0) {
        return ToGrpcStatus(absl::InvalidArgumentError(absl::StrCat(
            "series.decimals: ", series.decimals(),
            " is out of range; use 0 to 12, or leave it out to clear")));
      }
    } else if (path == "bounds") {
      absl::StatusOr<storage::ValueBounds> bounds =
          BoundsFromProto(series.bounds(), "series.bounds");
      if (!bounds.ok()) return ToGrpcStatus(bounds.status());
      update.bounds = *bounds;
    } else if (path == "name" || path == "step" || path == "value_kind") {
      return ToGrpcStatus(absl::InvalidArgumentError(
          absl::StrCat("update_mask: \"", path,
                       "\" is immutable; create a new series instead")));
    } else {
      return ToGrpcStatus(absl::InvalidArgumentError(
          absl::StrCat("update_mask: unknown path \"", path,
                       "\"; use labels, unit, description, retention_ms, "
                       "off_grid, holidays, decimals or bounds")));
    }
  }
  // New labels must keep the series inside the caller's scope.
  if (update.labels) {
    in_scope = access_->CheckLabels(*caller, series.name(), *update.labels);
    if (!in_scope.ok()) return ToGrpcStatus(in_scope);
  }
  absl::StatusOr<storage::SeriesInfo> info =
      store_->UpdateSeries(series.name(), update);
  if (!info.ok()) return ToGrpcStatus(info.status());
  SeriesToProto(*info, response->mutable_series());
  return grpc::Status::OK;
}

grpc::Status SeriesServiceImpl::DeleteSeries(
    grpc::ServerContext* context, const v1::DeleteSeriesRequest* request,
    v1::DeleteSeriesResponse*) {
  absl::StatusOr<Caller> caller =
      access_->Check(*context, auth::Role::kAdmin, "DeleteSeries");
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  absl::Status in_scope = access_->CheckSeries(*caller, request->name());
  if (!in_scope.ok()) return ToGrpcStatus(in_scope);
  return ToGrpcStatus(store_->DeleteSeries(request->name()));
}

}  // namespace tsforecast::service
