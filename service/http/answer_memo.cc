#include "service/http/answer_memo.h"

namespace tsforecast::service::http {

std::shared_ptr<const std::string> AnswerMemo::Find(
    const std::string& key, const std::string& version) const {
  absl::MutexLock lock(&mu_);
  auto it = entries_.find(key);
  if (it == entries_.end() || it->second.version != version) return nullptr;
  ++hits_;
  return it->second.body;
}

void AnswerMemo::Store(const std::string& key, std::string version,
                       std::string body) {
  auto shared = std::make_shared<const std::string>(std::move(body));
  absl::MutexLock lock(&mu_);
  if (entries_.size() >= max_entries_ && !entries_.contains(key)) {
    entries_.clear();
  }
  entries_[key] = Entry{std::move(version), std::move(shared)};
}

bool AnswerMemo::Answer(const std::string& key, const std::string& version,
                        HttpResponse& res) const {
  std::shared_ptr<const std::string> body = Find(key, version);
  if (body == nullptr) return false;
  res.set_content(*body, "application/json");
  return true;
}

void AnswerMemo::Keep(const std::string& key, std::string version,
                      const HttpResponse& res) {
  if (res.status == 200) Store(key, std::move(version), res.body);
}

uint64_t AnswerMemo::hits() const {
  absl::MutexLock lock(&mu_);
  return hits_;
}

}  // namespace tsforecast::service::http
