// SeriesStore over RocksDB. Column families:
//   default    format version, next series id, series records ("s" + name)
//   points     compressed point blocks per (series id, time window), appended
//              through PointsMergeOperator
//   revisions  per-series revision ceiling, written blind through
//              MaxUint64Merge: revisions are handed out from memory and only
//              every kRevisionBlock-th write persists a new ceiling, so a
//              point write costs no extra key; after a restart revisions
//              resume at the ceiling (they jump, never go back). A new
//              series starts above every revision a deleted series
//              reached (kRetiredRevisionKey), so revisions of a name never
//              repeat across a delete and re-create.
//   attachments  opaque documents per (series id, attachment id)
// Appends go to the in-memory head and its log (head_table.h, head_log.h)
// and reach the points family at checkpoints; reads merge the two, the
// head winning. Every other change to a series' points first flushes that
// series' head (deleting the series drops it), so RocksDB always holds the
// older state.
// Series definitions and the label index are held in memory (loaded at open)
// so lookups never touch the disk. Method contracts in series_store.h.
#ifndef TSFORECAST_STORAGE_ROCKS_SERIES_STORE_H_
#define TSFORECAST_STORAGE_ROCKS_SERIES_STORE_H_

#include <atomic>
#include <memory>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "rocksdb/db.h"
#include "storage/damage_table.h"
#include "storage/head_log.h"
#include "storage/head_table.h"
#include "storage/label_index.h"
#include "storage/retention_table.h"
#include "storage/rocks_write_health.h"
#include "storage/series_store.h"

namespace tsforecast::storage {

class RocksSeriesStore final : public SeriesStore {
 public:
  static absl::StatusOr<std::unique_ptr<SeriesStore>> Open(
      const StorageOptions& options);
  ~RocksSeriesStore() override;

  absl::StatusOr<SeriesInfo> CreateSeries(
      const SeriesDefinition& definition) override;
  absl::StatusOr<SeriesInfo> GetSeries(absl::string_view name) const override;
  absl::StatusOr<std::vector<SeriesInfo>> ListSeries(
      const std::vector<LabelMatcher>& matchers, absl::string_view after_name,
      size_t limit) const override;
  absl::StatusOr<SeriesInfo> UpdateSeries(absl::string_view name,
                                          const SeriesUpdate& update) override;
  absl::Status DeleteSeries(absl::string_view name) override;
  std::vector<std::string> LabelNames() const override;
  std::vector<std::string> LabelValues(absl::string_view label) const override;

  absl::StatusOr<WriteResult> Write(std::vector<SeriesWrite> writes) override;
  absl::StatusOr<ReadResult> Read(absl::string_view name,
                                  const TimeRange& range,
                                  size_t limit) const override;
  absl::StatusOr<ReadResult> ReadLatest(absl::string_view name,
                                        size_t count) const override;
  absl::StatusOr<uint64_t> DeletePoints(absl::string_view name,
                                        const TimeRange& range) override;

  absl::StatusOr<uint64_t> AddAttachment(absl::string_view name,
                                         int64_t create_time_ms,
                                         std::string payload) override;
  absl::StatusOr<std::vector<SeriesAttachment>> ListAttachments(
      absl::string_view name, uint64_t before_id, size_t limit,
      bool with_payload) const override;
  absl::StatusOr<SeriesAttachment> GetAttachment(absl::string_view name,
                                                 uint64_t id) const override;

  absl::StatusOr<uint64_t> Backup(const std::string& directory) override;
  absl::Status Compact() override;
  absl::StatusOr<StorageStats> Stats() const override;
  StoreHealth Health() override;
  absl::StatusOr<VerifyReport> Verify() override;
  std::vector<std::string> DescribeDamage() const override;

 private:
  // In-memory state of one series. `info.revision` is unused; the live
  // revision is the atomic.
  struct SeriesState {
    SeriesInfo info;
    std::atomic<uint64_t> revision{0};
    // Every revision handed out is <= this persisted value.
    std::atomic<uint64_t> revision_ceiling{0};
  };
  // A ceiling to raise in memory once the batch persisting it commits.
  struct CeilingRaise {
    SeriesState* state;
    uint64_t ceiling;
  };
  using StatePtr = std::shared_ptr<SeriesState>;

  RocksSeriesStore(const StorageOptions& options,
                   std::shared_ptr<RetentionTable> retention);
  absl::Status OpenDb();
  absl::Status CheckFormatVersion();
  absl::Status LoadSeries();
  absl::Status LoadNextAttachmentId();
  absl::Status LoadDamage();

  // Damaged table files (rocks_quarantine.cc): live files that are
  // missing, of another size than recorded, or (with `checksums`) fail a
  // block checksum.
  std::vector<rocksdb::LiveFileMetaData> FindDamagedFiles(bool checksums) const;
  // Quarantines each damaged file; returns how many.
  absl::StatusOr<int> QuarantineDamagedFiles(bool checksums)
      ABSL_LOCKS_EXCLUDED(maintenance_mu_, flush_mu_, ddl_mu_);
  absl::Status Quarantine(const rocksdb::LiveFileMetaData& file)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(maintenance_mu_, flush_mu_, ddl_mu_);
  // Adds damaged ranges of the points keys [from_key, to_key] to `batch`
  // and `added`.
  void AddDamage(const std::string& from_key, const std::string& to_key,
                 const std::string& file, rocksdb::WriteBatch* batch,
                 std::vector<DamagedRange>* added);
  // DATA_LOSS naming the first damaged range of `state` that meets windows
  // [first, last], if any.
  absl::Status CheckDamage(const SeriesState& state, int64_t first,
                           int64_t last) const;
  // Runs quarantines asked for by compactions that met damage.
  void QuarantineLoop();

  absl::StatusOr<StatePtr> Find(absl::string_view name) const
      ABSL_LOCKS_EXCLUDED(mu_);
  SeriesInfo Snapshot(const SeriesState& state) const;
  // The first timestamp still retained (INT64_MIN when retention is off).
  int64_t RetentionCutoff(const SeriesInfo& info) const;
  // Builds the state and batch entries of a new series; the caller writes
  // the batch and then calls Publish.
  absl::StatusOr<StatePtr> PrepareCreate(const SeriesDefinition& definition,
                                         rocksdb::WriteBatch* batch)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(ddl_mu_);
  void Publish(const StatePtr& state) ABSL_EXCLUSIVE_LOCKS_REQUIRED(ddl_mu_);
  // Takes the next revision; adds a new persisted ceiling to `batch` when
  // the current one is used up.
  absl::Status AppendRevision(SeriesState& state, rocksdb::WriteBatch* batch,
                              uint64_t* revision,
                              std::vector<CeilingRaise>* raises);
  static void RaiseCeilings(const std::vector<CeilingRaise>& raises);
  absl::Status CommitBatch(rocksdb::WriteBatch* batch);

  // Appends one merge operand per window touched by `points` (ascending,
  // unique).
  static absl::Status AppendPointOperands(rocksdb::ColumnFamilyHandle* cf,
                                          SeriesId id, int64_t window_ms,
                                          absl::Span<const Point> points,
                                          rocksdb::WriteBatch* batch);
  // Every series' calendar policy before anything is stored: a rejected
  // point fails the whole request.
  static absl::Status ApplyOffGridPolicies(const std::vector<StatePtr>& states,
                                           std::vector<SeriesWrite>& writes);
  // Point writes to series that all exist, through the head.
  absl::StatusOr<WriteResult> WriteToHead(const std::vector<StatePtr>& states,
                                          std::vector<SeriesWrite>& writes)
      ABSL_SHARED_LOCKS_REQUIRED(ddl_mu_);
  // Points of `state` in `r` from RocksDB (at `snapshot`), at most `limit`.
  absl::StatusOr<ReadResult> ReadBlocks(
      const SeriesState& state, const TimeRange& r, size_t limit,
      const rocksdb::Snapshot* snapshot) const;
  absl::StatusOr<std::vector<Point>> ReadLatestBlocks(
      const SeriesState& state, size_t count,
      const rocksdb::Snapshot* snapshot) const;
  // Replays the head log into the head and checkpoints it.
  absl::Status RecoverHead() ABSL_LOCKS_EXCLUDED(flush_mu_);
  // Writes the head of every series to RocksDB and deletes the log
  // segments it no longer needs.
  absl::Status CheckpointHead() ABSL_EXCLUSIVE_LOCKS_REQUIRED(flush_mu_);
  // Writes the head of `ids` to RocksDB before another change to them.
  absl::Status FlushHeadOf(const std::vector<SeriesId>& ids)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(flush_mu_, head_mu_);
  // Writes flushing points, with the watermark `seq`, as merge operands.
  absl::Status WriteFlushed(absl::Span<const HeadTable::SeriesPoints> series,
                            uint64_t seq);
  void CheckpointLoop();
  void StopCheckpoints();
  // Appends wait while the head is twice its limit, until a checkpoint;
  // called holding no lock.
  void WaitForHeadRoom() ABSL_LOCKS_EXCLUDED(ddl_mu_, head_mu_);

  const StorageOptions options_;
  std::shared_ptr<RetentionTable> retention_;
  // Registered with RocksDB as a listener; outlives the database.
  std::shared_ptr<RocksWriteHealth> write_health_;
  std::unique_ptr<rocksdb::DB> db_;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;
  rocksdb::ColumnFamilyHandle* meta_cf_ = nullptr;
  rocksdb::ColumnFamilyHandle* points_cf_ = nullptr;
  rocksdb::ColumnFamilyHandle* revisions_cf_ = nullptr;
  rocksdb::ColumnFamilyHandle* attachments_cf_ = nullptr;
  rocksdb::WriteOptions write_options_;
  std::atomic<uint64_t> points_written_{0};

  // Held shared by point writes and exclusively by series creation, update
  // and deletion, so that a series never changes under a write in flight.
  mutable absl::Mutex ddl_mu_ ABSL_ACQUIRED_BEFORE(mu_);
  // Guards the in-memory catalogue.
  mutable absl::Mutex mu_;
  absl::flat_hash_map<std::string, StatePtr> by_name_ ABSL_GUARDED_BY(mu_);
  LabelIndex index_ ABSL_GUARDED_BY(mu_);
  SeriesId next_id_ ABSL_GUARDED_BY(ddl_mu_) = 1;
  // The highest revision (or ceiling) of any deleted series; persisted.
  uint64_t retired_revision_ ABSL_GUARDED_BY(ddl_mu_) = 0;
  // The head, when options_.head_max_points > 0.
  HeadTable head_;
  std::unique_ptr<HeadLog> head_log_;
  // One flush of the head at a time; held across a flush and the change it
  // makes way for.
  absl::Mutex flush_mu_ ABSL_ACQUIRED_BEFORE(ddl_mu_);
  // Held shared by head appends from their log record until their points
  // are in the table and by reads while they copy the head and pin RocksDB;
  // exclusively to start a flush, when every logged record is in the table.
  mutable absl::Mutex head_mu_ ABSL_ACQUIRED_AFTER(ddl_mu_);
  // Wakes the checkpoint thread.
  absl::Mutex checkpoint_mu_;
  bool checkpoint_wanted_ ABSL_GUARDED_BY(checkpoint_mu_) = false;
  bool stopping_ ABSL_GUARDED_BY(checkpoint_mu_) = false;
  uint64_t checkpoints_done_ ABSL_GUARDED_BY(checkpoint_mu_) = 0;
  std::thread checkpointer_;
  std::atomic<uint64_t> head_checkpoints_{0};
  // Damaged ranges of series, loaded at open.
  DamageTable damage_;
  // One quarantine or manual compaction at a time.
  absl::Mutex maintenance_mu_ ABSL_ACQUIRED_BEFORE(flush_mu_);
  absl::Mutex quarantine_mu_;
  bool quarantine_wanted_ ABSL_GUARDED_BY(quarantine_mu_) = false;
  bool quarantine_stopping_ ABSL_GUARDED_BY(quarantine_mu_) = false;
  std::thread quarantiner_;
  // Serialises attachment id allocation.
  absl::Mutex attachment_mu_ ABSL_ACQUIRED_AFTER(ddl_mu_);
  uint64_t next_attachment_id_ ABSL_GUARDED_BY(attachment_mu_) = 1;
};

}  // namespace tsforecast::storage

#endif  // TSFORECAST_STORAGE_ROCKS_SERIES_STORE_H_
