#include "storage/head_table.h"

#include <algorithm>

#include "storage/block_record.h"

namespace tsforecast::storage {
namespace {

bool ByTime(const Point& a, const Point& b) {
  return a.timestamp_ms < b.timestamp_ms;
}

// `newer` over `older`, both ascending and unique, within `range`.
std::vector<Point> MergeInRange(const std::vector<Point>& older,
                                const std::vector<Point>& newer,
                                const TimeRange& range) {
  const Point lo{range.start_ms, 0};
  const Point hi{range.end_ms, 0};
  auto o = std::lower_bound(older.begin(), older.end(), lo, ByTime);
  auto o_end = std::lower_bound(o, older.end(), hi, ByTime);
  auto n = std::lower_bound(newer.begin(), newer.end(), lo, ByTime);
  auto n_end = std::lower_bound(n, newer.end(), hi, ByTime);
  std::vector<Point> out;
  out.reserve((o_end - o) + (n_end - n));
  while (o != o_end || n != n_end) {
    if (n == n_end || (o != o_end && o->timestamp_ms < n->timestamp_ms)) {
      out.push_back(*o++);
    } else {
      if (o != o_end && o->timestamp_ms == n->timestamp_ms) ++o;
      out.push_back(*n++);
    }
  }
  return out;
}

}  // namespace

void HeadTable::Normalize(Entry& entry) const {
  if (entry.sorted) return;
  const size_t before = entry.active.size();
  SortPointsLastWins(&entry.active);
  entry.sorted = true;
  points_.fetch_sub(before - entry.active.size(), std::memory_order_relaxed);
}

void HeadTable::Append(SeriesId id, const std::vector<Point>& points) {
  if (points.empty()) return;
  Shard& shard = ShardOf(id);
  absl::MutexLock lock(&shard.mu);
  Entry& entry = shard.entries[id];
  const size_t before = entry.active.size();
  bool ascending =
      entry.sorted && (before == 0 || entry.active.back().timestamp_ms <
                                          points.front().timestamp_ms);
  for (size_t i = 1; ascending && i < points.size(); ++i) {
    ascending = points[i - 1].timestamp_ms < points[i].timestamp_ms;
  }
  entry.active.insert(entry.active.end(), points.begin(), points.end());
  entry.sorted = ascending;
  points_.fetch_add(points.size(), std::memory_order_relaxed);
}

std::vector<Point> HeadTable::Read(SeriesId id, const TimeRange& range) const {
  Shard& shard = ShardOf(id);
  absl::MutexLock lock(&shard.mu);
  auto it = shard.entries.find(id);
  if (it == shard.entries.end()) return {};
  Entry& entry = it->second;
  Normalize(entry);
  return MergeInRange(entry.flushing, entry.active, range);
}

size_t HeadTable::Count(SeriesId id) const {
  Shard& shard = ShardOf(id);
  absl::MutexLock lock(&shard.mu);
  auto it = shard.entries.find(id);
  if (it == shard.entries.end()) return 0;
  return it->second.active.size() + it->second.flushing.size();
}

std::vector<HeadTable::SeriesPoints> HeadTable::BeginFlush(
    const std::vector<SeriesId>* ids) {
  std::vector<SeriesPoints> out;
  auto take = [&](SeriesId id, Entry& entry) {
    if (entry.active.empty()) return;
    Normalize(entry);
    entry.flushing = std::move(entry.active);
    entry.active.clear();
    out.push_back({id, absl::MakeConstSpan(entry.flushing)});
  };
  if (ids != nullptr) {
    for (SeriesId id : *ids) {
      Shard& shard = ShardOf(id);
      absl::MutexLock lock(&shard.mu);
      auto it = shard.entries.find(id);
      if (it != shard.entries.end()) take(id, it->second);
    }
    return out;
  }
  for (Shard& shard : shards_) {
    absl::MutexLock lock(&shard.mu);
    for (auto& [id, entry] : shard.entries) take(id, entry);
  }
  return out;
}

void HeadTable::EndFlush() {
  for (Shard& shard : shards_) {
    absl::MutexLock lock(&shard.mu);
    for (auto it = shard.entries.begin(); it != shard.entries.end();) {
      Entry& entry = it->second;
      points_.fetch_sub(entry.flushing.size(), std::memory_order_relaxed);
      entry.flushing = {};
      // A series written once and then idle should not hold an entry.
      if (entry.active.empty()) {
        shard.entries.erase(it++);
      } else {
        ++it;
      }
    }
  }
}

void HeadTable::AbortFlush() {
  for (Shard& shard : shards_) {
    absl::MutexLock lock(&shard.mu);
    for (auto& [id, entry] : shard.entries) {
      if (entry.flushing.empty()) continue;
      std::vector<Point> merged = std::move(entry.flushing);
      entry.flushing = {};
      merged.insert(merged.end(), entry.active.begin(), entry.active.end());
      entry.active = std::move(merged);
      entry.sorted = false;
    }
  }
}

void HeadTable::Erase(SeriesId id) {
  Shard& shard = ShardOf(id);
  absl::MutexLock lock(&shard.mu);
  auto it = shard.entries.find(id);
  if (it == shard.entries.end()) return;
  points_.fetch_sub(it->second.active.size() + it->second.flushing.size(),
                    std::memory_order_relaxed);
  shard.entries.erase(it);
}

uint64_t HeadTable::bytes() const {
  uint64_t total = 0;
  for (Shard& shard : shards_) {
    absl::MutexLock lock(&shard.mu);
    for (const auto& [id, entry] : shard.entries) {
      total += (entry.active.capacity() + entry.flushing.capacity()) *
                   sizeof(Point) +
               sizeof(Entry) + sizeof(SeriesId);
    }
  }
  return total;
}

}  // namespace tsforecast::storage
