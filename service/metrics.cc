#include "service/metrics.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"

namespace tsforecast::service {
namespace {

std::string FormatSampleValue(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  return absl::StrCat(v);
}

// {a="x",b="y"} with an optional extra label (le for buckets).
std::string LabelText(const std::vector<std::string>& names,
                      const LabelValues& values, const std::string& extra_name,
                      const std::string& extra_value) {
  std::string out;
  for (size_t i = 0; i < names.size() && i < values.size(); ++i) {
    absl::StrAppend(&out, out.empty() ? "" : ",", names[i], "=\"",
                    EscapeLabelValue(values[i]), "\"");
  }
  if (!extra_name.empty()) {
    absl::StrAppend(&out, out.empty() ? "" : ",", extra_name, "=\"",
                    extra_value, "\"");
  }
  return out.empty() ? "" : absl::StrCat("{", out, "}");
}

void Header(std::string* out, const std::string& name, const std::string& help,
            const std::string& type) {
  absl::StrAppend(out, "# HELP ", name, " ", help, "\n# TYPE ", name, " ", type,
                  "\n");
}

// Samples sorted by label values so scrapes are stable.
template <typename Map>
std::vector<typename Map::const_pointer> Sorted(const Map& map) {
  std::vector<typename Map::const_pointer> out;
  for (const auto& entry : map) out.push_back(&entry);
  std::sort(out.begin(), out.end(),
            [](auto a, auto b) { return a->first < b->first; });
  return out;
}

}  // namespace

std::string EscapeLabelValue(const std::string& value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::vector<double> LatencyBuckets() {
  return {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
          0.1,    0.25,    0.5,    1,     2.5,    5,     10,   30,    60};
}

CounterFamily::CounterFamily(std::string name, std::string help,
                             std::vector<std::string> label_names)
    : name_(std::move(name)),
      help_(std::move(help)),
      label_names_(std::move(label_names)) {}

void CounterFamily::Add(const LabelValues& labels, double delta) {
  absl::MutexLock lock(&mu_);
  values_[labels] += delta;
}

double CounterFamily::Value(const LabelValues& labels) const {
  absl::MutexLock lock(&mu_);
  auto it = values_.find(labels);
  return it == values_.end() ? 0 : it->second;
}

void CounterFamily::Render(std::string* out) const {
  Header(out, name_, help_, "counter");
  absl::MutexLock lock(&mu_);
  for (const auto* entry : Sorted(values_)) {
    absl::StrAppend(out, name_, LabelText(label_names_, entry->first, "", ""),
                    " ", FormatSampleValue(entry->second), "\n");
  }
}

HistogramFamily::HistogramFamily(std::string name, std::string help,
                                 std::vector<std::string> label_names,
                                 std::vector<double> bounds)
    : name_(std::move(name)),
      help_(std::move(help)),
      label_names_(std::move(label_names)),
      bounds_(std::move(bounds)) {}

void HistogramFamily::Observe(const LabelValues& labels, double value) {
  const size_t bucket =
      std::lower_bound(bounds_.begin(), bounds_.end(), value) - bounds_.begin();
  absl::MutexLock lock(&mu_);
  Series& s = series_[labels];
  if (s.buckets.empty()) s.buckets.assign(bounds_.size() + 1, 0);
  ++s.buckets[bucket];
  s.sum += value;
  ++s.count;
}

uint64_t HistogramFamily::Count(const LabelValues& labels) const {
  absl::MutexLock lock(&mu_);
  auto it = series_.find(labels);
  return it == series_.end() ? 0 : it->second.count;
}

void HistogramFamily::Render(std::string* out) const {
  Header(out, name_, help_, "histogram");
  absl::MutexLock lock(&mu_);
  for (const auto* entry : Sorted(series_)) {
    const Series& s = entry->second;
    uint64_t cumulative = 0;
    for (size_t i = 0; i <= bounds_.size(); ++i) {
      cumulative += s.buckets[i];
      const std::string le =
          i < bounds_.size() ? FormatSampleValue(bounds_[i]) : "+Inf";
      absl::StrAppend(out, name_, "_bucket",
                      LabelText(label_names_, entry->first, "le", le), " ",
                      cumulative, "\n");
    }
    const std::string labels = LabelText(label_names_, entry->first, "", "");
    absl::StrAppend(out, name_, "_sum", labels, " ", FormatSampleValue(s.sum),
                    "\n", name_, "_count", labels, " ", s.count, "\n");
  }
}

Metrics::Metrics()
    : grpc_requests("tsf_grpc_requests_total",
                    "gRPC calls finished, by method and status code.",
                    {"method", "code"}),
      grpc_latency("tsf_grpc_request_duration_seconds",
                   "gRPC call latency, from receipt to status.", {"method"},
                   LatencyBuckets()),
      http_requests("tsf_http_requests_total",
                    "HTTP requests on the side port, by handler and status.",
                    {"handler", "code"}),
      http_latency("tsf_http_request_duration_seconds",
                   "HTTP request latency on the side port.", {"handler"},
                   LatencyBuckets()),
      fit_seconds("tsf_forecast_fit_duration_seconds",
                  "Model fits (cache misses), by model.", {"model"},
                  LatencyBuckets()),
      fit_errors("tsf_forecast_fit_errors_total",
                 "Model fits that failed, by model.", {"model"}) {}

void Metrics::AddGauge(GaugeFamily gauge) {
  absl::MutexLock lock(&mu_);
  gauges_.push_back(std::move(gauge));
}

void Metrics::AddScrapeHook(std::function<void()> hook) {
  absl::MutexLock lock(&mu_);
  scrape_hooks_.push_back(std::move(hook));
}

void Metrics::AddValue(std::string name, std::string help, std::string type,
                       std::function<double()> read) {
  AddGauge({std::move(name),
            std::move(help),
            std::move(type),
            {},
            [read = std::move(read)] {
              return std::vector<GaugeSample>{{{}, read()}};
            }});
}

std::string Metrics::Render() const {
  std::string out;
  grpc_requests.Render(&out);
  grpc_latency.Render(&out);
  http_requests.Render(&out);
  http_latency.Render(&out);
  fit_seconds.Render(&out);
  fit_errors.Render(&out);
  absl::MutexLock lock(&mu_);
  for (const std::function<void()>& hook : scrape_hooks_) hook();
  for (const GaugeFamily& g : gauges_) {
    Header(&out, g.name, g.help, g.type);
    for (const GaugeSample& s : g.read()) {
      absl::StrAppend(&out, g.name, LabelText(g.label_names, s.labels, "", ""),
                      " ", FormatSampleValue(s.value), "\n");
    }
  }
  return out;
}

}  // namespace tsforecast::service
