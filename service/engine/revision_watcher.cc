#include "service/engine/revision_watcher.h"

#include <utility>
#include <vector>

namespace tsforecast::service {

RevisionWatcher::RevisionWatcher(storage::SeriesStore* store,
                                 absl::Duration tick)
    : store_(store), tick_(tick), thread_([this] { Loop(); }) {}

RevisionWatcher::~RevisionWatcher() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  thread_.join();
}

uint64_t RevisionWatcher::Watch(const std::string& series,
                                uint64_t known_revision, Changed changed) {
  absl::MutexLock lock(&mu_);
  const uint64_t id = next_id_++;
  entries_[id] = Entry{series, known_revision, std::move(changed)};
  return id;
}

void RevisionWatcher::Unwatch(uint64_t id) {
  absl::MutexLock lock(&mu_);
  entries_.erase(id);
}

size_t RevisionWatcher::size() const {
  absl::MutexLock lock(&mu_);
  return entries_.size();
}

void RevisionWatcher::Loop() {
  absl::MutexLock lock(&mu_);
  auto stopping = [this]()
                      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return stopping_; };
  while (!mu_.AwaitWithTimeout(absl::Condition(&stopping), tick_)) {
    mu_.Unlock();
    Tick();
    mu_.Lock();
  }
}

void RevisionWatcher::Tick() {
  // The watched series, looked up without holding the lock.
  absl::flat_hash_map<std::string, absl::StatusOr<uint64_t>> revisions;
  {
    absl::MutexLock lock(&mu_);
    for (const auto& [id, e] : entries_) {
      revisions.try_emplace(e.series, absl::UnknownError(""));
    }
  }
  for (auto& [series, revision] : revisions) {
    absl::StatusOr<storage::SeriesInfo> info = store_->GetSeries(series);
    if (info.ok()) {
      revision = info->revision;
    } else {
      revision = info.status();
    }
  }
  std::vector<std::pair<Changed, absl::StatusOr<uint64_t>>> calls;
  {
    absl::MutexLock lock(&mu_);
    for (auto it = entries_.begin(); it != entries_.end();) {
      auto found = revisions.find(it->second.series);
      if (found == revisions.end()) {  // watched since the lookups
        ++it;
        continue;
      }
      const absl::StatusOr<uint64_t>& now = found->second;
      if (!now.ok() && !absl::IsNotFound(now.status())) {
        ++it;  // a passing error: try again next tick
        continue;
      }
      if (!now.ok()) {
        calls.emplace_back(std::move(it->second.changed), now);
        entries_.erase(it++);
        continue;
      }
      if (*now != it->second.told) {
        it->second.told = *now;
        calls.emplace_back(it->second.changed, now);
      }
      ++it;
    }
  }
  for (auto& [changed, revision] : calls) changed(revision);
}

}  // namespace tsforecast::service
