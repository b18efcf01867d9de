// The development data sets of ../shared/data (see its README): where each
// set lives, its horizon, the seasonal period its MASE uses, and the
// calendar step a client would store it under. Loads train/test pairs with
// leading and trailing gaps dropped and inner gaps interpolated linearly
// (as scripts/golden/r_accuracy_reference.R does for R).
#ifndef TSFORECAST_BENCH_ACCURACY_DATA_SETS_H_
#define TSFORECAST_BENCH_ACCURACY_DATA_SETS_H_

#include <optional>
#include <string>
#include <vector>

#include "common/calendar_step.h"

namespace tsforecast::bench {

struct DataSet {
  std::string name;  // "M3-Monthly"
  std::string dir;   // under the data root
  std::string file;  // <file>-train.csv, <file>-test.csv
  int horizon = 0;
  int mase_period = 1;  // the set's seasonal period, as its literature scores
  // The step a user would store the series under; none for M3 "Other",
  // whose source gives no dates (its models see no season).
  std::optional<CalendarStep> step;
};

// Every set, cheapest first.
const std::vector<DataSet>& AllDataSets();
const DataSet* FindDataSet(const std::string& name);

struct Series {
  std::string id;
  std::vector<double> train;
  std::vector<double> test;
};

// Exits with a message when the files cannot be read (a benchmark, not a
// service).
std::vector<Series> LoadSeries(const std::string& root, const DataSet& set);

}  // namespace tsforecast::bench

#endif  // TSFORECAST_BENCH_ACCURACY_DATA_SETS_H_
