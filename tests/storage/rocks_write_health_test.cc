#include "storage/rocks_write_health.h"

#include "gtest/gtest.h"

namespace tsforecast::storage {
namespace {

RocksWriteHealth Healthy() {
  return RocksWriteHealth(
      "/nonexistent", 1 << 20,
      []() -> absl::StatusOr<uint64_t> { return 1ull << 40; });
}

// A fatal background error (RocksDB will not resume from it while open,
// such as a write-ahead log it could not create for lack of descriptors)
// says that only a restart helps; a recoverable one does not.
TEST(RocksWriteHealthTest, AFatalBackgroundErrorNeedsARestart) {
  RocksWriteHealth fatal = Healthy();
  EXPECT_TRUE(fatal.Health().writable);
  rocksdb::Status s(rocksdb::Status::IOError("While open a file for appending",
                                             "Too many open files"),
                    rocksdb::Status::Severity::kFatalError);
  fatal.OnBackgroundError(rocksdb::BackgroundErrorReason::kMemTable, &s);
  StoreHealth h = fatal.Health();
  EXPECT_FALSE(h.writable);
  EXPECT_TRUE(h.needs_restart);
  EXPECT_NE(h.reason.find("Too many open files"), std::string::npos)
      << h.reason;

  RocksWriteHealth soft = Healthy();
  rocksdb::Status full(rocksdb::Status::NoSpace("write"),
                       rocksdb::Status::Severity::kHardError);
  soft.OnBackgroundError(rocksdb::BackgroundErrorReason::kFlush, &full);
  h = soft.Health();
  EXPECT_FALSE(h.writable);
  EXPECT_FALSE(h.needs_restart);

  // An error RocksDB writes on after (a compaction meeting a damaged block
  // without paranoid checks) does not stop ours either.
  RocksWriteHealth goes_on = Healthy();
  rocksdb::Status corrupt(rocksdb::Status::Corruption("block checksum"),
                          rocksdb::Status::Severity::kNoError);
  goes_on.OnBackgroundError(rocksdb::BackgroundErrorReason::kCompaction,
                            &corrupt);
  EXPECT_TRUE(goes_on.Health().writable);
}

}  // namespace
}  // namespace tsforecast::storage
