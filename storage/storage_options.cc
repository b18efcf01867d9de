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
  if (max_merge_operands < 0) {
    return absl::InvalidArgumentError("max_merge_operands: must be >= 0");
  }
  return absl::OkStatus();
}

}  // namespace tsforecast::storage
