// Reading R's golden values (tests/golden/, written by
// scripts/golden/make_golden.R) and comparing forecasts with them.
#ifndef TSFORECAST_TESTS_TESTING_GOLDEN_H_
#define TSFORECAST_TESTS_TESTING_GOLDEN_H_

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "forecast/forecast_types.h"
#include "gtest/gtest.h"

namespace tsforecast::forecast {

inline std::string GoldenPath(const std::string& name) {
  return std::string(TSF_SOURCE_DIR) + "/tests/golden/" + name;
}

inline std::vector<std::vector<double>> ReadCsv(const std::string& name) {
  const std::string path = GoldenPath(name);
  std::ifstream in(path);
  EXPECT_TRUE(in) << "missing " << path;
  std::vector<std::vector<double>> rows;
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    std::vector<double> row;
    for (absl::string_view cell : absl::StrSplit(line, ',')) {
      row.push_back(cell == "NA" ? NAN : std::stod(std::string(cell)));
    }
    rows.push_back(row);
  }
  return rows;
}

inline std::vector<double> Input(const std::string& c) {
  std::vector<double> y;
  for (const auto& row : ReadCsv(c + ".input.csv")) y.push_back(row[0]);
  return y;
}

// Compares mean (and, when R gave them, 80/95% bounds) within `rel` of
// R's value.
inline void ExpectMatches(const std::string& c, const Prediction& p, double rel,
                          bool intervals, double interval_rel = -1) {
  if (interval_rel < 0) interval_rel = rel;
  const auto expected = ReadCsv(c + ".expected.csv");
  ASSERT_EQ(p.mean.size(), expected.size()) << c;
  for (size_t h = 0; h < expected.size(); ++h) {
    const auto& e = expected[h];
    EXPECT_NEAR(p.mean[h], e[1], rel * std::fabs(e[1])) << c << " h=" << h + 1;
    if (!intervals) continue;
    ASSERT_EQ(p.intervals.size(), 2u);
    // Each interval's centre within `rel` of R's mean, its width within
    // `interval_rel` of R's width.
    for (int i = 0; i < 2; ++i) {
      const double lo = e[2 + 2 * i], hi = e[3 + 2 * i];
      const PredictionInterval& pi = p.intervals[i];
      EXPECT_NEAR((pi.lower[h] + pi.upper[h]) / 2, (lo + hi) / 2,
                  rel * std::fabs(e[1]))
          << c << " h=" << h + 1;
      EXPECT_NEAR(pi.upper[h] - pi.lower[h], hi - lo, interval_rel * (hi - lo))
          << c << " h=" << h + 1 << " level " << pi.level;
    }
  }
}

// R's estimates from parameters.csv ("case","name",value), keyed
// "case.name".
inline std::map<std::string, double> RParameters() {
  std::ifstream in(GoldenPath("parameters.csv"));
  std::map<std::string, double> out;
  std::string line;
  std::getline(in, line);
  while (std::getline(in, line)) {
    line.erase(std::remove(line.begin(), line.end(), '"'), line.end());
    std::vector<std::string> cells = absl::StrSplit(line, ',');
    if (cells.size() == 3) out[cells[0] + "." + cells[1]] = std::stod(cells[2]);
  }
  return out;
}

}  // namespace tsforecast::forecast

#endif  // TSFORECAST_TESTS_TESTING_GOLDEN_H_
