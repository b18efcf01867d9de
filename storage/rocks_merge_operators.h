// RocksDB merge operators. Their Name()s are persisted in the OPTIONS file;
// renaming one makes existing data unreadable.
#ifndef TSFORECAST_STORAGE_ROCKS_MERGE_OPERATORS_H_
#define TSFORECAST_STORAGE_ROCKS_MERGE_OPERATORS_H_

#include "rocksdb/merge_operator.h"

namespace tsforecast::storage {

// Folds block records (storage/block_record.h) into a block: appends and
// deletes are written as merge operands, so a write never reads its block.
// Partial merges compose operands during flush and compaction, keeping the
// operands per key bounded.
class PointsMergeOperator final : public rocksdb::MergeOperator {
 public:
  bool FullMergeV2(const MergeOperationInput& in,
                   MergeOperationOutput* out) const override;
  bool PartialMergeMulti(const rocksdb::Slice& key,
                         const std::deque<rocksdb::Slice>& operands,
                         std::string* new_value,
                         rocksdb::Logger* logger) const override;
  bool AllowSingleOperand() const override { return true; }
  const char* Name() const override { return "tsforecast.PointsMerge.v1"; }
};

// Keeps the largest 8-byte big-endian value: per-series revisions are
// written blind and the highest wins.
class MaxUint64MergeOperator final : public rocksdb::AssociativeMergeOperator {
 public:
  bool Merge(const rocksdb::Slice& key, const rocksdb::Slice* existing,
             const rocksdb::Slice& value, std::string* new_value,
             rocksdb::Logger* logger) const override;
  const char* Name() const override { return "tsforecast.MaxUint64.v1"; }
};

}  // namespace tsforecast::storage

#endif  // TSFORECAST_STORAGE_ROCKS_MERGE_OPERATORS_H_
