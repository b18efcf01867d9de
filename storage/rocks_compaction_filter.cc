#include "storage/rocks_compaction_filter.h"

#include "storage/block_record.h"
#include "storage/rocks_keys.h"

namespace tsforecast::storage {
namespace {

class RetentionFilter final : public rocksdb::CompactionFilter {
 public:
  explicit RetentionFilter(std::shared_ptr<const RetentionTable> table)
      : table_(std::move(table)) {}

  Decision FilterV2(int /*level*/, const rocksdb::Slice& key, ValueType type,
                    const rocksdb::Slice& existing_value,
                    std::string* new_value,
                    std::string* /*skip_until*/) const override {
    SeriesId id = 0;
    int64_t window = 0;
    if (!ParsePointsKey(absl::string_view(key.data(), key.size()), &id,
                        &window)) {
      return Decision::kKeep;
    }
    const RetentionTable::Verdict verdict = table_->Judge(id);
    if (verdict.drop_all) return Decision::kRemove;
    if (verdict.cutoff_ms == INT64_MIN) return Decision::kKeep;
    const int64_t window_ms = verdict.window_ms;
    if (window_ms <= 0) return Decision::kKeep;
    const int64_t window_end = (window + 1) * window_ms;
    if (window_end <= verdict.cutoff_ms) return Decision::kRemove;
    if (type != ValueType::kValue || window * window_ms >= verdict.cutoff_ms) {
      return Decision::kKeep;
    }
    BlockRecord record;
    if (!DecodeBlockRecord(
             absl::string_view(existing_value.data(), existing_value.size()),
             &record)
             .ok()) {
      return Decision::kKeep;  // let reads report the corruption
    }
    const size_t before = record.points.size();
    ErasePointsInRange({INT64_MIN, verdict.cutoff_ms}, &record.points);
    if (record.points.size() == before) return Decision::kKeep;
    if (record.points.empty()) return Decision::kRemove;
    *new_value = EncodeBlockRecord(record);
    return Decision::kChangeValue;
  }

  const char* Name() const override { return "tsforecast.Retention.v1"; }

 private:
  std::shared_ptr<const RetentionTable> table_;
};

}  // namespace

std::unique_ptr<rocksdb::CompactionFilter>
RetentionFilterFactory::CreateCompactionFilter(
    const rocksdb::CompactionFilter::Context& /*context*/) {
  return std::make_unique<RetentionFilter>(table_);
}

}  // namespace tsforecast::storage
