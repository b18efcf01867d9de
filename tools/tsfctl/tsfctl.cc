// tsfctl: command-line client of tsforecastd.
// Exit codes: 0 ok, 1 the server (or the connection) reported an error,
// 2 usage or input error (bad flags, malformed CSV).
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <thread>

#include "CLI/CLI.hpp"
#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/calendar_step.h"
#include "common/time_util.h"
#include "google/protobuf/util/json_util.h"
#include "grpcpp/grpcpp.h"
#include "tools/tsfctl/csv_points.h"
#include "tools/tsfctl/output.h"
#include "tools/tsfctl/plot.h"
#include "tools/tsfctl/vintage_compare.h"
#include "tsforecast/v1/admin.grpc.pb.h"
#include "tsforecast/v1/forecast.grpc.pb.h"
#include "tsforecast/v1/points.grpc.pb.h"
#include "tsforecast/v1/series.grpc.pb.h"

namespace tsforecast::tsfctl {
namespace {

namespace v1 = ::tsforecast::v1;

constexpr int kExitServerError = 1;
constexpr int kExitUsage = 2;

// Thrown inside command handlers; main turns it into an exit code.
struct Exit {
  int code;
};

[[noreturn]] void Usage(const std::string& message) {
  std::cerr << "tsfctl: " << message << "\n";
  throw Exit{kExitUsage};
}

void Check(const grpc::Status& status, const std::string& what) {
  if (status.ok()) return;
  // gRPC and Abseil number their status codes alike.
  const std::string code = absl::StatusCodeToString(
      static_cast<absl::StatusCode>(status.error_code()));
  std::cerr << "tsfctl: " << what << " failed: " << (code.empty() ? "?" : code)
            << ": " << status.error_message() << "\n";
  throw Exit{kExitServerError};
}

struct Globals {
  std::string server = "127.0.0.1:50051";
  double timeout_s = 30;
  std::string format = "table";
  bool epoch_ms = false;
};

class Client {
 public:
  explicit Client(const Globals& g) : globals_(g) {
    grpc::ChannelArguments args;
    args.SetMaxReceiveMessageSize(256 << 20);
    args.SetMaxSendMessageSize(256 << 20);
    channel_ = grpc::CreateCustomChannel(
        g.server, grpc::InsecureChannelCredentials(), args);
    series = v1::SeriesService::NewStub(channel_);
    points = v1::PointsService::NewStub(channel_);
    admin = v1::AdminService::NewStub(channel_);
    forecasts = v1::ForecastService::NewStub(channel_);
  }
  // A context with the --timeout deadline (0: none).
  std::unique_ptr<grpc::ClientContext> Context(bool streaming = false) const {
    auto ctx = std::make_unique<grpc::ClientContext>();
    if (globals_.timeout_s > 0 && !streaming) {
      ctx->set_deadline(std::chrono::system_clock::now() +
                        std::chrono::milliseconds(
                            static_cast<int64_t>(globals_.timeout_s * 1000)));
    }
    return ctx;
  }
  Format format() const {
    absl::StatusOr<Format> f = ParseFormat(globals_.format);
    if (!f.ok()) Usage(std::string(f.status().message()));
    return *f;
  }
  bool epoch_ms() const { return globals_.epoch_ms; }

  std::unique_ptr<v1::SeriesService::Stub> series;
  std::unique_ptr<v1::PointsService::Stub> points;
  std::unique_ptr<v1::AdminService::Stub> admin;
  std::unique_ptr<v1::ForecastService::Stub> forecasts;

 private:
  const Globals& globals_;
  std::shared_ptr<grpc::Channel> channel_;
};

int64_t ParseTime(const std::string& text, const char* flag) {
  absl::StatusOr<int64_t> ts = ParseTimestamp(text);
  if (!ts.ok()) Usage(absl::StrCat(flag, ": ", ts.status().message()));
  return *ts;
}

v1::Step ParseStep(const std::string& text) {
  absl::StatusOr<CalendarStep> step = CalendarStep::Parse(text);
  if (!step.ok()) Usage(absl::StrCat("--step: ", step.status().message()));
  v1::Step out;
  out.set_unit(static_cast<v1::StepUnit>(step->unit()));
  out.set_count(step->count());
  return out;
}

int64_t ParseRetention(const std::string& text) {
  if (text == "0" || text == "forever") return 0;
  absl::StatusOr<CalendarStep> d = CalendarStep::Parse(text);
  if (!d.ok()) {
    Usage(absl::StrCat("--retention \"", text,
                       "\": expected a duration such as 90d, 12w, 2y, or 0"));
  }
  return d->NominalMs();
}

v1::Aggregator ParseAggregator(const std::string& text) {
  static const std::map<std::string, v1::Aggregator> kAggs = {
      {"avg", v1::AGGREGATOR_AVG},     {"mean", v1::AGGREGATOR_AVG},
      {"min", v1::AGGREGATOR_MIN},     {"max", v1::AGGREGATOR_MAX},
      {"sum", v1::AGGREGATOR_SUM},     {"count", v1::AGGREGATOR_COUNT},
      {"first", v1::AGGREGATOR_FIRST}, {"last", v1::AGGREGATOR_LAST}};
  auto it = kAggs.find(text);
  if (it == kAggs.end()) {
    Usage(absl::StrCat("--agg \"", text,
                       "\": expected avg, min, max, sum, count, first or "
                       "last"));
  }
  return it->second;
}

v1::OffGridPolicy ParseOffGrid(const std::string& text) {
  if (text == "reject") return v1::OFF_GRID_POLICY_REJECT;
  if (text == "snap_start") return v1::OFF_GRID_POLICY_SNAP_START;
  if (text == "snap_end") return v1::OFF_GRID_POLICY_SNAP_END;
  if (text == "accept") return v1::OFF_GRID_POLICY_ACCEPT;
  Usage(absl::StrCat("--off-grid \"", text,
                     "\": expected reject, snap_start, snap_end or accept"));
}

v1::ValueKind ParseKind(const std::string& text) {
  if (text == "level") return v1::VALUE_KIND_LEVEL;
  if (text == "flow") return v1::VALUE_KIND_FLOW;
  Usage(absl::StrCat("--kind \"", text, "\": expected level or flow"));
}

void ParseLabels(const std::vector<std::string>& items,
                 google::protobuf::Map<std::string, std::string>* out) {
  for (const std::string& item : items) {
    std::pair<std::string, std::string> kv =
        absl::StrSplit(item, absl::MaxSplits('=', 1));
    if (kv.first.empty() || item.find('=') == std::string::npos) {
      Usage(absl::StrCat("--label \"", item, "\": expected name=value"));
    }
    (*out)[kv.first] = kv.second;
  }
}

std::string StepText(const v1::Step& step) {
  return CalendarStep(static_cast<StepUnit>(step.unit()), step.count())
      .ToString();
}

std::string LabelsText(const v1::Series& s) {
  std::map<std::string, std::string> sorted(s.labels().begin(),
                                            s.labels().end());
  return absl::StrJoin(sorted, ",", absl::PairFormatter("="));
}

void PrintSeries(const Client& client, const std::vector<v1::Series>& list) {
  const Format format = client.format();
  if (format == Format::kJson) {
    google::protobuf::util::JsonPrintOptions options;
    options.preserve_proto_field_names = true;
    std::cout << "[";
    for (size_t i = 0; i < list.size(); ++i) {
      std::string json;
      (void)google::protobuf::util::MessageToJsonString(list[i], &json,
                                                        options);
      std::cout << (i ? ",\n " : "") << json;
    }
    std::cout << "]\n";
    return;
  }
  std::vector<std::vector<std::string>> rows;
  for (const v1::Series& s : list) {
    rows.push_back({s.name(), StepText(s.step()),
                    s.value_kind() == v1::VALUE_KIND_FLOW ? "flow" : "level",
                    s.unit(), LabelsText(s), absl::StrCat(s.revision()),
                    s.retention_ms()
                        ? absl::StrCat(s.retention_ms() / 86400000.0, "d")
                        : "forever",
                    s.description()});
  }
  PrintRows(std::cout, format,
            {"name", "step", "kind", "unit", "labels", "revision", "retention",
             "description"},
            rows);
}

// ----- series -----

struct SeriesArgs {
  std::string name, step = "", unit, description, kind = "level",
                    retention = "0", selector, off_grid = "reject";
  std::vector<std::string> labels;
  bool clear_labels = false;
};

void SeriesCreate(const Client& c, const SeriesArgs& a) {
  v1::CreateSeriesRequest req;
  v1::Series* s = req.mutable_series();
  s->set_name(a.name);
  *s->mutable_step() = ParseStep(a.step);
  s->set_unit(a.unit);
  s->set_description(a.description);
  s->set_value_kind(ParseKind(a.kind));
  s->set_retention_ms(ParseRetention(a.retention));
  s->set_off_grid(ParseOffGrid(a.off_grid));
  ParseLabels(a.labels, s->mutable_labels());
  v1::CreateSeriesResponse resp;
  Check(c.series->CreateSeries(c.Context().get(), req, &resp), "create");
  PrintSeries(c, {resp.series()});
}

void SeriesList(const Client& c, const SeriesArgs& a) {
  std::vector<v1::Series> all;
  v1::ListSeriesRequest req;
  req.set_selector(a.selector);
  do {
    v1::ListSeriesResponse resp;
    Check(c.series->ListSeries(c.Context().get(), req, &resp), "list");
    all.insert(all.end(), resp.series().begin(), resp.series().end());
    req.set_page_token(resp.next_page_token());
  } while (!req.page_token().empty());
  PrintSeries(c, all);
}

void SeriesShow(const Client& c, const SeriesArgs& a) {
  v1::GetSeriesRequest req;
  req.set_name(a.name);
  v1::GetSeriesResponse resp;
  Check(c.series->GetSeries(c.Context().get(), req, &resp), "show");
  PrintSeries(c, {resp.series()});
}

void SeriesUpdate(const Client& c, const SeriesArgs& a, const CLI::App& cmd) {
  v1::UpdateSeriesRequest req;
  v1::Series* s = req.mutable_series();
  s->set_name(a.name);
  auto* mask = req.mutable_update_mask();
  if (!a.labels.empty() || a.clear_labels) {
    ParseLabels(a.labels, s->mutable_labels());
    mask->add_paths("labels");
  }
  if (cmd.count("--unit")) {
    s->set_unit(a.unit);
    mask->add_paths("unit");
  }
  if (cmd.count("--description")) {
    s->set_description(a.description);
    mask->add_paths("description");
  }
  if (cmd.count("--retention")) {
    s->set_retention_ms(ParseRetention(a.retention));
    mask->add_paths("retention_ms");
  }
  if (cmd.count("--off-grid")) {
    s->set_off_grid(ParseOffGrid(a.off_grid));
    mask->add_paths("off_grid");
  }
  if (mask->paths_size() == 0) {
    Usage(
        "update: give at least one of --label, --clear-labels, --unit, "
        "--description, --retention");
  }
  v1::UpdateSeriesResponse resp;
  Check(c.series->UpdateSeries(c.Context().get(), req, &resp), "update");
  PrintSeries(c, {resp.series()});
}

void SeriesDelete(const Client& c, const SeriesArgs& a) {
  v1::DeleteSeriesRequest req;
  req.set_name(a.name);
  v1::DeleteSeriesResponse resp;
  Check(c.series->DeleteSeries(c.Context().get(), req, &resp), "delete");
  std::cerr << "deleted series " << a.name << "\n";
}

// ----- points -----

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

// The points a streamed read returns, appended to `ts` and `values`.
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

void Read(const Client& c, const ReadArgs& a) {
  v1::StreamReadPointsRequest req;
  *req.mutable_read() = ReadRequest(a);
  if (a.limit < 0) Usage("--limit: must not be negative");
  req.mutable_read()->set_limit(static_cast<int32_t>(a.limit));
  std::vector<int64_t> ts;
  std::vector<double> values;
  StreamPoints(c, req, ts, values);
  PrintPoints(std::cout, c.format(), a.series, ts, values, c.epoch_ms(),
              /*computed=*/!a.agg.empty());
}

// Every point of a series, oldest first.
void ReadAllPoints(const Client& c, const std::string& series,
                   std::vector<int64_t>& ts, std::vector<double>& values) {
  v1::StreamReadPointsRequest req;
  req.mutable_read()->set_series(series);
  StreamPoints(c, req, ts, values);
}

void Latest(const Client& c, const ReadArgs& a) {
  v1::ReadLatestRequest req;
  for (const std::string& n : a.names) req.add_series(n);
  req.set_count(a.count);
  v1::ReadLatestResponse resp;
  Check(c.points->ReadLatest(c.Context().get(), req, &resp), "latest");
  std::vector<std::vector<std::string>> rows;
  for (const v1::LatestPoints& lp : resp.series()) {
    for (int i = 0; i < lp.values_size(); ++i) {
      rows.push_back({lp.series(),
                      c.epoch_ms() ? absl::StrCat(lp.timestamps_ms(i))
                                   : FormatTimestamp(lp.timestamps_ms(i)),
                      FormatValue(lp.values(i))});
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

// ----- forecasts -----

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
void PrintForecast(const Client& c, const v1::ForecastResponse& resp) {
  std::cerr << resp.model().description() << " (revision " << resp.revision()
            << (resp.cached() ? ", cached" : "")
            << (resp.vintage_id() != 0
                    ? absl::StrCat(", saved as vintage ", resp.vintage_id())
                    : "")
            << ")\n";
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
        c.epoch_ms() ? absl::StrCat(resp.timestamps_ms(h))
                     : FormatTimestamp(resp.timestamps_ms(h)),
        FormatComputed(resp.mean(h))};
    for (const auto& pi : resp.intervals()) {
      row.push_back(FormatComputed(pi.lower(h)));
      row.push_back(FormatComputed(pi.upper(h)));
    }
    rows.push_back(std::move(row));
  }
  PrintRows(std::cout, c.format(), header, rows);
}

// Recent history (four horizons, at least 60 points) and the forecast.
void Plot(const Client& c, const v1::ForecastResponse& f,
          const std::string& path) {
  v1::ReadLatestRequest req;
  req.add_series(f.series());
  req.set_count(std::clamp(4 * f.mean_size(), 60, 10000));
  v1::ReadLatestResponse latest;
  Check(c.points->ReadLatest(c.Context().get(), req, &latest),
        "reading history");
  v1::GetSeriesRequest get;
  get.set_name(f.series());
  v1::GetSeriesResponse series;
  Check(c.series->GetSeries(c.Context().get(), get, &series), "series");
  PlotData data;
  // Series, model family, horizon: the evidence of the description does
  // not fit a title.
  data.title =
      absl::StrCat(f.series(), ": ", f.model().name(), ", ", f.mean_size(),
                   " steps of ", StepText(series.series().step()), " ahead");
  const v1::LatestPoints& h = latest.series(0);
  if (h.timestamps_ms_size() > 0) {
    data.subtitle = absl::StrCat(
        "as of ", FormatTimestamp(h.timestamps_ms(h.timestamps_ms_size() - 1))
                      .substr(0, 10));
  }
  if (auto it = series.series().labels().find("source");
      it != series.series().labels().end()) {
    absl::StrAppend(&data.subtitle, data.subtitle.empty() ? "" : " · ",
                    "source: ", it->second);
  }
  data.unit = series.series().unit();
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
  PrintForecast(c, resp);
  if (!a.plot.empty()) Plot(c, resp, a.plot);
}

// Prints the forecast now and again after every change of the series.
void Watch(const Client& c, const ForecastArgs& a) {
  auto ctx = c.Context(/*streaming=*/true);
  std::unique_ptr<grpc::ClientReader<v1::ForecastResponse>> reader =
      c.forecasts->WatchForecast(ctx.get(), ForecastRequestOf(a));
  v1::ForecastResponse resp;
  int seen = 0;
  while (reader->Read(&resp)) {
    PrintForecast(c, resp);
    std::cout.flush();
    if (!a.plot.empty()) Plot(c, resp, a.plot);
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
    PrintForecast(c, resp.vintage().forecast());
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
    return c.epoch_ms() ? absl::StrCat(v.create_time_ms())
                        : FormatTimestamp(v.create_time_ms());
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
    std::vector<ForecastBand> bands;
    for (const v1::PredictionInterval& pi : f.intervals()) {
      bands.push_back({pi.level(),
                       {pi.lower().begin(), pi.lower().end()},
                       {pi.upper().begin(), pi.upper().end()}});
    }
    const std::vector<int64_t> steps(f.timestamps_ms().begin(),
                                     f.timestamps_ms().end());
    const std::vector<double> mean(f.mean().begin(), f.mean().end());
    const VintageErrors e = CompareWithActuals(steps, mean, bands, ts, values);
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
    if (!m.error().empty()) {
      rows.push_back({m.model().name(), "", "", "", "", "", m.error()});
      continue;
    }
    const v1::AccuracyMetrics& o = m.overall();
    rows.push_back({m.model().name(), FormatComputed(o.mae()),
                    FormatComputed(o.rmse()), FormatComputed(o.smape()),
                    FormatComputed(o.mase()), FormatComputed(o.coverage()),
                    ""});
  }
  PrintRows(std::cout, c.format(),
            {"model", "mae", "rmse", "smape", "mase", "coverage", "error"},
            rows);
  std::cerr << "best by " << resp.metric() << ": " << resp.best_model() << " ("
            << resp.windows() << " origins, coverage at " << resp.level()
            << "%)\n";
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

// ----- admin -----

void Backup(const Client& c, const std::string& dir) {
  v1::BackupRequest req;
  req.set_directory(dir);
  v1::BackupResponse resp;
  Check(c.admin->Backup(c.Context().get(), req, &resp), "backup");
  std::cout << "backup written to " << resp.directory() << " (" << resp.bytes()
            << " bytes); restore with tsforecastd --restore_from="
            << resp.directory() << " --data_dir=NEW_DIR\n";
}

void Compact(const Client& c) {
  v1::CompactResponse resp;
  auto ctx = c.Context(/*streaming=*/true);  // may take long: no deadline
  Check(c.admin->Compact(ctx.get(), v1::CompactRequest(), &resp), "compact");
  std::cerr << "compacted\n";
}

void Stats(const Client& c) {
  v1::GetStorageStatsResponse resp;
  Check(c.admin->GetStorageStats(c.Context().get(),
                                 v1::GetStorageStatsRequest(), &resp),
        "stats");
  PrintRows(
      std::cout, c.format(),
      {"series", "points_sst_bytes", "meta_sst_bytes", "wal_bytes",
       "memtable_bytes", "points_written"},
      {{absl::StrCat(resp.series_count()),
        absl::StrCat(resp.points_sst_bytes()),
        absl::StrCat(resp.meta_sst_bytes()), absl::StrCat(resp.wal_bytes()),
        absl::StrCat(resp.memtable_bytes()),
        absl::StrCat(resp.points_written())}});
}

int Run(int argc, char** argv) {
  CLI::App app{"tsfctl: command-line client of the tsforecast server"};
  app.require_subcommand(1);
  // Global options may come after the subcommand too (inherited setting).
  app.fallthrough();
  Globals g;
  app.add_option("-s,--server", g.server, "server address host:port")
      ->capture_default_str();
  app.add_option("--timeout", g.timeout_s,
                 "deadline per call, seconds (0: none)")
      ->capture_default_str();
  app.add_option("-f,--format", g.format, "output: table, csv or json")
      ->capture_default_str();
  app.add_flag("--epoch-ms", g.epoch_ms,
               "print timestamps as epoch milliseconds, not ISO-8601");

  SeriesArgs sa;
  CLI::App* series = app.add_subcommand(
      "series", "create, list, show, update or delete series");
  series->require_subcommand(1);
  auto add_definition = [&](CLI::App* cmd, bool create) {
    cmd->add_option("--label", sa.labels, "label name=value (repeatable)");
    cmd->add_option("--unit", sa.unit, "unit of the values, e.g. USD/t");
    cmd->add_option("--description", sa.description, "free text");
    cmd->add_option("--retention", sa.retention,
                    "keep points this long, e.g. 90d, 5y; 0 = forever");
    cmd->add_option("--off-grid", sa.off_grid,
                    "points off the step grid: reject (default for new "
                    "series), snap_start, snap_end or accept");
    if (create) {
      cmd->add_option("--step", sa.step,
                      "calendar step: 1d, 1bd (business days), 1h, 1w, 1mo, "
                      "1q, 1y...")
          ->required();
      cmd->add_option("--kind", sa.kind, "level (prices) or flow (tonnage)")
          ->capture_default_str();
    }
  };
  CLI::App* create = series->add_subcommand("create", "create a series");
  create->add_option("name", sa.name, "series name")->required();
  add_definition(create, true);
  CLI::App* list =
      series->add_subcommand("list", "list series, optionally by selector");
  list->add_option("selector", sa.selector,
                   "Prometheus selector, e.g. '{country=\"CN\"}'");
  CLI::App* show = series->add_subcommand("show", "show one series");
  show->add_option("name", sa.name)->required();
  CLI::App* update = series->add_subcommand(
      "update", "change labels, unit, description, retention or off-grid");
  update->add_option("name", sa.name)->required();
  add_definition(update, false);
  update->add_flag("--clear-labels", sa.clear_labels, "remove all labels");
  CLI::App* del =
      series->add_subcommand("delete", "delete a series and its points");
  del->add_option("name", sa.name)->required();

  WriteArgs wa;
  CLI::App* write =
      app.add_subcommand("write",
                         "write points from CSV (series,timestamp,value or, "
                         "with --series, timestamp,value)");
  write->add_option("file", wa.file, "CSV file, or - for stdin")->required();
  write->add_option("--series", wa.series, "series of a two-column CSV");
  write->add_option("--time-unit", wa.time_unit,
                    "epoch timestamps in the CSV are in s or ms (without it, "
                    "only ISO-8601 dates and times are taken)");
  write->add_option("--batch-size", wa.batch_size, "points per streamed batch")
      ->capture_default_str();
  write->add_option("--create-step", wa.create_step,
                    "create missing series with this step (1d, 1mo, ...)");
  write->add_option("--create-kind", wa.create_kind,
                    "level (default) or flow, for created series");
  write->add_option("--create-label", wa.create_labels,
                    "label name=value for created series");
  write->add_option("--unit", wa.unit, "unit for created series");
  write->add_flag("--force", wa.force,
                  "write into existing series whose definition disagrees "
                  "with --create-* (a warning instead of an error)");
  write->add_flag("--progress", wa.progress, "always show the progress bar");
  write->add_flag("--no-progress", wa.no_progress,
                  "never show the progress bar");

  ReadArgs ra;
  CLI::App* read = app.add_subcommand("read", "read points of a series");
  read->add_option("series", ra.series)->required();
  read->add_option("--start", ra.start,
                   "inclusive start: ISO-8601 or epoch ms");
  read->add_option("--end", ra.end, "exclusive end: ISO-8601 or epoch ms");
  read->add_option("--limit", ra.limit, "at most this many points (0: all)");
  read->add_option("--agg", ra.agg,
                   "aggregate: avg, min, max, sum, count, first, last");
  read->add_option("--step", ra.step,
                   "aggregation window (default: the series' step)");
  CLI::App* latest = app.add_subcommand("latest", "newest points of series");
  latest->add_option("series", ra.names)->required();
  latest->add_option("--count", ra.count, "points per series")
      ->capture_default_str();
  CLI::App* delete_points =
      app.add_subcommand("delete", "delete points of a series in [start, end)");
  delete_points->add_option("series", ra.series)->required();
  delete_points->add_option("--start", ra.start, "inclusive start");
  delete_points->add_option("--end", ra.end, "exclusive end");

  ForecastArgs fa;
  CLI::App* forecast =
      app.add_subcommand("forecast", "forecast a series with intervals");
  forecast->add_option("series", fa.series)->required();
  forecast->add_option("--horizon,-H", fa.horizon, "steps ahead")->required();
  forecast->add_option("--model,-m", fa.model, "model name (tsfctl models)")
      ->capture_default_str();
  forecast->add_option("--option", fa.options,
                       "model option name=value (repeatable)");
  forecast->add_option("--level", fa.levels,
                       "interval level in percent (repeatable; default 80 95)");
  forecast->add_option("--season", fa.seasons,
                       "season length override (repeatable; 1: none)");
  forecast->add_option("--last", fa.last, "train on the last N points only");
  forecast->add_option("--transform", fa.transform, "log or boxcox");
  forecast->add_option("--step", fa.agg_step,
                       "forecast on this coarser step (with --agg), e.g. 1w");
  forecast->add_option("--agg", fa.agg,
                       "how the series is aggregated onto --step: last, avg, "
                       "sum, min, max, first, count");
  forecast->add_option("--max-missing", fa.max_missing,
                       "percent of missing steps that may be filled (default: "
                       "the server's, 20)");
  forecast->add_flag("--save-vintage", fa.save_vintage,
                     "keep this forecast as a vintage of the series");
  forecast->add_option("--plot", fa.plot,
                       "also draw history, forecast and bands to FILE.svg or "
                       "FILE.png");
  CLI::App* watch = app.add_subcommand(
      "watch", "print the forecast now and after every change of the series");
  watch->add_option("series", fa.series)->required();
  watch->add_option("--horizon,-H", fa.horizon, "steps ahead")->required();
  watch->add_option("--model,-m", fa.model, "model name")
      ->capture_default_str();
  watch->add_option("--option", fa.options, "model option name=value");
  watch->add_option("--level", fa.levels, "interval level in percent");
  watch->add_option("--updates", fa.updates,
                    "stop after this many forecasts (default: until Ctrl-C)");
  watch->add_option("--plot", fa.plot, "redraw this chart on every update");
  CLI::App* vintages = app.add_subcommand(
      "vintages", "list saved forecasts of a series, or show one with --id");
  vintages->add_option("series", fa.series)->required();
  vintages->add_option("--id", fa.vintage_id, "show this vintage");
  vintages->add_flag("--compare", fa.compare,
                     "each vintage beside the actuals since: steps due, "
                     "MAE, MASE and interval coverage so far");
  CLI::App* backtest =
      app.add_subcommand("backtest", "rolling-origin comparison of models");
  backtest->add_option("series", fa.series)->required();
  backtest->add_option("--horizon,-H", fa.horizon, "steps ahead")->required();
  backtest->add_option("--windows", fa.windows, "origins")
      ->capture_default_str();
  backtest->add_option("--model,-m", fa.models,
                       "models to compare (repeatable; default auto)");
  backtest->add_option("--season", fa.seasons, "season length override");
  backtest->add_option("--metric", fa.metric,
                       "what picks the best: mase (default), mae, rmse, "
                       "smape, msis");
  backtest->add_option("--level", fa.levels,
                       "interval level of coverage and MSIS (default 95)");
  CLI::App* models =
      app.add_subcommand("models", "list the forecasting models");

  std::string backup_dir;
  CLI::App* backup = app.add_subcommand(
      "backup", "online backup into a directory on the server");
  backup
      ->add_option("directory", backup_dir,
                   "absolute path that does not exist yet")
      ->required();
  CLI::App* compact =
      app.add_subcommand("compact", "flush and fully compact the store");
  CLI::App* stats = app.add_subcommand("stats", "storage statistics");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : kExitUsage;
  }
  Client client(g);
  try {
    if (create->parsed()) SeriesCreate(client, sa);
    if (list->parsed()) SeriesList(client, sa);
    if (show->parsed()) SeriesShow(client, sa);
    if (update->parsed()) SeriesUpdate(client, sa, *update);
    if (del->parsed()) SeriesDelete(client, sa);
    if (write->parsed()) Write(client, wa);
    if (read->parsed()) Read(client, ra);
    if (latest->parsed()) Latest(client, ra);
    if (delete_points->parsed()) DeletePoints(client, ra);
    if (forecast->parsed()) Forecast(client, fa);
    if (backtest->parsed()) Backtest(client, fa);
    if (vintages->parsed()) Vintages(client, fa);
    if (watch->parsed()) Watch(client, fa);
    if (models->parsed()) Models(client);
    if (backup->parsed()) Backup(client, backup_dir);
    if (compact->parsed()) Compact(client);
    if (stats->parsed()) Stats(client);
  } catch (const Exit& e) {
    return e.code;
  }
  return 0;
}

}  // namespace
}  // namespace tsforecast::tsfctl

#if defined(__SANITIZE_ADDRESS__)
// For the ASan build: fontconfig, which librsvg loads to draw the text of
// --plot PNGs, keeps its font cache until exit by design.
extern "C" const char* __lsan_default_suppressions() {
  return "leak:libfontconfig.so\n";
}
#endif

int main(int argc, char** argv) { return tsforecast::tsfctl::Run(argc, argv); }
