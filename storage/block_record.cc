#include "storage/block_record.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "storage/bit_stream.h"
#include "storage/point_codec.h"

namespace tsforecast::storage {
namespace {

// Sorts ranges and merges those that overlap or touch.
std::vector<TimeRange> NormalizeRanges(std::vector<TimeRange> ranges) {
  std::sort(ranges.begin(), ranges.end(),
            [](const TimeRange& a, const TimeRange& b) {
              return a.start_ms < b.start_ms;
            });
  std::vector<TimeRange> out;
  for (const TimeRange& r : ranges) {
    if (r.Empty()) continue;
    if (!out.empty() && r.start_ms <= out.back().end_ms) {
      out.back().end_ms = std::max(out.back().end_ms, r.end_ms);
    } else {
      out.push_back(r);
    }
  }
  return out;
}

// Removes from sorted `points` those inside any of the sorted `ranges`.
void EraseCovered(const std::vector<TimeRange>& ranges,
                  std::vector<Point>* points) {
  if (ranges.empty()) return;
  size_t r = 0;
  auto covered = [&](const Point& p) {
    while (r < ranges.size() && ranges[r].end_ms <= p.timestamp_ms) ++r;
    return r < ranges.size() && ranges[r].Contains(p.timestamp_ms);
  };
  points->erase(std::remove_if(points->begin(), points->end(), covered),
                points->end());
}

}  // namespace

std::string EncodeBlockRecord(const BlockRecord& record) {
  std::string out;
  out.reserve(16 + record.points.size() * 2);
  out.push_back(static_cast<char>(kBlockRecordVersion));
  PutVarint(&out, record.deletes.size());
  for (const TimeRange& r : record.deletes) {
    PutVarint(&out, ZigZagEncode(r.start_ms));
    PutVarint(&out, static_cast<uint64_t>(r.end_ms) -
                        static_cast<uint64_t>(r.start_ms));
  }
  EncodePoints(record.points, &out);
  return out;
}

absl::Status DecodeBlockRecord(absl::string_view in, BlockRecord* record) {
  record->deletes.clear();
  record->points.clear();
  if (in.empty()) return absl::DataLossError("empty block record");
  if (static_cast<uint8_t>(in[0]) != kBlockRecordVersion) {
    return absl::DataLossError(
        absl::StrCat("block record version ", static_cast<uint8_t>(in[0]),
                     " is not supported (expected ", kBlockRecordVersion, ")"));
  }
  size_t pos = 1;
  uint64_t n = 0;
  if (!GetVarint(in, &pos, &n) || n > in.size()) {
    return absl::DataLossError("block record: bad delete count");
  }
  for (uint64_t i = 0; i < n; ++i) {
    uint64_t start = 0, length = 0;
    if (!GetVarint(in, &pos, &start) || !GetVarint(in, &pos, &length)) {
      return absl::DataLossError("block record: truncated delete range");
    }
    const int64_t s = ZigZagDecode(start);
    record->deletes.push_back(
        {s, static_cast<int64_t>(static_cast<uint64_t>(s) + length)});
  }
  absl::Status status = DecodePoints(in, &pos, &record->points);
  if (!status.ok()) return status;
  if (pos != in.size()) {
    return absl::DataLossError(
        absl::StrCat("block record: ", in.size() - pos, " trailing bytes"));
  }
  return absl::OkStatus();
}

void SortPointsLastWins(std::vector<Point>* points) {
  // Most requests arrive in order, one point per time; stable_sort would
  // still allocate its buffer.
  if (std::adjacent_find(points->begin(), points->end(),
                         [](const Point& a, const Point& b) {
                           return a.timestamp_ms >= b.timestamp_ms;
                         }) == points->end()) {
    return;
  }
  std::stable_sort(points->begin(), points->end(),
                   [](const Point& a, const Point& b) {
                     return a.timestamp_ms < b.timestamp_ms;
                   });
  // Keep the last of each run of equal timestamps.
  size_t out = 0;
  for (size_t i = 0; i < points->size(); ++i) {
    if (i + 1 < points->size() &&
        (*points)[i + 1].timestamp_ms == (*points)[i].timestamp_ms) {
      continue;
    }
    (*points)[out++] = (*points)[i];
  }
  points->resize(out);
}

BlockRecord Compose(BlockRecord older, const BlockRecord& newer) {
  EraseCovered(newer.deletes, &older.points);
  BlockRecord out;
  std::vector<TimeRange> deletes = std::move(older.deletes);
  deletes.insert(deletes.end(), newer.deletes.begin(), newer.deletes.end());
  out.deletes = NormalizeRanges(std::move(deletes));
  // Merge two sorted runs; on equal timestamps the newer point wins.
  out.points.reserve(older.points.size() + newer.points.size());
  size_t i = 0, j = 0;
  while (i < older.points.size() || j < newer.points.size()) {
    if (j == newer.points.size() ||
        (i < older.points.size() &&
         older.points[i].timestamp_ms < newer.points[j].timestamp_ms)) {
      out.points.push_back(older.points[i++]);
    } else {
      if (i < older.points.size() &&
          older.points[i].timestamp_ms == newer.points[j].timestamp_ms) {
        ++i;
      }
      out.points.push_back(newer.points[j++]);
    }
  }
  return out;
}

void BlockRecordComposer::Add(BlockRecord change) {
  if (change.deletes.empty()) {
    pending_.insert(pending_.end(), change.points.begin(), change.points.end());
    return;
  }
  FlushPending();
  result_ = Compose(std::move(result_), change);
}

void BlockRecordComposer::FlushPending() {
  if (pending_.empty()) return;
  BlockRecord appended;
  appended.points = std::move(pending_);
  pending_.clear();
  SortPointsLastWins(&appended.points);
  result_ = Compose(std::move(result_), appended);
}

BlockRecord BlockRecordComposer::Finish() {
  FlushPending();
  return std::move(result_);
}

void ErasePointsInRange(const TimeRange& range, std::vector<Point>* points) {
  EraseCovered({range}, points);
}

}  // namespace tsforecast::storage
