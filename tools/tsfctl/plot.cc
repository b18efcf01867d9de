#include "tools/tsfctl/plot.h"

#include <librsvg/rsvg.h>

#include <algorithm>
#include <cmath>
#include <fstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/calendar_step.h"
#include "common/time_util.h"
#include "tools/tsfctl/output.h"

namespace tsforecast::tsfctl {
namespace {

constexpr double kLeft = 80, kRight = 20, kTop = 56, kBottom = 40;

std::string Escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '<') {
      out += "&lt;";
    } else if (c == '>') {
      out += "&gt;";
    } else if (c == '&') {
      out += "&amp;";
    } else {
      out += c;
    }
  }
  return out;
}

// About `count` round tick values covering [lo, hi].
std::vector<double> Ticks(double lo, double hi, int count) {
  const double raw = (hi - lo) / count;
  const double mag = std::pow(10, std::floor(std::log10(raw)));
  double step = mag;
  for (double m : {1.0, 2.0, 5.0, 10.0}) {
    if (m * mag >= raw) {
      step = m * mag;
      break;
    }
  }
  std::vector<double> out;
  for (double t = std::ceil(lo / step) * step; t <= hi + 1e-9 * (hi - lo);
       t += step) {
    out.push_back(t);
  }
  return out;
}

}  // namespace

// Tick times on calendar boundaries within [x0, x1]: the coarsest of
// years, quarters, months, weeks and days (and their multiples) that
// gives at least 3 ticks, thinned to at most 8; labels as precise as the
// unit needs ("2024", "2024-04", "2024-04-15").
std::vector<std::pair<int64_t, std::string>> CalendarTicks(int64_t x0,
                                                           int64_t x1) {
  const std::pair<CalendarStep, int> kUnits[] = {
      {CalendarStep(StepUnit::kYear, 10), 4},
      {CalendarStep(StepUnit::kYear, 5), 4},
      {CalendarStep(StepUnit::kYear, 2), 4},
      {CalendarStep(StepUnit::kYear, 1), 4},
      {CalendarStep(StepUnit::kQuarter, 1), 7},
      {CalendarStep(StepUnit::kMonth, 1), 7},
      {CalendarStep(StepUnit::kWeek, 1), 10},
      {CalendarStep(StepUnit::kDay, 1), 10},
  };
  for (const auto& [step, label_chars] : kUnits) {
    std::vector<int64_t> ticks;
    for (int64_t t = step.Add(x0, step.AlignDown(x0) == x0 ? 0 : 1);
         t <= x1 && ticks.size() < 1000; t = step.Add(t, 1)) {
      ticks.push_back(t);
    }
    if (ticks.size() < 3 && step.unit() != StepUnit::kDay) continue;
    const size_t every = (ticks.size() + 7) / 8;
    std::vector<std::pair<int64_t, std::string>> out;
    for (size_t i = 0; i < ticks.size(); i += std::max<size_t>(every, 1)) {
      out.push_back(
          {ticks[i], FormatTimestamp(ticks[i]).substr(0, label_chars)});
    }
    return out;
  }
  return {};
}

std::string RenderSvg(const PlotData& d) {
  std::vector<int64_t> xs = d.history_ms;
  xs.insert(xs.end(), d.forecast_ms.begin(), d.forecast_ms.end());
  std::vector<double> ys = d.history;
  ys.insert(ys.end(), d.mean.begin(), d.mean.end());
  for (const PlotBand& b : d.bands) {
    ys.insert(ys.end(), b.lower.begin(), b.lower.end());
    ys.insert(ys.end(), b.upper.begin(), b.upper.end());
  }
  std::string svg = absl::StrFormat(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
      "viewBox=\"0 0 %d %d\" font-family=\"DejaVu Sans, sans-serif\" "
      "font-size=\"12\">\n<rect width=\"100%%\" height=\"100%%\" "
      "fill=\"white\"/>\n<text id=\"title\" x=\"%g\" y=\"22\" "
      "font-size=\"15\">%s</text>\n<text id=\"subtitle\" x=\"%g\" y=\"40\" "
      "fill=\"#555\">%s</text>\n",
      kPlotWidth, kPlotHeight, kPlotWidth, kPlotHeight, kLeft, Escape(d.title),
      kLeft, Escape(d.subtitle));
  if (!d.unit.empty()) {
    absl::StrAppendFormat(
        &svg,
        "<text id=\"unit\" transform=\"translate(16,%g) rotate(-90)\" "
        "text-anchor=\"middle\" fill=\"#555\">%s</text>\n",
        kTop + (kPlotHeight - kTop - kBottom) / 2, Escape(d.unit));
  }
  if (xs.empty()) return svg + "</svg>\n";
  const double x0 =
      static_cast<double>(*std::min_element(xs.begin(), xs.end()));
  const double x1 =
      static_cast<double>(*std::max_element(xs.begin(), xs.end()));
  double y0 = *std::min_element(ys.begin(), ys.end());
  double y1 = *std::max_element(ys.begin(), ys.end());
  if (y0 == y1) {
    y0 -= 1;
    y1 += 1;
  }
  const double pad = (y1 - y0) * 0.05;
  y0 -= pad;
  y1 += pad;
  auto sx = [&](int64_t t) {
    return kLeft +
           (kPlotWidth - kLeft - kRight) *
               (x1 == x0 ? 0.5 : (static_cast<double>(t) - x0) / (x1 - x0));
  };
  auto sy = [&](double v) {
    return kTop + (kPlotHeight - kTop - kBottom) * (1 - (v - y0) / (y1 - y0));
  };
  for (double v : Ticks(y0, y1, 6)) {
    absl::StrAppendFormat(
        &svg,
        "<line x1=\"%g\" x2=\"%g\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#eee\"/>"
        "<text x=\"%g\" y=\"%.1f\" text-anchor=\"end\" "
        "fill=\"#555\">%s</text>\n",
        kLeft, kPlotWidth - kRight, sy(v), sy(v), kLeft - 6, sy(v) + 4,
        d.decimals >= 0 ? FormatNumber(v, d.decimals, true)
                        : absl::StrFormat("%g", v));
  }
  for (const auto& [t, label] :
       CalendarTicks(static_cast<int64_t>(x0), static_cast<int64_t>(x1))) {
    absl::StrAppendFormat(
        &svg,
        "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%g\" y2=\"%g\" stroke=\"#eee\"/>"
        "<text class=\"x-tick\" x=\"%.1f\" y=\"%g\" text-anchor=\"middle\" "
        "fill=\"#555\">%s</text>\n",
        sx(t), sx(t), kTop, kPlotHeight - kBottom, sx(t),
        kPlotHeight - kBottom + 18, label);
  }
  // Widest band first so narrower ones draw on top.
  std::vector<const PlotBand*> bands;
  for (const PlotBand& b : d.bands) bands.push_back(&b);
  std::sort(bands.begin(), bands.end(),
            [](auto a, auto b) { return a->level > b->level; });
  const char* kFills[] = {"#f8cbad", "#f4b183"};
  for (size_t i = 0; i < bands.size(); ++i) {
    std::string points;
    const PlotBand& b = *bands[i];
    for (size_t j = 0; j < d.forecast_ms.size() && j < b.upper.size(); ++j) {
      absl::StrAppendFormat(&points, "%.1f,%.1f ", sx(d.forecast_ms[j]),
                            sy(b.upper[j]));
    }
    for (size_t j = std::min(d.forecast_ms.size(), b.lower.size()); j-- > 0;) {
      absl::StrAppendFormat(&points, "%.1f,%.1f ", sx(d.forecast_ms[j]),
                            sy(b.lower[j]));
    }
    absl::StrAppendFormat(
        &svg, "<polygon id=\"band-%g\" fill=\"%s\" points=\"%s\"/>\n", b.level,
        kFills[std::min<size_t>(i, 1)], points);
  }
  auto polyline = [&](const char* id, const char* style,
                      const std::vector<int64_t>& t,
                      const std::vector<double>& v) {
    std::string points;
    for (size_t i = 0; i < t.size() && i < v.size(); ++i) {
      absl::StrAppendFormat(&points, "%.1f,%.1f ", sx(t[i]), sy(v[i]));
    }
    absl::StrAppendFormat(
        &svg, "<polyline id=\"%s\" fill=\"none\" %s points=\"%s\"/>\n", id,
        style, points);
  };
  polyline("history", "stroke=\"#1f4e79\" stroke-width=\"1.5\"", d.history_ms,
           d.history);
  if (!d.forecast_ms.empty()) {
    std::vector<int64_t> t = d.forecast_ms;
    std::vector<double> v = d.mean;
    if (!d.history_ms.empty()) {  // join the last actual to the forecast
      t.insert(t.begin(), d.history_ms.back());
      v.insert(v.begin(), d.history.back());
    }
    polyline("forecast-mean",
             "stroke=\"#c55a11\" stroke-width=\"2\" stroke-dasharray=\"6 3\"",
             t, v);
  }
  if (!d.history_ms.empty()) {
    const double lx = sx(d.history_ms.back()), ly = sy(d.history.back());
    absl::StrAppendFormat(
        &svg,
        "<g id=\"last-observation\"><circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\" "
        "fill=\"#1f4e79\"/><text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\" "
        "fill=\"#1f4e79\">%s</text></g>\n",
        lx, ly, lx - 6, ly - 8,
        FormatTimestamp(d.history_ms.back()).substr(0, 10));
  }
  // Legend, top right: what each mark is.
  std::string legend = "<g id=\"legend\">";
  double lx = kPlotWidth - kRight - 330;
  const double ly = 36;
  absl::StrAppendFormat(&legend,
                        "<line x1=\"%g\" x2=\"%g\" y1=\"%g\" y2=\"%g\" "
                        "stroke=\"#1f4e79\" stroke-width=\"2\"/><text x=\"%g\" "
                        "y=\"%g\">history</text>",
                        lx, lx + 18, ly, ly, lx + 22, ly + 4);
  lx += 80;
  absl::StrAppendFormat(
      &legend,
      "<line x1=\"%g\" x2=\"%g\" y1=\"%g\" y2=\"%g\" stroke=\"#c55a11\" "
      "stroke-width=\"2\" stroke-dasharray=\"6 3\"/><text x=\"%g\" "
      "y=\"%g\">forecast</text>",
      lx, lx + 18, ly, ly, lx + 22, ly + 4);
  lx += 85;
  for (size_t i = 0; i < bands.size(); ++i) {
    absl::StrAppendFormat(&legend,
                          "<rect x=\"%g\" y=\"%g\" width=\"14\" height=\"10\" "
                          "fill=\"%s\"/><text x=\"%g\" y=\"%g\">%g%%</text>",
                          lx, ly - 5, kFills[std::min<size_t>(i, 1)], lx + 18,
                          ly + 4, bands[i]->level);
    lx += 60;
  }
  return svg + legend + "</g>\n</svg>\n";
}

absl::Status WritePlot(const std::string& path, const PlotData& data) {
  const std::string svg = RenderSvg(data);
  if (absl::EndsWith(path, ".svg")) {
    std::ofstream out(path, std::ios::binary);
    out << svg;
    out.close();
    if (!out) {
      return absl::UnavailableError(absl::StrCat("cannot write ", path));
    }
    return absl::OkStatus();
  }
  if (!absl::EndsWith(path, ".png")) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--plot \"", path, "\": the file name must end in .svg or .png"));
  }
  GError* error = nullptr;
  RsvgHandle* handle = rsvg_handle_new_from_data(
      reinterpret_cast<const guint8*>(svg.data()), svg.size(), &error);
  if (handle == nullptr) {
    const std::string why = error != nullptr ? error->message : "unknown";
    if (error != nullptr) g_error_free(error);
    return absl::InternalError(absl::StrCat("rendering the chart: ", why));
  }
  cairo_surface_t* surface =
      cairo_image_surface_create(CAIRO_FORMAT_ARGB32, kPlotWidth, kPlotHeight);
  cairo_t* cr = cairo_create(surface);
  const RsvgRectangle viewport = {0, 0, kPlotWidth, kPlotHeight};
  const bool drawn = rsvg_handle_render_document(handle, cr, &viewport, &error);
  absl::Status status = absl::OkStatus();
  if (!drawn) {
    status = absl::InternalError(
        absl::StrCat("rendering the chart: ",
                     error != nullptr ? error->message : "unknown"));
    if (error != nullptr) g_error_free(error);
  } else if (cairo_surface_write_to_png(surface, path.c_str()) !=
             CAIRO_STATUS_SUCCESS) {
    status = absl::UnavailableError(absl::StrCat("cannot write ", path));
  }
  cairo_destroy(cr);
  cairo_surface_destroy(surface);
  g_object_unref(handle);
  return status;
}

}  // namespace tsforecast::tsfctl
