// A store in a test's temporary directory, without fsyncs (kProcess).
#ifndef TSFORECAST_TESTS_TESTING_TEMP_STORE_H_
#define TSFORECAST_TESTS_TESTING_TEMP_STORE_H_

#include <memory>

#include "absl/status/statusor.h"
#include "storage/series_store.h"
#include "tests/testing/temp_dir.h"

namespace tsforecast::testing {

inline absl::StatusOr<std::unique_ptr<storage::SeriesStore>> OpenTempStore(
    const TempDir& dir) {
  storage::StorageOptions options;
  options.data_dir = dir.Sub("data");
  options.durability = storage::Durability::kProcess;
  return storage::SeriesStore::Open(options);
}

}  // namespace tsforecast::testing

#endif  // TSFORECAST_TESTS_TESTING_TEMP_STORE_H_
