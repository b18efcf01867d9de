// The in-memory head: points appended to each series since the last
// checkpoint, before they reach RocksDB. Appends cost a hash lookup and a
// vector push instead of a memtable entry per series and request; a
// checkpoint writes each series' points as one merge operand per window.
// Points waiting for a checkpoint's write stay readable ("flushing") until
// RocksDB has them. Thread-safe; sharded by series id so that writers to
// different series rarely meet.
#ifndef TSFORECAST_STORAGE_HEAD_TABLE_H_
#define TSFORECAST_STORAGE_HEAD_TABLE_H_

#include <array>
#include <atomic>
#include <cstdint>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "absl/types/span.h"
#include "storage/types.h"

namespace tsforecast::storage {

class HeadTable {
 public:
  // Points being flushed: ascending, unique, and unchanged (the head's
  // own buffer, not a copy) until EndFlush or AbortFlush.
  struct SeriesPoints {
    SeriesId id = 0;
    absl::Span<const Point> points;
  };

  // `points`: any order; on equal timestamps the later one wins, and an
  // appended point wins over a held one.
  void Append(SeriesId id, const std::vector<Point>& points);
  // The series' held points in `range`, ascending and unique.
  std::vector<Point> Read(SeriesId id, const TimeRange& range) const;
  // How many points the series holds (an upper bound on what Read returns).
  size_t Count(SeriesId id) const;

  // Marks the held points of every series (or only of `ids`) as flushing
  // and returns them. Until EndFlush they stay readable, under newer
  // appends. One flush at a time.
  std::vector<SeriesPoints> BeginFlush(const std::vector<SeriesId>* ids);
  // Forgets the flushing points: RocksDB has them now.
  void EndFlush();
  // Puts the flushing points back under newer appends (their write failed).
  void AbortFlush();
  // Drops every point of a deleted series; not while it is flushing.
  void Erase(SeriesId id);

  // Points held; replaced ones count until a read or flush sorts them out.
  uint64_t points() const { return points_.load(std::memory_order_relaxed); }
  // Memory held by points, including vector slack.
  uint64_t bytes() const;

 private:
  struct Entry {
    std::vector<Point> active;    // in arrival order unless `sorted`
    bool sorted = true;           // `active` is ascending and unique
    std::vector<Point> flushing;  // ascending, unique
  };
  struct Shard {
    mutable absl::Mutex mu;
    // Read() sorts `active` in place, hence mutable.
    mutable absl::flat_hash_map<SeriesId, Entry> entries ABSL_GUARDED_BY(mu);
  };
  static constexpr size_t kShards = 64;
  Shard& ShardOf(SeriesId id) const { return shards_[id % kShards]; }
  // Sorts `active`, dropping replaced points.
  void Normalize(Entry& entry) const;

  mutable std::array<Shard, kShards> shards_;
  mutable std::atomic<uint64_t> points_{0};
};

}  // namespace tsforecast::storage

#endif  // TSFORECAST_STORAGE_HEAD_TABLE_H_
