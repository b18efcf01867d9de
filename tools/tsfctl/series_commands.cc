#include "tools/tsfctl/series_commands.h"

#include <iostream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/util/json_util.h"

namespace tsforecast::tsfctl {
namespace {

// "1bd", "1bd/us_nyse", "1bd/us_nyse+2" (two dates of its own).
std::string CalendarText(const v1::Series& s) {
  std::string out = StepText(s.step());
  if (!s.holiday_calendar().empty()) {
    absl::StrAppend(&out, "/", s.holiday_calendar());
  }
  if (s.holidays_size() > 0) {
    absl::StrAppend(&out, s.holiday_calendar().empty() ? "/" : "", "+",
                    s.holidays_size());
  }
  return out;
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
    rows.push_back(
        {s.name(), CalendarText(s),
         s.value_kind() == v1::VALUE_KIND_FLOW ? "flow" : "level", s.unit(),
         s.has_decimals() ? absl::StrCat(s.decimals()) : "", BoundsText(s),
         LabelsText(s), absl::StrCat(s.revision()),
         s.retention_ms() ? absl::StrCat(s.retention_ms() / 86400000.0, "d")
                          : "forever",
         s.description()});
  }
  PrintRows(std::cout, format,
            {"name", "step", "kind", "unit", "decimals", "bounds", "labels",
             "revision", "retention", "description"},
            rows);
}

// --holidays "2024-12-24,2024-12-31" (or "" for none).
void SetHolidays(const std::string& holiday_calendar,
                 const std::string& holidays, v1::Series* s) {
  s->set_holiday_calendar(holiday_calendar);
  for (absl::string_view date :
       absl::StrSplit(holidays, ',', absl::SkipWhitespace())) {
    s->add_holidays(std::string(absl::StripAsciiWhitespace(date)));
  }
}

struct SeriesArgs {
  std::string name, step, unit, description, kind = "level", retention = "0",
                                             selector, off_grid = "reject";
  std::string holiday_calendar, holidays;
  std::string bounds = "inferred";
  int decimals = -1;
  std::vector<std::string> labels;
  bool clear_labels = false;
  CLI::App* update = nullptr;  // for which flags were given
};

void AddDefinitionFlags(CLI::App* cmd, SeriesArgs& args, bool create);
void Create(const Client& c, const SeriesArgs& a);
void List(const Client& c, const SeriesArgs& a);
void Update(const Client& c, const SeriesArgs& a);
void Delete(const Client& c, const SeriesArgs& a);

}  // namespace

v1::Series GetSeries(const Client& c, const std::string& name) {
  v1::GetSeriesRequest req;
  req.set_name(name);
  v1::GetSeriesResponse resp;
  Check(c.series->GetSeries(c.Context().get(), req, &resp), "series");
  return resp.series();
}

std::function<void(const Client&)> AddSeriesCommands(CLI::App& app) {
  // Shared with the CLI, which writes the flags into it while parsing.
  auto args = std::make_shared<SeriesArgs>();
  CLI::App* series = app.add_subcommand(
      "series", "create, list, show, update or delete series");
  series->require_subcommand(1);
  CLI::App* create = series->add_subcommand("create", "create a series");
  create->add_option("name", args->name, "series name")->required();
  AddDefinitionFlags(create, *args, true);
  CLI::App* list =
      series->add_subcommand("list", "list series, optionally by selector");
  list->add_option("selector", args->selector,
                   "Prometheus selector, e.g. '{country=\"CN\"}'");
  CLI::App* show = series->add_subcommand("show", "show one series");
  show->add_option("name", args->name)->required();
  CLI::App* update = series->add_subcommand(
      "update",
      "change labels, unit, description, retention, off-grid policy, "
      "holidays, decimals or bounds");
  update->add_option("name", args->name)->required();
  AddDefinitionFlags(update, *args, false);
  update->add_flag("--clear-labels", args->clear_labels, "remove all labels");
  args->update = update;
  CLI::App* del =
      series->add_subcommand("delete", "delete a series and its points");
  del->add_option("name", args->name)->required();
  return [=](const Client& c) {
    if (create->parsed()) Create(c, *args);
    if (list->parsed()) List(c, *args);
    if (show->parsed()) PrintSeries(c, {GetSeries(c, args->name)});
    if (update->parsed()) Update(c, *args);
    if (del->parsed()) Delete(c, *args);
  };
}

namespace {

void AddDefinitionFlags(CLI::App* cmd, SeriesArgs& args, bool create) {
  cmd->add_option("--label", args.labels, "label name=value (repeatable)");
  cmd->add_option("--unit", args.unit, "unit of the values, e.g. USD/t");
  cmd->add_option("--description", args.description, "free text");
  cmd->add_option("--retention", args.retention,
                  "keep points this long, e.g. 90d, 5y; 0 = forever");
  cmd->add_option("--off-grid", args.off_grid,
                  "points off the step grid: reject (default for new "
                  "series), snap_start, snap_end or accept");
  cmd->add_option("--holiday-calendar", args.holiday_calendar,
                  "exchange holidays of a 1bd series: us_nyse or uk_lse "
                  "(\"\" for none)");
  cmd->add_option("--holidays", args.holidays,
                  "further closed dates of a 1bd series, "
                  "e.g. 2024-12-24,2024-12-31 (\"\" for none)");
  cmd->add_option("--bounds", args.bounds,
                  "values the series can take, which forecasts respect: "
                  "inferred (from the history; default), unbounded, "
                  "nonnegative or positive");
  cmd->add_option("--decimals", args.decimals,
                  "decimal places the values carry, used when printing "
                  "(0 to 12; -1: not declared)");
  if (create) {
    cmd->add_option("--step", args.step,
                    "calendar step: 1d, 1bd (business days), 1h, 1w, 1mo, "
                    "1q, 1y...")
        ->required();
    cmd->add_option("--kind", args.kind, "level (prices) or flow (tonnage)")
        ->capture_default_str();
  }
}

void Create(const Client& c, const SeriesArgs& a) {
  v1::CreateSeriesRequest req;
  v1::Series* s = req.mutable_series();
  s->set_name(a.name);
  *s->mutable_step() = ParseStep(a.step);
  s->set_unit(a.unit);
  s->set_description(a.description);
  s->set_value_kind(ParseKind(a.kind));
  s->set_retention_ms(ParseRetention(a.retention));
  s->set_off_grid(ParseOffGrid(a.off_grid));
  SetHolidays(a.holiday_calendar, a.holidays, s);
  if (a.decimals >= 0) s->set_decimals(a.decimals);
  s->set_bounds(ParseBounds(a.bounds));
  ParseLabels(a.labels, s->mutable_labels());
  v1::CreateSeriesResponse resp;
  Check(c.series->CreateSeries(c.Context().get(), req, &resp), "create");
  PrintSeries(c, {resp.series()});
}

void List(const Client& c, const SeriesArgs& a) {
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

void Update(const Client& c, const SeriesArgs& a) {
  const CLI::App& cmd = *a.update;
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
  if (cmd.count("--holiday-calendar") || cmd.count("--holidays")) {
    // The two travel together: a flag left out keeps what the series has.
    const v1::Series have = GetSeries(c, a.name);
    std::string dates;
    for (const std::string& d : have.holidays()) {
      absl::StrAppend(&dates, dates.empty() ? "" : ",", d);
    }
    SetHolidays(cmd.count("--holiday-calendar") ? a.holiday_calendar
                                                : have.holiday_calendar(),
                cmd.count("--holidays") ? a.holidays : dates, s);
    mask->add_paths("holidays");
  }
  if (cmd.count("--decimals")) {
    if (a.decimals >= 0) s->set_decimals(a.decimals);
    mask->add_paths("decimals");
  }
  if (cmd.count("--bounds")) {
    s->set_bounds(ParseBounds(a.bounds));
    mask->add_paths("bounds");
  }
  if (mask->paths_size() == 0) {
    Usage(
        "update: give at least one of --label, --clear-labels, --unit, "
        "--description, --retention, --off-grid, --holiday-calendar, "
        "--holidays, --decimals, --bounds");
  }
  v1::UpdateSeriesResponse resp;
  Check(c.series->UpdateSeries(c.Context().get(), req, &resp), "update");
  PrintSeries(c, {resp.series()});
}

void Delete(const Client& c, const SeriesArgs& a) {
  v1::DeleteSeriesRequest req;
  req.set_name(a.name);
  v1::DeleteSeriesResponse resp;
  Check(c.series->DeleteSeries(c.Context().get(), req, &resp), "delete");
  std::cerr << "deleted series " << a.name << "\n";
}

}  // namespace
}  // namespace tsforecast::tsfctl
