// Rendered JSON answers kept by key, each valid for one version of what it
// was rendered from (a series revision, say). A lookup with another
// version misses, and the next store replaces the entry: answers of old
// versions are never asked for again. A full memo starts over rather than
// track recency on every hit.
#ifndef TSFORECAST_SERVICE_HTTP_ANSWER_MEMO_H_
#define TSFORECAST_SERVICE_HTTP_ANSWER_MEMO_H_

#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "service/http/http_message.h"

namespace tsforecast::service::http {

class AnswerMemo {
 public:
  explicit AnswerMemo(size_t max_entries = 4096) : max_entries_(max_entries) {}

  // The answer kept for `key` at `version`, or null.
  std::shared_ptr<const std::string> Find(const std::string& key,
                                          const std::string& version) const;
  void Store(const std::string& key, std::string version, std::string body);
  uint64_t hits() const;

  // Answers `res` with the JSON kept for `key` at `version`; returns
  // whether there was one.
  bool Answer(const std::string& key, const std::string& version,
              HttpResponse& res) const;
  // Keeps `res` for `key` at `version` when it is a success (200).
  void Keep(const std::string& key, std::string version,
            const HttpResponse& res);

 private:
  struct Entry {
    std::string version;
    std::shared_ptr<const std::string> body;
  };
  const size_t max_entries_;
  mutable absl::Mutex mu_;
  absl::flat_hash_map<std::string, Entry> entries_ ABSL_GUARDED_BY(mu_);
  mutable uint64_t hits_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace tsforecast::service::http

#endif  // TSFORECAST_SERVICE_HTTP_ANSWER_MEMO_H_
