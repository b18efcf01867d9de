// Runs Prometheus' PromQL test files (promql_test_file.h) through our
// PromQL evaluation (service/http/prom_query.h): each file's series are
// loaded into a fresh store, every eval is asked at its instant, and every
// failure is printed with its file, line and reason. Ends with the line
// "N passed, M failed". Exit status 0 once every file was run (the count
// is the result), 2 when a file cannot be read or is not in the format.
//   promql_cases [--min_passed=K] FILE...
// With --min_passed, exit 1 when fewer than K cases pass (a ratchet for
// tests).
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "service/http/prom_query.h"
#include "service/ingest/pushed_series.h"
#include "storage/series_store.h"
#include "tools/promql_cases/promql_test_file.h"

ABSL_FLAG(int64_t, min_passed, -1, "exit 1 when fewer cases pass (-1: never)");
ABSL_FLAG(bool, quiet, false, "print the summary lines only");

namespace tsforecast::promql_cases {
namespace {

namespace fs = std::filesystem;

bool Close(double want, double got) {
  if (std::isnan(want) || std::isnan(got)) {
    return std::isnan(want) && std::isnan(got);
  }
  if (want == got) return true;
  return std::fabs(want - got) <=
         1e-6 * std::max(std::fabs(want), std::fabs(got));
}

std::string Text(const storage::Labels& labels, double value) {
  std::vector<std::string> parts;
  for (const auto& [k, v] : labels)
    parts.push_back(absl::StrCat(k, "=\"", v, "\""));
  return absl::StrCat("{", absl::StrJoin(parts, ","), "} ", value);
}

class FileRun {
 public:
  explicit FileRun(std::string path) : path_(std::move(path)) {}
  ~FileRun() { CloseStore(); }

  // False when the file could not be run at all.
  bool Run(int64_t* passed, int64_t* failed) {
    std::ifstream in(path_);
    std::stringstream text;
    text << in.rdbuf();
    if (!in) {
      std::fprintf(stderr, "%s: cannot read\n", path_.c_str());
      return false;
    }
    absl::StatusOr<std::vector<Command>> commands = ParseTestFile(text.str());
    if (!commands.ok()) {
      std::fprintf(stderr, "%s: %s\n", path_.c_str(),
                   std::string(commands.status().message()).c_str());
      return false;
    }
    if (!OpenStore()) return false;
    for (const Command& c : *commands) {
      switch (c.kind) {
        case Command::Kind::kLoad:
          Load(c);
          break;
        case Command::Kind::kClear:
          if (!OpenStore()) return false;
          break;
        default: {
          const std::string why = Eval(c);
          if (why.empty()) {
            ++*passed;
          } else {
            ++*failed;
            if (!absl::GetFlag(FLAGS_quiet)) {
              std::printf("%s:%d: %s: %s\n", path_.c_str(), c.line,
                          c.expr.c_str(), why.c_str());
            }
          }
        }
      }
    }
    return true;
  }

 private:
  void CloseStore() {
    store_.reset();
    std::error_code ec;
    if (!dir_.empty()) fs::remove_all(dir_, ec);
  }

  bool OpenStore() {
    CloseStore();
    dir_ = fs::temp_directory_path() /
           absl::StrCat("tsf-promql-cases-", getpid(), "-", runs_++);
    storage::StorageOptions options;
    options.data_dir = dir_.string();
    options.durability = storage::Durability::kProcess;
    absl::StatusOr<std::unique_ptr<storage::SeriesStore>> store =
        storage::SeriesStore::Open(options);
    if (!store.ok()) {
      std::fprintf(stderr, "cannot open a store: %s\n",
                   store.status().ToString().c_str());
      return false;
    }
    store_ = *std::move(store);
    return true;
  }

  // Values our store cannot hold (NaN, infinities, staleness markers) are
  // left out; the cases that need them fail, which the count shows.
  void Load(const Command& c) {
    for (const LoadedSeries& s : c.series) {
      absl::StatusOr<std::string> name =
          service::ingest::PushedSeriesName(s.labels);
      if (!name.ok()) continue;
      storage::SeriesWrite w;
      w.series = *name;
      w.create_if_missing = service::ingest::PushedDefinition(
          *name, s.labels, service::ingest::PushDefaults());
      for (size_t i = 0; i < s.values.size(); ++i) {
        if (s.values[i] && std::isfinite(*s.values[i])) {
          w.points.push_back(
              {static_cast<int64_t>(i) * c.step_ms, *s.values[i]});
        }
      }
      (void)store_->Write({std::move(w)});
    }
  }

  // "" when the case passes, else why not.
  std::string Eval(const Command& c) {
    service::http::PromEvaluator evaluator(store_.get(), nullptr);
    absl::StatusOr<service::http::PromQuery> query =
        service::http::ParsePromQuery(c.expr);
    absl::StatusOr<std::vector<std::pair<storage::Labels, double>>> got =
        absl::UnknownError("not evaluated");
    if (!query.ok()) got = query.status();
    bool scalar = false;
    if (query.ok()) {
      if (query->kind == service::http::PromQuery::Kind::kScalar) {
        scalar = true;
        got = std::vector<std::pair<storage::Labels, double>>{
            {storage::Labels{}, query->scalar}};
      } else {
        absl::StatusOr<std::vector<storage::SeriesInfo>> selected =
            evaluator.SelectSeries(*query);
        absl::StatusOr<service::http::PromResult> result =
            selected.ok()
                ? evaluator.Evaluate(*query, *selected, c.at_ms, c.at_ms, 1,
                                     absl::Now() + absl::Seconds(30))
                : absl::StatusOr<service::http::PromResult>(selected.status());
        if (!result.ok()) {
          got = result.status();
        } else {
          got = std::vector<std::pair<storage::Labels, double>>{};
          for (const service::http::PromSeries& s : result->series) {
            got->emplace_back(storage::Labels(s.metric.begin(), s.metric.end()),
                              s.samples.at(0).second);
          }
        }
      }
    }
    if (c.kind == Command::Kind::kEvalFail) {
      return got.ok() ? "expected an error, got an answer" : "";
    }
    if (!got.ok()) return absl::StrCat("error: ", got.status().message());
    const bool want_scalar = !c.expected.empty() && c.expected[0].scalar;
    if (want_scalar != scalar && !(c.expected.empty() && !scalar)) {
      return want_scalar ? "expected a scalar, got a vector"
                         : "expected a vector, got a scalar";
    }
    if (got->size() != c.expected.size()) {
      return absl::StrCat("expected ", c.expected.size(), " results, got ",
                          got->size());
    }
    std::vector<bool> used(got->size(), false);
    for (size_t i = 0; i < c.expected.size(); ++i) {
      const ExpectedSample& e = c.expected[i];
      bool found = false;
      for (size_t j = 0; j < got->size() && !found; ++j) {
        if (c.kind == Command::Kind::kEvalOrdered && j != i) continue;
        if (used[j]) continue;
        const auto& [labels, value] = (*got)[j];
        if ((scalar || labels == e.labels) && Close(e.value, value)) {
          used[j] = found = true;
        }
      }
      if (!found) {
        return absl::StrCat("expected ", Text(e.labels, e.value),
                            c.kind == Command::Kind::kEvalOrdered
                                ? absl::StrCat(" at position ", i)
                                : "",
                            ", not in the answer (first answered: ",
                            Text((*got)[0].first, (*got)[0].second), ")");
      }
    }
    return "";
  }

  std::string path_;
  fs::path dir_;
  int runs_ = 0;
  std::unique_ptr<storage::SeriesStore> store_;
};

}  // namespace
}  // namespace tsforecast::promql_cases

int main(int argc, char** argv) {
  std::vector<char*> files = absl::ParseCommandLine(argc, argv);
  files.erase(files.begin());
  if (files.empty()) {
    std::fprintf(stderr, "usage: promql_cases [--min_passed=K] FILE...\n");
    return 2;
  }
  int64_t passed = 0, failed = 0;
  for (const char* file : files) {
    int64_t p = 0, f = 0;
    tsforecast::promql_cases::FileRun run(file);
    const bool ok = run.Run(&p, &f);
    if (!ok) return 2;
    std::printf("%s: %lld passed, %lld failed\n", file,
                static_cast<long long>(p), static_cast<long long>(f));
    passed += p;
    failed += f;
  }
  std::printf("%lld passed, %lld failed\n", static_cast<long long>(passed),
              static_cast<long long>(failed));
  const int64_t min = absl::GetFlag(FLAGS_min_passed);
  return min >= 0 && passed < min ? 1 : 0;
}
