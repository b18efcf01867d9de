// Every registered model on a fixed sample of the development data (every
// set: yearly to hourly, with trends, seasons, gaps filled, long and short
// series): each fit either succeeds with finite means and bounds, or fails
// with a status that says why (FAILED_PRECONDITION or INVALID_ARGUMENT),
// never with NaN or infinity. The accuracy runner (bench/accuracy) checks
// the whole data; this keeps a CI-sized part of it.
#include <cmath>
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "common/calendar_step.h"
#include "forecast/model_registry.h"
#include "forecast/seasonality.h"
#include "gtest/gtest.h"
#include "tests/testing/model_variants.h"

namespace tsforecast::forecast {
namespace {

struct Sample {
  std::string set, id;
  std::vector<double> values;
  std::vector<double> seasons;
};

std::vector<Sample> LoadSample() {
  std::ifstream in(std::string(TSF_SOURCE_DIR) + "/tests/data/dev_sample.csv");
  EXPECT_TRUE(in) << "missing tests/data/dev_sample.csv";
  std::vector<Sample> out;
  std::string line;
  std::getline(in, line);
  while (std::getline(in, line)) {
    std::vector<std::string> cells = absl::StrSplit(line, ',');
    if (cells.size() != 4) continue;
    Sample s{cells[0], cells[1], {}, {}};
    for (absl::string_view v : absl::StrSplit(cells[3], ' ')) {
      double x = 0;
      if (absl::SimpleAtod(v, &x)) s.values.push_back(x);
    }
    if (!cells[2].empty()) {
      absl::StatusOr<CalendarStep> step = CalendarStep::Parse(cells[2]);
      EXPECT_TRUE(step.ok()) << cells[2];
      if (step.ok()) s.seasons = DefaultSeasonLengths(*step);
    }
    out.push_back(std::move(s));
  }
  return out;
}

bool AllFinite(const std::vector<double>& v) {
  for (double x : v) {
    if (!std::isfinite(x)) return false;
  }
  return true;
}

class DevSampleTest : public ::testing::TestWithParam<std::string> {};

TEST_P(DevSampleTest, FiniteForecastsOrAStatedFailure) {
  static const std::vector<Sample> samples = LoadSample();
  ASSERT_EQ(samples.size(), 35u);
  const double levels[] = {80, 95};
  for (const Sample& s : samples) {
    SCOPED_TRACE(s.set + " " + s.id);
    absl::StatusOr<std::unique_ptr<Model>> model = MakeModel(GetParam());
    ASSERT_TRUE(model.ok());
    auto fitted = (*model)->Fit({s.values, s.seasons});
    if (!fitted.ok()) {
      const absl::StatusCode code = fitted.status().code();
      EXPECT_TRUE(code == absl::StatusCode::kFailedPrecondition ||
                  code == absl::StatusCode::kInvalidArgument)
          << fitted.status();
      EXPECT_FALSE(fitted.status().message().empty());
      continue;
    }
    auto p = (*fitted)->Predict(18, levels);
    ASSERT_TRUE(p.ok()) << p.status();
    EXPECT_TRUE(AllFinite(p->mean)) << (*fitted)->Description();
    for (const PredictionInterval& pi : p->intervals) {
      EXPECT_TRUE(AllFinite(pi.lower) && AllFinite(pi.upper))
          << (*fitted)->Description();
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Registry, DevSampleTest,
                         ::testing::ValuesIn(ModelVariantsUnderTest()));

}  // namespace
}  // namespace tsforecast::forecast
