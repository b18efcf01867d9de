// Opening, the series catalogue, backup and maintenance. Point reads and
// writes are in rocks_series_store_points.cc.
#include "storage/rocks_series_store.h"

#include <algorithm>
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/log.h"
#include "common/status_macros.h"
#include "rocksdb/cache.h"
#include "rocksdb/slice_transform.h"
#include "rocksdb/table.h"
#include "rocksdb/utilities/checkpoint.h"
#include "storage/rocks_compaction_filter.h"
#include "storage/rocks_keys.h"
#include "storage/rocks_merge_operators.h"
#include "storage/rocks_status.h"
#include "storage/series_record.h"
#include "storage/validation.h"

namespace tsforecast::storage {
namespace {

namespace fs = std::filesystem;

// Nominal points per block; the window length is this many steps.
constexpr int64_t kStepsPerWindow = 1024;
constexpr int64_t kMinWindowMs = 60 * 1000;
constexpr int64_t kMaxWindowMs = int64_t{1} << 40;  // about 35 years
// Revisions handed out per persisted ceiling.
constexpr uint64_t kRevisionBlock = 1 << 16;

int64_t WindowLengthFor(const CalendarStep& step) {
  return std::clamp(step.NominalMs() * kStepsPerWindow, kMinWindowMs,
                    kMaxWindowMs);
}

std::string EncodeRevision(uint64_t revision) {
  std::string out;
  PutFixed64BE(&out, revision);
  return out;
}

// The series id of a points key, for the memtable's insert hints. Only
// whole 16-byte points keys are in its domain: range deletions start at
// keys of other lengths (PointsRangeStart) and so never use a hint.
class SeriesIdOfPointsKey : public rocksdb::SliceTransform {
 public:
  const char* Name() const override { return "tsforecast.SeriesIdOfPointsKey"; }
  rocksdb::Slice Transform(const rocksdb::Slice& key) const override {
    return rocksdb::Slice(key.data(), 8);
  }
  bool InDomain(const rocksdb::Slice& key) const override {
    return key.size() == 16;
  }
};

absl::Status NotFound(absl::string_view name) {
  return absl::NotFoundError(absl::StrCat("series \"", name, "\" not found"));
}

}  // namespace

absl::StatusOr<std::unique_ptr<SeriesStore>> SeriesStore::Open(
    const StorageOptions& options) {
  return RocksSeriesStore::Open(options);
}

absl::StatusOr<std::unique_ptr<SeriesStore>> RocksSeriesStore::Open(
    const StorageOptions& options) {
  TSF_RETURN_IF_ERROR(options.Validate());
  StorageOptions opts = options;
  if (!opts.now_ms) {
    opts.now_ms = [] { return absl::ToUnixMillis(absl::Now()); };
  }
  auto retention = std::make_shared<RetentionTable>(opts.now_ms);
  std::unique_ptr<RocksSeriesStore> store(
      new RocksSeriesStore(opts, std::move(retention)));
  TSF_RETURN_IF_ERROR(store->OpenDb());
  // A missing or truncated table file is found by its size, without
  // reading every file; block damage is found by compactions and Verify.
  TSF_RETURN_IF_ERROR(
      store->QuarantineDamagedFiles(/*checksums=*/false).status());
  TSF_RETURN_IF_ERROR(store->LoadDamage());
  TSF_RETURN_IF_ERROR(store->CheckFormatVersion());
  TSF_RETURN_IF_ERROR(store->LoadSeries());
  TSF_RETURN_IF_ERROR(store->LoadNextAttachmentId());
  TSF_RETURN_IF_ERROR(store->RecoverHead());
  RocksSeriesStore* raw = store.get();
  store->quarantiner_ = std::thread([raw] { raw->QuarantineLoop(); });
  return std::unique_ptr<SeriesStore>(std::move(store));
}

RocksSeriesStore::RocksSeriesStore(const StorageOptions& options,
                                   std::shared_ptr<RetentionTable> retention)
    : options_(options), retention_(std::move(retention)) {
  write_options_.sync = options_.durability == Durability::kSync;
}

RocksSeriesStore::~RocksSeriesStore() {
  if (db_ == nullptr) return;
  {
    absl::MutexLock lock(&quarantine_mu_);
    quarantine_stopping_ = true;
  }
  if (quarantiner_.joinable()) quarantiner_.join();
  StopCheckpoints();
  if (head_log_ != nullptr && options_.checkpoint_head_on_close) {
    absl::MutexLock flush(&flush_mu_);
    absl::Status status = CheckpointHead();
    // The log keeps the head for the next open.
    if (!status.ok()) TSF_LOG(WARNING) << status;
  }
  head_log_.reset();
  for (rocksdb::ColumnFamilyHandle* h : handles_) {
    db_->DestroyColumnFamilyHandle(h).PermitUncheckedError();
  }
  db_->Close().PermitUncheckedError();
}

absl::Status RocksSeriesStore::OpenDb() {
  std::error_code ec;
  fs::create_directories(options_.data_dir, ec);
  if (ec) {
    return absl::FailedPreconditionError(absl::StrCat(
        "data_dir \"", options_.data_dir, "\": cannot create: ", ec.message()));
  }
  rocksdb::Options db_options;
  db_options.create_if_missing = true;
  db_options.create_missing_column_families = true;
  db_options.max_background_jobs = options_.max_background_jobs;
  db_options.info_log_level = rocksdb::WARN_LEVEL;
  db_options.keep_log_file_num = 3;
  // Flush a lightly written family when the WAL grows, so that restarts
  // replay little.
  db_options.max_total_wal_size = 256ull << 20;
  db_options.allow_concurrent_memtable_write = false;
  write_health_ = std::make_shared<RocksWriteHealth>(
      options_.data_dir, options_.min_free_bytes, options_.free_bytes);
  db_options.listeners.push_back(write_health_);
  write_health_->SetDamageCallback([this] {
    absl::MutexLock lock(&quarantine_mu_);
    quarantine_wanted_ = true;
  });
  // Table files open on first use, not all at start: a damaged file then
  // fails the reads that need it (DATA_LOSS naming the range), not the
  // whole store's start. Block checksums are checked on every read.
  // Without paranoid checks a compaction that meets a damaged block is not
  // a store-wide background error that stops every write, and a missing
  // or truncated table file does not stop the start: both are quarantined
  // (rocks_quarantine.cc) and the damage is reported per series.
  db_options.paranoid_checks = false;
  db_options.max_open_files = options_.max_open_files;

  auto cache = rocksdb::NewLRUCache(options_.block_cache_bytes);
  auto table_options = [&](size_t block_size) {
    rocksdb::BlockBasedTableOptions t;
    t.block_cache = cache;
    t.block_size = block_size;
    return rocksdb::NewBlockBasedTableFactory(t);
  };

  rocksdb::ColumnFamilyOptions meta;
  meta.table_factory.reset(table_options(4096));
  meta.write_buffer_size = 8u << 20;

  rocksdb::ColumnFamilyOptions points;
  points.merge_operator = std::make_shared<PointsMergeOperator>();
  points.compaction_filter_factory =
      std::make_shared<RetentionFilterFactory>(retention_);
  points.max_successive_merges = options_.max_merge_operands;
  points.write_buffer_size = options_.write_buffer_bytes;
  // A request of many series with one point each (a day of every price)
  // inserts one operand per series. With a hint kept per series id, each
  // insert starts next to that series' previous one instead of searching
  // the whole memtable: measured, 1,000-point requests ingest three times
  // faster. Hints need single-threaded memtable inserts (the group commit's
  // leader inserts for the group).
  points.memtable_insert_with_hint_prefix_extractor =
      std::make_shared<SeriesIdOfPointsKey>();
  points.table_factory.reset(table_options(32 * 1024));
  // Blocks are already compressed by our codec; LZ4 only squeezes headers
  // and is cheap, zstd is left for the bottom level.
  points.compression = rocksdb::kLZ4Compression;
  points.bottommost_compression = rocksdb::kZSTD;

  rocksdb::ColumnFamilyOptions revisions;
  revisions.merge_operator = std::make_shared<MaxUint64MergeOperator>();
  revisions.write_buffer_size = 8u << 20;
  revisions.table_factory.reset(table_options(4096));

  std::vector<rocksdb::ColumnFamilyDescriptor> families = {
      {rocksdb::kDefaultColumnFamilyName, meta},
      {kPointsFamily, points},
      {kRevisionsFamily, revisions},
      {kAttachmentsFamily, meta},
  };
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s =
      rocksdb::DB::Open(rocksdb::DBOptions(db_options), options_.data_dir,
                        families, &handles_, &raw);
  if (!s.ok()) {
    return Annotate(
        FromRocks(s),
        absl::StrCat("opening data_dir \"", options_.data_dir, "\"",
                     s.IsCorruption()
                         ? " (its MANIFEST may be damaged: see "
                           "deploy/runbook.md, \"Damaged MANIFEST\": tsfctl "
                           "verify --data_dir, then tsfctl repair --data_dir)"
                         : ""));
  }
  db_.reset(raw);
  write_health_->Attach(raw);
  meta_cf_ = handles_[0];
  points_cf_ = handles_[1];
  revisions_cf_ = handles_[2];
  attachments_cf_ = handles_[3];
  return absl::OkStatus();
}

absl::Status RocksSeriesStore::CheckFormatVersion() {
  std::string version;
  rocksdb::Status s =
      db_->Get(rocksdb::ReadOptions(), meta_cf_,
               rocksdb::Slice(kFormatVersionKey, sizeof(kFormatVersionKey) - 1),
               &version);
  if (s.IsNotFound()) {
    std::unique_ptr<rocksdb::Iterator> it(
        db_->NewIterator(rocksdb::ReadOptions(), meta_cf_));
    it->SeekToFirst();
    if (it->Valid()) {
      return absl::FailedPreconditionError(absl::StrCat(
          "data_dir \"", options_.data_dir,
          "\" holds data without a tsforecast format version; refusing to "
          "open it"));
    }
    rocksdb::WriteOptions sync;
    sync.sync = true;
    return FromRocks(db_->Put(
        sync, meta_cf_,
        rocksdb::Slice(kFormatVersionKey, sizeof(kFormatVersionKey) - 1),
        kStorageFormatVersion));
  }
  TSF_RETURN_IF_ERROR(FromRocks(s));
  if (version != kStorageFormatVersion) {
    return absl::FailedPreconditionError(absl::StrCat(
        "data_dir \"", options_.data_dir, "\" has storage format \"", version,
        "\"; this build reads \"", kStorageFormatVersion, "\""));
  }
  return absl::OkStatus();
}

absl::Status RocksSeriesStore::LoadSeries() {
  absl::MutexLock ddl(&ddl_mu_);
  absl::MutexLock lock(&mu_);
  std::string next;
  rocksdb::Status s = db_->Get(
      rocksdb::ReadOptions(), meta_cf_,
      rocksdb::Slice(kNextSeriesIdKey, sizeof(kNextSeriesIdKey) - 1), &next);
  if (s.ok() && next.size() == 8) {
    next_id_ = GetFixed64BE(next.data());
  } else if (!s.IsNotFound()) {
    return Annotate(FromRocks(s), "reading next series id");
  }
  std::string retired;
  s = db_->Get(
      rocksdb::ReadOptions(), meta_cf_,
      rocksdb::Slice(kRetiredRevisionKey, sizeof(kRetiredRevisionKey) - 1),
      &retired);
  if (s.ok() && retired.size() == 8) {
    retired_revision_ = GetFixed64BE(retired.data());
  } else if (!s.IsNotFound()) {
    return Annotate(FromRocks(s), "reading the retired revision");
  }
  std::unique_ptr<rocksdb::Iterator> it(
      db_->NewIterator(rocksdb::ReadOptions(), meta_cf_));
  const std::string prefix(1, kSeriesKeyPrefix);
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix);
       it->Next()) {
    TSF_ASSIGN_OR_RETURN(SeriesInfo info,
                         DecodeSeriesRecord(absl::string_view(
                             it->value().data(), it->value().size())));
    auto state = std::make_shared<SeriesState>();
    std::string revision;
    s = db_->Get(rocksdb::ReadOptions(), revisions_cf_, RevisionKey(info.id),
                 &revision);
    state->revision =
        s.ok() && revision.size() == 8 ? GetFixed64BE(revision.data()) : 1;
    next_id_ = std::max(next_id_, info.id + 1);
    retention_->Set(info.id, info.definition.retention_ms, info.window_ms);
    index_.Add(info.definition.name, info.definition.labels);
    state->info = std::move(info);
    by_name_[state->info.definition.name] = std::move(state);
  }
  TSF_RETURN_IF_ERROR(FromRocks(it->status()));
  retention_->MarkReady(next_id_);
  return absl::OkStatus();
}

absl::StatusOr<RocksSeriesStore::StatePtr> RocksSeriesStore::Find(
    absl::string_view name) const {
  absl::MutexLock lock(&mu_);
  auto it = by_name_.find(name);
  if (it == by_name_.end()) return NotFound(name);
  return it->second;
}

SeriesInfo RocksSeriesStore::Snapshot(const SeriesState& state) const {
  SeriesInfo info = state.info;
  info.revision = state.revision.load();
  return info;
}

int64_t RocksSeriesStore::RetentionCutoff(const SeriesInfo& info) const {
  if (info.definition.retention_ms <= 0) return INT64_MIN;
  return options_.now_ms() - info.definition.retention_ms;
}

absl::Status RocksSeriesStore::CommitBatch(rocksdb::WriteBatch* batch) {
  TSF_RETURN_IF_ERROR(write_health_->CheckWritable());
  return FromRocks(db_->Write(write_options_, batch));
}

absl::Status RocksSeriesStore::AppendRevision(
    SeriesState& state, rocksdb::WriteBatch* batch, uint64_t* revision,
    std::vector<CeilingRaise>* raises) {
  *revision = state.revision.fetch_add(1) + 1;
  // The in-memory ceiling only rises after its batch commits, so a revision
  // at or below it is always covered by a durable ceiling.
  if (*revision <= state.revision_ceiling.load()) return absl::OkStatus();
  const uint64_t ceiling = *revision + kRevisionBlock;
  raises->push_back({&state, ceiling});
  return FromRocks(batch->Merge(revisions_cf_, RevisionKey(state.info.id),
                                EncodeRevision(ceiling)));
}

void RocksSeriesStore::RaiseCeilings(const std::vector<CeilingRaise>& raises) {
  for (const CeilingRaise& r : raises) {
    uint64_t current = r.state->revision_ceiling.load();
    while (
        current < r.ceiling &&
        !r.state->revision_ceiling.compare_exchange_weak(current, r.ceiling)) {
    }
  }
}

absl::StatusOr<RocksSeriesStore::StatePtr> RocksSeriesStore::PrepareCreate(
    const SeriesDefinition& definition, rocksdb::WriteBatch* batch) {
  {
    absl::MutexLock lock(&mu_);
    if (by_name_.contains(definition.name)) {
      return absl::AlreadyExistsError(
          absl::StrCat("series \"", definition.name, "\" already exists"));
    }
  }
  auto state = std::make_shared<SeriesState>();
  SeriesInfo& info = state->info;
  info.definition = definition;
  info.id = next_id_;
  info.create_time_ms = options_.now_ms();
  info.window_ms = WindowLengthFor(definition.step);
  state->revision = retired_revision_ + 1;
  // Not yet visible to other threads: the ceiling may be set before commit.
  state->revision_ceiling = retired_revision_ + kRevisionBlock;
  std::string next;
  PutFixed64BE(&next, info.id + 1);
  TSF_RETURN_IF_ERROR(FromRocks(batch->Put(
      meta_cf_, rocksdb::Slice(kNextSeriesIdKey, sizeof(kNextSeriesIdKey) - 1),
      next)));
  TSF_RETURN_IF_ERROR(FromRocks(batch->Put(meta_cf_, SeriesKey(definition.name),
                                           EncodeSeriesRecord(info))));
  TSF_RETURN_IF_ERROR(
      FromRocks(batch->Merge(revisions_cf_, RevisionKey(info.id),
                             EncodeRevision(state->revision_ceiling.load()))));
  ++next_id_;
  retention_->Reserve(next_id_);
  return state;
}

void RocksSeriesStore::Publish(const StatePtr& state) {
  const SeriesInfo& info = state->info;
  retention_->Set(info.id, info.definition.retention_ms, info.window_ms);
  absl::MutexLock lock(&mu_);
  index_.Add(info.definition.name, info.definition.labels);
  by_name_[info.definition.name] = state;
}

absl::StatusOr<SeriesInfo> RocksSeriesStore::CreateSeries(
    const SeriesDefinition& definition) {
  TSF_RETURN_IF_ERROR(ValidateDefinition(definition, "series"));
  absl::MutexLock ddl(&ddl_mu_);
  rocksdb::WriteBatch batch;
  TSF_ASSIGN_OR_RETURN(StatePtr state, PrepareCreate(definition, &batch));
  TSF_RETURN_IF_ERROR(CommitBatch(&batch));
  Publish(state);
  return Snapshot(*state);
}

absl::StatusOr<SeriesInfo> RocksSeriesStore::GetSeries(
    absl::string_view name) const {
  TSF_ASSIGN_OR_RETURN(StatePtr state, Find(name));
  return Snapshot(*state);
}

absl::StatusOr<std::vector<SeriesInfo>> RocksSeriesStore::ListSeries(
    const std::vector<LabelMatcher>& matchers, absl::string_view after_name,
    size_t limit) const {
  absl::MutexLock lock(&mu_);
  TSF_ASSIGN_OR_RETURN(std::vector<std::string> names,
                       index_.Select(matchers, after_name, limit));
  std::vector<SeriesInfo> out;
  out.reserve(names.size());
  for (const std::string& name : names) {
    out.push_back(Snapshot(*by_name_.at(name)));
  }
  return out;
}

std::vector<std::string> RocksSeriesStore::LabelNames() const {
  absl::MutexLock lock(&mu_);
  return index_.LabelNames();
}

std::vector<std::string> RocksSeriesStore::LabelValues(
    absl::string_view label) const {
  absl::MutexLock lock(&mu_);
  return index_.LabelValues(label);
}

absl::StatusOr<SeriesInfo> RocksSeriesStore::UpdateSeries(
    absl::string_view name, const SeriesUpdate& update) {
  TSF_RETURN_IF_ERROR(ValidateUpdate(update, "series"));
  absl::MutexLock ddl(&ddl_mu_);
  TSF_ASSIGN_OR_RETURN(StatePtr old_state, Find(name));
  // A fresh state object: readers holding the old one keep a consistent view.
  auto state = std::make_shared<SeriesState>();
  state->info = old_state->info;
  state->revision = old_state->revision.load();
  state->revision_ceiling = old_state->revision_ceiling.load();
  SeriesDefinition& def = state->info.definition;
  if (update.labels) def.labels = *update.labels;
  if (update.unit) def.unit = *update.unit;
  if (update.description) def.description = *update.description;
  if (update.retention_ms) def.retention_ms = *update.retention_ms;
  if (update.off_grid) def.off_grid = *update.off_grid;
  if (update.holidays) def.holidays = *update.holidays;
  if (update.decimals) def.decimals = *update.decimals;
  if (update.bounds) def.bounds = *update.bounds;
  TSF_RETURN_IF_ERROR(ValidateHolidays(def, "series"));
  rocksdb::WriteBatch batch;
  TSF_RETURN_IF_ERROR(FromRocks(batch.Put(meta_cf_, SeriesKey(def.name),
                                          EncodeSeriesRecord(state->info))));
  uint64_t revision = 0;
  std::vector<CeilingRaise> raises;
  TSF_RETURN_IF_ERROR(AppendRevision(*state, &batch, &revision, &raises));
  TSF_RETURN_IF_ERROR(CommitBatch(&batch));
  RaiseCeilings(raises);
  {
    absl::MutexLock lock(&mu_);
    index_.Remove(def.name, old_state->info.definition.labels);
  }
  Publish(state);
  return Snapshot(*state);
}

absl::Status RocksSeriesStore::DeleteSeries(absl::string_view name) {
  // Not during a checkpoint, which may hold the series' points; no append
  // is in flight under the exclusive catalogue lock.
  absl::MutexLock flush(&flush_mu_);
  absl::MutexLock ddl(&ddl_mu_);
  TSF_ASSIGN_OR_RETURN(StatePtr state, Find(name));
  const SeriesId id = state->info.id;
  // Every revision handed out is at or below the larger of the two (a
  // failed write may have taken a revision without raising the ceiling).
  const uint64_t retired = std::max({retired_revision_, state->revision.load(),
                                     state->revision_ceiling.load()});
  rocksdb::WriteBatch batch;
  TSF_RETURN_IF_ERROR(FromRocks(batch.Delete(meta_cf_, SeriesKey(name))));
  TSF_RETURN_IF_ERROR(FromRocks(batch.Put(
      meta_cf_,
      rocksdb::Slice(kRetiredRevisionKey, sizeof(kRetiredRevisionKey) - 1),
      EncodeRevision(retired))));
  TSF_RETURN_IF_ERROR(FromRocks(batch.Delete(revisions_cf_, RevisionKey(id))));
  TSF_RETURN_IF_ERROR(
      FromRocks(batch.Delete(revisions_cf_, HeadWatermarkKey(id))));
  TSF_RETURN_IF_ERROR(
      FromRocks(batch.DeleteRange(points_cf_, PointsRangeStart(id, INT64_MIN),
                                  PointsKey(id + 1, INT64_MIN))));
  TSF_RETURN_IF_ERROR(FromRocks(batch.DeleteRange(
      attachments_cf_, AttachmentKey(id, 0), AttachmentKey(id + 1, 0))));
  TSF_RETURN_IF_ERROR(FromRocks(batch.DeleteRange(meta_cf_, DamageKeyPrefix(id),
                                                  DamageKeyPrefix(id + 1))));
  TSF_RETURN_IF_ERROR(CommitBatch(&batch));
  retired_revision_ = retired;
  damage_.EraseSeries(id);
  // Its log records are skipped on replay: the id is no longer known.
  head_.Erase(id);
  retention_->Erase(id);
  absl::MutexLock lock(&mu_);
  index_.Remove(state->info.definition.name, state->info.definition.labels);
  by_name_.erase(state->info.definition.name);
  return absl::OkStatus();
}

absl::StatusOr<uint64_t> RocksSeriesStore::Backup(
    const std::string& directory) {
  if (directory.empty() || directory[0] != '/') {
    return absl::InvalidArgumentError(absl::StrCat(
        "directory \"", directory, "\": must be an absolute path"));
  }
  if (fs::exists(directory)) {
    return absl::AlreadyExistsError(
        absl::StrCat("directory \"", directory, "\" already exists"));
  }
  // Damaged files are quarantined first, so that the backup holds every
  // readable range and none of the damage (DescribeDamage names what it
  // leaves out).
  TSF_RETURN_IF_ERROR(QuarantineDamagedFiles(/*checksums=*/true).status());
  {
    // The backup is RocksDB's files alone: the head goes there first.
    absl::MutexLock flush(&flush_mu_);
    TSF_RETURN_IF_ERROR(CheckpointHead());
  }
  rocksdb::Checkpoint* raw = nullptr;
  TSF_RETURN_IF_ERROR(FromRocks(rocksdb::Checkpoint::Create(db_.get(), &raw)));
  std::unique_ptr<rocksdb::Checkpoint> checkpoint(raw);
  // log_size_for_flush = 0: flush first so the backup needs no WAL replay.
  TSF_RETURN_IF_ERROR(FromRocks(checkpoint->CreateCheckpoint(directory, 0)));
  uint64_t bytes = 0;
  for (const auto& entry : fs::recursive_directory_iterator(directory)) {
    if (entry.is_regular_file()) bytes += entry.file_size();
  }
  return bytes;
}

absl::Status RocksSeriesStore::Compact() {
  {
    absl::MutexLock flush(&flush_mu_);
    TSF_RETURN_IF_ERROR(CheckpointHead());
  }
  rocksdb::FlushOptions flush;
  flush.wait = true;
  TSF_RETURN_IF_ERROR(FromRocks(db_->Flush(flush, handles_)));
  rocksdb::CompactRangeOptions compact;
  compact.bottommost_level_compaction =
      rocksdb::BottommostLevelCompaction::kForce;
  // Not while a quarantine runs: its output could land in the range the
  // quarantine drops.
  auto compact_family = [&](rocksdb::ColumnFamilyHandle* h) {
    absl::MutexLock maintenance(&maintenance_mu_);
    return db_->CompactRange(compact, h, nullptr, nullptr);
  };
  for (rocksdb::ColumnFamilyHandle* h : handles_) {
    rocksdb::Status s = compact_family(h);
    if (s.IsCorruption() || s.IsIOError()) {
      // A damaged input: quarantine it, then compact again.
      TSF_LOG(ERROR) << "compaction met damage: " << s.ToString();
      TSF_RETURN_IF_ERROR(QuarantineDamagedFiles(/*checksums=*/true).status());
      s = compact_family(h);
    }
    TSF_RETURN_IF_ERROR(FromRocks(s));
  }
  return absl::OkStatus();
}

absl::StatusOr<StorageStats> RocksSeriesStore::Stats() const {
  StorageStats stats;
  {
    absl::MutexLock lock(&mu_);
    stats.series_count = by_name_.size();
  }
  auto property = [&](rocksdb::ColumnFamilyHandle* cf, const char* name) {
    uint64_t v = 0;
    db_->GetIntProperty(cf, name, &v);
    return v;
  };
  stats.points_sst_bytes = property(points_cf_, "rocksdb.total-sst-files-size");
  stats.meta_sst_bytes =
      property(meta_cf_, "rocksdb.total-sst-files-size") +
      property(revisions_cf_, "rocksdb.total-sst-files-size");
  for (rocksdb::ColumnFamilyHandle* h : handles_) {
    stats.memtable_bytes += property(h, "rocksdb.cur-size-all-mem-tables");
  }
  rocksdb::VectorLogPtr wal_files;
  if (db_->GetSortedWalFiles(wal_files).ok()) {
    for (const auto& f : wal_files) stats.wal_bytes += f->SizeFileBytes();
  }
  stats.points_written = points_written_.load();
  stats.head_points = head_.points();
  stats.head_bytes = head_.bytes();
  if (head_log_ != nullptr) stats.head_log_bytes = head_log_->Bytes();
  stats.head_checkpoints = head_checkpoints_.load();
  return stats;
}

absl::Status RestoreBackup(const std::string& backup_dir,
                           const std::string& data_dir) {
  std::error_code ec;
  if (!fs::is_directory(backup_dir, ec)) {
    return absl::NotFoundError(
        absl::StrCat("backup \"", backup_dir, "\" is not a directory"));
  }
  if (fs::exists(data_dir, ec) && !fs::is_empty(data_dir, ec)) {
    return absl::FailedPreconditionError(
        absl::StrCat("data_dir \"", data_dir,
                     "\" is not empty; restore into a new or empty directory"));
  }
  fs::create_directories(data_dir, ec);
  fs::copy(backup_dir, data_dir, fs::copy_options::recursive, ec);
  if (ec) {
    return absl::UnavailableError(
        absl::StrCat("restoring \"", backup_dir, "\": ", ec.message()));
  }
  return absl::OkStatus();
}

}  // namespace tsforecast::storage
