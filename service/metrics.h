// Process metrics in the Prometheus text exposition format: labelled
// counters and histograms recorded on the request path, and gauges read
// from callbacks at scrape time.
#ifndef TSFORECAST_SERVICE_METRICS_H_
#define TSFORECAST_SERVICE_METRICS_H_

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"

namespace tsforecast::service {

// Label values in the order of the family's label names.
using LabelValues = std::vector<std::string>;

class CounterFamily {
 public:
  CounterFamily(std::string name, std::string help,
                std::vector<std::string> label_names);
  void Add(const LabelValues& labels, double delta = 1)
      ABSL_LOCKS_EXCLUDED(mu_);
  void Render(std::string* out) const ABSL_LOCKS_EXCLUDED(mu_);
  double Value(const LabelValues& labels) const ABSL_LOCKS_EXCLUDED(mu_);

 private:
  const std::string name_, help_;
  const std::vector<std::string> label_names_;
  mutable absl::Mutex mu_;
  absl::flat_hash_map<LabelValues, double> values_ ABSL_GUARDED_BY(mu_);
};

class HistogramFamily {
 public:
  // `bounds`: ascending upper bounds of the buckets (+Inf is implied).
  HistogramFamily(std::string name, std::string help,
                  std::vector<std::string> label_names,
                  std::vector<double> bounds);
  void Observe(const LabelValues& labels, double value)
      ABSL_LOCKS_EXCLUDED(mu_);
  void Render(std::string* out) const ABSL_LOCKS_EXCLUDED(mu_);
  uint64_t Count(const LabelValues& labels) const ABSL_LOCKS_EXCLUDED(mu_);

 private:
  struct Series {
    std::vector<uint64_t> buckets;  // non-cumulative, last is +Inf
    double sum = 0;
    uint64_t count = 0;
  };
  const std::string name_, help_;
  const std::vector<std::string> label_names_;
  const std::vector<double> bounds_;
  mutable absl::Mutex mu_;
  absl::flat_hash_map<LabelValues, Series> series_ ABSL_GUARDED_BY(mu_);
};

// A value read when scraped, one sample per returned label set.
struct GaugeSample {
  LabelValues labels;
  double value = 0;
};
struct GaugeFamily {
  std::string name, help, type = "gauge";  // or "counter"
  std::vector<std::string> label_names;
  std::function<std::vector<GaugeSample>()> read;
};

// Latency buckets in seconds, 100 µs to 60 s.
std::vector<double> LatencyBuckets();

// The server's metrics, shared by the gRPC interceptor, the services and
// the HTTP port.
class Metrics {
 public:
  Metrics();

  CounterFamily grpc_requests;   // {method, code}
  HistogramFamily grpc_latency;  // {method}
  CounterFamily http_requests;   // {handler, code}
  HistogramFamily http_latency;  // {handler}
  HistogramFamily fit_seconds;   // {model}
  CounterFamily fit_errors;      // {model}
  // gRPC calls in progress (the metrics interceptor's lifetime is the
  // call's), so that a drain with nothing in flight need not wait.
  std::atomic<int> grpc_in_flight{0};

  // Adds a gauge (or callback counter) rendered at every scrape.
  void AddGauge(GaugeFamily gauge) ABSL_LOCKS_EXCLUDED(mu_);
  // A single unlabelled value read at every scrape; `type` is "gauge" or
  // "counter".
  void AddValue(std::string name, std::string help, std::string type,
                std::function<double()> read) ABSL_LOCKS_EXCLUDED(mu_);
  // Runs at the start of every scrape, before any gauge is read, so that
  // gauges drawn from one costly source (the store's statistics) can share
  // one reading of it. Scrapes run one at a time.
  void AddScrapeHook(std::function<void()> hook) ABSL_LOCKS_EXCLUDED(mu_);
  // The whole exposition, text format 0.0.4.
  std::string Render() const ABSL_LOCKS_EXCLUDED(mu_);

 private:
  mutable absl::Mutex mu_;
  std::vector<std::function<void()>> scrape_hooks_ ABSL_GUARDED_BY(mu_);
  std::vector<GaugeFamily> gauges_ ABSL_GUARDED_BY(mu_);
};

// Escapes a label value for the text format (\\, \", \n).
std::string EscapeLabelValue(const std::string& value);

}  // namespace tsforecast::service

#endif  // TSFORECAST_SERVICE_METRICS_H_
