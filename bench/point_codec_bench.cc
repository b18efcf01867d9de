// Micro benchmark of the block codec: encode and decode 1024-point blocks of
// 2-decimal prices, integer tonnages and arbitrary doubles. Reports
// points/s and bytes per point (counter "B/pt").
#include <cmath>
#include <random>

#include "benchmark/benchmark.h"
#include "storage/point_codec.h"

namespace tsforecast::storage {
namespace {

constexpr int64_t kDay = 86400000;

std::vector<Point> MakeBlock(int kind) {
  std::mt19937_64 rng(1);
  std::normal_distribution<double> n01(0, 1);
  std::vector<Point> points;
  double level = 850;
  for (int i = 0; i < 1024; ++i) {
    double v = 0;
    if (kind == 0) {  // price: geometric walk rounded to cents
      level *= std::exp(0.015 * n01(rng));
      v = std::round(level * 100) / 100;
    } else if (kind == 1) {  // tonnage: seasonal integer flow with noise
      v = std::round(250000 * (1 + 0.2 * std::sin(i * 2 * M_PI / 365.25)) *
                     (1 + 0.06 * n01(rng)));
    } else {  // arbitrary doubles
      v = n01(rng) * 1e3;
    }
    points.push_back({i * kDay, v});
  }
  return points;
}

void BM_Encode(benchmark::State& state) {
  const std::vector<Point> points = MakeBlock(static_cast<int>(state.range(0)));
  std::string out;
  for (auto _ : state) {
    out.clear();
    EncodePoints(points, &out);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations() * points.size());
  state.counters["B/pt"] = static_cast<double>(out.size()) / points.size();
}

void BM_Decode(benchmark::State& state) {
  const std::vector<Point> points = MakeBlock(static_cast<int>(state.range(0)));
  std::string encoded;
  EncodePoints(points, &encoded);
  std::vector<Point> out;
  for (auto _ : state) {
    out.clear();
    size_t pos = 0;
    benchmark::DoNotOptimize(DecodePoints(encoded, &pos, &out));
  }
  state.SetItemsProcessed(state.iterations() * points.size());
}

// 0 = prices, 1 = tonnages, 2 = arbitrary doubles
BENCHMARK(BM_Encode)->Arg(0)->Arg(1)->Arg(2);
BENCHMARK(BM_Decode)->Arg(0)->Arg(1)->Arg(2);

}  // namespace
}  // namespace tsforecast::storage

BENCHMARK_MAIN();
