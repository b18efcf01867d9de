#include "bench/accuracy/data_sets.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"

namespace tsforecast::bench {
namespace {

CalendarStep Step(StepUnit unit) { return CalendarStep(unit, 1); }

std::vector<std::vector<std::string>> ReadRows(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    std::fprintf(stderr, "cannot read %s\n", path.c_str());
    std::exit(2);
  }
  std::vector<std::vector<std::string>> rows;
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    std::vector<std::string> cells = absl::StrSplit(line, ',');
    for (auto& c : cells) {
      c.erase(std::remove(c.begin(), c.end(), '"'), c.end());
    }
    rows.push_back(std::move(cells));
  }
  return rows;
}

// The row's values with leading and trailing gaps dropped and inner gaps
// filled linearly.
std::vector<double> Values(const std::vector<std::string>& cells) {
  std::vector<double> v;
  for (size_t i = 1; i < cells.size(); ++i) {
    double x = NAN;
    if (!absl::SimpleAtod(cells[i], &x)) x = NAN;
    v.push_back(x);
  }
  while (!v.empty() && std::isnan(v.back())) v.pop_back();
  size_t first = 0;
  while (first < v.size() && std::isnan(v[first])) ++first;
  v.erase(v.begin(), v.begin() + first);
  for (size_t i = 0; i < v.size(); ++i) {
    if (!std::isnan(v[i])) continue;
    size_t j = i;
    while (std::isnan(v[j])) ++j;
    const double a = v[i - 1], b = v[j];
    for (size_t k = i; k < j; ++k) {
      v[k] = a + (b - a) * static_cast<double>(k - i + 1) / (j - i + 1);
    }
    i = j;
  }
  return v;
}

}  // namespace

const std::vector<DataSet>& AllDataSets() {
  static const auto* sets = new std::vector<DataSet>{
      {"M3-Other", "m3", "M3-Other", 8, 1, std::nullopt},
      {"M3-Yearly", "m3", "M3-Yearly", 6, 1, Step(StepUnit::kYear)},
      {"M1-Yearly", "m1", "M1-Yearly", 6, 1, Step(StepUnit::kYear)},
      {"Tourism-Yearly", "tourism", "Tourism-Yearly", 4, 1,
       Step(StepUnit::kYear)},
      {"M1-Quarterly", "m1", "M1-Quarterly", 8, 4, Step(StepUnit::kQuarter)},
      {"M3-Quarterly", "m3", "M3-Quarterly", 8, 4, Step(StepUnit::kQuarter)},
      {"Tourism-Quarterly", "tourism", "Tourism-Quarterly", 8, 4,
       Step(StepUnit::kQuarter)},
      {"M4-Weekly", "m4", "Weekly", 13, 1, Step(StepUnit::kWeek)},
      {"M1-Monthly", "m1", "M1-Monthly", 18, 12, Step(StepUnit::kMonth)},
      {"M3-Monthly", "m3", "M3-Monthly", 18, 12, Step(StepUnit::kMonth)},
      {"FREDMD-Monthly", "fred-md", "FREDMD-Monthly", 18, 12,
       Step(StepUnit::kMonth)},
      {"NN5-Daily", "nn5", "NN5-Daily", 56, 7, Step(StepUnit::kDay)},
      {"M4-Hourly", "m4", "Hourly", 48, 24, Step(StepUnit::kHour)},
  };
  return *sets;
}

const DataSet* FindDataSet(const std::string& name) {
  for (const DataSet& s : AllDataSets()) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

std::vector<Series> LoadSeries(const std::string& root, const DataSet& set) {
  const std::string base = root + "/" + set.dir + "/" + set.file;
  const auto train = ReadRows(base + "-train.csv");
  const auto test = ReadRows(base + "-test.csv");
  std::vector<Series> out;
  for (size_t i = 0; i < train.size() && i < test.size(); ++i) {
    out.push_back({train[i][0], Values(train[i]), Values(test[i])});
    out.back().test.resize(
        std::min<size_t>(out.back().test.size(), set.horizon));
  }
  return out;
}

}  // namespace tsforecast::bench
