// The head's log: what the in-memory head holds, on disk, so that an
// acknowledged append survives a crash before its points reach RocksDB.
// Records are framed with a checksum and a sequence number and written to
// numbered segment files; a checkpoint starts a new segment and deletes the
// old ones once their points are in RocksDB. Format in
// docs/storage_format.md ("The head and its log").
#ifndef TSFORECAST_STORAGE_HEAD_LOG_H_
#define TSFORECAST_STORAGE_HEAD_LOG_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"

namespace tsforecast::storage {

class HeadLog {
 public:
  // Called with each complete record in log order.
  using ReplayFn =
      std::function<absl::Status(uint64_t seq, absl::string_view payload)>;

  // Replays the segments in `dir` (created if missing), cuts a torn record
  // off the end of the newest one, and opens a new segment for appends.
  // Sequence numbers continue above both `min_seq` and every replayed one.
  // DATA_LOSS when a damaged record is followed by more data: that is disk
  // damage, not a crash, and dropping what follows would lose
  // acknowledged writes. `sync`: fsync each group of appends.
  static absl::StatusOr<std::unique_ptr<HeadLog>> Open(const std::string& dir,
                                                       bool sync,
                                                       uint64_t min_seq,
                                                       const ReplayFn& replay);
  ~HeadLog();
  HeadLog(const HeadLog&) = delete;
  HeadLog& operator=(const HeadLog&) = delete;

  // Appends a record and returns its sequence number once it is written
  // (and, with `sync`, fsynced). Concurrent appends share one write and one
  // fsync (group commit). After a failed write every append fails: the
  // segment's end is unknown until the next open repairs it.
  absl::StatusOr<uint64_t> Append(absl::string_view payload);

  // Starts a new segment. Returns its number: every record appended before
  // the call lies in the segments numbered below it.
  absl::StatusOr<uint64_t> Rotate();
  // Deletes the segments numbered below `segment`.
  absl::Status DeleteBefore(uint64_t segment);

  // The last sequence number handed out (0 when none).
  uint64_t LastSeq() const;
  // Bytes in the live segments.
  uint64_t Bytes() const;
  // OK, or why appends fail.
  absl::Status Error() const;

 private:
  HeadLog(std::string dir, bool sync) : dir_(std::move(dir)), sync_(sync) {}
  std::string SegmentPath(uint64_t number) const;
  absl::Status OpenSegment(uint64_t number) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Writes `pending_` out as the leader of a group; drops mu_ meanwhile.
  void WritePending() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const std::string dir_;
  const bool sync_;
  mutable absl::Mutex mu_;
  int fd_ ABSL_GUARDED_BY(mu_) = -1;
  uint64_t segment_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t first_segment_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t next_seq_ ABSL_GUARDED_BY(mu_) = 1;
  uint64_t written_seq_ ABSL_GUARDED_BY(mu_) = 0;
  std::string pending_ ABSL_GUARDED_BY(mu_);
  bool writing_ ABSL_GUARDED_BY(mu_) = false;
  uint64_t bytes_ ABSL_GUARDED_BY(mu_) = 0;
  absl::Status error_ ABSL_GUARDED_BY(mu_);
};

// The segment file name of `number` ("head-0000000000000007.log").
std::string HeadSegmentName(uint64_t number);

}  // namespace tsforecast::storage

#endif  // TSFORECAST_STORAGE_HEAD_LOG_H_
