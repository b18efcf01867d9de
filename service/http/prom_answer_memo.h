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

#include <optional>
#include <string>
#include <vector>

#include "service/http/answer_memo.h"
#include "storage/series_store.h"

namespace tsforecast::service::http {

class PromAnswerMemo : public AnswerMemo {
 public:
  explicit PromAnswerMemo(storage::SeriesStore* store,
                          size_t max_entries = 4096)
      : AnswerMemo(max_entries), store_(store) {}

  // What the answer over `matchers` depends on now, the version to keep it
  // at: the selected series' ids and revisions. Nullopt when it must not be
  // kept (a series with a retention, or a listing error).
  std::optional<std::string> Fingerprint(
      const std::vector<storage::LabelMatcher>& matchers) const;

  // A key naming the query kind, its text, the matchers after access
  // narrowing (so callers of different scopes never share an answer) and
  // its times.
  static std::string Key(char kind, const std::string& query_text,
                         const std::vector<storage::LabelMatcher>& matchers,
                         const std::vector<int64_t>& times);

 private:
  storage::SeriesStore* store_;
};

}  // namespace tsforecast::service::http

#endif  // TSFORECAST_SERVICE_HTTP_PROM_ANSWER_MEMO_H_
