// Checks of user input, each naming the offending field with the path the
// caller passes (e.g. "series[2]") so that API errors say exactly what is
// wrong. All return INVALID_ARGUMENT on failure.
#ifndef TSFORECAST_STORAGE_VALIDATION_H_
#define TSFORECAST_STORAGE_VALIDATION_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "storage/types.h"

namespace tsforecast::storage {

inline constexpr size_t kMaxSeriesNameLength = 200;
inline constexpr size_t kMaxLabelNameLength = 100;
inline constexpr size_t kMaxLabelValueLength = 1024;
inline constexpr size_t kMaxLabels = 64;
inline constexpr size_t kMaxUnitLength = 64;
inline constexpr size_t kMaxDescriptionLength = 4096;
inline constexpr int64_t kMinRetentionMs = 1000;
inline constexpr int64_t kMaxRetentionMs = int64_t{1} << 53;
inline constexpr int32_t kMaxDecimals = 12;

// 1 to 200 characters of [A-Za-z0-9_.:-], not starting with a digit, '.' or
// '-'.
absl::Status ValidateSeriesName(absl::string_view name,
                                absl::string_view field);
// Whether `s` is well-formed UTF-8.
bool IsUtf8(absl::string_view s);
// A Prometheus metric name: [a-zA-Z_:][a-zA-Z0-9_:]*, at most 200
// characters.
bool IsMetricName(absl::string_view name);
// Names of [A-Za-z0-9_], not starting with a digit or "__", except
// "__name__", whose value is a metric name (IsMetricName); values of 1 to
// 1,024 bytes of UTF-8.
absl::Status ValidateLabels(const Labels& labels, absl::string_view field);
absl::Status ValidateRetention(int64_t retention_ms, absl::string_view field);
// The whole definition; `field` is the path of the definition itself.
absl::Status ValidateDefinition(const SeriesDefinition& def,
                                absl::string_view field);
absl::Status ValidateUpdate(const SeriesUpdate& update,
                            absl::string_view field);
// The holidays against the step they would apply to: only business-day
// series have them. `field` is the path of the definition.
absl::Status ValidateHolidays(const SeriesDefinition& def,
                              absl::string_view field);
// Finite values, timestamps within the accepted years. `field` is the path of
// the series entry; errors name e.g. "series[2].values[17]".
absl::Status ValidatePoints(const std::vector<Point>& points,
                            absl::string_view field);
absl::Status ValidateRange(const TimeRange& range);

// Applies the series' off-grid policy to `points` in place (snaps move
// them); with kReject, INVALID_ARGUMENT naming the first point off the
// grid (`field`.timestamps_ms[i]), its time, the step starts around it and
// the policies that would take it.
absl::Status ApplyOffGridPolicy(const SeriesDefinition& def,
                                std::vector<Point>& points,
                                absl::string_view field);

// "reject", "snap_start", "snap_end", "accept".
absl::string_view OffGridPolicyName(OffGridPolicy policy);

}  // namespace tsforecast::storage

#endif  // TSFORECAST_STORAGE_VALIDATION_H_
