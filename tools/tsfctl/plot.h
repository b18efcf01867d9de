// Charts of a forecast for `tsfctl forecast --plot`: history, forecast mean
// and shaded interval bands, as SVG (drawn here) or PNG (the same SVG
// rasterised with librsvg).
#ifndef TSFORECAST_TOOLS_TSFCTL_PLOT_H_
#define TSFORECAST_TOOLS_TSFCTL_PLOT_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"

namespace tsforecast::tsfctl {

struct PlotBand {
  double level = 0;
  std::vector<double> lower, upper;
};

struct PlotData {
  std::string title;     // short: series, model family, horizon
  std::string subtitle;  // "as of 2024-03-01 · source: eia"; may be empty
  std::string unit;      // y axis label; may be empty
  int decimals = -1;     // places of the y labels; -1: shortest (%g)
  std::vector<int64_t> history_ms;
  std::vector<double> history;
  std::vector<int64_t> forecast_ms;
  std::vector<double> mean;
  std::vector<PlotBand> bands;
};

inline constexpr int kPlotWidth = 1000;
inline constexpr int kPlotHeight = 450;

// The chart: title and subtitle, a y axis with the unit, x ticks on
// calendar boundaries (years, quarters, months, weeks or days, whichever
// gives 3 to 8), a legend (history, forecast, each band), and a marker with
// its date at the last observation. Elements carry ids (history,
// forecast-mean, band-95, legend, last-observation, x-tick) for tests.
std::string RenderSvg(const PlotData& data);

// Writes an SVG or PNG chart; the format follows the extension.
// INVALID_ARGUMENT for another extension, UNAVAILABLE when the file cannot
// be written.
absl::Status WritePlot(const std::string& path, const PlotData& data);

}  // namespace tsforecast::tsfctl

#endif  // TSFORECAST_TOOLS_TSFCTL_PLOT_H_
