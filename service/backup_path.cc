#include "service/backup_path.h"

#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <vector>

#include "absl/strings/str_cat.h"

namespace tsforecast::service {
namespace {

namespace fs = std::filesystem;

constexpr int kDirFlags = O_RDONLY | O_DIRECTORY | O_CLOEXEC;

}  // namespace

BackupPath::BackupPath(BackupPath&& other) noexcept
    : parent_fd_(other.parent_fd_),
      leaf_(std::move(other.leaf_)),
      display_(std::move(other.display_)) {
  other.parent_fd_ = -1;
}

BackupPath::~BackupPath() {
  if (parent_fd_ >= 0) close(parent_fd_);
}

std::string BackupPath::write_path() const {
  return absl::StrCat("/proc/self/fd/", parent_fd_, "/", leaf_);
}

absl::StatusOr<BackupPath> ResolveBackupPath(const std::string& root,
                                             const std::string& requested) {
  if (requested.empty()) {
    return absl::InvalidArgumentError(
        "directory: required, a new directory under the backup root " + root);
  }
  if (requested.size() >= PATH_MAX) {
    return absl::InvalidArgumentError(
        absl::StrCat("directory: ", requested.size(),
                     " bytes; a path has at most ", PATH_MAX - 1));
  }
  for (char c : requested) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      return absl::InvalidArgumentError(
          "directory: control characters are not allowed");
    }
  }
  const fs::path path(requested);
  for (const fs::path& part : path) {
    if (part == "..") {
      return absl::InvalidArgumentError(
          "directory: \"..\" is not allowed; name a directory under the "
          "backup root " +
          root);
    }
    if (part.native().size() > NAME_MAX) {
      return absl::InvalidArgumentError(
          absl::StrCat("directory: a name of ", part.native().size(),
                       " bytes; the file system holds at most ", NAME_MAX));
    }
  }
  const fs::path full =
      (path.is_absolute() ? path : fs::path(root) / path).lexically_normal();
  const fs::path base = fs::path(root).lexically_normal();
  const fs::path inside = full.lexically_relative(base);
  if (inside.empty() || *inside.begin() == "..") {
    return absl::PermissionDeniedError(absl::StrCat(
        "directory: ", requested.substr(0, 200), " is outside the backup root ",
        root, "; give a name under it (the server's --backup_root)"));
  }
  std::vector<std::string> parts;
  for (const fs::path& part : inside) {
    if (part != "." && !part.empty()) parts.push_back(part.string());
  }
  if (parts.empty()) {
    return absl::InvalidArgumentError(
        "directory: name a new directory under the backup root, not the "
        "root itself");
  }
  // The root is the operator's choice and may itself be a link; nothing
  // below it may be.
  int fd = open(base.c_str(), kDirFlags);
  if (fd < 0) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the backup root ", root, " cannot be opened: ", std::strerror(errno)));
  }
  fs::path walked = base;
  for (size_t i = 0; i + 1 < parts.size(); ++i) {
    const int next = openat(fd, parts[i].c_str(), kDirFlags | O_NOFOLLOW);
    const int error = errno;
    close(fd);
    walked /= parts[i];
    if (next < 0) {
      if (error == ELOOP || error == ENOTDIR) {
        return absl::PermissionDeniedError(absl::StrCat(
            "directory: ", walked.string(),
            " is a symbolic link or not a directory; backups are written "
            "under the backup root only, through real directories"));
      }
      return absl::FailedPreconditionError(
          absl::StrCat("directory: the parent ", walked.string(),
                       " does not exist; create it first"));
    }
    fd = next;
  }
  struct stat st;
  if (fstatat(fd, parts.back().c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0) {
    close(fd);
    return absl::AlreadyExistsError(
        absl::StrCat("directory \"", full.string(), "\" already exists"));
  }
  return BackupPath(fd, parts.back(), full.string());
}

}  // namespace tsforecast::service
