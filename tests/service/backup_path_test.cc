// Backups stay inside --backup_root: symbolic links at every level below
// the root are refused, names too long for the file system are
// INVALID_ARGUMENT (they answered UNKNOWN), and the path handed to the
// writer still reaches the checked directory after a link is swapped in.
#include "service/backup_path.h"

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace tsforecast::service {
namespace {

namespace fs = std::filesystem;

class BackupPathTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = dir_.Sub("root");
    outside_ = dir_.Sub("outside");
    fs::create_directories(root_ + "/real/deeper");
    fs::create_directories(outside_ + "/x");
  }
  testing::TempDir dir_;
  std::string root_, outside_;
};

TEST_F(BackupPathTest, NamesUnderTheRootResolve) {
  ASSERT_OK_AND_ASSIGN(BackupPath p, ResolveBackupPath(root_, "nightly"));
  EXPECT_EQ(p.display(), root_ + "/nightly");
  ASSERT_OK_AND_ASSIGN(BackupPath q,
                       ResolveBackupPath(root_, root_ + "/real/./deeper/b"));
  EXPECT_EQ(q.display(), root_ + "/real/deeper/b");
  // The writer's path reaches the directory that was checked.
  fs::create_directory(q.write_path());
  EXPECT_TRUE(fs::is_directory(root_ + "/real/deeper/b"));
}

TEST_F(BackupPathTest, SymbolicLinksAtEveryLevelAreRefused) {
  fs::create_directory_symlink(outside_, root_ + "/link");
  fs::create_directory_symlink(outside_, root_ + "/real/link");
  fs::create_directory_symlink(outside_, root_ + "/real/deeper/link");
  fs::create_symlink(outside_ + "/x/target", root_ + "/leaf");
  for (const std::string& name :
       {std::string("link/x"), std::string("link/x/y"),
        std::string("real/link/x"), std::string("real/deeper/link/x"),
        root_ + "/link/x"}) {
    SCOPED_TRACE(name);
    EXPECT_STATUS(ResolveBackupPath(root_, name),
                  absl::StatusCode::kPermissionDenied, "symbolic link");
  }
  // A link as the backup's own name, even a dangling one, already exists.
  EXPECT_STATUS(ResolveBackupPath(root_, "leaf"),
                absl::StatusCode::kAlreadyExists, "already exists");
  // A regular file in the middle is not a directory.
  std::ofstream(root_ + "/file") << "x";
  EXPECT_STATUS(ResolveBackupPath(root_, "file/x"),
                absl::StatusCode::kPermissionDenied, "not a directory");
  // Nothing was created outside.
  EXPECT_EQ(std::distance(fs::directory_iterator(outside_ + "/x"),
                          fs::directory_iterator()),
            0);
}

TEST_F(BackupPathTest, ALinkSwappedInAfterTheCheckIsNotFollowed) {
  ASSERT_OK_AND_ASSIGN(BackupPath p, ResolveBackupPath(root_, "real/b"));
  fs::rename(root_ + "/real", root_ + "/moved");
  fs::create_directory_symlink(outside_, root_ + "/real");
  fs::create_directory(p.write_path());
  EXPECT_TRUE(fs::is_directory(root_ + "/moved/b"));
  EXPECT_FALSE(fs::exists(outside_ + "/b"));
}

TEST_F(BackupPathTest, BadNamesAreInvalidArguments) {
  EXPECT_STATUS(ResolveBackupPath(root_, std::string(256, 'a')),
                absl::StatusCode::kInvalidArgument,
                "a name of 256 bytes; the file system holds at most 255");
  EXPECT_OK(ResolveBackupPath(root_, std::string(255, 'a')));
  EXPECT_STATUS(ResolveBackupPath(root_, std::string(5000, 'a')),
                absl::StatusCode::kInvalidArgument, "a path has at most");
  EXPECT_STATUS(ResolveBackupPath(root_, "../x"),
                absl::StatusCode::kInvalidArgument, "\"..\" is not allowed");
  EXPECT_STATUS(ResolveBackupPath(root_, "/etc/x"),
                absl::StatusCode::kPermissionDenied, "outside the backup root");
  EXPECT_STATUS(ResolveBackupPath(root_, "."),
                absl::StatusCode::kInvalidArgument, "not the root itself");
  EXPECT_STATUS(ResolveBackupPath(root_, "none/x"),
                absl::StatusCode::kFailedPrecondition, "does not exist");
}

}  // namespace
}  // namespace tsforecast::service
