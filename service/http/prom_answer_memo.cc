#include "service/http/prom_answer_memo.h"

#include "absl/strings/str_cat.h"

namespace tsforecast::service::http {

std::optional<std::string> PromAnswerVersion(
    const std::vector<storage::SeriesInfo>& selected) {
  std::string out;
  for (const storage::SeriesInfo& info : selected) {
    if (info.definition.retention_ms > 0) return std::nullopt;
    absl::StrAppend(&out, info.id, ":", info.revision, ",");
  }
  return out;
}

std::string PromAnswerKey(char kind, const std::string& query_text,
                          const std::vector<storage::LabelMatcher>& matchers,
                          const std::vector<int64_t>& times) {
  std::string key(1, kind);
  absl::StrAppend(&key, query_text.size(), ":", query_text);
  for (const storage::LabelMatcher& m : matchers) {
    absl::StrAppend(&key, "|", m.name.size(), ":", m.name,
                    static_cast<int>(m.type), m.value.size(), ":", m.value);
  }
  for (int64_t t : times) absl::StrAppend(&key, "@", t);
  return key;
}

}  // namespace tsforecast::service::http
