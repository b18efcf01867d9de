#include "service/grpc/points_service.h"

#include <limits>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "service/grpc/grpc_status.h"
#include "service/point_columns.h"
#include "service/proto_convert.h"
#include "storage/aggregated_read.h"

namespace tsforecast::service {
namespace {

constexpr int64_t kDefaultReadLimit = 100000;
constexpr int64_t kDefaultChunkSize = 10000;
constexpr int64_t kMaxChunkSize = 100000;
constexpr int64_t kMaxLatestCount = 10000;
constexpr int kMaxLatestSeries = 10000;
constexpr char kPageTokenPrefix[] = "t:";

// The optional [start_ms, end_ms) of a read or delete request; unset bounds
// are open.
template <typename Request>
storage::TimeRange RangeOf(const Request& request) {
  storage::TimeRange range;
  if (request.has_start_ms()) range.start_ms = request.start_ms();
  if (request.has_end_ms()) range.end_ms = request.end_ms();
  return range;
}

// Points (raw or aggregated) of `request`'s range, at most `limit` of them
// (0: all), and the start of what follows when there is more.
struct Page {
  std::vector<storage::Point> points;
  uint64_t revision = 0;
  std::optional<int64_t> next_start;
};

absl::StatusOr<Page> ReadPage(storage::SeriesStore& store,
                              const v1::ReadPointsRequest& request,
                              storage::TimeRange range, size_t limit) {
  Page page;
  if (!request.has_aggregation()) {
    TSF_ASSIGN_OR_RETURN(storage::ReadResult result,
                         store.Read(request.series(), range, limit));
    page.revision = result.revision;
    page.points = std::move(result.points);
    if (result.has_more) page.next_start = page.points.back().timestamp_ms + 1;
    return page;
  }
  const v1::Aggregation& agg = request.aggregation();
  TSF_ASSIGN_OR_RETURN(
      storage::Aggregator aggregator,
      AggregatorFromProto(agg.aggregator(), "aggregation.aggregator"));
  TSF_ASSIGN_OR_RETURN(storage::SeriesInfo info,
                       store.GetSeries(request.series()));
  CalendarStep step = info.definition.step;
  if (agg.has_step()) {
    TSF_ASSIGN_OR_RETURN(step, StepFromProto(agg.step(), "aggregation.step"));
  }
  TSF_ASSIGN_OR_RETURN(storage::AggregatedRead result,
                       storage::ReadAggregated(store, request.series(), range,
                                               step, aggregator, limit));
  page.revision = result.revision;
  page.points = std::move(result.points);
  // The next page starts at the window after the last one returned.
  if (result.has_more) {
    page.next_start = step.Add(page.points.back().timestamp_ms, 1);
  }
  return page;
}

}  // namespace

absl::StatusOr<Caller> PointsServiceImpl::Reader(
    const grpc::ServerContext& context, absl::string_view series,
    absl::string_view what) const {
  absl::StatusOr<Caller> caller =
      access_->Check(context, auth::Role::kRead, what);
  if (!caller.ok()) return caller.status();
  absl::Status in_scope = access_->CheckSeries(*caller, series);
  if (!in_scope.ok()) return in_scope;
  return caller;
}

absl::StatusOr<storage::WriteResult> PointsServiceImpl::Write(
    const Caller& caller, const v1::WritePointsRequest& request) {
  const v1::PointColumns& columns = request.columns();
  const int entries = request.series_size() + columns.series_size();
  if (entries > limits_.max_series_per_request) {
    return absl::ResourceExhaustedError(absl::StrCat(
        request.has_columns() ? "columns.series: " : "series: ", entries,
        " entries; at most ", limits_.max_series_per_request,
        " per request (server flag --max_series_per_request); split the "
        "request"));
  }
  int64_t points = 0;
  int64_t name_bytes = 0;
  for (const v1::SeriesPoints& sp : request.series()) {
    points += sp.values_size();
    name_bytes += static_cast<int64_t>(sp.series().size());
  }
  points += columns.values_size();
  for (const std::string& name : columns.series()) {
    name_bytes += static_cast<int64_t>(name.size());
  }
  if (points > limits_.max_points_per_request) {
    return absl::ResourceExhaustedError(absl::StrCat(
        request.has_columns() ? "columns: " : "series: ", points,
        " points; at most ", limits_.max_points_per_request,
        " per request (server flag --max_points_per_request); split the "
        "request"));
  }
  TSF_ASSIGN_OR_RETURN(
      IngestBudget::Lease lease,
      budget_->Acquire(points * kIngestBytesPerPoint + name_bytes));
  TSF_ASSIGN_OR_RETURN(std::vector<storage::SeriesWrite> writes,
                       WritesFromProto(request));
  if (caller != nullptr && caller->Scoped()) {
    for (const storage::SeriesWrite& w : writes) {
      absl::StatusOr<storage::SeriesInfo> info = store_->GetSeries(w.series);
      if (info.ok()) {
        TSF_RETURN_IF_ERROR(
            access_->CheckLabels(caller, w.series, info->definition.labels));
      } else if (w.create_if_missing) {
        TSF_RETURN_IF_ERROR(access_->CheckLabels(caller, w.series,
                                                 w.create_if_missing->labels));
      } else {
        TSF_RETURN_IF_ERROR(access_->CheckSeries(caller, w.series));
      }
    }
  }
  absl::StatusOr<storage::WriteResult> result =
      store_->Write(std::move(writes));
  if (!result.ok() && request.has_columns()) {
    return ColumnError(result.status(), request.columns());
  }
  return result;
}

grpc::Status PointsServiceImpl::WritePoints(
    grpc::ServerContext* context, const v1::WritePointsRequest* request,
    v1::WritePointsResponse* response) {
  absl::StatusOr<Caller> caller =
      access_->Check(*context, auth::Role::kWrite, "WritePoints");
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  absl::StatusOr<storage::WriteResult> result = Write(*caller, *request);
  if (!result.ok()) return ToGrpcStatus(result.status());
  response->set_points_written(result->points_written);
  response->set_series_created(result->series_created);
  if (request->has_columns()) {
    response->mutable_column_revisions()->Add(result->revisions.begin(),
                                              result->revisions.end());
    return grpc::Status::OK;
  }
  for (int i = 0; i < request->series_size(); ++i) {
    v1::SeriesRevision* r = response->add_revisions();
    r->set_series(request->series(i).series());
    r->set_revision(result->revisions[i]);
  }
  return grpc::Status::OK;
}

grpc::Status PointsServiceImpl::StreamWritePoints(
    grpc::ServerContext* context,
    grpc::ServerReaderWriter<v1::StreamWritePointsResponse,
                             v1::StreamWritePointsRequest>* stream) {
  absl::StatusOr<Caller> caller =
      access_->Check(*context, auth::Role::kWrite, "StreamWritePoints");
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  v1::StreamWritePointsRequest request;
  for (;;) {
    {
      auto step =
          watchdog_->Begin(context, "StreamWritePoints waiting for a batch");
      if (!stream->Read(&request)) break;
    }
    if (context->IsCancelled()) {
      return grpc::Status(grpc::StatusCode::CANCELLED, "client cancelled");
    }
    absl::StatusOr<storage::WriteResult> result =
        Write(*caller, request.batch());
    if (!result.ok()) {
      return ToGrpcStatus(
          Annotate(result.status(),
                   absl::StrCat("batch with sequence ", request.sequence(),
                                " rejected (earlier batches are stored)")));
    }
    v1::StreamWritePointsResponse ack;
    ack.set_sequence(request.sequence());
    ack.set_points_written(result->points_written);
    auto step = watchdog_->Begin(context, "StreamWritePoints acknowledging");
    if (!stream->Write(ack)) break;
  }
  return grpc::Status::OK;
}

grpc::Status PointsServiceImpl::ReadPoints(grpc::ServerContext* context,
                                           const v1::ReadPointsRequest* request,
                                           v1::ReadPointsResponse* response) {
  absl::StatusOr<Caller> caller =
      Reader(*context, request->series(), "ReadPoints");
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  const int64_t limit =
      request->limit() == 0 ? kDefaultReadLimit : request->limit();
  if (limit < 1 || limit > limits_.max_read_limit) {
    return ToGrpcStatus(absl::InvalidArgumentError(
        absl::StrCat("limit: ", request->limit(), " is outside [1, ",
                     limits_.max_read_limit, "]")));
  }
  // The store validates the range itself; only the token needs it here.
  storage::TimeRange range = RangeOf(*request);
  if (!request->page_token().empty()) {
    int64_t start = 0;
    if (!absl::StartsWith(request->page_token(), kPageTokenPrefix) ||
        !absl::SimpleAtoi(
            request->page_token().substr(sizeof(kPageTokenPrefix) - 1),
            &start) ||
        start < range.start_ms || start > range.end_ms) {
      return ToGrpcStatus(absl::InvalidArgumentError(
          "page_token: not a token from a previous ReadPoints answer for "
          "this range"));
    }
    range.start_ms = start;
  }
  absl::StatusOr<Page> page =
      ReadPage(*store_, *request, range, static_cast<size_t>(limit));
  if (!page.ok()) return ToGrpcStatus(page.status());
  response->set_series(request->series());
  response->set_revision(page->revision);
  response->mutable_timestamps_ms()->Reserve(page->points.size());
  response->mutable_values()->Reserve(page->points.size());
  for (const storage::Point& p : page->points) {
    response->add_timestamps_ms(p.timestamp_ms);
    response->add_values(p.value);
  }
  if (page->next_start) {
    response->set_next_page_token(
        absl::StrCat(kPageTokenPrefix, *page->next_start));
  }
  return grpc::Status::OK;
}

grpc::Status PointsServiceImpl::StreamReadPoints(
    grpc::ServerContext* context, const v1::StreamReadPointsRequest* request,
    grpc::ServerWriter<v1::StreamReadPointsResponse>* writer) {
  absl::StatusOr<Caller> caller =
      Reader(*context, request->read().series(), "StreamReadPoints");
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  const int64_t chunk =
      request->chunk_size() == 0 ? kDefaultChunkSize : request->chunk_size();
  if (chunk < 1 || chunk > kMaxChunkSize) {
    return ToGrpcStatus(absl::InvalidArgumentError(
        absl::StrCat("chunk_size: ", request->chunk_size(), " is outside [1, ",
                     kMaxChunkSize, "]")));
  }
  if (request->read().limit() < 0) {
    return ToGrpcStatus(
        absl::InvalidArgumentError("read.limit: must not be negative"));
  }
  const uint64_t cap = request->read().limit() == 0
                           ? std::numeric_limits<uint64_t>::max()
                           : static_cast<uint64_t>(request->read().limit());
  storage::TimeRange range = RangeOf(request->read());
  uint64_t sent = 0;
  while (sent < cap) {
    if (context->IsCancelled()) {
      return grpc::Status(grpc::StatusCode::CANCELLED, "client cancelled");
    }
    const size_t want = static_cast<size_t>(
        std::min<uint64_t>(static_cast<uint64_t>(chunk), cap - sent));
    absl::StatusOr<Page> page = ReadPage(*store_, request->read(), range, want);
    if (!page.ok()) return ToGrpcStatus(Annotate(page.status(), "read"));
    v1::StreamReadPointsResponse out;
    for (const storage::Point& p : page->points) {
      out.add_timestamps_ms(p.timestamp_ms);
      out.add_values(p.value);
    }
    sent += page->points.size();
    if (!page->points.empty()) {
      auto step = watchdog_->Begin(context, "StreamReadPoints sending");
      if (!writer->Write(out)) break;
    }
    if (!page->next_start) break;
    range.start_ms = *page->next_start;
  }
  return grpc::Status::OK;
}

grpc::Status PointsServiceImpl::ReadLatest(grpc::ServerContext* context,
                                           const v1::ReadLatestRequest* request,
                                           v1::ReadLatestResponse* response) {
  absl::StatusOr<Caller> caller =
      access_->Check(*context, auth::Role::kRead, "ReadLatest");
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  const int64_t count = request->count() == 0 ? 1 : request->count();
  if (count < 1 || count > kMaxLatestCount) {
    return ToGrpcStatus(absl::InvalidArgumentError(
        absl::StrCat("count: ", request->count(), " is outside [1, ",
                     kMaxLatestCount, "]")));
  }
  if (request->series_size() < 1 || request->series_size() > kMaxLatestSeries) {
    return ToGrpcStatus(absl::InvalidArgumentError(
        absl::StrCat("series: give 1 to ", kMaxLatestSeries, " series names")));
  }
  for (int i = 0; i < request->series_size(); ++i) {
    absl::Status in_scope = access_->CheckSeries(*caller, request->series(i));
    if (!in_scope.ok()) {
      return ToGrpcStatus(Annotate(in_scope, absl::StrCat("series[", i, "]")));
    }
    absl::StatusOr<storage::ReadResult> latest =
        store_->ReadLatest(request->series(i), static_cast<size_t>(count));
    v1::LatestPoints* out = response->add_series();
    out->set_series(request->series(i));
    // One damaged series does not blank a dashboard of many.
    if (!latest.ok() && latest.status().code() == absl::StatusCode::kDataLoss) {
      out->set_error(std::string(latest.status().message()));
      continue;
    }
    if (!latest.ok()) {
      return ToGrpcStatus(
          Annotate(latest.status(), absl::StrCat("series[", i, "]")));
    }
    out->set_revision(latest->revision);
    for (const storage::Point& p : latest->points) {
      out->add_timestamps_ms(p.timestamp_ms);
      out->add_values(p.value);
    }
  }
  return grpc::Status::OK;
}

grpc::Status PointsServiceImpl::DeletePoints(
    grpc::ServerContext* context, const v1::DeletePointsRequest* request,
    v1::DeletePointsResponse* response) {
  absl::StatusOr<Caller> caller =
      access_->Check(*context, auth::Role::kWrite, "DeletePoints");
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  absl::Status in_scope = access_->CheckSeries(*caller, request->series());
  if (!in_scope.ok()) return ToGrpcStatus(in_scope);
  absl::StatusOr<uint64_t> revision =
      store_->DeletePoints(request->series(), RangeOf(*request));
  if (!revision.ok()) return ToGrpcStatus(revision.status());
  response->set_revision(*revision);
  return grpc::Status::OK;
}

}  // namespace tsforecast::service
