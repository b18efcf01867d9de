// Rendered answers of Prometheus queries, kept while the series they read
// are unchanged. Dashboards poll the same query with the same times again
// and again; an answer depends only on the query, its times and the series
// its matchers select at their revisions (every write and delete raises a
// revision, and forecasts are cached by revision too), so a poll whose
// series have not moved gets the stored text without reading or rendering.
// Series with a retention are left out: their answers change as points
// expire, with no write.
#ifndef TSFORECAST_SERVICE_HTTP_PROM_ANSWER_MEMO_H_
#define TSFORECAST_SERVICE_HTTP_PROM_ANSWER_MEMO_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "storage/series_store.h"

namespace tsforecast::service::http {

class PromAnswerMemo {
 public:
  explicit PromAnswerMemo(storage::SeriesStore* store,
                          size_t max_entries = 4096)
      : store_(store), max_entries_(max_entries) {}

  // What the answer over `matchers` depends on now: the selected series'
  // ids and revisions. Nullopt when it must not be kept (a series with a
  // retention, or a listing error).
  std::optional<std::string> Fingerprint(
      const std::vector<storage::LabelMatcher>& matchers) const;
  // The answer kept for `key` at `fingerprint`, or null.
  std::shared_ptr<const std::string> Find(const std::string& key,
                                          const std::string& fingerprint) const;
  void Store(const std::string& key, std::string fingerprint, std::string body);

  // A key naming the query kind, its text, the matchers after access
  // narrowing (so callers of different scopes never share an answer) and
  // its times.
  static std::string Key(char kind, const std::string& query_text,
                         const std::vector<storage::LabelMatcher>& matchers,
                         const std::vector<int64_t>& times);

  uint64_t hits() const;

 private:
  struct Entry {
    std::string fingerprint;
    std::shared_ptr<const std::string> body;
  };
  storage::SeriesStore* store_;
  const size_t max_entries_;
  mutable absl::Mutex mu_;
  absl::flat_hash_map<std::string, Entry> entries_ ABSL_GUARDED_BY(mu_);
  mutable uint64_t hits_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace tsforecast::service::http

#endif  // TSFORECAST_SERVICE_HTTP_PROM_ANSWER_MEMO_H_
