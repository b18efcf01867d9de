// How Prometheus query answers are kept (in an AnswerMemo) while the
// series they read are unchanged. Dashboards poll the same query with the same
// times again and again; an answer depends only on the query, its times and the
// series its matchers select at their revisions (every write and delete raises
// a revision, and forecasts are cached by revision too), so a poll whose series
// have not moved gets the stored text without reading or rendering. Series with
// a retention are left out: their answers change as points expire, with no
// write.
#ifndef TSFORECAST_SERVICE_HTTP_PROM_ANSWER_MEMO_H_
#define TSFORECAST_SERVICE_HTTP_PROM_ANSWER_MEMO_H_

#include <optional>
#include <string>
#include <vector>

#include "storage/types.h"

namespace tsforecast::service::http {

// The version to keep an answer at: the ids and revisions of the series
// the query selected. Nullopt when it must not be kept (a series with a
// retention).
std::optional<std::string> PromAnswerVersion(
    const std::vector<storage::SeriesInfo>& selected);

// A key naming the query kind, its text, the matchers after access
// narrowing (so callers of different scopes never share an answer) and
// its times.
std::string PromAnswerKey(char kind, const std::string& query_text,
                          const std::vector<storage::LabelMatcher>& matchers,
                          const std::vector<int64_t>& times);

}  // namespace tsforecast::service::http

#endif  // TSFORECAST_SERVICE_HTTP_PROM_ANSWER_MEMO_H_
