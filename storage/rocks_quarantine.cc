// Quarantine of damaged table files (docs/storage_format.md, "Damaged
// table files"). A file that is missing, truncated or fails a block
// checksum is taken out of the LSM tree without losing what can still be
// read: every key it or an overlapping file holds is read back through the
// database (so merge operands in newer files apply as before), written
// again above a range tombstone that hides the file, and the file is then
// dropped (a hard link to it is kept in quarantine/). Keys that cannot be
// read become damaged ranges (damage_table.h): reads that reach them answer
// DATA_LOSS, and deleting the range or the series clears them. Compaction
// then never meets the damage again, so one bad file cannot stop writes.
#include <algorithm>
#include <filesystem>
#include <set>

#include "absl/cleanup/cleanup.h"
#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/calendar_step.h"
#include "common/log.h"
#include "common/status_macros.h"
#include "common/time_util.h"
#include "rocksdb/convenience.h"
#include "rocksdb/sst_file_reader.h"
#include "storage/rocks_keys.h"
#include "storage/rocks_live_files.h"
#include "storage/rocks_merge_operators.h"
#include "storage/rocks_series_store.h"
#include "storage/rocks_status.h"

namespace tsforecast::storage {
namespace {

namespace fs = std::filesystem;

// The smallest key after `key`.
std::string Successor(const std::string& key) { return key + '\0'; }

// The series id and window a key of the points family stands for, also
// when it bounds a file through a range tombstone: an 8-byte key is its
// series' first window, a 17-byte one (PointsRangeStart) the window after
// the key it extends.
bool ParseBound(absl::string_view key, SeriesId* id, int64_t* window) {
  if (ParsePointsKey(key, id, window)) return true;
  if (key.size() == 8) {
    *id = GetFixed64BE(key.data());
    *window = INT64_MIN;
    return true;
  }
  if (key.size() == 17 && ParsePointsKey(key.substr(0, 16), id, window)) {
    if (*window < INT64_MAX) ++*window;
    return true;
  }
  return false;
}

// The keys of `f` that can be read, and each stretch that cannot as the
// last readable key before it (empty: from the start) and the first after
// it (empty: to the end). In the points family a stretch is skipped by
// seeking to the next series id; elsewhere the rest of the file is given
// up. `opened` is false when the file cannot be opened at all.
struct FileKeys {
  std::vector<std::string> keys;
  std::vector<std::pair<std::string, std::string>> gaps;
  bool opened = false;
};

FileKeys ReadableKeys(const rocksdb::LiveFileMetaData& f,
                      const rocksdb::ColumnFamilyOptions& cf_options,
                      bool points_family) {
  FileKeys out;
  rocksdb::Options options(rocksdb::DBOptions(), cf_options);
  rocksdb::SstFileReader reader(options);
  if (!reader.Open(LiveFilePath(f)).ok()) return out;
  out.opened = true;
  rocksdb::ReadOptions read;
  read.verify_checksums = true;
  int64_t window = 0;
  std::string last_good;
  std::unique_ptr<rocksdb::Iterator> it(reader.NewIterator(read));
  it->SeekToFirst();
  for (;;) {
    for (; it->Valid(); it->Next()) {
      last_good = it->key().ToString();
      out.keys.push_back(last_good);
    }
    if (it->status().ok()) return out;
    // A damaged stretch after last_good.
    std::string resumed;
    if (points_family) {
      SeriesId from = 0, to = 0;
      const std::string& from_key =
          last_good.empty() ? f.smallestkey : last_good;
      if (ParseBound(from_key, &from, &window) &&
          ParseBound(f.largestkey, &to, &window)) {
        for (SeriesId next = from + 1; next <= to && next > from; ++next) {
          it.reset(reader.NewIterator(read));
          it->Seek(PointsKey(next, INT64_MIN));
          if (it->status().ok()) {
            if (it->Valid()) resumed = it->key().ToString();
            break;
          }
        }
      }
    }
    out.gaps.emplace_back(last_good, resumed);
    if (resumed.empty()) return out;
    last_good.clear();
  }
}

// Missing, of another size than recorded, or (with `checksums`) failing a
// block checksum.
bool IsDamaged(const rocksdb::LiveFileMetaData& f, bool checksums) {
  std::error_code ec;
  const uintmax_t size = fs::file_size(LiveFilePath(f), ec);
  if (ec || size != f.size) return true;
  return checksums &&
         !rocksdb::VerifySstFileChecksum(rocksdb::Options(),
                                         rocksdb::EnvOptions(), LiveFilePath(f))
              .ok();
}

}  // namespace

std::vector<rocksdb::LiveFileMetaData> RocksSeriesStore::FindDamagedFiles(
    bool checksums) const {
  std::vector<rocksdb::LiveFileMetaData> files, damaged;
  db_->GetLiveFilesMetaData(&files);
  for (const rocksdb::LiveFileMetaData& f : files) {
    // A compaction may have replaced the file since the listing: only a
    // file still live counts (Quarantine checks again with compactions
    // stopped).
    if (IsDamaged(f, checksums) && IsLiveFile(db_.get(), f.name)) {
      damaged.push_back(f);
    }
  }
  return damaged;
}

absl::StatusOr<int> RocksSeriesStore::QuarantineDamagedFiles(bool checksums) {
  absl::MutexLock maintenance(&maintenance_mu_);
  const std::vector<rocksdb::LiveFileMetaData> damaged =
      FindDamagedFiles(checksums);
  if (damaged.empty()) return 0;
  absl::MutexLock flush(&flush_mu_);
  absl::MutexLock ddl(&ddl_mu_);
  int quarantined = 0;
  for (const rocksdb::LiveFileMetaData& f : damaged) {
    absl::Status s = Quarantine(f);
    if (!s.ok()) {
      TSF_LOG(ERROR) << "cannot quarantine damaged table file "
                     << LiveFileName(f) << ": " << s;
      return s;
    }
    ++quarantined;
  }
  return quarantined;
}

void RocksSeriesStore::AddDamage(const std::string& from_key,
                                 const std::string& to_key,
                                 const std::string& file,
                                 rocksdb::WriteBatch* batch,
                                 std::vector<DamagedRange>* added) {
  SeriesId from_id = 0, to_id = 0;
  int64_t from_w = INT64_MIN, to_w = INT64_MAX;
  if (!ParseBound(from_key, &from_id, &from_w) ||
      !ParseBound(to_key, &to_id, &to_w)) {
    return;
  }
  for (SeriesId id = from_id; id <= to_id && id >= from_id; ++id) {
    DamagedRange range{id, id == from_id ? from_w : INT64_MIN,
                       id == to_id ? to_w : INT64_MAX, file};
    batch
        ->Put(meta_cf_, DamageKey(range.id, range.first_window),
              EncodeDamage(range))
        .PermitUncheckedError();
    added->push_back(range);
    if (id == to_id) break;
  }
}

absl::Status RocksSeriesStore::Quarantine(const rocksdb::LiveFileMetaData& f) {
  rocksdb::ColumnFamilyHandle* cf = nullptr;
  for (rocksdb::ColumnFamilyHandle* h : handles_) {
    if (h->GetName() == f.column_family_name) cf = h;
  }
  if (cf == nullptr) return absl::InternalError("unknown column family");
  const bool points = cf == points_cf_;
  rocksdb::ColumnFamilyDescriptor descriptor;
  TSF_RETURN_IF_ERROR(FromRocks(cf->GetDescriptor(&descriptor)));

  // No compaction may run from here until the file is gone: one that
  // merged the rewritten keys into a file inside the range would be
  // dropped with the damaged one.
  TSF_RETURN_IF_ERROR(
      FromRocks(db_->SetOptions(cf, {{"disable_auto_compactions", "true"}})));
  absl::Cleanup resume = [&] {
    db_->SetOptions(
           cf,
           {{"disable_auto_compactions",
             descriptor.options.disable_auto_compactions ? "true" : "false"}})
        .PermitUncheckedError();
  };
  TSF_RETURN_IF_ERROR(FromRocks(db_->PauseBackgroundWork()));
  TSF_RETURN_IF_ERROR(FromRocks(db_->ContinueBackgroundWork()));
  // With no compaction running, the file is still part of the tree and
  // still damaged, or there is nothing to do.
  if (!IsLiveFile(db_.get(), f.name) || !IsDamaged(f, /*checksums=*/true)) {
    return absl::OkStatus();
  }
  rocksdb::FlushOptions flush;
  flush.wait = true;
  TSF_RETURN_IF_ERROR(FromRocks(db_->Flush(flush, cf)));

  // Every key in the file's range, from it and from each file overlapping.
  std::set<std::string> keys;
  std::vector<std::pair<std::string, std::string>> gaps;
  std::vector<rocksdb::LiveFileMetaData> files;
  db_->GetLiveFilesMetaData(&files);
  for (const rocksdb::LiveFileMetaData& g : files) {
    if (g.column_family_name != f.column_family_name ||
        g.largestkey < f.smallestkey || g.smallestkey > f.largestkey) {
      continue;
    }
    FileKeys read = ReadableKeys(g, descriptor.options, points);
    for (std::string& k : read.keys) {
      if (k >= f.smallestkey && k <= f.largestkey) keys.insert(std::move(k));
    }
    if (g.name != f.name) continue;
    if (!read.opened) {
      gaps.emplace_back("", "");
    } else {
      gaps = std::move(read.gaps);
    }
  }

  rocksdb::WriteBatch batch;
  std::string begin = f.smallestkey;
  SeriesId id = 0;
  int64_t window = 0;
  if (points && ParsePointsKey(f.smallestkey, &id, &window)) {
    // Never a 16-byte key: see PointsRangeStart.
    begin = PointsRangeStart(id, window);
  }
  TSF_RETURN_IF_ERROR(
      FromRocks(batch.DeleteRange(cf, begin, Successor(f.largestkey))));
  std::vector<DamagedRange> damage;
  size_t lost = 0;  // unreadable keys and stretches, for the log
  rocksdb::ReadOptions read;
  read.verify_checksums = true;
  for (const std::string& key : keys) {
    std::string value;
    const rocksdb::Status s = db_->Get(read, cf, key, &value);
    if (s.ok()) {
      TSF_RETURN_IF_ERROR(FromRocks(batch.Put(cf, key, value)));
    } else if (!s.IsNotFound()) {
      ++lost;
      if (points) AddDamage(key, key, LiveFileName(f), &batch, &damage);
    }
  }
  for (const auto& [before, after] : gaps) {
    // From just after the last readable key to just before the next.
    std::string from = before.empty() ? f.smallestkey : before;
    std::string to = after.empty() ? f.largestkey : after;
    SeriesId from_id = 0, to_id = 0;
    int64_t from_w = 0, to_w = 0;
    if (points && ParseBound(from, &from_id, &from_w) &&
        ParseBound(to, &to_id, &to_w)) {
      if (!before.empty()) from = PointsKey(from_id, from_w + 1);
      // A seek to `to_id` found nothing of it before `after`.
      if (!after.empty()) to = PointsKey(to_id - 1, INT64_MAX);
      AddDamage(from, to, LiveFileName(f), &batch, &damage);
    }
    ++lost;
  }
  rocksdb::WriteOptions sync;
  sync.sync = true;
  TSF_RETURN_IF_ERROR(FromRocks(db_->Write(sync, &batch)));
  for (const DamagedRange& range : damage) damage_.Add(range);
  TSF_RETURN_IF_ERROR(FromRocks(db_->Flush(flush, cf)));

  // Keep the damaged file for whoever wants to look at it, then drop it.
  std::error_code ec;
  const fs::path quarantine = fs::path(options_.data_dir) / "quarantine";
  fs::create_directories(quarantine, ec);
  fs::create_hard_link(LiveFilePath(f), quarantine / LiveFileName(f), ec);
  const rocksdb::Slice lo(f.smallestkey), hi(f.largestkey);
  const rocksdb::RangePtr range(&lo, &hi);
  TSF_RETURN_IF_ERROR(
      FromRocks(rocksdb::DeleteFilesInRanges(db_.get(), cf, &range, 1, true)));
  if (IsLiveFile(db_.get(), f.name)) {
    // Level 0 is not covered by DeleteFilesInRanges.
    TSF_RETURN_IF_ERROR(FromRocks(db_->DeleteFile(f.name)));
  }
  TSF_LOG(ERROR) << "quarantined damaged table file " << LiveFileName(f) << " ("
                 << f.column_family_name << ", " << keys.size()
                 << " keys in its range rewritten, " << lost
                 << " unreadable stretches or keys) into "
                 << quarantine.string()
                 << "; the damaged ranges answer DATA_LOSS until deleted";
  return absl::OkStatus();
}

absl::Status RocksSeriesStore::LoadDamage() {
  std::unique_ptr<rocksdb::Iterator> it(
      db_->NewIterator(rocksdb::ReadOptions(), meta_cf_));
  const std::string prefix(1, kDamageKeyPrefix);
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix);
       it->Next()) {
    TSF_ASSIGN_OR_RETURN(
        DamagedRange range,
        DecodeDamage(
            absl::string_view(it->key().data(), it->key().size()),
            absl::string_view(it->value().data(), it->value().size())));
    damage_.Add(range);
  }
  return FromRocks(it->status());
}

absl::Status RocksSeriesStore::CheckDamage(const SeriesState& state,
                                           int64_t first, int64_t last) const {
  const std::vector<DamagedRange> hit =
      damage_.Overlapping(state.info.id, first, last);
  if (hit.empty()) return absl::OkStatus();
  return absl::DataLossError(absl::StrCat(
      DescribeDamagedRange(state.info.definition.name, state.info.window_ms,
                           hit.front()),
      "; other series and ranges are not affected; restore the range from a "
      "backup, or delete it (DeletePoints, tsfctl delete) to clear this "
      "error"));
}

void RocksSeriesStore::QuarantineLoop() {
  absl::MutexLock lock(&quarantine_mu_);
  while (true) {
    quarantine_mu_.Await(absl::Condition(
        +[](RocksSeriesStore* s) ABSL_NO_THREAD_SAFETY_ANALYSIS {
          return s->quarantine_stopping_ || s->quarantine_wanted_;
        },
        this));
    if (quarantine_stopping_) return;
    quarantine_wanted_ = false;
    quarantine_mu_.Unlock();
    absl::StatusOr<int> done = QuarantineDamagedFiles(/*checksums=*/true);
    if (!done.ok()) TSF_LOG(ERROR) << "quarantine failed: " << done.status();
    quarantine_mu_.Lock();
    // A failure the checksums do not explain (our own block format, say)
    // would have every compaction ask again: one scan of every file per
    // ten seconds at most.
    quarantine_mu_.AwaitWithTimeout(
        absl::Condition(
            +[](RocksSeriesStore* s) ABSL_NO_THREAD_SAFETY_ANALYSIS {
              return s->quarantine_stopping_;
            },
            this),
        absl::Seconds(10));
  }
}

std::vector<std::string> RocksSeriesStore::DescribeDamage() const {
  const std::vector<DamagedRange> ranges = damage_.All();
  std::vector<std::string> out;
  if (ranges.empty()) return out;
  absl::flat_hash_map<SeriesId, std::pair<std::string, int64_t>> names;
  {
    absl::MutexLock lock(&mu_);
    for (const auto& [name, state] : by_name_) {
      names[state->info.id] = {name, state->info.window_ms};
    }
  }
  for (const DamagedRange& range : ranges) {
    auto it = names.find(range.id);
    if (it == names.end()) continue;  // deleted meanwhile
    out.push_back(
        DescribeDamagedRange(it->second.first, it->second.second, range));
  }
  return out;
}

std::string DescribeDamagedRange(absl::string_view series, int64_t window_ms,
                                 const DamagedRange& range) {
  const auto edge = [window_ms](int64_t window, bool first) {
    if (window == (first ? INT64_MIN : INT64_MAX)) {
      return std::string(first ? "its first" : "its last");
    }
    // Window bounds past the accepted years say nothing: clamp them.
    const int64_t ms = std::clamp<int64_t>(
        first ? window * window_ms : (window + 1) * window_ms - 1,
        kMinTimestampMs, kMaxTimestampMs);
    return FormatTimestamp(ms);
  };
  return absl::StrCat("series \"", series, "\", points from ",
                      edge(range.first_window, true), " to ",
                      edge(range.last_window, false),
                      " were lost with the damaged table file ", range.file,
                      " (kept in quarantine/)");
}

}  // namespace tsforecast::storage
