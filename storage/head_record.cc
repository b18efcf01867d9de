#include "storage/head_record.h"

#include <cstring>

#include "absl/strings/str_cat.h"
#include "storage/bit_stream.h"

namespace tsforecast::storage {
namespace {

constexpr char kVersion = 1;

absl::Status Damaged(absl::string_view what) {
  return absl::DataLossError(absl::StrCat("head log record: ", what));
}

}  // namespace

std::string StartHeadRecord(uint64_t series_count) {
  std::string out(1, kVersion);
  PutVarint(&out, series_count);
  return out;
}

void AddToHeadRecord(SeriesId id, const std::vector<Point>& points,
                     std::string* body) {
  PutVarint(body, id);
  PutVarint(body, points.size());
  int64_t previous = 0;
  for (const Point& p : points) {
    // Wrapping difference: any two valid timestamps fit, and decoding adds
    // it back the same way.
    PutVarint(body, ZigZagEncode(static_cast<int64_t>(
                        static_cast<uint64_t>(p.timestamp_ms) -
                        static_cast<uint64_t>(previous))));
    previous = p.timestamp_ms;
  }
  const size_t at = body->size();
  body->resize(at + points.size() * sizeof(double));
  for (size_t i = 0; i < points.size(); ++i) {
    std::memcpy(body->data() + at + i * sizeof(double), &points[i].value,
                sizeof(double));
  }
}

absl::Status DecodeHeadRecord(absl::string_view payload,
                              std::vector<HeadSeriesPoints>* out) {
  out->clear();
  if (payload.empty() || payload[0] != kVersion) {
    return Damaged("unknown version");
  }
  size_t pos = 1;
  uint64_t count = 0;
  if (!GetVarint(payload, &pos, &count)) return Damaged("truncated count");
  for (uint64_t s = 0; s < count; ++s) {
    HeadSeriesPoints series;
    uint64_t n = 0;
    if (!GetVarint(payload, &pos, &series.id) ||
        !GetVarint(payload, &pos, &n)) {
      return Damaged("truncated series header");
    }
    if (n > payload.size()) return Damaged("impossible point count");
    series.points.resize(n);
    int64_t previous = 0;
    for (Point& p : series.points) {
      uint64_t delta = 0;
      if (!GetVarint(payload, &pos, &delta)) return Damaged("truncated time");
      p.timestamp_ms =
          static_cast<int64_t>(static_cast<uint64_t>(previous) +
                               static_cast<uint64_t>(ZigZagDecode(delta)));
      previous = p.timestamp_ms;
    }
    if (payload.size() - pos < n * sizeof(double)) {
      return Damaged("truncated values");
    }
    for (Point& p : series.points) {
      std::memcpy(&p.value, payload.data() + pos, sizeof(double));
      pos += sizeof(double);
    }
    out->push_back(std::move(series));
  }
  if (pos != payload.size()) return Damaged("trailing bytes");
  return absl::OkStatus();
}

}  // namespace tsforecast::storage
