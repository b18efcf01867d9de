#include "service/proto_convert.h"

#include <map>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "service/point_columns.h"
#include "storage/selector.h"

namespace tsforecast::service {

absl::StatusOr<CalendarStep> StepFromProto(const v1::Step& step,
                                           absl::string_view field) {
  if (step.unit() == v1::STEP_UNIT_UNSPECIFIED ||
      step.unit() > v1::STEP_UNIT_BUSINESS_DAY) {
    return absl::InvalidArgumentError(
        absl::StrCat(field,
                     ".unit: required; one of SECOND, MINUTE, HOUR, DAY, WEEK, "
                     "MONTH, QUARTER, YEAR, BUSINESS_DAY"));
  }
  const CalendarStep out(static_cast<StepUnit>(step.unit()),
                         step.count() == 0 ? 1 : step.count());
  absl::Status s = out.Validate();
  if (!s.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ".count: ", s.message()));
  }
  return out;
}

v1::Step StepToProto(const CalendarStep& step) {
  v1::Step out;
  out.set_unit(static_cast<v1::StepUnit>(step.unit()));
  out.set_count(step.count());
  return out;
}

absl::StatusOr<storage::SeriesDefinition> DefinitionFromProto(
    const v1::Series& series, absl::string_view field) {
  storage::SeriesDefinition def;
  def.name = series.name();
  def.labels = storage::Labels(series.labels().begin(), series.labels().end());
  def.unit = series.unit();
  def.description = series.description();
  if (!series.has_step()) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ".step: required, e.g. {unit: DAY, count: 1}"));
  }
  TSF_ASSIGN_OR_RETURN(
      def.step, StepFromProto(series.step(), absl::StrCat(field, ".step")));
  switch (series.value_kind()) {
    case v1::VALUE_KIND_UNSPECIFIED:
    case v1::VALUE_KIND_LEVEL:
      def.value_kind = storage::ValueKind::kLevel;
      break;
    case v1::VALUE_KIND_FLOW:
      def.value_kind = storage::ValueKind::kFlow;
      break;
    default:
      return absl::InvalidArgumentError(absl::StrCat(
          field, ".value_kind: unknown value ", series.value_kind()));
  }
  def.retention_ms = series.retention_ms();
  TSF_ASSIGN_OR_RETURN(
      def.off_grid,
      OffGridFromProto(series.off_grid(), absl::StrCat(field, ".off_grid")));
  TSF_ASSIGN_OR_RETURN(def.holidays, HolidaysFromProto(series, field));
  def.decimals = series.has_decimals() ? series.decimals() : -1;
  if (def.decimals < 0 && series.has_decimals()) {
    return absl::InvalidArgumentError(absl::StrCat(
        field, ".decimals: ", def.decimals, " is out of range; use 0 to 12"));
  }
  TSF_ASSIGN_OR_RETURN(
      def.bounds,
      BoundsFromProto(series.bounds(), absl::StrCat(field, ".bounds")));
  return def;
}

absl::StatusOr<HolidaySpec> HolidaysFromProto(const v1::Series& series,
                                              absl::string_view field) {
  HolidaySpec spec;
  spec.calendar = series.holiday_calendar();
  if (static_cast<size_t>(series.holidays_size()) > kMaxHolidayDates) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ".holidays: ", series.holidays_size(),
                     " dates; at most ", kMaxHolidayDates, " may be listed"));
  }
  const std::vector<std::string> texts(series.holidays().begin(),
                                       series.holidays().end());
  absl::StatusOr<std::vector<int64_t>> dates = ParseHolidayDates(texts);
  if (!dates.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ".", dates.status().message()));
  }
  spec.dates = *std::move(dates);
  return spec;
}

absl::StatusOr<storage::ValueBounds> BoundsFromProto(v1::ValueBounds bounds,
                                                     absl::string_view field) {
  if (!v1::ValueBounds_IsValid(bounds)) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": unknown value ", bounds,
                     "; one of INFERRED, UNBOUNDED, NONNEGATIVE, POSITIVE"));
  }
  return static_cast<storage::ValueBounds>(bounds);
}

absl::StatusOr<storage::OffGridPolicy> OffGridFromProto(
    v1::OffGridPolicy policy, absl::string_view field) {
  switch (policy) {
    case v1::OFF_GRID_POLICY_UNSPECIFIED:
    case v1::OFF_GRID_POLICY_REJECT:
      return storage::OffGridPolicy::kReject;
    case v1::OFF_GRID_POLICY_SNAP_START:
      return storage::OffGridPolicy::kSnapStart;
    case v1::OFF_GRID_POLICY_SNAP_END:
      return storage::OffGridPolicy::kSnapEnd;
    case v1::OFF_GRID_POLICY_ACCEPT:
      return storage::OffGridPolicy::kAccept;
    default:
      return absl::InvalidArgumentError(
          absl::StrCat(field, ": unknown value ", policy,
                       "; one of REJECT, SNAP_START, SNAP_END, ACCEPT"));
  }
}

void SeriesToProto(const storage::SeriesInfo& info, v1::Series* out) {
  const storage::SeriesDefinition& def = info.definition;
  out->set_name(def.name);
  out->mutable_labels()->insert(def.labels.begin(), def.labels.end());
  out->set_unit(def.unit);
  out->set_description(def.description);
  *out->mutable_step() = StepToProto(def.step);
  out->set_value_kind(def.value_kind == storage::ValueKind::kFlow
                          ? v1::VALUE_KIND_FLOW
                          : v1::VALUE_KIND_LEVEL);
  out->set_retention_ms(def.retention_ms);
  out->set_off_grid(static_cast<v1::OffGridPolicy>(def.off_grid));
  out->set_holiday_calendar(def.holidays.calendar);
  for (int64_t day : def.holidays.dates) out->add_holidays(FormatIsoDay(day));
  if (def.decimals >= 0) out->set_decimals(def.decimals);
  out->set_bounds(static_cast<v1::ValueBounds>(def.bounds));
  out->set_create_time_ms(info.create_time_ms);
  out->set_revision(info.revision);
}

absl::StatusOr<std::vector<storage::LabelMatcher>> MatchersFromProto(
    const google::protobuf::RepeatedPtrField<v1::LabelMatcher>& matchers,
    absl::string_view selector) {
  std::vector<storage::LabelMatcher> out;
  for (int i = 0; i < matchers.size(); ++i) {
    const v1::LabelMatcher& m = matchers[i];
    storage::LabelMatcher matcher;
    matcher.name = m.name();
    matcher.value = m.value();
    if (m.name().empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("matchers[", i, "].name: required"));
    }
    switch (m.type()) {
      case v1::LabelMatcher::TYPE_EQUAL:
        matcher.type = storage::MatchType::kEqual;
        break;
      case v1::LabelMatcher::TYPE_NOT_EQUAL:
        matcher.type = storage::MatchType::kNotEqual;
        break;
      case v1::LabelMatcher::TYPE_REGEX:
        matcher.type = storage::MatchType::kRegex;
        break;
      case v1::LabelMatcher::TYPE_NOT_REGEX:
        matcher.type = storage::MatchType::kNotRegex;
        break;
      default:
        return absl::InvalidArgumentError(
            absl::StrCat("matchers[", i,
                         "].type: required; EQUAL, NOT_EQUAL, REGEX or "
                         "NOT_REGEX"));
    }
    out.push_back(std::move(matcher));
  }
  if (!selector.empty()) {
    absl::StatusOr<std::vector<storage::LabelMatcher>> parsed =
        storage::ParseSelector(selector);
    if (!parsed.ok()) return Annotate(parsed.status(), "selector");
    out.insert(out.end(), parsed->begin(), parsed->end());
  }
  return out;
}

absl::StatusOr<std::vector<storage::SeriesWrite>> WritesFromProto(
    const v1::WritePointsRequest& request) {
  if (request.has_columns()) {
    if (request.series_size() > 0) {
      return absl::InvalidArgumentError(
          "columns: send either series or columns in one request, not both");
    }
    return WritesFromColumns(request.columns());
  }
  std::vector<storage::SeriesWrite> writes;
  writes.reserve(request.series_size());
  for (int i = 0; i < request.series_size(); ++i) {
    const v1::SeriesPoints& sp = request.series(i);
    // Built only for an error: most requests have none.
    auto field = [i] { return absl::StrCat("series[", i, "]"); };
    if (sp.timestamps_ms_size() != sp.values_size()) {
      return absl::InvalidArgumentError(absl::StrCat(
          field(), ": ", sp.timestamps_ms_size(), " timestamps_ms but ",
          sp.values_size(), " values; they must pair up"));
    }
    storage::SeriesWrite w;
    w.series = sp.series();
    w.points.resize(sp.values_size());
    for (int j = 0; j < sp.values_size(); ++j) {
      w.points[j] = {sp.timestamps_ms(j), sp.values(j)};
    }
    if (sp.has_create_if_missing()) {
      v1::Series definition = sp.create_if_missing();
      definition.set_name(sp.series());
      TSF_ASSIGN_OR_RETURN(
          w.create_if_missing,
          DefinitionFromProto(definition,
                              absl::StrCat(field(), ".create_if_missing")));
    }
    writes.push_back(std::move(w));
  }
  return writes;
}

absl::StatusOr<v1::Aggregation> AggregationFromText(
    absl::string_view step, absl::string_view aggregator,
    absl::string_view step_field, absl::string_view aggregator_field) {
  static const auto* kAggregators =
      new std::map<std::string, v1::Aggregator, std::less<>>{
          {"avg", v1::AGGREGATOR_AVG},     {"mean", v1::AGGREGATOR_AVG},
          {"min", v1::AGGREGATOR_MIN},     {"max", v1::AGGREGATOR_MAX},
          {"sum", v1::AGGREGATOR_SUM},     {"count", v1::AGGREGATOR_COUNT},
          {"first", v1::AGGREGATOR_FIRST}, {"last", v1::AGGREGATOR_LAST}};
  absl::StatusOr<CalendarStep> parsed = CalendarStep::Parse(step);
  if (!parsed.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(step_field, ": ", parsed.status().message()));
  }
  auto it = kAggregators->find(aggregator);
  if (it == kAggregators->end()) {
    return absl::InvalidArgumentError(absl::StrCat(
        aggregator_field, ": \"", aggregator.substr(0, 32),
        "\" is not one of avg, min, max, sum, count, first, last"));
  }
  v1::Aggregation out;
  out.set_aggregator(it->second);
  *out.mutable_step() = StepToProto(*parsed);
  return out;
}

forecast::ModelSpec SpecFromProto(const v1::ModelSpec& spec) {
  forecast::ModelSpec out;
  out.name = spec.name().empty() ? "auto" : spec.name();
  out.options.insert(spec.options().begin(), spec.options().end());
  return out;
}

absl::StatusOr<storage::Aggregator> AggregatorFromProto(
    v1::Aggregator aggregator, absl::string_view field) {
  switch (aggregator) {
    case v1::AGGREGATOR_AVG:
      return storage::Aggregator::kAvg;
    case v1::AGGREGATOR_MIN:
      return storage::Aggregator::kMin;
    case v1::AGGREGATOR_MAX:
      return storage::Aggregator::kMax;
    case v1::AGGREGATOR_SUM:
      return storage::Aggregator::kSum;
    case v1::AGGREGATOR_COUNT:
      return storage::Aggregator::kCount;
    case v1::AGGREGATOR_FIRST:
      return storage::Aggregator::kFirst;
    case v1::AGGREGATOR_LAST:
      return storage::Aggregator::kLast;
    default:
      return absl::InvalidArgumentError(absl::StrCat(
          field, ": required; AVG, MIN, MAX, SUM, COUNT, FIRST or LAST"));
  }
}

}  // namespace tsforecast::service
