// RocksDB status to absl::Status, choosing the code that tells the caller
// what to do.
#ifndef TSFORECAST_STORAGE_ROCKS_STATUS_H_
#define TSFORECAST_STORAGE_ROCKS_STATUS_H_

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "rocksdb/status.h"

namespace tsforecast::storage {

inline absl::Status FromRocks(const rocksdb::Status& s) {
  if (s.ok()) return absl::OkStatus();
  const std::string text = absl::StrCat("storage: ", s.ToString());
  if (s.IsNoSpace()) {
    return absl::ResourceExhaustedError(
        absl::StrCat(text, "; free disk space and retry"));
  }
  if (s.IsCorruption()) return absl::DataLossError(text);
  if (s.IsNotFound()) return absl::NotFoundError(text);
  if (s.IsInvalidArgument()) return absl::InvalidArgumentError(text);
  if (s.IsIOError() || s.IsBusy() || s.IsTryAgain() || s.IsTimedOut() ||
      s.IsAborted()) {
    return absl::UnavailableError(
        absl::StrCat("storage temporarily unavailable: ", s.ToString()));
  }
  return absl::InternalError(text);
}

}  // namespace tsforecast::storage

#endif  // TSFORECAST_STORAGE_ROCKS_STATUS_H_
