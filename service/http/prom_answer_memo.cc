#include "service/http/prom_answer_memo.h"

#include "absl/strings/str_cat.h"

namespace tsforecast::service::http {

std::optional<std::string> PromAnswerMemo::Fingerprint(
    const std::vector<storage::LabelMatcher>& matchers) const {
  absl::StatusOr<std::vector<storage::SeriesInfo>> infos =
      store_->ListSeries(matchers, "", 100000);
  if (!infos.ok()) return std::nullopt;
  std::string out;
  for (const storage::SeriesInfo& info : *infos) {
    if (info.definition.retention_ms > 0) return std::nullopt;
    absl::StrAppend(&out, info.id, ":", info.revision, ",");
  }
  return out;
}

std::shared_ptr<const std::string> PromAnswerMemo::Find(
    const std::string& key, const std::string& fingerprint) const {
  absl::MutexLock lock(&mu_);
  auto it = entries_.find(key);
  if (it == entries_.end() || it->second.fingerprint != fingerprint) {
    return nullptr;
  }
  ++hits_;
  return it->second.body;
}

void PromAnswerMemo::Store(const std::string& key, std::string fingerprint,
                           std::string body) {
  auto shared = std::make_shared<const std::string>(std::move(body));
  absl::MutexLock lock(&mu_);
  // Answers at old revisions are never asked again; a full memo starts
  // over rather than track recency on every hit.
  if (entries_.size() >= max_entries_ && !entries_.contains(key)) {
    entries_.clear();
  }
  entries_[key] = Entry{std::move(fingerprint), std::move(shared)};
}

std::string PromAnswerMemo::Key(
    char kind, const std::string& query_text,
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

uint64_t PromAnswerMemo::hits() const {
  absl::MutexLock lock(&mu_);
  return hits_;
}

}  // namespace tsforecast::service::http
