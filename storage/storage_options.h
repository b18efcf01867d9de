// Options of the series store, with units in their names and documented
// defaults.
#ifndef TSFORECAST_STORAGE_STORAGE_OPTIONS_H_
#define TSFORECAST_STORAGE_STORAGE_OPTIONS_H_

#include <cstdint>
#include <functional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace tsforecast::storage {

// When an acknowledged write is safe.
enum class Durability {
  // The write-ahead log is fsynced before a write is acknowledged;
  // concurrent writes share one fsync (group commit). Survives power loss.
  kSync,
  // The write-ahead log is written (to the OS) but not fsynced. Survives a
  // crash or kill -9 of the server, not of the machine. Faster.
  kProcess,
};

absl::StatusOr<Durability> ParseDurability(absl::string_view text);

struct StorageOptions {
  // Directory of the RocksDB database; created if missing. Required.
  std::string data_dir;
  Durability durability = Durability::kSync;
  // Shared block cache for reads. Default 64 MiB.
  uint64_t block_cache_bytes = 64ull << 20;
  // Memtable size per column family before a flush. Default 64 MiB.
  uint64_t write_buffer_bytes = 64ull << 20;
  // RocksDB flush and compaction threads. Default 2.
  int max_background_jobs = 2;
  // Table files RocksDB keeps open (opened on first use); the server sets
  // it from its file-descriptor budget (service/fd_budget.h).
  int max_open_files = 5000;
  // When > 0, RocksDB folds a block's merge operands into one value once
  // this many sit in the memtable (a read of the block on that write). 0
  // (default) leaves folding to flushes and compactions, which keep one
  // operand per block per sorted run; in the memtable a block then holds at
  // most one operand per write that touched it. Measured: any value > 0
  // costs appends a scan of the key's operands and halves ingest rates.
  int max_merge_operands = 0;
  // Current time in ms since the epoch; retention is measured against it.
  // Default: the system clock. Tests inject a fake.
  std::function<int64_t()> now_ms;
  // Writes are refused (RESOURCE_EXHAUSTED) while the data dir's file
  // system has less free space than this, so that RocksDB's write-ahead log
  // never meets a full disk (Debian's RocksDB 7.8 aborts when it does);
  // they resume once space is freed. Keep it above the largest request
  // (--max_message_bytes). Default 64 MiB; at least 1 MiB.
  uint64_t min_free_bytes = 64ull << 20;
  // The in-memory head (head_table.h) holds appended points until a
  // checkpoint writes them to RocksDB as one block operand per series and
  // window; its own log (head_log.h, under data_dir/head) keeps them safe
  // meanwhile, with the same durability. A checkpoint starts once the head
  // holds this many points (appends wait while it holds twice as many).
  // 0 turns the head off: every write goes to RocksDB directly.
  // Default 2 M points (about 50 MiB).
  uint64_t head_max_points = 2'000'000;
  // ... or once its oldest point is this old, bounding restart replay.
  // Default 60 s.
  int64_t head_checkpoint_interval_ms = 60'000;
  // Whether closing the store checkpoints the head. Tests turn it off to
  // leave the head in its log, as a crash would.
  bool checkpoint_head_on_close = true;
  // Free bytes of the data dir's file system. Default: statvfs. Tests
  // inject a fake.
  std::function<absl::StatusOr<uint64_t>()> free_bytes;

  absl::Status Validate() const;
};

}  // namespace tsforecast::storage

#endif  // TSFORECAST_STORAGE_STORAGE_OPTIONS_H_
