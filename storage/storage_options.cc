#include "storage/storage_options.h"

#include "absl/strings/str_cat.h"

namespace tsforecast::storage {

absl::StatusOr<Durability> ParseDurability(absl::string_view text) {
  if (text == "sync") return Durability::kSync;
  if (text == "process") return Durability::kProcess;
  return absl::InvalidArgumentError(absl::StrCat(
      "durability \"", text, "\": expected \"sync\" or \"process\""));
}

absl::Status StorageOptions::Validate() const {
  if (data_dir.empty()) {
    return absl::InvalidArgumentError("data_dir: must not be empty");
  }
  if (block_cache_bytes < (1u << 20)) {
    return absl::InvalidArgumentError("block_cache_bytes: at least 1 MiB");
  }
  if (write_buffer_bytes < (1u << 20)) {
    return absl::InvalidArgumentError("write_buffer_bytes: at least 1 MiB");
  }
  if (max_background_jobs < 1) {
    return absl::InvalidArgumentError("max_background_jobs: at least 1");
  }
  if (max_open_files < 16) {
    return absl::InvalidArgumentError("max_open_files: at least 16");
  }
  if (min_free_bytes < (1u << 20)) {
    // Measured: Debian's RocksDB 7.8 aborts on an assertion
    // (sync_without_flush_called_) when a write-ahead-log append meets a
    // full disk; the reserve keeps foreground writes from getting there.
    return absl::InvalidArgumentError(
        "min_free_bytes: at least 1 MiB (the reserve keeps RocksDB's "
        "write-ahead log from meeting a full disk, on which it aborts)");
  }
  if (max_merge_operands < 0) {
    return absl::InvalidArgumentError("max_merge_operands: must be >= 0");
  }
  if (head_checkpoint_interval_ms < 100) {
    return absl::InvalidArgumentError(
        "head_checkpoint_interval_ms: at least 100");
  }
  return absl::OkStatus();
}

}  // namespace tsforecast::storage
