// Type, help and unit of metric families, as Prometheus remote write and
// scrapes describe them, for /api/v1/metadata. Kept in memory: senders
// repeat it (Prometheus every minute by default), and a series' own unit
// and description, which are stored, answer when nothing was sent.
#ifndef TSFORECAST_SERVICE_INGEST_METRIC_METADATA_H_
#define TSFORECAST_SERVICE_INGEST_METRIC_METADATA_H_

#include <map>
#include <string>

#include "absl/synchronization/mutex.h"

namespace tsforecast::service::ingest {

struct MetricMetadata {
  std::string type;  // "counter", "gauge", ... as Prometheus names them
  std::string help;
  std::string unit;
  friend bool operator==(const MetricMetadata&,
                         const MetricMetadata&) = default;
};

class MetadataTable {
 public:
  // Families beyond this many are not recorded (a sender cannot grow the
  // server's memory without bound).
  static constexpr size_t kMaxFamilies = 100000;
  static constexpr size_t kMaxTextBytes = 4096;  // help, unit: cut beyond

  // Records (or replaces) the metadata of `family`; false when the table
  // is full and `family` is new.
  bool Put(const std::string& family, MetricMetadata metadata);
  // Every family, ascending.
  std::map<std::string, MetricMetadata> Snapshot() const;

 private:
  mutable absl::Mutex mu_;
  std::map<std::string, MetricMetadata> families_ ABSL_GUARDED_BY(mu_);
};

}  // namespace tsforecast::service::ingest

#endif  // TSFORECAST_SERVICE_INGEST_METRIC_METADATA_H_
