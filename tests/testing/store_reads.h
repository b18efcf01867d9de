// Reading a whole series in storage tests, and what a model of it says.
#ifndef TSFORECAST_TESTS_TESTING_STORE_READS_H_
#define TSFORECAST_TESTS_TESTING_STORE_READS_H_

#include <cstdint>
#include <limits>
#include <map>
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

// The points of a model (timestamp to value) in [from, to), ascending.
inline std::vector<storage::Point> PointsOf(
    const std::map<int64_t, double>& model,
    int64_t from = std::numeric_limits<int64_t>::min(),
    int64_t to = std::numeric_limits<int64_t>::max()) {
  std::vector<storage::Point> out;
  for (auto it = model.lower_bound(from); it != model.lower_bound(to); ++it) {
    out.push_back({it->first, it->second});
  }
  return out;
}

}  // namespace tsforecast::testing

#endif  // TSFORECAST_TESTS_TESTING_STORE_READS_H_
