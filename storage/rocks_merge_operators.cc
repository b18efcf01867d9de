#include "storage/rocks_merge_operators.h"

#include "storage/block_record.h"

namespace tsforecast::storage {
namespace {

bool ComposeAll(const rocksdb::Slice* base,
                const std::vector<rocksdb::Slice>& operands,
                BlockRecord* result) {
  BlockRecordComposer composer;
  BlockRecord record;
  auto add = [&](const rocksdb::Slice& slice) {
    if (!DecodeBlockRecord(absl::string_view(slice.data(), slice.size()),
                           &record)
             .ok()) {
      return false;
    }
    composer.Add(std::move(record));
    return true;
  };
  if (base != nullptr && !add(*base)) return false;
  for (const rocksdb::Slice& op : operands) {
    if (!add(op)) return false;
  }
  *result = composer.Finish();
  return true;
}

}  // namespace

bool PointsMergeOperator::FullMergeV2(const MergeOperationInput& in,
                                      MergeOperationOutput* out) const {
  BlockRecord result;
  if (!ComposeAll(in.existing_value, in.operand_list, &result)) return false;
  // A full merge yields a block: deletes have been applied to everything
  // beneath it, so they need not be kept.
  result.deletes.clear();
  out->new_value = EncodeBlockRecord(result);
  return true;
}

bool PointsMergeOperator::PartialMergeMulti(
    const rocksdb::Slice& /*key*/, const std::deque<rocksdb::Slice>& operands,
    std::string* new_value, rocksdb::Logger* /*logger*/) const {
  BlockRecord result;
  const std::vector<rocksdb::Slice> list(operands.begin(), operands.end());
  if (!ComposeAll(nullptr, list, &result)) return false;
  *new_value = EncodeBlockRecord(result);
  return true;
}

bool MaxUint64MergeOperator::Merge(const rocksdb::Slice& /*key*/,
                                   const rocksdb::Slice* existing,
                                   const rocksdb::Slice& value,
                                   std::string* new_value,
                                   rocksdb::Logger* /*logger*/) const {
  // Equal-length big-endian strings compare like the numbers they hold.
  if (existing != nullptr && existing->compare(value) > 0) {
    new_value->assign(existing->data(), existing->size());
  } else {
    new_value->assign(value.data(), value.size());
  }
  return true;
}

}  // namespace tsforecast::storage
