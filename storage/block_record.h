// The value stored under a points key: either a folded block (sorted points)
// or a pending change to it (a merge operand: ranges to delete, then points to
// upsert). Both use one format, so composing changes and folding them into a
// block are the same operation. Layout in docs/storage_format.md.
#ifndef TSFORECAST_STORAGE_BLOCK_RECORD_H_
#define TSFORECAST_STORAGE_BLOCK_RECORD_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "storage/types.h"

namespace tsforecast::storage {

inline constexpr uint8_t kBlockRecordVersion = 1;

struct BlockRecord {
  // Applied before `points`; sorted, non-overlapping after Normalize.
  std::vector<TimeRange> deletes;
  // Sorted by timestamp, unique.
  std::vector<Point> points;
};

std::string EncodeBlockRecord(const BlockRecord& record);
// DATA_LOSS when `in` is not a valid record.
absl::Status DecodeBlockRecord(absl::string_view in, BlockRecord* record);

// Sorts points by timestamp keeping the last of equal timestamps (stable, so
// "last" is the later position in the input).
void SortPointsLastWins(std::vector<Point>* points);

// The change equal to applying `older` then `newer`.
BlockRecord Compose(BlockRecord older, const BlockRecord& newer);

// Composes a long sequence of changes in O(n log n) rather than the O(n^2)
// of folding Compose over them: runs of changes without deletes are gathered
// and sorted once. The merge operator folds hundreds of appends per block.
class BlockRecordComposer {
 public:
  // Changes are applied in the order added.
  void Add(BlockRecord change);
  BlockRecord Finish();

 private:
  void FlushPending();

  BlockRecord result_;
  std::vector<Point> pending_;  // points of delete-free changes, in order
};

// Drops the points of `*points` (sorted) that fall in [start, end).
void ErasePointsInRange(const TimeRange& range, std::vector<Point>* points);

}  // namespace tsforecast::storage

#endif  // TSFORECAST_STORAGE_BLOCK_RECORD_H_
