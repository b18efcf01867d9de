// Selecting series by labels among 100,000 through the real store
// (RocksSeriesStore::ListSeries on a temp dir): equality, regex, negative
// and name matchers. Reports time per selection and series returned.
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "benchmark/benchmark.h"
#include "storage/selector.h"
#include "storage/series_store.h"

namespace tsforecast::storage {
namespace {

constexpr int kSeries = 100000;

SeriesStore& Store() {
  static SeriesStore* store = [] {
    const std::string dir =
        absl::StrCat(std::filesystem::temp_directory_path().string(),
                     "/tsf-label-bench-", getpid());
    std::filesystem::remove_all(dir);
    StorageOptions options;
    options.data_dir = dir;
    options.durability = Durability::kProcess;
    auto opened = SeriesStore::Open(options);
    if (!opened.ok()) std::abort();
    for (int i = 0; i < kSeries; ++i) {
      SeriesDefinition def;
      def.name = absl::StrCat(i % 2 ? "export_" : "price_", i);
      def.step = CalendarStep(StepUnit::kDay, 1);
      def.labels = {{"country", absl::StrCat("c", i % 200)},
                    {"kind", i % 2 ? "export" : "price"},
                    {"product", absl::StrCat("p", i % 37)}};
      if (!(*opened)->CreateSeries(def).ok()) std::abort();
    }
    std::filesystem::remove_all(dir);  // open files stay valid
    return opened->release();
  }();
  return *store;
}

void BM_Select(benchmark::State& state, const char* selector) {
  SeriesStore& store = Store();
  auto matchers = ParseSelector(selector);
  size_t found = 0;
  for (auto _ : state) {
    auto page = store.ListSeries(*matchers, "", 1000000);
    if (!page.ok()) std::abort();
    found = page->size();
  }
  state.counters["series"] = static_cast<double>(found);
}

BENCHMARK_CAPTURE(BM_Select, country_and_kind,
                  R"({country="c7",kind="export"})")
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Select, one_name, R"(price_4242)")
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Select, regex_countries,
                  R"({country=~"c1[0-9]",product="p3"})")
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Select, negative_only,
                  R"({kind!="price",product!~"p[0-9]"})")
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace tsforecast::storage

BENCHMARK_MAIN();
