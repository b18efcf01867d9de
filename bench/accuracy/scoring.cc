#include "bench/accuracy/scoring.h"

#include <algorithm>
#include <cmath>

#include "forecast/accuracy.h"

namespace tsforecast::bench {

namespace fc = tsforecast::forecast;

Scores Score(const std::vector<Series>& data,
             const std::vector<SeriesForecast>& f,
             const std::vector<SeriesForecast>& naive2,
             const std::vector<double>& scales,
             const std::vector<bool>& include) {
  Scores s;
  double n2_smape = 0, n2_mase = 0;
  int scaled = 0;
  std::vector<double> times;
  for (size_t i = 0; i < data.size(); ++i) {
    if (!include.empty() && !include[i]) continue;
    const bool usable = f[i].ok && f[i].finite;
    const SeriesForecast& r = usable ? f[i] : naive2[i];
    s.failed += !f[i].ok;
    s.nonfinite += f[i].ok && !f[i].finite;
    ++s.series;
    const auto& y = data[i].test;
    const size_t h = y.size();
    const auto head = [h](const std::vector<double>& v) {
      return absl::MakeConstSpan(v.data(), std::min(h, v.size()));
    };
    s.smape += fc::Smape(y, head(r.mean));
    n2_smape += fc::Smape(y, head(naive2[i].mean));
    if (!r.lo80.empty()) {
      s.coverage80 += fc::Coverage(y, head(r.lo80), head(r.hi80));
      s.coverage95 += fc::Coverage(y, head(r.lo95), head(r.hi95));
    }
    if (std::isfinite(scales[i])) {
      ++scaled;
      s.mase += fc::Mase(y, head(r.mean), scales[i]);
      n2_mase += fc::Mase(y, head(naive2[i].mean), scales[i]);
      if (!r.lo95.empty()) {
        s.msis += fc::Msis(y, head(r.lo95), head(r.hi95), 95, scales[i]);
      }
    }
    if (f[i].ok) times.push_back(f[i].ms);
  }
  if (s.series == 0) return s;
  s.smape /= s.series;
  n2_smape /= s.series;
  s.coverage80 /= s.series;
  s.coverage95 /= s.series;
  if (scaled > 0) {
    s.mase /= scaled;
    n2_mase /= scaled;
    s.msis /= scaled;
  }
  s.owa = fc::Owa(s.smape, s.mase, n2_smape, n2_mase);
  if (!times.empty()) {
    std::sort(times.begin(), times.end());
    s.ms_median = times[times.size() / 2];
    double total = 0;
    for (double t : times) total += t;
    s.ms_mean = total / times.size();
  }
  return s;
}

}  // namespace tsforecast::bench
