#include "tools/tsfctl/plot.h"

#include <librsvg/rsvg.h>

#include <algorithm>
#include <cmath>
#include <fstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/time_util.h"

namespace tsforecast::tsfctl {
namespace {

constexpr double kLeft = 80, kRight = 20, kTop = 40, kBottom = 40;

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
      "fill=\"white\"/>\n<text x=\"%g\" y=\"24\" font-size=\"15\">%s</text>\n",
      kPlotWidth, kPlotHeight, kPlotWidth, kPlotHeight, kLeft, Escape(d.title));
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
        "fill=\"#555\">%g</text>\n",
        kLeft, kPlotWidth - kRight, sy(v), sy(v), kLeft - 6, sy(v) + 4, v);
  }
  for (int i = 0; i <= 5; ++i) {
    const int64_t t = static_cast<int64_t>(x0 + (x1 - x0) * i / 5);
    absl::StrAppendFormat(
        &svg,
        "<text x=\"%.1f\" y=\"%g\" text-anchor=\"%s\" fill=\"#555\">%s"
        "</text>\n",
        sx(t), kPlotHeight - kBottom + 18,
        i == 0 ? "start" : (i == 5 ? "end" : "middle"),
        FormatTimestamp(t).substr(0, 10));
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
  return svg + "</svg>\n";
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
