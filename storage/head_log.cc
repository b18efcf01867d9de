#include "storage/head_log.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/strip.h"
#include "common/status_macros.h"
#include "storage/crc32c.h"

namespace tsforecast::storage {
namespace {

namespace fs = std::filesystem;

// u32 crc32c of the rest of the frame, u32 payload length, u64 sequence
// number, all little-endian; then the payload.
constexpr size_t kFrameHeader = 16;
constexpr char kPrefix[] = "head-";
constexpr char kSuffix[] = ".log";

void PutFixed32(std::string* out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out->push_back(static_cast<char>(v >> (8 * i)));
}
void PutFixed64(std::string* out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out->push_back(static_cast<char>(v >> (8 * i)));
}
uint64_t GetFixed(const char* p, int bytes) {
  uint64_t v = 0;
  for (int i = bytes - 1; i >= 0; --i) {
    v = (v << 8) | static_cast<unsigned char>(p[i]);
  }
  return v;
}

void AppendFrame(uint64_t seq, absl::string_view payload, std::string* out) {
  const size_t start = out->size();
  PutFixed32(out, 0);  // the checksum, filled in below
  PutFixed32(out, static_cast<uint32_t>(payload.size()));
  PutFixed64(out, seq);
  out->append(payload.data(), payload.size());
  const uint32_t crc = Crc32c(
      absl::string_view(*out).substr(start + 4, out->size() - start - 4));
  for (int i = 0; i < 4; ++i)
    (*out)[start + i] = static_cast<char>(crc >> (8 * i));
}

absl::Status ErrnoError(absl::string_view what, const std::string& path,
                        int err) {
  std::string message =
      absl::StrCat("head log \"", path, "\": ", what, ": ", std::strerror(err));
  return err == ENOSPC ? absl::ResourceExhaustedError(message)
                       : absl::UnavailableError(message);
}

absl::Status ErrnoError(absl::string_view what, const std::string& path) {
  return ErrnoError(what, path, errno);
}

absl::Status SyncDir(const std::string& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (fd < 0) return ErrnoError("open directory", dir);
  const int rc = ::fsync(fd);
  ::close(fd);
  return rc == 0 ? absl::OkStatus() : ErrnoError("fsync directory", dir);
}

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY);
  if (fd < 0) return ErrnoError("open", path);
  std::string data;
  char buffer[1 << 16];
  while (true) {
    const ssize_t n = ::read(fd, buffer, sizeof(buffer));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      absl::Status s = ErrnoError("read", path);
      ::close(fd);
      return s;
    }
    if (n == 0) break;
    data.append(buffer, static_cast<size_t>(n));
  }
  ::close(fd);
  return data;
}

// The numbers of the segment files in `dir`, ascending.
absl::StatusOr<std::vector<uint64_t>> ListSegments(const std::string& dir) {
  std::vector<uint64_t> numbers;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    absl::string_view view(name);
    if (!absl::ConsumePrefix(&view, kPrefix) ||
        !absl::ConsumeSuffix(&view, kSuffix)) {
      continue;
    }
    uint64_t number = 0;
    if (absl::SimpleAtoi(view, &number)) numbers.push_back(number);
  }
  if (ec) {
    return absl::UnavailableError(
        absl::StrCat("head log \"", dir, "\": ", ec.message()));
  }
  std::sort(numbers.begin(), numbers.end());
  return numbers;
}

}  // namespace

std::string HeadSegmentName(uint64_t number) {
  return absl::StrFormat("%s%016d%s", kPrefix, number, kSuffix);
}

absl::StatusOr<std::unique_ptr<HeadLog>> HeadLog::Open(const std::string& dir,
                                                       bool sync,
                                                       uint64_t min_seq,
                                                       const ReplayFn& replay) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) {
    return absl::FailedPreconditionError(
        absl::StrCat("head log \"", dir, "\": cannot create: ", ec.message()));
  }
  std::unique_ptr<HeadLog> log(new HeadLog(dir, sync));
  TSF_ASSIGN_OR_RETURN(std::vector<uint64_t> segments, ListSegments(dir));
  uint64_t max_seq = min_seq;
  uint64_t bytes = 0;
  for (size_t k = 0; k < segments.size(); ++k) {
    const std::string path = log->SegmentPath(segments[k]);
    TSF_ASSIGN_OR_RETURN(std::string data, ReadFile(path));
    size_t pos = 0;
    while (pos < data.size()) {
      bool complete = data.size() - pos >= kFrameHeader;
      size_t length = 0;
      if (complete) {
        length = GetFixed(data.data() + pos + 4, 4);
        complete = data.size() - pos - kFrameHeader >= length &&
                   static_cast<uint32_t>(GetFixed(data.data() + pos, 4)) ==
                       Crc32c(absl::string_view(data).substr(
                           pos + 4, kFrameHeader - 4 + length));
      }
      if (!complete) break;
      const uint64_t seq = GetFixed(data.data() + pos + 8, 8);
      TSF_RETURN_IF_ERROR(replay(
          seq, absl::string_view(data).substr(pos + kFrameHeader, length)));
      max_seq = std::max(max_seq, seq);
      pos += kFrameHeader + length;
    }
    if (pos < data.size()) {
      if (k + 1 < segments.size()) {
        return absl::DataLossError(absl::StrCat(
            "head log \"", path, "\": damaged record at byte ", pos,
            " with newer segments after it; move the head directory aside "
            "to start without its unflushed writes"));
      }
      // A write cut short by a crash: it was never acknowledged. The cut is
      // made durable, or a power loss before recovery's checkpoint could
      // leave the torn bytes in what is then an older segment.
      const int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
      const bool cut = fd >= 0 &&
                       ::ftruncate(fd, static_cast<off_t>(pos)) == 0 &&
                       ::fsync(fd) == 0;
      if (!cut) {
        absl::Status error = ErrnoError("truncate torn record", path);
        if (fd >= 0) ::close(fd);
        return error;
      }
      ::close(fd);
    }
    bytes += pos;
  }
  absl::MutexLock lock(&log->mu_);
  log->next_seq_ = max_seq + 1;
  log->written_seq_ = max_seq;
  log->bytes_ = bytes;
  log->first_segment_ = segments.empty() ? 1 : segments.front();
  TSF_RETURN_IF_ERROR(
      log->OpenSegment(segments.empty() ? 1 : segments.back() + 1));
  return log;
}

HeadLog::~HeadLog() {
  absl::MutexLock lock(&mu_);
  mu_.Await(absl::Condition(
      +[](bool* writing) { return !*writing; }, &writing_));
  if (fd_ >= 0) ::close(fd_);
}

absl::Status HeadLog::OpenSegment(uint64_t number) {
  const std::string path = SegmentPath(number);
  const int fd =
      ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) return ErrnoError("create segment", path);
  TSF_RETURN_IF_ERROR(SyncDir(dir_));
  if (fd_ >= 0) ::close(fd_);
  fd_ = fd;
  segment_ = number;
  return absl::OkStatus();
}

void HeadLog::WritePending() {
  writing_ = true;
  std::string batch;
  batch.swap(pending_);
  const uint64_t last = next_seq_ - 1;
  const int fd = fd_;
  // The path only for an error: a group write should not allocate it.
  const uint64_t segment = segment_;
  mu_.Unlock();
  absl::Status status;
  size_t done = 0;
  while (done < batch.size()) {
    const ssize_t n = ::write(fd, batch.data() + done, batch.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int err = errno;
      status = ErrnoError("write", SegmentPath(segment), err);
      break;
    }
    done += static_cast<size_t>(n);
  }
  if (status.ok() && sync_ && ::fdatasync(fd) != 0) {
    const int err = errno;
    status = ErrnoError("fdatasync", SegmentPath(segment), err);
  }
  mu_.Lock();
  writing_ = false;
  if (status.ok()) {
    written_seq_ = last;
    bytes_ += batch.size();
  } else {
    error_ = status;
  }
}

absl::StatusOr<uint64_t> HeadLog::Append(absl::string_view payload) {
  absl::MutexLock lock(&mu_);
  if (!error_.ok()) return error_;
  const uint64_t seq = next_seq_++;
  AppendFrame(seq, payload, &pending_);
  struct Wait {
    HeadLog* log;
    uint64_t seq;
  } wait{this, seq};
  auto done_or_free = +[](Wait* w) ABSL_NO_THREAD_SAFETY_ANALYSIS {
    return w->log->written_seq_ >= w->seq || !w->log->writing_ ||
           !w->log->error_.ok();
  };
  while (written_seq_ < seq) {
    if (!error_.ok()) return error_;
    if (writing_) {
      mu_.Await(absl::Condition(done_or_free, &wait));
      continue;
    }
    WritePending();
  }
  return seq;
}

absl::StatusOr<uint64_t> HeadLog::Rotate() {
  absl::MutexLock lock(&mu_);
  const uint64_t target = next_seq_ - 1;
  while (written_seq_ < target && error_.ok()) {
    if (writing_) {
      mu_.Await(absl::Condition(
          +[](bool* writing) { return !*writing; }, &writing_));
    } else {
      WritePending();
    }
  }
  if (!error_.ok()) return error_;
  // A leader may be writing newer records to the old segment; they only
  // need to be in some segment.
  mu_.Await(absl::Condition(
      +[](bool* writing) { return !*writing; }, &writing_));
  TSF_RETURN_IF_ERROR(OpenSegment(segment_ + 1));
  return segment_;
}

absl::Status HeadLog::DeleteBefore(uint64_t segment) {
  absl::MutexLock lock(&mu_);
  bool deleted = false;
  for (uint64_t n = first_segment_; n < segment && n < segment_; ++n) {
    const std::string path = SegmentPath(n);
    std::error_code ec;
    const uint64_t size = fs::file_size(path, ec);
    if (ec) continue;  // never created: numbers may skip
    if (::unlink(path.c_str()) != 0) return ErrnoError("delete", path);
    bytes_ -= std::min(bytes_, size);
    deleted = true;
  }
  first_segment_ = std::max(first_segment_, std::min(segment, segment_));
  return deleted ? SyncDir(dir_) : absl::OkStatus();
}

std::string HeadLog::SegmentPath(uint64_t number) const {
  return absl::StrCat(dir_, "/", HeadSegmentName(number));
}

uint64_t HeadLog::LastSeq() const {
  absl::MutexLock lock(&mu_);
  return next_seq_ - 1;
}

uint64_t HeadLog::Bytes() const {
  absl::MutexLock lock(&mu_);
  return bytes_ + pending_.size();
}

absl::Status HeadLog::Error() const {
  absl::MutexLock lock(&mu_);
  return error_;
}

}  // namespace tsforecast::storage
