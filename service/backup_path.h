// Where a Backup request may write: a new directory under the server's
// --backup_root, reached without following a symbolic link out of it.
#ifndef TSFORECAST_SERVICE_BACKUP_PATH_H_
#define TSFORECAST_SERVICE_BACKUP_PATH_H_

#include <string>

#include "absl/status/statusor.h"

namespace tsforecast::service {

// A backup's target, its parent directory held open. The parent was
// reached from the root one component at a time with O_NOFOLLOW, so a
// symbolic link anywhere below the root (or one swapped in later) cannot
// redirect the write; `write_path()` names the target through the open
// descriptor (/proc/self/fd/N/leaf), for code that takes a path.
class BackupPath {
 public:
  BackupPath(BackupPath&& other) noexcept;
  BackupPath& operator=(BackupPath&&) = delete;
  ~BackupPath();

  // The path as the client should read it (root / name).
  const std::string& display() const { return display_; }
  std::string write_path() const;

 private:
  friend absl::StatusOr<BackupPath> ResolveBackupPath(
      const std::string& root, const std::string& requested);
  BackupPath(int parent_fd, std::string leaf, std::string display)
      : parent_fd_(parent_fd),
        leaf_(std::move(leaf)),
        display_(std::move(display)) {}

  int parent_fd_;
  std::string leaf_;
  std::string display_;
};

// `requested` is a name under `root` (an absolute directory) or an
// absolute path inside it. INVALID_ARGUMENT for "..", control characters,
// names the file system cannot hold or the root itself; PERMISSION_DENIED
// outside the root or through a symbolic link; FAILED_PRECONDITION when a
// parent does not exist; ALREADY_EXISTS when the target does.
absl::StatusOr<BackupPath> ResolveBackupPath(const std::string& root,
                                             const std::string& requested);

}  // namespace tsforecast::service

#endif  // TSFORECAST_SERVICE_BACKUP_PATH_H_
