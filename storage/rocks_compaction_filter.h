// Drops points physically during compaction: whole blocks of deleted series
// and of windows older than the series' retention, and the expired head of a
// partly expired block.
#ifndef TSFORECAST_STORAGE_ROCKS_COMPACTION_FILTER_H_
#define TSFORECAST_STORAGE_ROCKS_COMPACTION_FILTER_H_

#include <memory>

#include "rocksdb/compaction_filter.h"
#include "storage/retention_table.h"

namespace tsforecast::storage {

class RetentionFilterFactory final : public rocksdb::CompactionFilterFactory {
 public:
  explicit RetentionFilterFactory(std::shared_ptr<const RetentionTable> table)
      : table_(std::move(table)) {}

  std::unique_ptr<rocksdb::CompactionFilter> CreateCompactionFilter(
      const rocksdb::CompactionFilter::Context& context) override;
  const char* Name() const override { return "tsforecast.Retention.v1"; }

 private:
  std::shared_ptr<const RetentionTable> table_;
};

}  // namespace tsforecast::storage

#endif  // TSFORECAST_STORAGE_ROCKS_COMPACTION_FILTER_H_
