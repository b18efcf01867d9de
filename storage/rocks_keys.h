// Key layouts of the RocksDB column families (docs/storage_format.md).
#ifndef TSFORECAST_STORAGE_ROCKS_KEYS_H_
#define TSFORECAST_STORAGE_ROCKS_KEYS_H_

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "storage/types.h"

namespace tsforecast::storage {

// Column family names.
inline constexpr char kPointsFamily[] = "points";
inline constexpr char kRevisionsFamily[] = "revisions";
inline constexpr char kAttachmentsFamily[] = "attachments";
// Keys in the default family.
inline constexpr char kFormatVersionKey[] =
    "\0"
    "format_version";
inline constexpr char kNextSeriesIdKey[] =
    "\0"
    "next_series_id";
inline constexpr char kNextAttachmentIdKey[] =
    "\0"
    "next_attachment_id";
// The highest revision any deleted series reached: a series created later
// starts above it, so a name's revisions never repeat across a delete and
// re-create, and a cache keyed on (name, revision) cannot answer for the
// deleted series' data.
inline constexpr char kRetiredRevisionKey[] =
    "\0"
    "retired_revision";
inline constexpr char kSeriesKeyPrefix = 's';
// The storage format this build reads and writes.
inline constexpr char kStorageFormatVersion[] = "tsforecast-storage-1";

inline void PutFixed64BE(std::string* out, uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8) {
    out->push_back(static_cast<char>((v >> shift) & 0xff));
  }
}

inline uint64_t GetFixed64BE(const char* p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | static_cast<uint8_t>(p[i]);
  return v;
}

// Points key: series id then window index, both big-endian, the window index
// with its sign bit flipped so that negative windows sort first.
inline std::string PointsKey(SeriesId id, int64_t window) {
  std::string key;
  key.reserve(16);
  PutFixed64BE(&key, id);
  PutFixed64BE(&key, static_cast<uint64_t>(window) ^ (uint64_t{1} << 63));
  return key;
}

// The start of a range deletion in the points family from `window` of `id`
// on: the same keys as from PointsKey(id, window), but never 16 bytes long
// (8 bytes for the first window, else the previous window's key and 0xff),
// so that the memtable's insert hints, kept per series id of 16-byte keys
// (rocks_series_store.cc), are never used for it. RocksDB 7.8 keeps one
// hint table for the memtable and its range-deletion table, and a hint
// taken across them breaks the skip list.
inline std::string PointsRangeStart(SeriesId id, int64_t window) {
  std::string key;
  if (window == INT64_MIN) {
    PutFixed64BE(&key, id);
    return key;
  }
  key = PointsKey(id, window - 1);
  key.push_back('\xff');
  return key;
}

inline bool ParsePointsKey(absl::string_view key, SeriesId* id,
                           int64_t* window) {
  if (key.size() != 16) return false;
  *id = GetFixed64BE(key.data());
  *window =
      static_cast<int64_t>(GetFixed64BE(key.data() + 8) ^ (uint64_t{1} << 63));
  return true;
}

inline std::string RevisionKey(SeriesId id) {
  std::string key;
  PutFixed64BE(&key, id);
  return key;
}

// Sequence number of the last head log record whose points of `id` are in
// the points family (revisions family, max-merged like the ceiling).
inline std::string HeadWatermarkKey(SeriesId id) {
  std::string key = RevisionKey(id);
  key.push_back('h');
  return key;
}

// Attachment key: series id then attachment id, both big-endian.
inline std::string AttachmentKey(SeriesId id, uint64_t attachment_id) {
  std::string key;
  key.reserve(16);
  PutFixed64BE(&key, id);
  PutFixed64BE(&key, attachment_id);
  return key;
}

inline std::string SeriesKey(absl::string_view name) {
  std::string key(1, kSeriesKeyPrefix);
  key.append(name.data(), name.size());
  return key;
}

// floor(ts / window_ms).
inline int64_t WindowOf(int64_t ts_ms, int64_t window_ms) {
  int64_t q = ts_ms / window_ms;
  if (ts_ms % window_ms != 0 && ts_ms < 0) --q;
  return q;
}

}  // namespace tsforecast::storage

#endif  // TSFORECAST_STORAGE_ROCKS_KEYS_H_
