#include "service/ingest/pushed_series.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "storage/validation.h"

namespace tsforecast::service::ingest {
namespace {

// FNV-1a, 64 bits: stable across builds and machines (absl::Hash is
// seeded per process), and good enough where collisions are checked.
uint64_t Fnv1a(uint64_t hash, absl::string_view bytes) {
  for (unsigned char c : bytes) {
    hash ^= c;
    hash *= 0x100000001b3ull;
  }
  return hash;
}

}  // namespace

storage::Labels WithoutEmptyValues(storage::Labels labels) {
  std::erase_if(labels, [](const auto& kv) { return kv.second.empty(); });
  return labels;
}

std::optional<std::string> UncheckedPushedSeriesName(
    const storage::Labels& labels) {
  auto metric = labels.find(storage::kNameLabel);
  if (metric == labels.end()) return std::nullopt;
  if (labels.size() == 1) return metric->second;
  uint64_t hash = 0xcbf29ce484222325ull;
  for (const auto& [name, value] : labels) {
    if (name == storage::kNameLabel) continue;
    // Names cannot hold '\0' and '=' ends a name, so the encoding is
    // unambiguous.
    hash = Fnv1a(hash, name);
    hash = Fnv1a(hash, "=");
    hash = Fnv1a(hash, value);
    hash = Fnv1a(hash, absl::string_view("\0", 1));
  }
  char hex[16];
  for (int i = 15; i >= 0; --i, hash >>= 4) {
    hex[i] = "0123456789abcdef"[hash & 0xf];
  }
  return absl::StrCat(metric->second, ":", absl::string_view(hex, sizeof(hex)));
}

absl::StatusOr<std::string> PushedSeriesName(const storage::Labels& labels) {
  std::optional<std::string> name = UncheckedPushedSeriesName(labels);
  if (!name) {
    return absl::InvalidArgumentError(
        "no metric name (label __name__ missing or empty)");
  }
  if (absl::Status s = storage::ValidateLabels(labels, "labels"); !s.ok()) {
    return s;
  }
  if (absl::Status s = storage::ValidateSeriesName(*name, "name"); !s.ok()) {
    return s;
  }
  return *std::move(name);
}

std::string PromSeriesText(const storage::Labels& labels) {
  std::string out;
  if (auto it = labels.find(storage::kNameLabel); it != labels.end()) {
    out = it->second;
  }
  out += '{';
  bool first = true;
  for (const auto& [name, value] : labels) {
    if (name == storage::kNameLabel) continue;
    if (!first) out += ',';
    first = false;
    absl::StrAppend(&out, name, "=\"", absl::CEscape(value), "\"");
  }
  out += '}';
  return out;
}

std::optional<CalendarStep> InferredStep(
    const std::vector<storage::Point>& points) {
  std::vector<int64_t> times;
  times.reserve(points.size());
  for (const storage::Point& p : points) times.push_back(p.timestamp_ms);
  std::sort(times.begin(), times.end());
  times.erase(std::unique(times.begin(), times.end()), times.end());
  if (times.size() < 3) return std::nullopt;
  std::vector<int64_t> gaps;
  for (size_t i = 1; i < times.size(); ++i) {
    gaps.push_back(times[i] - times[i - 1]);
  }
  std::nth_element(gaps.begin(), gaps.begin() + gaps.size() / 2, gaps.end());
  const double gap = static_cast<double>(gaps[gaps.size() / 2]);
  static const CalendarStep kLadder[] = {
      {StepUnit::kSecond, 1},  {StepUnit::kSecond, 5},  {StepUnit::kSecond, 10},
      {StepUnit::kSecond, 15}, {StepUnit::kSecond, 30}, {StepUnit::kMinute, 1},
      {StepUnit::kMinute, 5},  {StepUnit::kMinute, 10}, {StepUnit::kMinute, 15},
      {StepUnit::kMinute, 30}, {StepUnit::kHour, 1},    {StepUnit::kDay, 1},
      {StepUnit::kWeek, 1},    {StepUnit::kMonth, 1},   {StepUnit::kQuarter, 1},
      {StepUnit::kYear, 1}};
  std::optional<CalendarStep> best;
  double best_distance = std::log(1.25);
  for (const CalendarStep& step : kLadder) {
    const double distance =
        std::fabs(std::log(gap / static_cast<double>(step.NominalMs())));
    if (distance <= best_distance) {
      best_distance = distance;
      best = step;
    }
  }
  return best;
}

storage::SeriesDefinition PushedDefinition(const std::string& name,
                                           const storage::Labels& labels,
                                           const PushDefaults& defaults) {
  storage::SeriesDefinition def;
  def.name = name;
  def.labels = labels;
  def.step = defaults.step;
  def.retention_ms = defaults.retention_ms;
  def.off_grid = storage::OffGridPolicy::kAccept;
  def.value_kind = storage::ValueKind::kLevel;
  return def;
}

}  // namespace tsforecast::service::ingest
