// Reading a whole series in storage tests.
#ifndef TSFORECAST_TESTS_TESTING_STORE_READS_H_
#define TSFORECAST_TESTS_TESTING_STORE_READS_H_

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "storage/series_store.h"

namespace tsforecast::testing {

// Every point of `name`; a failed read fails the test and gives none.
inline std::vector<storage::Point> ReadAllPoints(
    const storage::SeriesStore& store, const std::string& name) {
  absl::StatusOr<storage::ReadResult> r = store.Read(name, {}, 0);
  EXPECT_TRUE(r.ok()) << r.status();
  return r.ok() ? r->points : std::vector<storage::Point>{};
}

}  // namespace tsforecast::testing

#endif  // TSFORECAST_TESTS_TESTING_STORE_READS_H_
