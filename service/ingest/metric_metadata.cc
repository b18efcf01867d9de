#include "service/ingest/metric_metadata.h"

namespace tsforecast::service::ingest {

bool MetadataTable::Put(const std::string& family, MetricMetadata metadata) {
  if (metadata.help.size() > kMaxTextBytes) {
    metadata.help.resize(kMaxTextBytes);
  }
  if (metadata.unit.size() > kMaxTextBytes) {
    metadata.unit.resize(kMaxTextBytes);
  }
  absl::MutexLock lock(&mu_);
  auto it = families_.find(family);
  if (it != families_.end()) {
    it->second = std::move(metadata);
    return true;
  }
  if (families_.size() >= kMaxFamilies) return false;
  families_.emplace(family, std::move(metadata));
  return true;
}

std::map<std::string, MetricMetadata> MetadataTable::Snapshot() const {
  absl::MutexLock lock(&mu_);
  return families_;
}

}  // namespace tsforecast::service::ingest
