#include "storage/validation.h"

#include <cmath>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/time_util.h"

namespace tsforecast::storage {
namespace {

absl::Status Invalid(absl::string_view field, absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat(field, ": ", why));
}

}  // namespace

bool IsUtf8(absl::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<uint8_t>(s[i]);
    int extra = 0;
    if (c < 0x80) {
      extra = 0;
    } else if ((c >> 5) == 6) {
      extra = 1;
    } else if ((c >> 4) == 14) {
      extra = 2;
    } else if ((c >> 3) == 30) {
      extra = 3;
    } else {
      return false;
    }
    for (int k = 1; k <= extra; ++k) {
      if (i + k >= s.size() || (static_cast<uint8_t>(s[i + k]) >> 6) != 2) {
        return false;
      }
    }
    i += extra + 1;
  }
  return true;
}

bool IsMetricName(absl::string_view name) {
  if (name.empty() || name.size() > kMaxSeriesNameLength) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool ok = absl::ascii_isalpha(c) || c == '_' || c == ':' ||
                    (i > 0 && absl::ascii_isdigit(c));
    if (!ok) return false;
  }
  return true;
}

absl::Status ValidateSeriesName(absl::string_view name,
                                absl::string_view field) {
  if (name.empty()) return Invalid(field, "series name is empty");
  if (name.size() > kMaxSeriesNameLength) {
    return Invalid(field, absl::StrCat("series name is ", name.size(),
                                       " characters; at most ",
                                       kMaxSeriesNameLength, " allowed"));
  }
  if (absl::ascii_isdigit(name[0]) || name[0] == '.' || name[0] == '-') {
    return Invalid(field, absl::StrCat("series name \"", name,
                                       "\" must not start with a digit, "
                                       "'.' or '-'"));
  }
  for (char c : name) {
    if (!absl::ascii_isalnum(c) && c != '_' && c != '.' && c != ':' &&
        c != '-') {
      return Invalid(field, absl::StrCat("series name \"", absl::CEscape(name),
                                         "\" may only contain letters, "
                                         "digits and _ . : -"));
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateLabels(const Labels& labels, absl::string_view field) {
  if (labels.size() > kMaxLabels) {
    return Invalid(field, absl::StrCat(labels.size(), " labels; at most ",
                                       kMaxLabels, " allowed"));
  }
  for (const auto& [name, value] : labels) {
    // Built only for an error: this runs for every series of every push.
    auto path = [&, &name = name] {
      return absl::StrCat(field, "[\"", absl::CEscape(name), "\"]");
    };
    if (name.empty() || name.size() > kMaxLabelNameLength) {
      return Invalid(path(), absl::StrCat("label name must be 1 to ",
                                          kMaxLabelNameLength, " characters"));
    }
    if (name == kNameLabel) {
      // The metric name PromQL selects the series by (SelectableLabels).
      if (!IsMetricName(value)) {
        return Invalid(path(),
                       "metric name must match [a-zA-Z_:][a-zA-Z0-9_:]*");
      }
      continue;
    }
    if (absl::ascii_isdigit(name[0]) || absl::StartsWith(name, "__")) {
      return Invalid(path(),
                     "label name must not start with a digit or \"__\" "
                     "(reserved; \"__name__\" alone is allowed, as the "
                     "metric name)");
    }
    for (char c : name) {
      if (!absl::ascii_isalnum(c) && c != '_') {
        return Invalid(path(),
                       "label name may only contain letters, digits and _");
      }
    }
    if (value.empty() || value.size() > kMaxLabelValueLength) {
      return Invalid(path(), absl::StrCat("label value must be 1 to ",
                                          kMaxLabelValueLength, " bytes"));
    }
    if (!IsUtf8(value)) return Invalid(path(), "label value is not UTF-8");
  }
  return absl::OkStatus();
}

absl::Status ValidateRetention(int64_t retention_ms, absl::string_view field) {
  if (retention_ms != 0 &&
      (retention_ms < kMinRetentionMs || retention_ms > kMaxRetentionMs)) {
    return Invalid(field, absl::StrCat("retention ", retention_ms,
                                       " ms is out of range; use 0 (keep "
                                       "forever) or at least ",
                                       kMinRetentionMs, " ms"));
  }
  return absl::OkStatus();
}

absl::Status ValidateDefinition(const SeriesDefinition& def,
                                absl::string_view field) {
  absl::Status s = ValidateSeriesName(def.name, absl::StrCat(field, ".name"));
  if (!s.ok()) return s;
  s = ValidateLabels(def.labels, absl::StrCat(field, ".labels"));
  if (!s.ok()) return s;
  s = def.step.Validate();
  if (!s.ok()) return Invalid(absl::StrCat(field, ".step"), s.message());
  if (def.value_kind != ValueKind::kLevel &&
      def.value_kind != ValueKind::kFlow) {
    return Invalid(absl::StrCat(field, ".value_kind"), "unknown value kind");
  }
  SeriesUpdate update{def.labels,       def.unit,     def.description,
                      def.retention_ms, def.off_grid, def.holidays,
                      def.decimals,     def.bounds};
  s = ValidateUpdate(update, field);
  if (!s.ok()) return s;
  return ValidateHolidays(def, field);
}

absl::Status ValidateHolidays(const SeriesDefinition& def,
                              absl::string_view field) {
  absl::StatusOr<CalendarStep> calendar =
      CalendarWithHolidays(def.step, def.holidays);
  if (!calendar.ok()) {
    return Invalid(absl::StrCat(field, ".holidays"),
                   calendar.status().message());
  }
  return absl::OkStatus();
}

absl::Status ValidateUpdate(const SeriesUpdate& update,
                            absl::string_view field) {
  if (update.labels) {
    absl::Status s =
        ValidateLabels(*update.labels, absl::StrCat(field, ".labels"));
    if (!s.ok()) return s;
  }
  if (update.unit &&
      (update.unit->size() > kMaxUnitLength || !IsUtf8(*update.unit))) {
    return Invalid(
        absl::StrCat(field, ".unit"),
        absl::StrCat("must be UTF-8 of at most ", kMaxUnitLength, " bytes"));
  }
  if (update.description &&
      (update.description->size() > kMaxDescriptionLength ||
       !IsUtf8(*update.description))) {
    return Invalid(absl::StrCat(field, ".description"),
                   absl::StrCat("must be UTF-8 of at most ",
                                kMaxDescriptionLength, " bytes"));
  }
  if (update.off_grid && (*update.off_grid < OffGridPolicy::kReject ||
                          *update.off_grid > OffGridPolicy::kAccept)) {
    return Invalid(absl::StrCat(field, ".off_grid"), "unknown policy");
  }
  if (update.holidays) {
    absl::Status s = ValidateHolidaySpec(*update.holidays);
    if (!s.ok()) return Invalid(absl::StrCat(field, ".holidays"), s.message());
  }
  if (update.decimals &&
      (*update.decimals < -1 || *update.decimals > kMaxDecimals)) {
    return Invalid(absl::StrCat(field, ".decimals"),
                   absl::StrCat(*update.decimals, " is out of range; use 0 to ",
                                kMaxDecimals, ", or -1 for not declared"));
  }
  if (update.retention_ms) {
    return ValidateRetention(*update.retention_ms,
                             absl::StrCat(field, ".retention_ms"));
  }
  return absl::OkStatus();
}

absl::Status ValidatePoints(const std::vector<Point>& points,
                            absl::string_view field) {
  for (size_t i = 0; i < points.size(); ++i) {
    if (!std::isfinite(points[i].value)) {
      return Invalid(absl::StrCat(field, ".values[", i, "]"),
                     "not a finite number; omit missing points instead");
    }
    if (!IsValidTimestampMs(points[i].timestamp_ms)) {
      return Invalid(
          absl::StrCat(field, ".timestamps_ms[", i, "]"),
          absl::StrCat(points[i].timestamp_ms,
                       " is outside years 1000 to 9999 (milliseconds since "
                       "the epoch expected)"));
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateRange(const TimeRange& range) {
  if (range.start_ms > range.end_ms) {
    return absl::InvalidArgumentError(absl::StrCat(
        "start_ms: ", range.start_ms, " is after end_ms ", range.end_ms));
  }
  return absl::OkStatus();
}

absl::string_view OffGridPolicyName(OffGridPolicy policy) {
  switch (policy) {
    case OffGridPolicy::kReject:
      return "reject";
    case OffGridPolicy::kSnapStart:
      return "snap_start";
    case OffGridPolicy::kSnapEnd:
      return "snap_end";
    case OffGridPolicy::kAccept:
      return "accept";
  }
  return "reject";
}

namespace {

// Why a business day is not on the calendar, or "" when it is.
std::string OffCalendarReason(const CalendarStep& step, int64_t ts) {
  if (step.IsOnCalendar(ts)) return "";
  const int64_t day = ts >= 0 ? ts / 86400000 : (ts - 86399999) / 86400000;
  if (step.holidays() != nullptr && step.holidays()->Contains(day)) {
    return absl::StrCat(", weekdays only; ", FormatIsoDay(day),
                        " is one of its holidays");
  }
  return ", weekdays only";
}

}  // namespace

absl::Status ApplyOffGridPolicy(const SeriesDefinition& def,
                                std::vector<Point>& points,
                                absl::string_view field) {
  if (def.off_grid == OffGridPolicy::kAccept) return absl::OkStatus();
  absl::StatusOr<CalendarStep> calendar =
      CalendarWithHolidays(def.step, def.holidays);
  // Validated when the series was defined; failing now means a shipped
  // calendar the series names is gone from this build.
  if (!calendar.ok()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "series \"", def.name,
        "\": its holidays cannot be resolved: ", calendar.status().message()));
  }
  const CalendarStep& step = *calendar;
  for (size_t i = 0; i < points.size(); ++i) {
    const int64_t ts = points[i].timestamp_ms;
    const int64_t start = step.AlignDown(ts);
    const bool on_grid = start == ts && step.IsOnCalendar(ts);
    switch (def.off_grid) {
      case OffGridPolicy::kAccept:
        break;
      case OffGridPolicy::kReject:
        if (!on_grid) {
          return Invalid(
              absl::StrCat(field, ".timestamps_ms[", i, "]"),
              absl::StrCat(
                  FormatTimestamp(ts), " is not a step start of series \"",
                  def.name, "\" (step ", step.ToString(),
                  OffCalendarReason(step, ts),
                  "; the steps around it start at ", FormatTimestamp(start),
                  " and ", FormatTimestamp(step.Add(start, 1)),
                  "); the series' off_grid policy is reject: write step "
                  "starts, or set off_grid to snap_start or snap_end"));
        }
        break;
      case OffGridPolicy::kSnapStart:
        points[i].timestamp_ms = start;
        break;
      case OffGridPolicy::kSnapEnd:
        points[i].timestamp_ms = on_grid ? step.Add(start, -1) : start;
        break;
    }
  }
  return absl::OkStatus();
}

}  // namespace tsforecast::storage
