#include "tools/tsfctl/forecast_commands.h"

#include <algorithm>
#include <iostream>
#include <map>
#include <optional>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/time_util.h"
#include "forecast/vintage_errors.h"
#include "tools/tsfctl/plot.h"
#include "tools/tsfctl/points_commands.h"
#include "tools/tsfctl/series_commands.h"

namespace tsforecast::tsfctl {
namespace {

struct ForecastArgs {
  std::string series, model = "auto", transform, metric;
  std::vector<std::string> options;
  std::vector<double> levels, seasons;
  int horizon = 0, last = 0, windows = 5;
  std::vector<std::string> models;
  bool save_vintage = false;
  int64_t vintage_id = 0;
  std::string plot;
  int updates = 0;  // watch: stop after this many (0: until Ctrl-C)
  std::optional<double> max_missing;  // percent
  std::string agg, agg_step;          // forecast on a coarser step
  bool compare = false;               // vintages: against the actuals since
  bool explain = false;  // forecast: the full description and parameters
};

void AddModelOptions(const std::vector<std::string>& items,
                     google::protobuf::Map<std::string, std::string>* out) {
  for (const std::string& item : items) {
    std::pair<std::string, std::string> kv =
        absl::StrSplit(item, absl::MaxSplits('=', 1));
    if (item.find('=') == std::string::npos) {
      Usage(absl::StrCat("--option \"", item, "\": expected name=value"));
    }
    (*out)[kv.first] = kv.second;
  }
}

v1::ForecastRequest ForecastRequestOf(const ForecastArgs& a) {
  v1::ForecastRequest req;
  req.set_series(a.series);
  req.set_horizon(a.horizon);
  req.mutable_model()->set_name(a.model);
  AddModelOptions(a.options, req.mutable_model()->mutable_options());
  for (double l : a.levels) req.add_levels(l);
  for (double m : a.seasons) req.add_season_lengths(m);
  if (a.last > 0) req.mutable_window()->set_last_points(a.last);
  if (a.transform == "log") {
    req.set_transform(v1::TRANSFORM_LOG);
  } else if (a.transform == "boxcox") {
    req.set_transform(v1::TRANSFORM_BOX_COX);
  } else if (!a.transform.empty()) {
    Usage(absl::StrCat("--transform \"", a.transform,
                       "\": expected log or boxcox"));
  }
  req.set_save_vintage(a.save_vintage);
  if (a.max_missing) req.set_max_missing_percent(*a.max_missing);
  if (!a.agg_step.empty() || !a.agg.empty()) {
    if (a.agg_step.empty() || a.agg.empty()) {
      Usage("--step and --agg go together, e.g. --step 1w --agg last");
    }
    req.mutable_aggregation()->set_aggregator(ParseAggregator(a.agg));
    *req.mutable_aggregation()->mutable_step() = ParseStep(a.agg_step);
  }
  return req;
}

// The forecast as rows: a summary line on stderr, the table on stdout.
// Values with the places `series` declares.
void PrintForecast(const Client& c, const v1::Series& series,
                   const v1::ForecastResponse& resp, bool explain = false) {
  const int places = Decimals(series);
  if (!resp.summary().empty()) std::cerr << resp.summary() << "\n";
  std::cerr << (explain ? resp.model().description() : resp.model().name())
            << " (revision " << resp.revision()
            << (resp.cached() ? ", cached" : "")
            << (resp.vintage_id() != 0
                    ? absl::StrCat(", saved as vintage ", resp.vintage_id())
                    : "")
            << ")\n";
  if (explain) {
    std::map<std::string, double> sorted(resp.model().parameters().begin(),
                                         resp.model().parameters().end());
    for (const auto& [name, value] : sorted) {
      std::cerr << "  " << name << " = " << FormatComputed(value) << "\n";
    }
  }
  for (const std::string& w : resp.warnings())
    std::cerr << "warning: " << w << "\n";
  std::vector<std::string> header = {"timestamp", "mean"};
  for (const auto& pi : resp.intervals()) {
    header.push_back(absl::StrCat("lo", FormatValue(pi.level())));
    header.push_back(absl::StrCat("hi", FormatValue(pi.level())));
  }
  std::vector<std::vector<std::string>> rows;
  for (int h = 0; h < resp.mean_size(); ++h) {
    std::vector<std::string> row = {
        c.Time(resp.timestamps_ms(h)),
        FormatNumber(resp.mean(h), places, /*computed=*/true)};
    for (const auto& pi : resp.intervals()) {
      row.push_back(FormatNumber(pi.lower(h), places, /*computed=*/true));
      row.push_back(FormatNumber(pi.upper(h), places, /*computed=*/true));
    }
    rows.push_back(std::move(row));
  }
  PrintRows(std::cout, c.format(), header, rows);
}

// Recent history (four horizons, at least 60 points) and the forecast.
void Plot(const Client& c, const v1::Series& series,
          const v1::ForecastResponse& f, const std::string& path) {
  v1::ReadLatestRequest req;
  req.add_series(f.series());
  req.set_count(std::clamp(4 * f.mean_size(), 60, 10000));
  v1::ReadLatestResponse latest;
  Check(c.points->ReadLatest(c.Context().get(), req, &latest),
        "reading history");
  PlotData data;
  // Series, model family, horizon: the evidence of the description does
  // not fit a title.
  data.title =
      absl::StrCat(f.series(), ": ", f.model().name(), ", ", f.mean_size(),
                   " steps of ", StepText(series.step()), " ahead");
  const v1::LatestPoints& h = latest.series(0);
  if (h.timestamps_ms_size() > 0) {
    data.subtitle = absl::StrCat(
        "as of ", FormatTimestamp(h.timestamps_ms(h.timestamps_ms_size() - 1))
                      .substr(0, 10));
  }
  if (auto it = series.labels().find("source"); it != series.labels().end()) {
    absl::StrAppend(&data.subtitle, data.subtitle.empty() ? "" : " · ",
                    "source: ", it->second);
  }
  data.unit = series.unit();
  data.decimals = Decimals(series);
  data.history_ms.assign(h.timestamps_ms().begin(), h.timestamps_ms().end());
  data.history.assign(h.values().begin(), h.values().end());
  data.forecast_ms.assign(f.timestamps_ms().begin(), f.timestamps_ms().end());
  data.mean.assign(f.mean().begin(), f.mean().end());
  for (const v1::PredictionInterval& pi : f.intervals()) {
    data.bands.push_back({pi.level(),
                          {pi.lower().begin(), pi.lower().end()},
                          {pi.upper().begin(), pi.upper().end()}});
  }
  if (absl::Status s = WritePlot(path, data); !s.ok()) {
    std::cerr << "tsfctl: " << s.message() << "\n";
    throw Exit{s.code() == absl::StatusCode::kInvalidArgument
                   ? kExitUsage
                   : kExitServerError};
  }
  std::cerr << "chart written to " << path << "\n";
}

void Forecast(const Client& c, const ForecastArgs& a) {
  if (!a.plot.empty() && !absl::EndsWith(a.plot, ".svg") &&
      !absl::EndsWith(a.plot, ".png")) {
    Usage(absl::StrCat("--plot \"", a.plot, "\": must end in .svg or .png"));
  }
  v1::ForecastResponse resp;
  Check(c.forecasts->Forecast(c.Context().get(), ForecastRequestOf(a), &resp),
        "forecast");
  const v1::Series series = GetSeries(c, a.series);
  PrintForecast(c, series, resp, a.explain);
  if (!a.plot.empty()) Plot(c, series, resp, a.plot);
}

// Prints the forecast now and again after every change of the series.
void Watch(const Client& c, const ForecastArgs& a) {
  auto ctx = c.Context(/*streaming=*/true);
  std::unique_ptr<grpc::ClientReader<v1::ForecastResponse>> reader =
      c.forecasts->WatchForecast(ctx.get(), ForecastRequestOf(a));
  v1::ForecastResponse resp;
  int seen = 0;
  const v1::Series series = GetSeries(c, a.series);
  while (reader->Read(&resp)) {
    PrintForecast(c, series, resp);
    std::cout.flush();
    if (!a.plot.empty()) Plot(c, series, resp, a.plot);
    if (a.updates > 0 && ++seen >= a.updates) {
      ctx->TryCancel();
      break;
    }
  }
  grpc::Status status = reader->Finish();
  if (status.error_code() != grpc::StatusCode::CANCELLED)
    Check(status, "watch");
}

void Vintages(const Client& c, const ForecastArgs& a) {
  if (a.vintage_id != 0) {
    v1::GetForecastVintageRequest req;
    req.set_series(a.series);
    req.set_vintage_id(a.vintage_id);
    v1::GetForecastVintageResponse resp;
    Check(c.forecasts->GetForecastVintage(c.Context().get(), req, &resp),
          "vintage");
    std::cerr << "made " << FormatTimestamp(resp.vintage().create_time_ms())
              << "\n";
    PrintForecast(c, GetSeries(c, a.series), resp.vintage().forecast());
    return;
  }
  std::vector<v1::ForecastVintage> listed;
  v1::ListForecastVintagesRequest req;
  req.set_series(a.series);
  req.set_page_size(1000);
  do {
    v1::ListForecastVintagesResponse resp;
    Check(c.forecasts->ListForecastVintages(c.Context().get(), req, &resp),
          "vintages");
    listed.insert(listed.end(), resp.vintages().begin(), resp.vintages().end());
    req.set_page_token(resp.next_page_token());
  } while (!req.page_token().empty());
  std::vector<std::vector<std::string>> rows;
  const auto made = [&](const v1::ForecastVintage& v) {
    return c.Time(v.create_time_ms());
  };
  if (!a.compare) {
    for (const v1::ForecastVintage& v : listed) {
      rows.push_back({absl::StrCat(v.vintage_id()), made(v),
                      absl::StrCat(v.forecast().revision()),
                      v.forecast().model().description()});
    }
    PrintRows(std::cout, c.format(), {"vintage", "made", "revision", "model"},
              rows);
    return;
  }
  // Each vintage beside what happened since.
  std::vector<int64_t> ts;
  std::vector<double> values;
  ReadAllPoints(c, a.series, ts, values);
  for (const v1::ForecastVintage& listed_vintage : listed) {
    v1::GetForecastVintageRequest get;
    get.set_series(a.series);
    get.set_vintage_id(listed_vintage.vintage_id());
    v1::GetForecastVintageResponse got;
    Check(c.forecasts->GetForecastVintage(c.Context().get(), get, &got),
          "vintage");
    const v1::ForecastResponse& f = got.vintage().forecast();
    std::vector<forecast::ForecastBand> bands;
    for (const v1::PredictionInterval& pi : f.intervals()) {
      bands.push_back({pi.level(),
                       {pi.lower().begin(), pi.lower().end()},
                       {pi.upper().begin(), pi.upper().end()}});
    }
    const std::vector<int64_t> steps(f.timestamps_ms().begin(),
                                     f.timestamps_ms().end());
    const std::vector<double> mean(f.mean().begin(), f.mean().end());
    const forecast::VintageErrors e =
        forecast::CompareWithActuals(steps, mean, bands, ts, values);
    std::vector<std::string> cover;
    for (size_t b = 0; b < bands.size(); ++b) {
      cover.push_back(absl::StrCat(FormatValue(bands[b].level),
                                   "%: ", FormatComputed(e.coverage[b])));
    }
    const std::string& d = f.model().description();
    rows.push_back({absl::StrCat(listed_vintage.vintage_id()),
                    made(listed_vintage), absl::StrCat(e.due),
                    absl::StrCat(e.pending), FormatComputed(e.mae),
                    FormatComputed(e.mase), absl::StrJoin(cover, " "),
                    d.substr(0, d.find(" ("))});
  }
  PrintRows(
      std::cout, c.format(),
      {"vintage", "made", "due", "pending", "mae", "mase", "coverage", "model"},
      rows);
}

void Backtest(const Client& c, const ForecastArgs& a) {
  v1::BacktestRequest req;
  req.set_series(a.series);
  req.set_horizon(a.horizon);
  req.set_windows(a.windows);
  req.set_metric(a.metric);
  for (double l : a.levels) req.add_levels(l);
  for (const std::string& m : a.models) req.add_models()->set_name(m);
  for (double m : a.seasons) req.add_season_lengths(m);
  v1::BacktestResponse resp;
  Check(c.forecasts->Backtest(c.Context().get(), req, &resp), "backtest");
  std::vector<std::vector<std::string>> rows;
  for (const v1::ModelBacktest& m : resp.models()) {
    const std::string name =
        m.model().name() +
        (m.model().name() == resp.best_model() ? " (best)" : "");
    if (!m.error().empty()) {
      rows.push_back({name, "", "", "", "", "", "", m.error()});
      continue;
    }
    const v1::AccuracyMetrics& o = m.overall();
    rows.push_back({name, FormatComputed(o.mase()), FormatComputed(o.smape()),
                    FormatComputed(o.msis()), FormatComputed(o.coverage_80()),
                    FormatComputed(o.coverage_95()), FormatComputed(o.mae()),
                    m.warning()});
  }
  PrintRows(std::cout, c.format(),
            {"model", "mase", "smape", absl::StrCat("msis", resp.level()),
             "cov80", "cov95", "mae", "note"},
            rows);
  std::cerr << "best by " << resp.metric()
            << (a.metric.empty() ? " (the default)" : "") << ": "
            << resp.best_model() << " (" << resp.windows()
            << " origins; MSIS at " << resp.level() << "%)\n";
  for (const std::string& w : resp.warnings()) {
    std::cerr << "warning: " << w << "\n";
  }
}

void Models(const Client& c) {
  v1::ListModelsResponse resp;
  Check(c.forecasts->ListModels(c.Context().get(), v1::ListModelsRequest(),
                                &resp),
        "models");
  std::vector<std::vector<std::string>> rows;
  for (const v1::ModelInfo& m : resp.models()) {
    std::vector<std::string> opts;
    for (const v1::ModelOption& o : m.options()) {
      std::string opt = absl::StrCat(o.name(), "=", o.default_value());
      if (o.allowed_values_size() > 0) {
        absl::StrAppend(&opt, "{", absl::StrJoin(o.allowed_values(), "|"), "}");
      }
      opts.push_back(std::move(opt));
    }
    rows.push_back({m.name(), absl::StrJoin(opts, " "), m.description()});
  }
  PrintRows(std::cout, c.format(), {"model", "options", "description"}, rows);
}

}  // namespace

std::function<void(const Client&)> AddForecastCommands(CLI::App& app) {
  // Shared with the CLI, which writes the flags into it while parsing.
  auto fa = std::make_shared<ForecastArgs>();
  CLI::App* forecast =
      app.add_subcommand("forecast", "forecast a series with intervals");
  forecast->add_option("series", fa->series)->required();
  forecast->add_option("--horizon,-H", fa->horizon, "steps ahead")->required();
  forecast->add_option("--model,-m", fa->model, "model name (tsfctl models)")
      ->capture_default_str();
  forecast->add_option("--option", fa->options,
                       "model option name=value (repeatable)");
  forecast->add_option("--level", fa->levels,
                       "interval level in percent (repeatable; default 80 95)");
  forecast->add_option("--season", fa->seasons,
                       "season length override (repeatable; 1: none)");
  forecast->add_option("--last", fa->last, "train on the last N points only");
  forecast->add_option("--transform", fa->transform, "log or boxcox");
  forecast->add_option("--step", fa->agg_step,
                       "forecast on this coarser step (with --agg), e.g. 1w");
  forecast->add_option("--agg", fa->agg,
                       "how the series is aggregated onto --step: last, avg, "
                       "sum, min, max, first, count");
  forecast->add_option("--max-missing", fa->max_missing,
                       "percent of missing steps that may be filled (default: "
                       "the server's, 20)");
  forecast->add_flag("--save-vintage", fa->save_vintage,
                     "keep this forecast as a vintage of the series");
  forecast->add_flag("--explain", fa->explain,
                     "print the model's full description and parameters");
  forecast->add_option("--plot", fa->plot,
                       "also draw history, forecast and bands to FILE.svg or "
                       "FILE.png");
  CLI::App* watch = app.add_subcommand(
      "watch", "print the forecast now and after every change of the series");
  watch->add_option("series", fa->series)->required();
  watch->add_option("--horizon,-H", fa->horizon, "steps ahead")->required();
  watch->add_option("--model,-m", fa->model, "model name")
      ->capture_default_str();
  watch->add_option("--option", fa->options, "model option name=value");
  watch->add_option("--level", fa->levels, "interval level in percent");
  watch->add_option("--updates", fa->updates,
                    "stop after this many forecasts (default: until Ctrl-C)");
  watch->add_option("--plot", fa->plot, "redraw this chart on every update");
  CLI::App* vintages = app.add_subcommand(
      "vintages", "list saved forecasts of a series, or show one with --id");
  vintages->add_option("series", fa->series)->required();
  vintages->add_option("--id", fa->vintage_id, "show this vintage");
  vintages->add_flag("--compare", fa->compare,
                     "each vintage beside the actuals since: steps due, "
                     "MAE, MASE and interval coverage so far");
  CLI::App* backtest =
      app.add_subcommand("backtest", "rolling-origin comparison of models");
  backtest->add_option("series", fa->series)->required();
  backtest->add_option("--horizon,-H", fa->horizon, "steps ahead")->required();
  backtest->add_option("--windows", fa->windows, "origins")
      ->capture_default_str();
  backtest->add_option("--model,-m", fa->models,
                       "models to compare (repeatable; default auto)");
  backtest->add_option("--season", fa->seasons, "season length override");
  backtest->add_option("--metric", fa->metric,
                       "what picks the best: mase (default), mae, rmse, "
                       "smape, msis");
  backtest->add_option("--level", fa->levels,
                       "interval level of coverage and MSIS (default 95)");
  CLI::App* models =
      app.add_subcommand("models", "list the forecasting models");
  return [=](const Client& c) {
    if (forecast->parsed()) Forecast(c, *fa);
    if (backtest->parsed()) Backtest(c, *fa);
    if (vintages->parsed()) Vintages(c, *fa);
    if (watch->parsed()) Watch(c, *fa);
    if (models->parsed()) Models(c);
  };
}

}  // namespace tsforecast::tsfctl
