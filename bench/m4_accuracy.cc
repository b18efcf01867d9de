// M4 accuracy runner: fits every model on every series of the M4 Hourly and
// Weekly sets (../shared/data/m4), prints sMAPE, MASE, OWA (M4 definitions),
// 95% interval coverage and timing per data set and model on one thread and
// on two, and writes the point forecasts as OUT_DIR/<Set>.csv (header
// id,method,h1..hH) so that anyone can score them independently.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_split.h"
#include "common/calendar_step.h"
#include "forecast/accuracy.h"
#include "forecast/model_registry.h"
#include "forecast/seasonality.h"

ABSL_FLAG(std::string, m4_dir, "../shared/data/m4", "directory of the M4 CSVs");
ABSL_FLAG(std::string, out_dir, "/tmp/tsf-m4", "where <Set>.csv go");
ABSL_FLAG(std::string, models, "",
          "comma-separated models (default: every registered model)");
ABSL_FLAG(std::string, sets, "Hourly,Weekly", "data sets to run");
ABSL_FLAG(int, max_series, 0, "use only the first N series (0: all)");

namespace {

namespace fc = tsforecast::forecast;
using Clock = std::chrono::steady_clock;

struct Series {
  std::string id;
  std::vector<double> train;
  std::vector<double> test;
};

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

std::vector<double> Numbers(const std::vector<std::string>& cells) {
  std::vector<double> out;
  for (size_t i = 1; i < cells.size(); ++i) {
    if (cells[i].empty() || cells[i] == "NA") continue;
    out.push_back(std::stod(cells[i]));
  }
  return out;
}

std::vector<Series> Load(const std::string& dir, const std::string& set) {
  auto train = ReadRows(dir + "/" + set + "-train.csv");
  auto test = ReadRows(dir + "/" + set + "-test.csv");
  std::vector<Series> out;
  for (size_t i = 0; i < train.size() && i < test.size(); ++i) {
    out.push_back({train[i][0], Numbers(train[i]), Numbers(test[i])});
  }
  const int max = absl::GetFlag(FLAGS_max_series);
  if (max > 0 && static_cast<size_t>(max) < out.size()) out.resize(max);
  return out;
}

struct Result {
  std::vector<double> mean;
  std::vector<double> lower95, upper95;
  bool ok = false;
};

// Fits `model` on every series with `threads` threads; returns results and
// wall seconds.
std::vector<Result> RunModel(const std::string& model,
                             const std::vector<Series>& data,
                             const std::vector<double>& seasons, int horizon,
                             int threads, double* seconds) {
  std::vector<Result> results(data.size());
  std::atomic<size_t> next{0};
  const auto start = Clock::now();
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&] {
      auto m = fc::MakeModel(model);
      for (size_t i; (i = next.fetch_add(1)) < data.size();) {
        auto fitted = (*m)->Fit({data[i].train, seasons});
        if (!fitted.ok()) continue;
        const double level = 95;
        auto p = (*fitted)->Predict(horizon, {&level, 1});
        if (!p.ok()) continue;
        results[i].mean = p->mean;
        results[i].lower95 = p->intervals[0].lower;
        results[i].upper95 = p->intervals[0].upper;
        results[i].ok = true;
      }
    });
  }
  for (auto& t : pool) t.join();
  *seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return results;
}

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  std::vector<std::string> models;
  if (absl::GetFlag(FLAGS_models).empty()) {
    for (const auto& m : fc::ListModels()) models.push_back(m.name);
  } else {
    models = absl::StrSplit(absl::GetFlag(FLAGS_models), ',');
  }
  for (const std::string& m : models) {
    if (!fc::MakeModel(m).ok()) {
      std::fprintf(stderr, "unknown model %s\n", m.c_str());
      return 2;
    }
  }
  std::printf("%-7s %-8s %8s %8s %7s %7s %8s %9s %9s %6s\n", "set", "model",
              "sMAPE", "MASE", "OWA", "cov95", "seconds", "ms/series",
              "ms/s(2t)", "fails");
  std::vector<std::string> keys;
  const std::vector<std::string> sets =
      absl::StrSplit(absl::GetFlag(FLAGS_sets), ',');
  for (const std::string& set : sets) {
    const bool hourly = set == "Hourly";
    const int horizon = hourly ? 48 : 13;
    const int mase_m = hourly ? 24 : 1;
    const tsforecast::CalendarStep step(
        hourly ? tsforecast::StepUnit::kHour : tsforecast::StepUnit::kWeek, 1);
    const std::vector<double> seasons = fc::DefaultSeasonLengths(step);
    const std::vector<Series> data = Load(absl::GetFlag(FLAGS_m4_dir), set);
    std::vector<double> scales(data.size());
    for (size_t i = 0; i < data.size(); ++i) {
      auto s = fc::MaseScale(data[i].train, mase_m);
      scales[i] = s.ok() ? *s : NAN;
    }
    // Naive2 is the OWA reference, with M4's seasonal period (1 for
    // Weekly, where it is plain naive), whatever the models are given.
    double unused = 0;
    const std::vector<double> m4_seasons =
        mase_m > 1 ? std::vector<double>{static_cast<double>(mase_m)}
                   : std::vector<double>{};
    const auto naive2 =
        RunModel("naive2", data, m4_seasons, horizon, 1, &unused);
    double n2_smape = 0, n2_mase = 0;
    for (size_t i = 0; i < data.size(); ++i) {
      n2_smape += fc::Smape(data[i].test, naive2[i].mean);
      n2_mase += fc::Mase(data[i].test, naive2[i].mean, scales[i]);
    }
    n2_smape /= data.size();
    n2_mase /= data.size();
    std::ofstream csv(absl::GetFlag(FLAGS_out_dir) + "/" + set + ".csv");
    csv << "id,method";
    for (int h = 1; h <= horizon; ++h) csv << ",h" << h;
    csv << "\n";
    for (const std::string& model : models) {
      double seconds1 = 0, seconds2 = 0;
      const auto results =
          RunModel(model, data, seasons, horizon, 1, &seconds1);
      RunModel(model, data, seasons, horizon, 2, &seconds2);
      double smape = 0, mase = 0, coverage = 0;
      int fails = 0;
      for (size_t i = 0; i < data.size(); ++i) {
        // A failed fit is scored as Naive2, and counted.
        const Result& r = results[i].ok ? results[i] : naive2[i];
        fails += !results[i].ok;
        smape += fc::Smape(data[i].test, r.mean);
        mase += fc::Mase(data[i].test, r.mean, scales[i]);
        coverage += fc::Coverage(data[i].test, r.lower95, r.upper95);
        csv << data[i].id << "," << model;
        for (double v : r.mean) csv << "," << v;
        csv << "\n";
      }
      smape /= data.size();
      mase /= data.size();
      coverage /= data.size();
      const double owa = fc::Owa(smape, mase, n2_smape, n2_mase);
      const double ms1 = seconds1 * 1000 / data.size();
      const double ms2 = seconds2 * 1000 / data.size();
      std::printf("%-7s %-8s %8.3f %8.3f %7.3f %7.3f %8.2f %9.3f %9.3f %6d\n",
                  set.c_str(), model.c_str(), smape, mase, owa, coverage,
                  seconds1, ms1, ms2, fails);
      std::fflush(stdout);
      char buf[512];
      std::snprintf(buf, sizeof(buf),
                    "%s.%s.smape=%.4f\n%s.%s.mase=%.4f\n%s.%s.owa=%.4f\n"
                    "%s.%s.coverage95=%.4f\n%s.%s.ms_per_series=%.3f\n"
                    "%s.%s.ms_per_series_2threads=%.3f\n",
                    set.c_str(), model.c_str(), smape, set.c_str(),
                    model.c_str(), mase, set.c_str(), model.c_str(), owa,
                    set.c_str(), model.c_str(), coverage, set.c_str(),
                    model.c_str(), ms1, set.c_str(), model.c_str(), ms2);
      keys.push_back(buf);
    }
  }
  for (const std::string& k : keys) std::fputs(k.c_str(), stdout);
  return 0;
}
