// The abstract series store: series definitions, their label index and
// their points. Implemented over RocksDB by RocksSeriesStore; Open() is the
// factory. All methods are thread-safe. Errors: NOT_FOUND for unknown series,
// ALREADY_EXISTS for a taken name, INVALID_ARGUMENT naming the field,
// UNAVAILABLE / RESOURCE_EXHAUSTED / DATA_LOSS from the disk.
#ifndef TSFORECAST_STORAGE_SERIES_STORE_H_
#define TSFORECAST_STORAGE_SERIES_STORE_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "storage/storage_options.h"
#include "storage/types.h"

namespace tsforecast::storage {

struct ReadResult {
  std::vector<Point> points;  // ascending by timestamp
  uint64_t revision = 0;      // of the series when read
  bool has_more = false;      // more points in the range beyond the limit
};

// An opaque document kept with a series (the service keeps saved forecast
// vintages this way). Ids rise in the order of saving across the store.
struct SeriesAttachment {
  uint64_t id = 0;
  int64_t create_time_ms = 0;
  std::string payload;
};

// Largest attachment payload accepted.
inline constexpr size_t kMaxAttachmentBytes = 4u << 20;

struct StorageStats {
  uint64_t series_count = 0;
  uint64_t points_sst_bytes = 0;
  uint64_t meta_sst_bytes = 0;
  uint64_t wal_bytes = 0;
  uint64_t memtable_bytes = 0;
  uint64_t points_written = 0;  // since open
  // The in-memory head (head_table.h): points held, their memory, its log
  // on disk, and checkpoints since open.
  uint64_t head_points = 0;
  uint64_t head_bytes = 0;
  uint64_t head_log_bytes = 0;
  uint64_t head_checkpoints = 0;
};

// What Verify found.
struct VerifyReport {
  uint64_t files_checked = 0;
  uint64_t series_checked = 0;
  std::vector<std::string> damaged_files;   // "name: error"
  std::vector<std::string> damaged_series;  // each series' read error
};

// Checks the block checksums of every SST file in `data_dir` without
// opening the database (for a stopped server): damaged_files only.
absl::StatusOr<VerifyReport> VerifyDataDirFiles(const std::string& data_dir);

// Rebuilds the MANIFEST of a stopped server's data dir from the table
// files present (RocksDB's RepairDB), for a damaged MANIFEST; files it
// cannot read are moved to lost/. Run VerifyDataDirFiles after it.
absl::Status RepairDataDir(const std::string& data_dir);

// Whether the store takes writes now, and why not.
struct StoreHealth {
  bool writable = true;
  std::string reason;              // empty when writable
  uint64_t background_errors = 0;  // since open
  // Writes stopped for an error the store cannot resume from while open
  // (RocksDB's fatal severity: a new write-ahead log that could not be
  // created for lack of descriptors, say); a restart recovers.
  bool needs_restart = false;
};

class SeriesStore {
 public:
  // Opens (creating if needed) the store in options.data_dir.
  // FAILED_PRECONDITION when the directory holds another storage format.
  static absl::StatusOr<std::unique_ptr<SeriesStore>> Open(
      const StorageOptions& options);

  virtual ~SeriesStore() = default;

  virtual absl::StatusOr<SeriesInfo> CreateSeries(
      const SeriesDefinition& definition) = 0;
  virtual absl::StatusOr<SeriesInfo> GetSeries(
      absl::string_view name) const = 0;
  // Series matching all matchers, ascending by name, names > `after_name`,
  // at most `limit`.
  virtual absl::StatusOr<std::vector<SeriesInfo>> ListSeries(
      const std::vector<LabelMatcher>& matchers, absl::string_view after_name,
      size_t limit) const = 0;
  virtual absl::StatusOr<SeriesInfo> UpdateSeries(
      absl::string_view name, const SeriesUpdate& update) = 0;
  // Deletes the series, its points and attachments. A series later
  // created under the same name starts above every revision this one
  // reached (SeriesInfo::revision).
  virtual absl::Status DeleteSeries(absl::string_view name) = 0;
  // Distinct label names, and values of one label, across all series.
  virtual std::vector<std::string> LabelNames() const = 0;
  virtual std::vector<std::string> LabelValues(
      absl::string_view label) const = 0;

  // Atomic: every write lands or none. Errors name "series[i]...".
  virtual absl::StatusOr<WriteResult> Write(
      std::vector<SeriesWrite> writes) = 0;
  // Points in `range` (minus expired ones), at most `limit` (0: all).
  virtual absl::StatusOr<ReadResult> Read(absl::string_view name,
                                          const TimeRange& range,
                                          size_t limit) const = 0;
  // The last `count` points (ascending).
  virtual absl::StatusOr<ReadResult> ReadLatest(absl::string_view name,
                                                size_t count) const = 0;
  // Returns the new revision.
  virtual absl::StatusOr<uint64_t> DeletePoints(absl::string_view name,
                                                const TimeRange& range) = 0;

  // Keeps `payload` with the series; returns its id. Deleted with the series.
  virtual absl::StatusOr<uint64_t> AddAttachment(absl::string_view name,
                                                 int64_t create_time_ms,
                                                 std::string payload) = 0;
  // Attachments with id < `before_id` (0: no bound), newest first, at most
  // `limit`; payloads only when `with_payload`.
  virtual absl::StatusOr<std::vector<SeriesAttachment>> ListAttachments(
      absl::string_view name, uint64_t before_id, size_t limit,
      bool with_payload) const = 0;
  virtual absl::StatusOr<SeriesAttachment> GetAttachment(absl::string_view name,
                                                         uint64_t id) const = 0;

  // Consistent online snapshot into `directory`, which must not exist.
  // Returns its size in bytes.
  virtual absl::StatusOr<uint64_t> Backup(const std::string& directory) = 0;
  // Flushes and fully compacts the store.
  virtual absl::Status Compact() = 0;
  virtual absl::StatusOr<StorageStats> Stats() const = 0;
  // Reads never stop for a full disk or a background error; writes do,
  // and this says so (for health checks).
  virtual StoreHealth Health() = 0;
  // The checksums of every live SST file and a whole read of every series.
  virtual absl::StatusOr<VerifyReport> Verify() = 0;
  // Ranges lost to damaged table files and quarantined, one sentence
  // each; they answer DATA_LOSS until deleted (docs/reliability.md).
  virtual std::vector<std::string> DescribeDamage() const = 0;
};

// Copies a backup made by SeriesStore::Backup into `data_dir`, which must be
// absent or empty. The result opens like any data dir.
absl::Status RestoreBackup(const std::string& backup_dir,
                           const std::string& data_dir);

}  // namespace tsforecast::storage

#endif  // TSFORECAST_STORAGE_SERIES_STORE_H_
