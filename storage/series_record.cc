#include "storage/series_record.h"

#include "absl/strings/str_cat.h"
#include "storage/bit_stream.h"

namespace tsforecast::storage {
namespace {

void PutString(std::string* out, absl::string_view s) {
  PutVarint(out, s.size());
  out->append(s.data(), s.size());
}

bool GetString(absl::string_view in, size_t* pos, std::string* s) {
  uint64_t n = 0;
  if (!GetVarint(in, pos, &n) || n > in.size() - *pos) return false;
  s->assign(in.data() + *pos, n);
  *pos += n;
  return true;
}

}  // namespace

std::string EncodeSeriesRecord(const SeriesInfo& info) {
  const SeriesDefinition& def = info.definition;
  std::string out;
  out.push_back(static_cast<char>(kSeriesRecordVersion));
  PutVarint(&out, info.id);
  PutVarint(&out, ZigZagEncode(info.create_time_ms));
  PutVarint(&out, info.window_ms);
  out.push_back(static_cast<char>(def.step.unit()));
  PutVarint(&out, def.step.count());
  out.push_back(static_cast<char>(def.value_kind));
  PutVarint(&out, def.retention_ms);
  PutString(&out, def.name);
  PutString(&out, def.unit);
  PutString(&out, def.description);
  PutVarint(&out, def.labels.size());
  for (const auto& [name, value] : def.labels) {
    PutString(&out, name);
    PutString(&out, value);
  }
  // Added after version 1 shipped: records without it are kAccept.
  out.push_back(static_cast<char>(def.off_grid));
  // Added later still: records without them declare no decimals and no
  // holidays.
  PutVarint(&out, static_cast<uint64_t>(def.decimals + 1));
  PutString(&out, def.holidays.calendar);
  PutVarint(&out, def.holidays.dates.size());
  int64_t previous = 0;
  for (int64_t day : def.holidays.dates) {
    PutVarint(&out, ZigZagEncode(day - previous));
    previous = day;
  }
  // Added later again: records without it are kInferred.
  out.push_back(static_cast<char>(def.bounds));
  return out;
}

absl::StatusOr<SeriesInfo> DecodeSeriesRecord(absl::string_view in) {
  auto corrupt = [](absl::string_view what) {
    return absl::DataLossError(absl::StrCat("series record: ", what));
  };
  if (in.empty() || static_cast<uint8_t>(in[0]) != kSeriesRecordVersion) {
    return corrupt("unsupported version");
  }
  size_t pos = 1;
  SeriesInfo info;
  SeriesDefinition& def = info.definition;
  uint64_t id = 0, created = 0, window = 0, count = 0, retention = 0, n = 0;
  if (!GetVarint(in, &pos, &id) || !GetVarint(in, &pos, &created) ||
      !GetVarint(in, &pos, &window) || pos >= in.size()) {
    return corrupt("truncated header");
  }
  const auto unit = static_cast<StepUnit>(in[pos++]);
  if (!GetVarint(in, &pos, &count) || pos >= in.size()) {
    return corrupt("truncated step");
  }
  const auto kind = static_cast<ValueKind>(in[pos++]);
  if (!GetVarint(in, &pos, &retention) || !GetString(in, &pos, &def.name) ||
      !GetString(in, &pos, &def.unit) ||
      !GetString(in, &pos, &def.description) || !GetVarint(in, &pos, &n)) {
    return corrupt("truncated fields");
  }
  for (uint64_t i = 0; i < n; ++i) {
    std::string name, value;
    if (!GetString(in, &pos, &name) || !GetString(in, &pos, &value)) {
      return corrupt("truncated labels");
    }
    def.labels.emplace(std::move(name), std::move(value));
  }
  def.off_grid = OffGridPolicy::kAccept;
  if (pos < in.size()) {
    const auto policy = static_cast<OffGridPolicy>(in[pos++]);
    if (policy < OffGridPolicy::kReject || policy > OffGridPolicy::kAccept) {
      return corrupt("invalid off-grid policy");
    }
    def.off_grid = policy;
  }
  if (pos < in.size()) {
    uint64_t decimals = 0, dates = 0;
    if (!GetVarint(in, &pos, &decimals) ||
        !GetString(in, &pos, &def.holidays.calendar) ||
        !GetVarint(in, &pos, &dates) || decimals > 64 ||
        dates > in.size() - pos) {
      return corrupt("truncated decimals or holidays");
    }
    def.decimals = static_cast<int32_t>(decimals) - 1;
    int64_t day = 0;
    for (uint64_t i = 0; i < dates; ++i) {
      uint64_t delta = 0;
      if (!GetVarint(in, &pos, &delta)) return corrupt("truncated holidays");
      day += ZigZagDecode(delta);
      def.holidays.dates.push_back(day);
    }
  }
  if (pos < in.size()) {
    const auto bounds = static_cast<ValueBounds>(in[pos++]);
    if (bounds > ValueBounds::kPositive) return corrupt("invalid bounds");
    def.bounds = bounds;
  }
  if (pos != in.size()) return corrupt("trailing bytes");
  def.step = CalendarStep(unit, static_cast<int64_t>(count));
  if (!def.step.Validate().ok() || window == 0 ||
      (kind != ValueKind::kLevel && kind != ValueKind::kFlow)) {
    return corrupt("invalid step, window or value kind");
  }
  def.value_kind = kind;
  def.retention_ms = static_cast<int64_t>(retention);
  info.id = id;
  info.create_time_ms = ZigZagDecode(created);
  info.window_ms = static_cast<int64_t>(window);
  return info;
}

}  // namespace tsforecast::storage
