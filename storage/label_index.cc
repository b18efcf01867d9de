#include "storage/label_index.h"

#include <algorithm>
#include <memory>

#include "absl/strings/str_cat.h"
#include "storage/selector.h"

namespace tsforecast::storage {
namespace {

absl::string_view LabelOf(const Labels& labels, const std::string& name) {
  auto it = labels.find(name);
  return it == labels.end() ? absl::string_view() : it->second;
}

}  // namespace

void LabelIndex::Add(const std::string& name, const Labels& labels) {
  Labels with_name = SelectableLabels(name, labels);
  for (const auto& [label, value] : with_name) {
    postings_[label][value].insert(name);
  }
  labels_[name] = std::move(with_name);
  all_.insert(name);
}

void LabelIndex::Remove(const std::string& name, const Labels& labels) {
  Labels with_name = SelectableLabels(name, labels);
  for (const auto& [label, value] : with_name) {
    auto by_label = postings_.find(label);
    if (by_label == postings_.end()) continue;
    auto by_value = by_label->second.find(value);
    if (by_value == by_label->second.end()) continue;
    by_value->second.erase(name);
    if (by_value->second.empty()) by_label->second.erase(by_value);
    if (by_label->second.empty()) postings_.erase(by_label);
  }
  labels_.erase(name);
  all_.erase(name);
}

absl::StatusOr<std::vector<std::string>> LabelIndex::Select(
    const std::vector<LabelMatcher>& matchers, absl::string_view after,
    size_t limit) const {
  std::vector<CompiledMatcher> compiled;
  for (size_t i = 0; i < matchers.size(); ++i) {
    absl::StatusOr<CompiledMatcher> c =
        CompiledMatcher::Compile(matchers[i], i);
    if (!c.ok()) return c.status();
    compiled.push_back(*std::move(c));
  }

  // Candidates: the smallest set a positive matcher (one that "" does not
  // satisfy) pins down; otherwise every series.
  const Postings* best = &all_;
  std::vector<std::string> regex_candidates;
  bool use_regex_candidates = false;
  static const Postings kEmpty;
  for (const CompiledMatcher& c : compiled) {
    if (c.Matches("")) continue;  // also selects series lacking the label
    auto by_label = postings_.find(c.matcher().name);
    if (by_label == postings_.end()) return std::vector<std::string>();
    if (c.matcher().type == MatchType::kEqual) {
      auto by_value = by_label->second.find(c.matcher().value);
      const Postings* p =
          by_value == by_label->second.end() ? &kEmpty : &by_value->second;
      if (p->size() < best->size()) best = p;
    } else if (!use_regex_candidates && best == &all_) {
      for (const auto& [value, names] : by_label->second) {
        if (c.Matches(value)) {
          regex_candidates.insert(regex_candidates.end(), names.begin(),
                                  names.end());
        }
      }
      use_regex_candidates = true;
    }
  }
  if (use_regex_candidates && best == &all_) {
    std::sort(regex_candidates.begin(), regex_candidates.end());
  } else {
    use_regex_candidates = false;
  }

  std::vector<std::string> out;
  auto consider = [&](const std::string& name) {
    const Labels& labels = labels_.at(name);
    for (const CompiledMatcher& c : compiled) {
      if (!c.Matches(LabelOf(labels, c.matcher().name))) return;
    }
    out.push_back(name);
  };
  if (use_regex_candidates) {
    auto it = std::upper_bound(regex_candidates.begin(), regex_candidates.end(),
                               after);
    for (; it != regex_candidates.end() && out.size() < limit; ++it) {
      consider(*it);
    }
  } else {
    auto it = after.empty() ? best->begin() : best->upper_bound(after);
    for (; it != best->end() && out.size() < limit; ++it) consider(*it);
  }
  return out;
}

std::vector<std::string> LabelIndex::LabelValues(
    absl::string_view label) const {
  std::vector<std::string> out;
  auto it = postings_.find(label);
  if (it == postings_.end()) return out;
  for (const auto& [value, names] : it->second) out.push_back(value);
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> LabelIndex::LabelNames() const {
  std::vector<std::string> out;
  for (const auto& [label, values] : postings_) out.push_back(label);
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace tsforecast::storage
