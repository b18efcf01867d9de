// The head of RocksSeriesStore: appends into memory and the head log,
// checkpoints into the points family, and recovery after a restart.
#include <algorithm>
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/log.h"
#include "common/status_macros.h"
#include "storage/block_record.h"
#include "storage/head_record.h"
#include "storage/rocks_keys.h"
#include "storage/rocks_series_store.h"
#include "storage/rocks_status.h"

namespace tsforecast::storage {
namespace {

// A checkpoint's write batches stay around this size, so that one does not
// hold a memtable's worth of operands in memory twice.
constexpr size_t kCheckpointBatchBytes = 8u << 20;

std::string EncodeSeq(uint64_t seq) {
  std::string out;
  PutFixed64BE(&out, seq);
  return out;
}

}  // namespace

absl::StatusOr<WriteResult> RocksSeriesStore::WriteToHead(
    const std::vector<StatePtr>& states, std::vector<SeriesWrite>& writes) {
  WriteResult result;
  TSF_RETURN_IF_ERROR(ApplyOffGridPolicies(states, writes));
  std::string payload = StartHeadRecord(writes.size());
  size_t points = 0;
  for (const SeriesWrite& w : writes) points += w.points.size();
  // Room for the usual record (ids, counts, a few bytes of time delta and
  // a value per point), so that it is rarely grown byte by byte.
  payload.reserve(payload.size() + writes.size() * 4 + points * 12);
  for (size_t i = 0; i < writes.size(); ++i) {
    // Counted as sent, replaced ones too, as writes past the head are.
    result.points_written += writes[i].points.size();
    SortPointsLastWins(&writes[i].points);
    AddToHeadRecord(states[i]->info.id, writes[i].points, &payload);
  }
  rocksdb::WriteBatch ceilings;
  std::vector<CeilingRaise> raises;
  {
    absl::ReaderMutexLock head(&head_mu_);
    TSF_RETURN_IF_ERROR(write_health_->CheckWritable());
    TSF_RETURN_IF_ERROR(head_log_->Append(payload).status());
    for (size_t i = 0; i < writes.size(); ++i) {
      head_.Append(states[i]->info.id, writes[i].points);
    }
  }
  // Revisions rise once the points are readable, so a reader that sees a
  // revision sees its points.
  for (const StatePtr& state : states) {
    uint64_t revision = 0;
    TSF_RETURN_IF_ERROR(AppendRevision(*state, &ceilings, &revision, &raises));
    result.revisions.push_back(revision);
  }
  if (ceilings.Count() > 0) {
    TSF_RETURN_IF_ERROR(CommitBatch(&ceilings));
    RaiseCeilings(raises);
  }
  points_written_.fetch_add(result.points_written);
  if (head_.points() >= options_.head_max_points) {
    absl::MutexLock lock(&checkpoint_mu_);
    checkpoint_wanted_ = true;
  }
  return result;
}

void RocksSeriesStore::WaitForHeadRoom() {
  if (head_.points() < 2 * options_.head_max_points) return;
  absl::MutexLock lock(&checkpoint_mu_);
  checkpoint_wanted_ = true;
  // A checkpoint that fails leaves the head full; appends then go on after
  // a second rather than hanging (the log still holds them safely).
  const uint64_t seen = checkpoints_done_;
  struct Args {
    RocksSeriesStore* store;
    uint64_t seen;
  } args{this, seen};
  checkpoint_mu_.AwaitWithTimeout(
      absl::Condition(
          +[](Args* a) ABSL_NO_THREAD_SAFETY_ANALYSIS {
            return a->store->checkpoints_done_ != a->seen ||
                   a->store->stopping_;
          },
          &args),
      absl::Seconds(1));
}

absl::Status RocksSeriesStore::WriteFlushed(
    absl::Span<const HeadTable::SeriesPoints> series, uint64_t seq) {
  const std::string watermark = EncodeSeq(seq);
  rocksdb::WriteBatch batch;
  for (const HeadTable::SeriesPoints& s : series) {
    // Only the window length is needed; a series deleted meanwhile is
    // dropped by the compaction filter like any write racing a delete.
    const int64_t window_ms = retention_->Judge(s.id).window_ms;
    if (window_ms <= 0) continue;
    TSF_RETURN_IF_ERROR(
        AppendPointOperands(points_cf_, s.id, window_ms, s.points, &batch));
    TSF_RETURN_IF_ERROR(FromRocks(
        batch.Merge(revisions_cf_, HeadWatermarkKey(s.id), watermark)));
    if (batch.GetDataSize() >= kCheckpointBatchBytes) {
      TSF_RETURN_IF_ERROR(CommitBatch(&batch));
      batch.Clear();
    }
  }
  if (batch.Count() > 0) TSF_RETURN_IF_ERROR(CommitBatch(&batch));
  return absl::OkStatus();
}

absl::Status RocksSeriesStore::FlushHeadOf(const std::vector<SeriesId>& ids) {
  if (head_log_ == nullptr) return absl::OkStatus();
  std::vector<HeadTable::SeriesPoints> flushing = head_.BeginFlush(&ids);
  if (flushing.empty()) return absl::OkStatus();
  absl::Status status = WriteFlushed(flushing, head_log_->LastSeq());
  if (status.ok()) {
    head_.EndFlush();
  } else {
    head_.AbortFlush();
  }
  return status;
}

absl::Status RocksSeriesStore::CheckpointHead() {
  if (head_log_ == nullptr) return absl::OkStatus();
  std::vector<HeadTable::SeriesPoints> flushing;
  uint64_t seq = 0;
  uint64_t keep_from = 0;
  {
    absl::WriterMutexLock head(&head_mu_);
    flushing = head_.BeginFlush(nullptr);
    seq = head_log_->LastSeq();
    absl::StatusOr<uint64_t> segment = head_log_->Rotate();
    if (!segment.ok()) {
      head_.AbortFlush();
      return segment.status();
    }
    keep_from = *segment;
  }
  absl::Status status = WriteFlushed(flushing, seq);
  if (!status.ok()) {
    head_.AbortFlush();
    return Annotate(status, "checkpointing the head");
  }
  head_.EndFlush();
  if (!flushing.empty()) head_checkpoints_.fetch_add(1);
  return head_log_->DeleteBefore(keep_from);
}

absl::Status RocksSeriesStore::RecoverHead() {
  if (options_.head_max_points == 0) {
    // A head left by a run with it on still has to reach RocksDB.
    if (!std::filesystem::exists(options_.data_dir + "/head")) {
      return absl::OkStatus();
    }
  }
  absl::flat_hash_map<SeriesId, uint64_t> watermarks;
  uint64_t max_watermark = 0;
  {
    absl::MutexLock lock(&mu_);
    for (const auto& [name, state] : by_name_) {
      std::string value;
      rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), revisions_cf_,
                                   HeadWatermarkKey(state->info.id), &value);
      uint64_t wm = 0;
      if (s.ok() && value.size() == 8) {
        wm = GetFixed64BE(value.data());
      } else if (!s.IsNotFound()) {
        return Annotate(FromRocks(s), "reading head watermarks");
      }
      watermarks[state->info.id] = wm;
      max_watermark = std::max(max_watermark, wm);
    }
  }
  uint64_t replayed = 0;
  std::vector<HeadSeriesPoints> decoded;
  auto replay = [&](uint64_t seq, absl::string_view payload) -> absl::Status {
    TSF_RETURN_IF_ERROR(DecodeHeadRecord(payload, &decoded));
    for (HeadSeriesPoints& s : decoded) {
      auto it = watermarks.find(s.id);
      // A deleted series, or points a flush already wrote.
      if (it == watermarks.end() || seq <= it->second) continue;
      replayed += s.points.size();
      head_.Append(s.id, s.points);
    }
    return absl::OkStatus();
  };
  TSF_ASSIGN_OR_RETURN(head_log_,
                       HeadLog::Open(options_.data_dir + "/head",
                                     options_.durability == Durability::kSync,
                                     max_watermark, replay));
  if (replayed > 0) {
    TSF_LOG(INFO) << "head log: replayed " << replayed << " points";
  }
  absl::MutexLock flush(&flush_mu_);
  TSF_RETURN_IF_ERROR(CheckpointHead());
  if (options_.head_max_points == 0) {
    head_log_.reset();
    std::filesystem::remove_all(options_.data_dir + "/head");
    return absl::OkStatus();
  }
  checkpointer_ = std::thread([this] { CheckpointLoop(); });
  return absl::OkStatus();
}

void RocksSeriesStore::CheckpointLoop() {
  absl::Time last = absl::Now();
  absl::MutexLock lock(&checkpoint_mu_);
  while (!stopping_) {
    checkpoint_mu_.AwaitWithTimeout(
        absl::Condition(
            +[](RocksSeriesStore* s) ABSL_NO_THREAD_SAFETY_ANALYSIS {
              return s->stopping_ || s->checkpoint_wanted_;
            },
            this),
        absl::Milliseconds(
            std::min<int64_t>(1000, options_.head_checkpoint_interval_ms)));
    if (stopping_) break;
    const bool due =
        checkpoint_wanted_ ||
        (head_.points() > 0 &&
         absl::Now() - last >=
             absl::Milliseconds(options_.head_checkpoint_interval_ms));
    if (!due) continue;
    checkpoint_wanted_ = false;
    checkpoint_mu_.Unlock();
    absl::Status status;
    {
      absl::MutexLock flush(&flush_mu_);
      status = CheckpointHead();
    }
    if (!status.ok()) TSF_LOG(WARNING) << status;
    last = absl::Now();
    checkpoint_mu_.Lock();
    ++checkpoints_done_;
  }
}

void RocksSeriesStore::StopCheckpoints() {
  {
    absl::MutexLock lock(&checkpoint_mu_);
    stopping_ = true;
  }
  if (checkpointer_.joinable()) checkpointer_.join();
}

StoreHealth RocksSeriesStore::Health() {
  StoreHealth health = write_health_->Health();
  if (head_log_ != nullptr && health.writable) {
    absl::Status error = head_log_->Error();
    if (!error.ok()) {
      health.writable = false;
      health.reason = absl::StrCat(
          "the head log cannot be written (restart the server once the "
          "cause is fixed): ",
          error.message());
    }
  }
  return health;
}

}  // namespace tsforecast::storage
