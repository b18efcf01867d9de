// Ranges of series whose points were lost to a damaged table file and
// quarantined (rocks_quarantine.cc): reads that reach one answer DATA_LOSS
// naming it until the range is deleted or the series is. Persisted in the
// default family ("d" keys, docs/storage_format.md) and held in memory.
#ifndef TSFORECAST_STORAGE_DAMAGE_TABLE_H_
#define TSFORECAST_STORAGE_DAMAGE_TABLE_H_

#include <atomic>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "storage/types.h"

namespace tsforecast::storage {

// Windows [first_window, last_window] of series `id` (block windows of the
// points family; INT64_MIN/INT64_MAX when the loss has no known end).
struct DamagedRange {
  SeriesId id = 0;
  int64_t first_window = 0;
  int64_t last_window = 0;
  std::string file;  // the quarantined table file, e.g. "000019.sst"
  friend bool operator==(const DamagedRange&, const DamagedRange&) = default;
};

// Key and value in the default family.
std::string DamageKey(SeriesId id, int64_t first_window);
std::string DamageKeyPrefix(SeriesId id);  // every range of `id`
std::string EncodeDamage(const DamagedRange& range);
absl::StatusOr<DamagedRange> DecodeDamage(absl::string_view key,
                                          absl::string_view value);
inline constexpr char kDamageKeyPrefix = 'd';

// "series \"x\", points from 2024-01-01T00:00:00Z to its last were lost
// with the damaged table file 000019.sst (kept in quarantine/)".
std::string DescribeDamagedRange(absl::string_view series, int64_t window_ms,
                                 const DamagedRange& range);

class DamageTable {
 public:
  void Add(const DamagedRange& range) ABSL_LOCKS_EXCLUDED(mu_);
  void EraseSeries(SeriesId id) ABSL_LOCKS_EXCLUDED(mu_);
  // Drops ranges of `id` lying wholly within windows [first, last].
  std::vector<DamagedRange> EraseWithin(SeriesId id, int64_t first,
                                        int64_t last) ABSL_LOCKS_EXCLUDED(mu_);
  // The ranges of `id` that meet windows [first, last]; cheap when the
  // table is empty (the usual case).
  std::vector<DamagedRange> Overlapping(SeriesId id, int64_t first,
                                        int64_t last) const
      ABSL_LOCKS_EXCLUDED(mu_);
  std::vector<DamagedRange> All() const ABSL_LOCKS_EXCLUDED(mu_);

 private:
  mutable absl::Mutex mu_;
  std::multimap<SeriesId, DamagedRange> ranges_ ABSL_GUARDED_BY(mu_);
  std::atomic<size_t> size_{0};
};

}  // namespace tsforecast::storage

#endif  // TSFORECAST_STORAGE_DAMAGE_TABLE_H_
