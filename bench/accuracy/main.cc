// Accuracy runner over the development data (../shared/data): fits every
// model (or --models) on every set (or --sets), prints per set and model
// sMAPE, MASE, OWA against Naive2 (M4 definitions), 80 and 95 % interval
// coverage, MSIS, median and mean ms per series and failed fits, R's
// forecast package beside them, then one summary row per method (geometric
// mean of OWA over the sets). Writes OUT_DIR/<SET>.csv (id,method,h1..hH;
// bounds as MODEL:lo80, MODEL:hi80, MODEL:lo95, MODEL:hi95) and ends with
// key=value lines such as M3-Monthly.arima.owa=0.912.
//
// R's figures come from --r_reference (committed, see
// scripts/golden/r_accuracy_reference.R); --r_forecasts_dir scores R's raw
// forecasts with this same code instead, and --write_r_reference saves
// those scores.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "bench/accuracy/data_sets.h"
#include "bench/accuracy/r_reference.h"
#include "bench/accuracy/scoring.h"
#include "forecast/accuracy.h"
#include "forecast/bounds.h"
#include "forecast/model_registry.h"
#include "forecast/seasonality.h"
#include "forecast/transform.h"

ABSL_FLAG(std::string, data_dir, "../shared/data", "the development data");
ABSL_FLAG(std::string, out_dir, "/tmp/tsf-accuracy", "where <SET>.csv go");
ABSL_FLAG(std::string, models, "",
          "comma-separated models (default: every registered model)");
ABSL_FLAG(std::string, sets, "", "comma-separated sets (default: all)");
ABSL_FLAG(int, threads, 1, "fitting threads (times are per series)");
ABSL_FLAG(int, max_series, 0, "use only the first N series of a set (0: all)");
ABSL_FLAG(int, stride, 1,
          "use every N-th series from the first (as R's subsampled runs)");
ABSL_FLAG(int, min_length, 0,
          "use only series with at least this many training points");
ABSL_FLAG(int, max_length, 0,
          "use only series with at most this many training points (0: any)");
ABSL_FLAG(double, max_lambda, 0,
          "use only positive series whose Guerrero Box-Cox lambda is at most "
          "this (variance growing with the level: growth and multiplicative "
          "seasonality); 0: every series");
ABSL_FLAG(bool, bounds, true,
          "bound bands at zero as the service does for series whose history "
          "is positive (forecast/bounds.h)");
ABSL_FLAG(std::string, seasons, "step",
          "season lengths the models get: step (the calendar step's "
          "defaults, as a client's series), or set (the set's own period, "
          "as R's references were run: M4 Weekly then has none)");
ABSL_FLAG(std::string, r_reference, "",
          "committed CSV of R's scores to print beside ours");
ABSL_FLAG(std::string, r_forecasts_dir, "",
          "score R's forecasts (<SET>.r.csv, <SET>.r_times.csv) from here");
ABSL_FLAG(std::string, write_r_reference, "",
          "with --r_forecasts_dir: write R's scores to this CSV");

namespace {

namespace fc = tsforecast::forecast;
namespace tb = tsforecast::bench;
using Clock = std::chrono::steady_clock;

bool AllFinite(const std::vector<double>& v) {
  return std::all_of(v.begin(), v.end(),
                     [](double x) { return std::isfinite(x); });
}

std::vector<tb::SeriesForecast> RunModel(const std::string& model,
                                         const std::vector<tb::Series>& data,
                                         const std::vector<double>& seasons,
                                         int horizon, int validation_horizon,
                                         int threads,
                                         bool choose_seasons = true) {
  std::vector<tb::SeriesForecast> out(data.size());
  const absl::StatusOr<fc::ModelSpec> spec = fc::ParseModelSpec(model);
  std::atomic<size_t> next{0};
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&] {
      const double levels[] = {80, 95};
      for (size_t i; (i = next.fetch_add(1)) < data.size();) {
        const auto start = Clock::now();
        // As the service builds it: bounded by what the history shows.
        absl::StatusOr<std::unique_ptr<fc::Model>> m = fc::MakeModel(model);
        if (!m.ok()) continue;
        if (absl::GetFlag(FLAGS_bounds)) {
          *m = std::make_unique<fc::BoundedModel>(
              std::move(*m), fc::InferBounds(data[i].train, /*flow=*/false));
        }
        // As the service fits: at the step's validation horizon, not the
        // set's test horizon.
        // And with the seasons chosen once, by auto's rule, as the service
        // does for a request that names none.
        fc::ModelSeasons kept{seasons, false, ""};
        if (choose_seasons && spec.ok()) {
          kept = fc::SeasonsForModel(*spec, data[i].train, seasons);
        }
        auto fitted = (*m)->Fit(
            {data[i].train, kept.lengths, validation_horizon, kept.chosen});
        if (!fitted.ok()) continue;
        auto p = (*fitted)->Predict(horizon, levels);
        if (!p.ok()) continue;
        tb::SeriesForecast& r = out[i];
        r.ms = std::chrono::duration<double, std::milli>(Clock::now() - start)
                   .count();
        r.ok = true;
        r.mean = p->mean;
        r.lo80 = p->intervals[0].lower;
        r.hi80 = p->intervals[0].upper;
        r.lo95 = p->intervals[1].lower;
        r.hi95 = p->intervals[1].upper;
        r.finite = AllFinite(r.mean) && AllFinite(r.lo80) &&
                   AllFinite(r.hi80) && AllFinite(r.lo95) && AllFinite(r.hi95);
      }
    });
  }
  for (auto& t : pool) t.join();
  return out;
}

void WriteRows(std::ofstream& csv, const std::vector<tb::Series>& data,
               const std::string& method,
               const std::vector<tb::SeriesForecast>& f) {
  const auto row = [&](const std::string& id, const std::string& name,
                       const std::vector<double>& v) {
    csv << id << "," << name;
    for (double x : v) csv << "," << x;
    csv << "\n";
  };
  for (size_t i = 0; i < data.size(); ++i) {
    if (!f[i].ok) continue;
    row(data[i].id, method, f[i].mean);
    row(data[i].id, method + ":lo80", f[i].lo80);
    row(data[i].id, method + ":hi80", f[i].hi80);
    row(data[i].id, method + ":lo95", f[i].lo95);
    row(data[i].id, method + ":hi95", f[i].hi95);
  }
}

void PrintHeader() {
  std::printf("%-18s %-22s %8s %7s %6s %6s %6s %7s %8s %8s %6s %s\n", "set",
              "method", "sMAPE", "MASE", "OWA", "cov80", "cov95", "MSIS",
              "ms(med)", "ms(mean)", "failed", "note");
}

void PrintRow(const std::string& set, const std::string& method,
              const tb::Scores& s, const std::string& note) {
  std::printf(
      "%-18s %-22s %8.3f %7.3f %6.3f %6.3f %6.3f %7.3f %8.2f %8.2f %6d %s\n",
      set.c_str(), method.c_str(), s.smape, s.mase, s.owa, s.coverage80,
      s.coverage95, s.msis, s.ms_median, s.ms_mean, s.failed, note.c_str());
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  std::vector<std::string> models;
  if (absl::GetFlag(FLAGS_models).empty()) {
    models = fc::ModelNames();
  } else {
    models = fc::SplitModelList(absl::GetFlag(FLAGS_models));
  }
  for (const std::string& m : models) {
    if (absl::StatusOr<std::unique_ptr<fc::Model>> made = fc::MakeModel(m);
        !made.ok()) {
      std::fprintf(stderr, "%s\n", made.status().ToString().c_str());
      return 2;
    }
  }
  if (absl::GetFlag(FLAGS_seasons) != "step" &&
      absl::GetFlag(FLAGS_seasons) != "set") {
    std::fprintf(stderr, "--seasons: step or set\n");
    return 2;
  }
  std::vector<const tb::DataSet*> sets;
  if (absl::GetFlag(FLAGS_sets).empty()) {
    for (const tb::DataSet& s : tb::AllDataSets()) sets.push_back(&s);
  } else {
    for (absl::string_view name :
         absl::StrSplit(absl::GetFlag(FLAGS_sets), ',')) {
      const tb::DataSet* s = tb::FindDataSet(std::string(name));
      if (s == nullptr) {
        std::fprintf(stderr, "unknown set %s\n", std::string(name).c_str());
        return 2;
      }
      sets.push_back(s);
    }
  }
  const std::vector<tb::RReferenceRow> committed =
      absl::GetFlag(FLAGS_r_reference).empty()
          ? std::vector<tb::RReferenceRow>{}
          : tb::ReadRReference(absl::GetFlag(FLAGS_r_reference));
  std::vector<tb::RReferenceRow> scored_r;
  // OWA per method and set, for the summary.
  std::map<std::string, std::map<std::string, double>> owa;
  // Per set: auto's OWA on R's series and its scores, R's best method by
  // OWA and by MSIS.
  struct AgainstR {
    std::pair<double, tb::Scores> ours{0, {}};
    std::string best_r, best_msis_r;
    double best_r_owa = 0, best_r_msis = 0;
  };
  std::map<std::string, AgainstR> versus;
  std::vector<std::string> keys;
  const int threads = std::max(1, absl::GetFlag(FLAGS_threads));
  std::error_code made;
  std::filesystem::create_directories(absl::GetFlag(FLAGS_out_dir), made);
  if (made) {
    std::fprintf(stderr, "accuracy: cannot create --out_dir %s: %s\n",
                 absl::GetFlag(FLAGS_out_dir).c_str(), made.message().c_str());
    return 2;
  }
  PrintHeader();
  for (const tb::DataSet* set : sets) {
    std::vector<tb::Series> data =
        tb::LoadSeries(absl::GetFlag(FLAGS_data_dir), *set);
    if (const int k = absl::GetFlag(FLAGS_stride); k > 1) {
      std::vector<tb::Series> kept;
      for (size_t i = 0; i < data.size(); i += k) kept.push_back(data[i]);
      data = std::move(kept);
    }
    if (absl::GetFlag(FLAGS_min_length) > 0 ||
        absl::GetFlag(FLAGS_max_length) > 0) {
      const size_t lo = absl::GetFlag(FLAGS_min_length);
      const size_t hi = absl::GetFlag(FLAGS_max_length) > 0
                            ? absl::GetFlag(FLAGS_max_length)
                            : SIZE_MAX;
      std::erase_if(data, [&](const tb::Series& s) {
        return s.train.size() < lo || s.train.size() > hi;
      });
    }
    if (const double most = absl::GetFlag(FLAGS_max_lambda); most != 0) {
      std::erase_if(data, [&](const tb::Series& s) {
        if (!std::all_of(s.train.begin(), s.train.end(),
                         [](double v) { return v > 0; })) {
          return true;
        }
        return fc::GuerreroLambda(s.train, std::max(2, set->mase_period)) >
               most;
      });
    }
    const int max = absl::GetFlag(FLAGS_max_series);
    if (max > 0 && static_cast<size_t>(max) < data.size()) data.resize(max);
    keys.push_back(absl::StrFormat("%s.series=%d\n", set->name, data.size()));
    std::vector<double> seasons;
    if (absl::GetFlag(FLAGS_seasons) == "set") {
      if (set->mase_period > 1) seasons = {double(set->mase_period)};
    } else if (set->step) {
      seasons = fc::DefaultSeasonLengths(*set->step);
    }
    std::vector<double> scales(data.size());
    for (size_t i = 0; i < data.size(); ++i) {
      auto s = fc::MaseScale(data[i].train, set->mase_period);
      scales[i] = s.ok() ? *s : NAN;
    }
    // Naive2 is the OWA reference, at the set's own seasonal period.
    const std::vector<double> naive2_seasons =
        set->mase_period > 1
            ? std::vector<double>{static_cast<double>(set->mase_period)}
            : std::vector<double>{};
    // The service's validation horizon for the set's step (M3 "Other",
    // without a step, leaves it to the model).
    const int validation_horizon =
        set->step ? fc::ValidationHorizon(*set->step) : 0;
    const auto naive2 = RunModel("naive2", data, naive2_seasons, set->horizon,
                                 validation_horizon, threads,
                                 /*choose_seasons=*/false);
    std::ofstream csv(absl::GetFlag(FLAGS_out_dir) + "/" + set->name + ".csv");
    csv << "id,method";
    for (int h = 1; h <= set->horizon; ++h) csv << ",h" << h;
    csv << "\n";
    // R's subsample (every k-th series), to score ours on the same series.
    int r_stride = 1;
    for (const tb::RReferenceRow& r : committed) {
      if (r.set == set->name) r_stride = r.stride;
    }
    if (!absl::GetFlag(FLAGS_r_forecasts_dir).empty()) {
      const tb::RForecasts rf = tb::ReadRForecasts(
          absl::GetFlag(FLAGS_r_forecasts_dir), set->name, data);
      if (!rf.methods.empty()) r_stride = rf.stride;
      for (const auto& [method, f] : rf.methods) {
        const tb::Scores s = tb::Score(data, f, naive2, scales, rf.included);
        scored_r.push_back({set->name, method, rf.stride, s});
      }
    }
    std::vector<bool> subsample(data.size(), true);
    for (size_t i = 0; i < data.size(); ++i) subsample[i] = i % r_stride == 0;
    std::map<std::string, double> our_median_ms;

    for (const std::string& model : models) {
      const auto f = RunModel(model, data, seasons, set->horizon,
                              validation_horizon, threads);
      const tb::Scores s = tb::Score(data, f, naive2, scales);
      std::string note;
      if (s.nonfinite > 0) note = absl::StrCat(s.nonfinite, " non-finite");
      double owa_on_r = s.owa;
      if (r_stride > 1 && absl::GetFlag(FLAGS_stride) == 1) {
        const tb::Scores sub = tb::Score(data, f, naive2, scales, subsample);
        owa_on_r = sub.owa;
        absl::StrAppend(&note, note.empty() ? "" : "; ", "OWA ",
                        absl::StrFormat("%.3f", sub.owa), " on R's 1/",
                        r_stride);
      }
      if (model == "auto") versus[set->name].ours = {owa_on_r, s};
      PrintRow(set->name, model, s, note);
      WriteRows(csv, data, model, f);
      owa[model][set->name] = s.owa;
      our_median_ms[model] = s.ms_median;
      const std::string p = absl::StrCat(set->name, ".", model, ".");
      keys.push_back(absl::StrFormat(
          "%ssmape=%.4f\n%smase=%.4f\n%sowa=%.4f\n%scoverage80=%.4f\n"
          "%scoverage95=%.4f\n%smsis=%.4f\n%sms_per_series=%.3f\n"
          "%sms_median=%.3f\n%sfailed=%d\n%snonfinite=%d\n",
          p, s.smape, p, s.mase, p, s.owa, p, s.coverage80, p, s.coverage95, p,
          s.msis, p, s.ms_mean, p, s.ms_median, p, s.failed, p, s.nonfinite));
    }
    // R beside ours: freshly scored, else the committed figures.
    const std::vector<tb::RReferenceRow>& rs =
        absl::GetFlag(FLAGS_r_forecasts_dir).empty() ? committed : scored_r;
    for (const tb::RReferenceRow& r : rs) {
      if (r.set != set->name) continue;
      std::string note =
          r.stride > 1 ? absl::StrCat("1 in ", r.stride, " series") : "";
      // Per-series speed against R's auto.arima (median ms over median ms).
      for (const char* ours : {"arima", "auto"}) {
        if (r.method != "R_auto.arima" || !our_median_ms.contains(ours) ||
            our_median_ms[ours] <= 0) {
          continue;
        }
        const double ratio = r.scores.ms_median / our_median_ms[ours];
        absl::StrAppend(&note, note.empty() ? "" : "; ",
                        absl::StrFormat("%s %.0fx faster", ours, ratio));
        keys.push_back(absl::StrFormat("%s.%s.speedup_vs_r=%.1f\n", set->name,
                                       ours, ratio));
      }
      PrintRow(set->name, r.method, r.scores, note);
      owa[r.method][set->name] = r.scores.owa;
      // A method that failed on some series is not scored on all of them.
      if (r.scores.failed > 0) continue;
      AgainstR& v = versus[set->name];
      if (v.best_r.empty() || r.scores.owa < v.best_r_owa) {
        v.best_r = r.method;
        v.best_r_owa = r.scores.owa;
      }
      if (v.best_msis_r.empty() || r.scores.msis < v.best_r_msis) {
        v.best_msis_r = r.method;
        v.best_r_msis = r.scores.msis;
      }
    }
  }
  // auto against R's best method, set by set (on R's series where R ran
  // a subsample).
  std::printf("\n%-18s %8s %-14s %7s %7s %6s %6s %8s %-14s %8s\n", "set",
              "auto OWA", "best R", "R OWA", "diff", "cov80", "cov95", "MSIS",
              "best R MSIS", "R MSIS");
  for (const auto& [set, v] : versus) {
    if (v.ours.first == 0 || v.best_r.empty()) continue;
    std::printf(
        "%-18s %8.3f %-14s %7.3f %+6.1f%% %6.3f %6.3f %8.2f %-14s "
        "%8.2f\n",
        set.c_str(), v.ours.first, v.best_r.c_str(), v.best_r_owa,
        100 * (v.ours.first / v.best_r_owa - 1), v.ours.second.coverage80,
        v.ours.second.coverage95, v.ours.second.msis, v.best_msis_r.c_str(),
        v.best_r_msis);
    keys.push_back(absl::StrFormat("%s.auto.vs_best_r=%.4f\n", set,
                                   v.ours.first / v.best_r_owa - 1));
  }
  if (!absl::GetFlag(FLAGS_write_r_reference).empty()) {
    tb::WriteRReference(absl::GetFlag(FLAGS_write_r_reference), scored_r);
  }
  // Summary: geometric mean of OWA over the sets each method ran on.
  std::printf("\n%-22s %6s %5s\n", "method", "gmOWA", "sets");
  for (const auto& [method, by_set] : owa) {
    double log_sum = 0;
    for (const auto& [set, v] : by_set) log_sum += std::log(v);
    const double gm = std::exp(log_sum / by_set.size());
    std::printf("%-22s %6.3f %5zu\n", method.c_str(), gm, by_set.size());
    keys.push_back(absl::StrFormat("all.%s.owa_geomean=%.4f\n", method, gm));
  }
  std::printf("\n");
  for (const std::string& k : keys) std::fputs(k.c_str(), stdout);
  return 0;
}
