// Conversions between API messages and storage types, validating as they go
// (errors name the request field).
#ifndef TSFORECAST_SERVICE_PROTO_CONVERT_H_
#define TSFORECAST_SERVICE_PROTO_CONVERT_H_

#include <vector>

#include "absl/status/statusor.h"
#include "forecast/model_registry.h"
#include "storage/types.h"
#include "tsforecast/v1/forecast.pb.h"
#include "tsforecast/v1/points.pb.h"
#include "tsforecast/v1/series.pb.h"

namespace tsforecast::service {

namespace v1 = ::tsforecast::v1;

absl::StatusOr<CalendarStep> StepFromProto(const v1::Step& step,
                                           absl::string_view field);
v1::Step StepToProto(const CalendarStep& step);

// Name, labels, unit, description, step, value kind and retention.
absl::StatusOr<storage::SeriesDefinition> DefinitionFromProto(
    const v1::Series& series, absl::string_view field);
void SeriesToProto(const storage::SeriesInfo& info, v1::Series* out);

absl::StatusOr<std::vector<storage::LabelMatcher>> MatchersFromProto(
    const google::protobuf::RepeatedPtrField<v1::LabelMatcher>& matchers,
    absl::string_view selector);

// Checks the columnar shape (equal lengths) and builds storage writes.
absl::StatusOr<std::vector<storage::SeriesWrite>> WritesFromProto(
    const v1::WritePointsRequest& request);

// INFERRED, UNBOUNDED, NONNEGATIVE or POSITIVE; errors name `field`.
absl::StatusOr<storage::ValueBounds> BoundsFromProto(v1::ValueBounds bounds,
                                                     absl::string_view field);

// UNSPECIFIED reads as REJECT, the default of new series.
absl::StatusOr<storage::OffGridPolicy> OffGridFromProto(
    v1::OffGridPolicy policy, absl::string_view field);

// `holiday_calendar` and `holidays` of `series`; errors name
// `field`.holidays[i] for a date that is not YYYY-MM-DD.
absl::StatusOr<HolidaySpec> HolidaysFromProto(const v1::Series& series,
                                              absl::string_view field);

// An aggregation as text parameters give it: `step` such as "1w" and
// `aggregator` one of avg (or mean), min, max, sum, count, first, last.
// Errors name `step_field` or `aggregator_field`.
absl::StatusOr<v1::Aggregation> AggregationFromText(
    absl::string_view step, absl::string_view aggregator,
    absl::string_view step_field, absl::string_view aggregator_field);

// A model spec; an empty name is "auto".
forecast::ModelSpec SpecFromProto(const v1::ModelSpec& spec);

absl::StatusOr<storage::Aggregator> AggregatorFromProto(
    v1::Aggregator aggregator, absl::string_view field);

}  // namespace tsforecast::service

#endif  // TSFORECAST_SERVICE_PROTO_CONVERT_H_
