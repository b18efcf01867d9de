// Point writes, reads and deletes of RocksSeriesStore.
#include <algorithm>
#include <optional>

#include "absl/cleanup/cleanup.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/calendar_step.h"
#include "common/status_macros.h"
#include "common/time_util.h"
#include "storage/block_record.h"
#include "storage/rocks_keys.h"
#include "storage/rocks_series_store.h"
#include "storage/rocks_status.h"
#include "storage/validation.h"

namespace tsforecast::storage {
namespace {

TimeRange ClampToValidTimes(const TimeRange& range) {
  return {std::max(range.start_ms, kMinTimestampMs),
          std::min(range.end_ms, kMaxTimestampMs + 1)};
}

// An error about `writes[i]`, named from the request's root
// ("series[3].values[0]: ..."). Validators are given the path below the
// element, so that the common case builds no strings; a message that does
// not start with such a path is about the whole entry.
absl::Status InSeries(size_t i, absl::Status status) {
  if (status.ok()) return status;
  const absl::string_view message = status.message();
  const bool relative =
      absl::StartsWith(message, ".") || absl::StartsWith(message, ":");
  return absl::Status(
      status.code(),
      absl::StrCat("series[", i, "]", relative ? "" : ": ", message));
}

// `newer` over `older`, both ascending and unique.
std::vector<Point> MergeNewerWins(const std::vector<Point>& older,
                                  const std::vector<Point>& newer) {
  std::vector<Point> out;
  out.reserve(older.size() + newer.size());
  size_t i = 0, j = 0;
  while (i < older.size() || j < newer.size()) {
    if (j == newer.size() ||
        (i < older.size() && older[i].timestamp_ms < newer[j].timestamp_ms)) {
      out.push_back(older[i++]);
    } else {
      if (i < older.size() && older[i].timestamp_ms == newer[j].timestamp_ms) {
        ++i;
      }
      out.push_back(newer[j++]);
    }
  }
  return out;
}

// Releases a RocksDB snapshot when the read is done.
class PinnedSnapshot {
 public:
  explicit PinnedSnapshot(rocksdb::DB* db)
      : db_(db), snapshot_(db->GetSnapshot()) {}
  ~PinnedSnapshot() { db_->ReleaseSnapshot(snapshot_); }
  PinnedSnapshot(const PinnedSnapshot&) = delete;
  PinnedSnapshot& operator=(const PinnedSnapshot&) = delete;
  const rocksdb::Snapshot* get() const { return snapshot_; }

 private:
  rocksdb::DB* db_;
  const rocksdb::Snapshot* snapshot_;
};

}  // namespace

absl::Status RocksSeriesStore::AppendPointOperands(
    rocksdb::ColumnFamilyHandle* cf, SeriesId id, int64_t window_ms,
    absl::Span<const Point> points, rocksdb::WriteBatch* batch) {
  size_t i = 0;
  BlockRecord record;
  while (i < points.size()) {
    const int64_t window = WindowOf(points[i].timestamp_ms, window_ms);
    const int64_t window_end = (window + 1) * window_ms;
    record.points.clear();
    while (i < points.size() && points[i].timestamp_ms < window_end) {
      record.points.push_back(points[i++]);
    }
    TSF_RETURN_IF_ERROR(FromRocks(
        batch->Merge(cf, PointsKey(id, window), EncodeBlockRecord(record))));
  }
  return absl::OkStatus();
}

absl::Status RocksSeriesStore::ApplyOffGridPolicies(
    const std::vector<StatePtr>& states, std::vector<SeriesWrite>& writes) {
  for (size_t i = 0; i < writes.size(); ++i) {
    TSF_RETURN_IF_ERROR(InSeries(
        i,
        ApplyOffGridPolicy(states[i]->info.definition, writes[i].points, "")));
  }
  return absl::OkStatus();
}

absl::StatusOr<WriteResult> RocksSeriesStore::Write(
    std::vector<SeriesWrite> writes) {
  // Validate everything before touching any state: a rejected request
  // stores nothing.
  for (size_t i = 0; i < writes.size(); ++i) {
    TSF_RETURN_IF_ERROR(
        InSeries(i, ValidateSeriesName(writes[i].series, ".series")));
    TSF_RETURN_IF_ERROR(InSeries(i, ValidatePoints(writes[i].points, "")));
    if (writes[i].create_if_missing) {
      writes[i].create_if_missing->name = writes[i].series;
      TSF_RETURN_IF_ERROR(
          InSeries(i, ValidateDefinition(*writes[i].create_if_missing,
                                         ".create_if_missing")));
    }
  }

  std::vector<StatePtr> states(writes.size());
  std::vector<size_t> missing;
  {
    absl::MutexLock lock(&mu_);
    for (size_t i = 0; i < writes.size(); ++i) {
      auto it = by_name_.find(writes[i].series);
      if (it != by_name_.end()) {
        states[i] = it->second;
      } else if (!writes[i].create_if_missing) {
        return absl::NotFoundError(absl::StrCat(
            "series[", i, "].series: series \"", writes[i].series,
            "\" not found; create it first or set create_if_missing"));
      } else {
        missing.push_back(i);
      }
    }
  }

  if (head_log_ != nullptr && missing.empty()) {
    // Before the catalogue lock, so that a writer held back by a full head
    // does not hold back series creation and deletion too.
    WaitForHeadRoom();
    absl::ReaderMutexLock ddl(&ddl_mu_);
    return WriteToHead(states, writes);
  }

  WriteResult result;
  rocksdb::WriteBatch batch;
  std::vector<StatePtr> created;
  std::vector<CeilingRaise> raises;
  // Point writes share the catalogue lock (and RocksDB's group commit);
  // creating a series takes it alone.
  const bool creating = !missing.empty();
  // Points written past the head must land after what it holds of the same
  // series: flush first, with appends held off by the exclusive lock.
  absl::MutexLockMaybe flush(head_log_ != nullptr ? &flush_mu_ : nullptr);
  if (creating) {
    ddl_mu_.Lock();
  } else {
    ddl_mu_.ReaderLock();
  }
  auto unlock = [&] {
    if (creating) {
      ddl_mu_.Unlock();
    } else {
      ddl_mu_.ReaderUnlock();
    }
  };
  absl::Status status = [&]() -> absl::Status {
    for (size_t i = 0; i < writes.size(); ++i) {
      if (states[i] == nullptr || creating) {
        // Re-resolve under the exclusive lock: another request may have
        // created or deleted the series meanwhile.
        absl::StatusOr<StatePtr> found = Find(writes[i].series);
        if (found.ok()) {
          states[i] = *found;
        } else {
          states[i] = nullptr;
          for (const StatePtr& c : created) {
            if (c->info.definition.name == writes[i].series) states[i] = c;
          }
          if (states[i] == nullptr) {
            if (!writes[i].create_if_missing) {
              return absl::NotFoundError(
                  absl::StrCat("series[", i, "].series: series \"",
                               writes[i].series, "\" not found"));
            }
            TSF_ASSIGN_OR_RETURN(
                states[i], PrepareCreate(*writes[i].create_if_missing, &batch));
            created.push_back(states[i]);
          }
        }
      }
    }
    if (head_log_ != nullptr) {
      std::vector<SeriesId> ids;
      for (const StatePtr& state : states) ids.push_back(state->info.id);
      absl::WriterMutexLock head(&head_mu_);
      TSF_RETURN_IF_ERROR(FlushHeadOf(ids));
    }
    TSF_RETURN_IF_ERROR(ApplyOffGridPolicies(states, writes));
    for (size_t i = 0; i < writes.size(); ++i) {
      SeriesState& state = *states[i];
      std::vector<Point>& points = writes[i].points;
      result.points_written += points.size();
      SortPointsLastWins(&points);
      TSF_RETURN_IF_ERROR(AppendPointOperands(
          points_cf_, state.info.id, state.info.window_ms, points, &batch));
      uint64_t revision = 0;
      TSF_RETURN_IF_ERROR(AppendRevision(state, &batch, &revision, &raises));
      result.revisions.push_back(revision);
    }
    TSF_RETURN_IF_ERROR(CommitBatch(&batch));
    RaiseCeilings(raises);
    for (const StatePtr& c : created) Publish(c);
    return absl::OkStatus();
  }();
  unlock();
  if (!status.ok()) return status;
  result.series_created = static_cast<uint32_t>(created.size());
  points_written_.fetch_add(result.points_written);
  return result;
}

absl::StatusOr<ReadResult> RocksSeriesStore::Read(absl::string_view name,
                                                  const TimeRange& range,
                                                  size_t limit) const {
  TSF_RETURN_IF_ERROR(ValidateRange(range));
  TSF_ASSIGN_OR_RETURN(StatePtr state, Find(name));
  // The revision is taken before the data, so data is never older than it.
  const uint64_t revision = state->revision.load();
  TimeRange r = ClampToValidTimes(range);
  r.start_ms = std::max(r.start_ms, RetentionCutoff(state->info));
  if (r.Empty()) return ReadResult{{}, revision, false};
  if (head_log_ == nullptr) {
    TSF_ASSIGN_OR_RETURN(ReadResult result,
                         ReadBlocks(*state, r, limit, nullptr));
    result.revision = revision;
    return result;
  }
  std::vector<Point> head;
  std::optional<PinnedSnapshot> snapshot;
  {
    // The head and RocksDB as of one moment: a checkpoint's points stay
    // readable in the head until RocksDB has them, and a flush before a
    // delete holds this lock exclusively across both.
    absl::ReaderMutexLock lock(&head_mu_);
    head = head_.Read(state->info.id, r);
    snapshot.emplace(db_.get());
  }
  // The first `limit` points of the union lie among the first
  // `limit + head.size()` of RocksDB and the head.
  TSF_ASSIGN_OR_RETURN(
      ReadResult result,
      ReadBlocks(*state, r, limit == 0 ? 0 : limit + head.size(),
                 snapshot->get()));
  result.revision = revision;
  if (head.empty()) return result;  // RocksDB alone kept to `limit`
  result.points = MergeNewerWins(result.points, head);
  if (limit != 0 && result.points.size() > limit) {
    result.points.resize(limit);
    result.has_more = true;
  }
  return result;
}

absl::StatusOr<ReadResult> RocksSeriesStore::ReadBlocks(
    const SeriesState& state, const TimeRange& r, size_t limit,
    const rocksdb::Snapshot* snapshot) const {
  ReadResult result;
  const SeriesInfo& info = state.info;
  const SeriesId id = info.id;
  const std::string lower = PointsKey(id, WindowOf(r.start_ms, info.window_ms));
  const std::string upper =
      PointsKey(id, WindowOf(r.end_ms - 1, info.window_ms) + 1);
  rocksdb::Slice upper_slice(upper);
  rocksdb::ReadOptions read_options;
  read_options.iterate_upper_bound = &upper_slice;
  read_options.snapshot = snapshot;
  std::unique_ptr<rocksdb::Iterator> it(
      db_->NewIterator(read_options, points_cf_));
  TSF_RETURN_IF_ERROR(CheckDamage(state, WindowOf(r.start_ms, info.window_ms),
                                  WindowOf(r.end_ms - 1, info.window_ms)));
  BlockRecord block;
  // Where readable data ends, for naming the damaged range.
  int64_t readable_until = r.start_ms;
  auto damaged = [&](const absl::Status& s) {
    return Annotate(
        s, absl::StrCat("series \"", info.definition.name, "\", points ",
                        // Ends of an open read, said in words, not as
                        // years 1000 and 10000.
                        readable_until <= kMinTimestampMs
                            ? std::string("from its first")
                            : "from " + FormatTimestamp(readable_until),
                        r.end_ms > kMaxTimestampMs
                            ? std::string(" on")
                            : " to " + FormatTimestamp(r.end_ms),
                        " are unreadable (other series and ranges are not "
                        "affected; restore this range from a backup)"));
  };
  for (it->Seek(lower); it->Valid(); it->Next()) {
    absl::Status decoded = DecodeBlockRecord(
        absl::string_view(it->value().data(), it->value().size()), &block);
    if (!decoded.ok()) return damaged(decoded);
    for (const Point& p : block.points) {
      if (!r.Contains(p.timestamp_ms)) continue;
      if (limit != 0 && result.points.size() == limit) {
        result.has_more = true;
        return result;
      }
      result.points.push_back(p);
    }
    SeriesId key_id = 0;
    int64_t window = 0;
    if (ParsePointsKey(absl::string_view(it->key().data(), it->key().size()),
                       &key_id, &window)) {
      readable_until =
          std::clamp((window + 1) * info.window_ms, readable_until, r.end_ms);
    }
  }
  if (!it->status().ok()) return damaged(FromRocks(it->status()));
  return result;
}

absl::StatusOr<ReadResult> RocksSeriesStore::ReadLatest(absl::string_view name,
                                                        size_t count) const {
  TSF_ASSIGN_OR_RETURN(StatePtr state, Find(name));
  ReadResult result;
  result.revision = state->revision.load();
  if (head_log_ == nullptr) {
    TSF_ASSIGN_OR_RETURN(result.points,
                         ReadLatestBlocks(*state, count, nullptr));
    return result;
  }
  std::vector<Point> head;
  std::optional<PinnedSnapshot> snapshot;
  {
    absl::ReaderMutexLock lock(&head_mu_);
    head = head_.Read(state->info.id,
                      {RetentionCutoff(state->info), kMaxTimestampMs + 1});
    snapshot.emplace(db_.get());
  }
  // Head points may replace stored ones, so read as many more.
  TSF_ASSIGN_OR_RETURN(
      std::vector<Point> stored,
      ReadLatestBlocks(*state,
                       std::max(count, count + head.size()),  // no overflow
                       snapshot->get()));
  result.points =
      head.empty() ? std::move(stored) : MergeNewerWins(stored, head);
  if (result.points.size() > count) {
    result.points.erase(result.points.begin(),
                        result.points.end() - static_cast<ptrdiff_t>(count));
  }
  return result;
}

absl::StatusOr<std::vector<Point>> RocksSeriesStore::ReadLatestBlocks(
    const SeriesState& state, size_t count,
    const rocksdb::Snapshot* snapshot) const {
  const SeriesInfo& info = state.info;
  const int64_t cutoff = RetentionCutoff(info);
  const std::string lower = PointsKey(info.id, INT64_MIN);
  rocksdb::Slice lower_slice(lower);
  rocksdb::ReadOptions read_options;
  read_options.iterate_lower_bound = &lower_slice;
  read_options.snapshot = snapshot;
  std::unique_ptr<rocksdb::Iterator> it(
      db_->NewIterator(read_options, points_cf_));
  std::vector<Point> newest_first;
  BlockRecord block;
  auto damaged = [&](const absl::Status& s) {
    return Annotate(
        s, absl::StrCat("series \"", info.definition.name, "\", points before ",
                        newest_first.empty()
                            ? std::string("its newest")
                            : FormatTimestamp(newest_first.back().timestamp_ms),
                        " are unreadable (restore them from a backup)"));
  };
  for (it->SeekForPrev(PointsKey(info.id, INT64_MAX));
       it->Valid() && newest_first.size() < count; it->Prev()) {
    absl::Status decoded = DecodeBlockRecord(
        absl::string_view(it->value().data(), it->value().size()), &block);
    if (!decoded.ok()) return damaged(decoded);
    for (auto p = block.points.rbegin();
         p != block.points.rend() && newest_first.size() < count; ++p) {
      if (p->timestamp_ms < cutoff) break;
      newest_first.push_back(*p);
    }
  }
  if (!it->status().ok()) return damaged(FromRocks(it->status()));
  // A quarantined range among the windows read, or before them when fewer
  // than `count` points were found, would be a silent gap.
  TSF_RETURN_IF_ERROR(CheckDamage(
      state,
      newest_first.size() < count
          ? INT64_MIN
          : WindowOf(newest_first.back().timestamp_ms, info.window_ms),
      INT64_MAX));
  return std::vector<Point>(newest_first.rbegin(), newest_first.rend());
}

absl::StatusOr<uint64_t> RocksSeriesStore::DeletePoints(
    absl::string_view name, const TimeRange& range) {
  TSF_RETURN_IF_ERROR(ValidateRange(range));
  const bool head = head_log_ != nullptr;
  absl::MutexLockMaybe flush(head ? &flush_mu_ : nullptr);
  absl::ReaderMutexLock ddl(&ddl_mu_);
  TSF_ASSIGN_OR_RETURN(StatePtr state, Find(name));
  const SeriesInfo& info = state->info;
  // The head's points of the series go to RocksDB first, and no append
  // lands until the delete has: it then applies to exactly what was
  // written before it.
  if (head) head_mu_.WriterLock();
  absl::Cleanup unlock_head = [&] {
    if (head) head_mu_.WriterUnlock();
  };
  if (head) TSF_RETURN_IF_ERROR(FlushHeadOf({info.id}));
  rocksdb::WriteBatch batch;
  const TimeRange r = ClampToValidTimes(range);
  if (!r.Empty()) {
    const int64_t w = info.window_ms;
    const int64_t first = WindowOf(r.start_ms, w);
    const int64_t last = WindowOf(r.end_ms - 1, w);
    // Windows wholly inside the range go with one range tombstone; the
    // partly covered ones at the edges get a delete operand.
    int64_t full_begin = r.start_ms == first * w ? first : first + 1;
    int64_t full_end = r.end_ms == (last + 1) * w ? last + 1 : last;
    auto delete_operand = [&](int64_t window) {
      BlockRecord record;
      record.deletes.push_back(r);
      return FromRocks(batch.Merge(points_cf_, PointsKey(info.id, window),
                                   EncodeBlockRecord(record)));
    };
    if (full_begin >= full_end) {
      TSF_RETURN_IF_ERROR(delete_operand(first));
      if (last != first) TSF_RETURN_IF_ERROR(delete_operand(last));
    } else {
      if (full_begin != first) TSF_RETURN_IF_ERROR(delete_operand(first));
      TSF_RETURN_IF_ERROR(FromRocks(
          batch.DeleteRange(points_cf_, PointsRangeStart(info.id, full_begin),
                            PointsKey(info.id, full_end))));
      if (full_end == last) TSF_RETURN_IF_ERROR(delete_operand(last));
    }
  }
  // Deleting a damaged range accepts its loss: its marker goes too.
  std::vector<DamagedRange> cleared;
  if (!r.Empty()) {
    const int64_t w = info.window_ms;
    const int64_t first =
        r.start_ms <= kMinTimestampMs ? INT64_MIN : WindowOf(r.start_ms, w);
    const int64_t last =
        r.end_ms > kMaxTimestampMs ? INT64_MAX : WindowOf(r.end_ms - 1, w);
    cleared = damage_.EraseWithin(info.id, first, last);
    for (const DamagedRange& d : cleared) {
      TSF_RETURN_IF_ERROR(
          FromRocks(batch.Delete(meta_cf_, DamageKey(d.id, d.first_window))));
    }
  }
  uint64_t revision = 0;
  std::vector<CeilingRaise> raises;
  TSF_RETURN_IF_ERROR(AppendRevision(*state, &batch, &revision, &raises));
  if (absl::Status s = CommitBatch(&batch); !s.ok()) {
    for (const DamagedRange& d : cleared) damage_.Add(d);
    return s;
  }
  RaiseCeilings(raises);
  return revision;
}

}  // namespace tsforecast::storage
