#include "tools/tsfctl/points_commands.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "common/time_util.h"
#include "tools/tsfctl/csv_points.h"
#include "tools/tsfctl/series_commands.h"

namespace tsforecast::tsfctl {

void StreamPoints(const Client& c, const v1::StreamReadPointsRequest& req,
                  std::vector<int64_t>& ts, std::vector<double>& values) {
  auto ctx = c.Context();
  auto reader = c.points->StreamReadPoints(ctx.get(), req);
  v1::StreamReadPointsResponse chunk;
  while (reader->Read(&chunk)) {
    ts.insert(ts.end(), chunk.timestamps_ms().begin(),
              chunk.timestamps_ms().end());
    values.insert(values.end(), chunk.values().begin(), chunk.values().end());
  }
  Check(reader->Finish(), "read");
}

void ReadAllPoints(const Client& c, const std::string& series,
                   std::vector<int64_t>& ts, std::vector<double>& values) {
  v1::StreamReadPointsRequest req;
  req.mutable_read()->set_series(series);
  StreamPoints(c, req, ts, values);
}

namespace {

struct WriteArgs {
  std::string file, series, create_step, create_kind, unit;
  std::string time_unit;  // "", "s" or "ms"
  std::vector<std::string> create_labels;
  int64_t batch_size = 50000;
  bool progress = false, no_progress = false;
  bool force = false;  // write although --create-* disagree with a series
};

// What --create-step, --create-kind, --create-label and --unit say that an
// existing series contradicts, one phrase each; empty when they agree.
std::vector<std::string> Disagreements(const WriteArgs& a,
                                       const v1::Series& want,
                                       const v1::Series& have) {
  std::vector<std::string> out;
  if (StepText(want.step()) != StepText(have.step())) {
    out.push_back(absl::StrCat("step is ", StepText(have.step()),
                               ", not --create-step ", a.create_step));
  }
  if (!a.create_kind.empty() && want.value_kind() != have.value_kind()) {
    out.push_back(absl::StrCat(
        "kind is ", have.value_kind() == v1::VALUE_KIND_FLOW ? "flow" : "level",
        ", not --create-kind ", a.create_kind));
  }
  for (const auto& [name, value] : want.labels()) {
    auto it = have.labels().find(name);
    if (it == have.labels().end() || it->second != value) {
      out.push_back(absl::StrCat("label ", name, " is ",
                                 it == have.labels().end()
                                     ? "unset"
                                     : absl::StrCat("\"", it->second, "\""),
                                 ", not --create-label ", name, "=", value));
    }
  }
  if (!a.unit.empty() && want.unit() != have.unit()) {
    out.push_back(
        absl::StrCat("unit is \"", have.unit(), "\", not --unit ", a.unit));
  }
  return out;
}

void DrawProgress(uint64_t done, uint64_t total, double seconds) {
  const int width = 30;
  const double frac = total ? static_cast<double>(done) / total : 1.0;
  const int filled = static_cast<int>(frac * width);
  std::fprintf(stderr, "\r[%s%s] %5.1f%% %llu/%llu points %.0f points/s ",
               std::string(filled, '=').c_str(),
               std::string(width - filled, ' ').c_str(), frac * 100,
               static_cast<unsigned long long>(done),
               static_cast<unsigned long long>(total),
               seconds > 0 ? done / seconds : 0.0);
}

void Write(const Client& c, const WriteArgs& a) {
  std::ifstream file;
  std::istream* in = &std::cin;
  if (a.file != "-") {
    file.open(a.file);
    if (!file) Usage(absl::StrCat("cannot open \"", a.file, "\""));
    in = &file;
  }
  if (a.batch_size < 1) Usage("--batch-size: must be at least 1");
  EpochUnit epoch = EpochUnit::kNone;
  if (a.time_unit == "s") {
    epoch = EpochUnit::kSeconds;
  } else if (a.time_unit == "ms") {
    epoch = EpochUnit::kMilliseconds;
  } else if (!a.time_unit.empty()) {
    Usage(absl::StrCat("--time-unit \"", a.time_unit, "\": expected s or ms"));
  }
  absl::StatusOr<CsvPoints> data = ReadCsvPoints(*in, a.series, epoch);
  if (!data.ok()) {
    Usage(absl::StrCat(a.file == "-" ? "stdin" : a.file, ": ",
                       data.status().message(), "; nothing was written"));
  }
  v1::Series create;
  if (!a.create_step.empty()) {
    *create.mutable_step() = ParseStep(a.create_step);
    create.set_value_kind(
        ParseKind(a.create_kind.empty() ? "level" : a.create_kind));
    create.set_unit(a.unit);
    ParseLabels(a.create_labels, create.mutable_labels());
    // An existing series keeps its definition: say so rather than let the
    // flags be ignored.
    for (const std::string& name : data->series) {
      v1::GetSeriesRequest get;
      get.set_name(name);
      v1::GetSeriesResponse got;
      const grpc::Status s = c.series->GetSeries(c.Context().get(), get, &got);
      if (s.error_code() == grpc::StatusCode::NOT_FOUND) continue;
      Check(s, "write");
      const std::vector<std::string> differ =
          Disagreements(a, create, got.series());
      if (differ.empty()) continue;
      const std::string what = absl::StrCat(
          "series \"", name, "\" exists and keeps its definition: its ",
          absl::StrJoin(differ, "; its "));
      if (!a.force) {
        Usage(absl::StrCat(what,
                           "; nothing was written (--force writes the points "
                           "anyway; series update changes labels and unit)"));
      }
      std::cerr << "warning: " << what << "\n";
    }
  }
  // Batches of consecutive points, grouped by series inside each batch.
  std::vector<v1::WritePointsRequest> batches;
  std::vector<int> entry(data->series.size(), -1);
  for (size_t i = 0; i < data->points.size(); ++i) {
    if (i % a.batch_size == 0) {
      batches.emplace_back();
      std::fill(entry.begin(), entry.end(), -1);
    }
    const CsvPoint& p = data->points[i];
    v1::WritePointsRequest& batch = batches.back();
    if (entry[p.series_index] < 0) {
      entry[p.series_index] = batch.series_size();
      v1::SeriesPoints* sp = batch.add_series();
      sp->set_series(data->series[p.series_index]);
      if (!a.create_step.empty()) *sp->mutable_create_if_missing() = create;
    }
    v1::SeriesPoints* sp = batch.mutable_series(entry[p.series_index]);
    sp->add_timestamps_ms(p.timestamp_ms);
    sp->add_values(p.value);
  }
  const uint64_t total = data->points.size();
  const bool show = !a.no_progress &&
                    (a.progress || (isatty(STDERR_FILENO) && total >= 100000));
  const auto start = std::chrono::steady_clock::now();
  auto elapsed = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() -
                                         start)
        .count();
  };
  auto ctx = c.Context(/*streaming=*/true);
  auto stream = c.points->StreamWritePoints(ctx.get());
  std::thread writer([&] {
    for (size_t i = 0; i < batches.size(); ++i) {
      v1::StreamWritePointsRequest req;
      req.set_sequence(i + 1);
      *req.mutable_batch() = std::move(batches[i]);
      if (!stream->Write(req)) break;
    }
    stream->WritesDone();
  });
  v1::StreamWritePointsResponse ack;
  uint64_t acked_points = 0, acked_batches = 0;
  while (stream->Read(&ack)) {
    acked_points += ack.points_written();
    ++acked_batches;
    if (show) DrawProgress(acked_points, total, elapsed());
  }
  writer.join();
  grpc::Status status = stream->Finish();
  if (show) std::fprintf(stderr, "\n");
  const double seconds = elapsed();
  if (!status.ok()) {
    std::cerr << "tsfctl: " << acked_batches << " of " << batches.size()
              << " batches (" << acked_points
              << " points) were acknowledged and are stored\n";
  }
  Check(status, "write");
  std::cerr << absl::StrFormat(
      "wrote %d points to %d series in %.2f s (%.0f points/s)\n", acked_points,
      data->series.size(), seconds, seconds > 0 ? acked_points / seconds : 0);
}

struct ReadArgs {
  std::string series, start, end, agg, step;
  std::vector<std::string> names;
  int64_t limit = 0;
  int count = 1;
};

v1::ReadPointsRequest ReadRequest(const ReadArgs& a) {
  v1::ReadPointsRequest req;
  req.set_series(a.series);
  if (!a.start.empty()) req.set_start_ms(ParseTime(a.start, "--start"));
  if (!a.end.empty()) req.set_end_ms(ParseTime(a.end, "--end"));
  if (!a.agg.empty()) {
    req.mutable_aggregation()->set_aggregator(ParseAggregator(a.agg));
    if (!a.step.empty()) {
      *req.mutable_aggregation()->mutable_step() = ParseStep(a.step);
    }
  } else if (!a.step.empty()) {
    Usage("--step needs --agg");
  }
  return req;
}

void Read(const Client& c, const ReadArgs& a) {
  v1::StreamReadPointsRequest req;
  *req.mutable_read() = ReadRequest(a);
  if (a.limit < 0) Usage("--limit: must not be negative");
  req.mutable_read()->set_limit(static_cast<int32_t>(a.limit));
  std::vector<int64_t> ts;
  std::vector<double> values;
  StreamPoints(c, req, ts, values);
  // A count is a count, whatever places the values carry.
  const int decimals = a.agg == "count" ? -1 : Decimals(GetSeries(c, a.series));
  PrintPoints(std::cout, c.format(), a.series, ts, values, c.epoch_ms(),
              decimals, /*computed=*/!a.agg.empty());
}

void Latest(const Client& c, const ReadArgs& a) {
  v1::ReadLatestRequest req;
  for (const std::string& n : a.names) req.add_series(n);
  req.set_count(a.count);
  v1::ReadLatestResponse resp;
  Check(c.points->ReadLatest(c.Context().get(), req, &resp), "latest");
  std::vector<std::vector<std::string>> rows;
  for (const v1::LatestPoints& lp : resp.series()) {
    if (!lp.error().empty()) {
      std::cerr << "warning: " << lp.series() << ": " << lp.error() << "\n";
      continue;
    }
    const int decimals = Decimals(GetSeries(c, lp.series()));
    for (int i = 0; i < lp.values_size(); ++i) {
      rows.push_back({lp.series(), c.Time(lp.timestamps_ms(i)),
                      FormatNumber(lp.values(i), decimals, false)});
    }
  }
  PrintRows(std::cout, c.format(), {"series", "timestamp", "value"}, rows);
}

void DeletePoints(const Client& c, const ReadArgs& a) {
  if (a.start.empty() && a.end.empty()) {
    Usage(
        "delete: give --start and/or --end (to delete the whole series use "
        "`tsfctl series delete`)");
  }
  v1::DeletePointsRequest req;
  req.set_series(a.series);
  if (!a.start.empty()) req.set_start_ms(ParseTime(a.start, "--start"));
  if (!a.end.empty()) req.set_end_ms(ParseTime(a.end, "--end"));
  v1::DeletePointsResponse resp;
  Check(c.points->DeletePoints(c.Context().get(), req, &resp), "delete");
  std::cerr << "deleted points of " << a.series << "; revision now "
            << resp.revision() << "\n";
}

}  // namespace

std::function<void(const Client&)> AddPointsCommands(CLI::App& app) {
  // Shared with the CLI, which writes the flags into them while parsing.
  auto wa = std::make_shared<WriteArgs>();
  auto ra = std::make_shared<ReadArgs>();
  CLI::App* write =
      app.add_subcommand("write",
                         "write points from CSV (series,timestamp,value or, "
                         "with --series, timestamp,value)");
  write->add_option("file", wa->file, "CSV file, or - for stdin")->required();
  write->add_option("--series", wa->series, "series of a two-column CSV");
  write->add_option("--time-unit", wa->time_unit,
                    "epoch timestamps in the CSV are in s or ms (without it, "
                    "only ISO-8601 dates and times are taken)");
  write->add_option("--batch-size", wa->batch_size, "points per streamed batch")
      ->capture_default_str();
  write->add_option("--create-step", wa->create_step,
                    "create missing series with this step (1d, 1mo, ...)");
  write->add_option("--create-kind", wa->create_kind,
                    "level (default) or flow, for created series");
  write->add_option("--create-label", wa->create_labels,
                    "label name=value for created series");
  write->add_option("--unit", wa->unit, "unit for created series");
  write->add_flag("--force", wa->force,
                  "write into existing series whose definition disagrees "
                  "with --create-* (a warning instead of an error)");
  write->add_flag("--progress", wa->progress, "always show the progress bar");
  write->add_flag("--no-progress", wa->no_progress,
                  "never show the progress bar");

  CLI::App* read = app.add_subcommand("read", "read points of a series");
  read->add_option("series", ra->series)->required();
  read->add_option("--start", ra->start,
                   "inclusive start: ISO-8601 or epoch ms");
  read->add_option("--end", ra->end, "exclusive end: ISO-8601 or epoch ms");
  read->add_option("--limit", ra->limit, "at most this many points (0: all)");
  read->add_option("--agg", ra->agg,
                   "aggregate: avg, min, max, sum, count, first, last");
  read->add_option("--step", ra->step,
                   "aggregation window (default: the series' step)");
  CLI::App* latest = app.add_subcommand("latest", "newest points of series");
  latest->add_option("series", ra->names)->required();
  latest->add_option("--count", ra->count, "points per series")
      ->capture_default_str();
  CLI::App* delete_points =
      app.add_subcommand("delete", "delete points of a series in [start, end)");
  delete_points->add_option("series", ra->series)->required();
  delete_points->add_option("--start", ra->start, "inclusive start");
  delete_points->add_option("--end", ra->end, "exclusive end");
  return [=](const Client& c) {
    if (write->parsed()) Write(c, *wa);
    if (read->parsed()) Read(c, *ra);
    if (latest->parsed()) Latest(c, *ra);
    if (delete_points->parsed()) DeletePoints(c, *ra);
  };
}

}  // namespace tsforecast::tsfctl
