// Parses Prometheus series selectors: `name`, `name{l="v"}`, `{l=~"a|b"}`,
// with =, !=, =~, !~ and double- or single-quoted values.
#ifndef TSFORECAST_STORAGE_SELECTOR_H_
#define TSFORECAST_STORAGE_SELECTOR_H_

#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "storage/types.h"

namespace re2 {
class RE2;
}

namespace tsforecast::storage {

// INVALID_ARGUMENT with the offending position on a syntax error.
absl::StatusOr<std::vector<LabelMatcher>> ParseSelector(
    absl::string_view selector);

// Longest regular expression a matcher may hold.
inline constexpr size_t kMaxRegexBytes = 1024;

// One matcher with its regular expression compiled.
class CompiledMatcher {
 public:
  // INVALID_ARGUMENT naming matchers[`index`] for a bad regular expression.
  static absl::StatusOr<CompiledMatcher> Compile(const LabelMatcher& matcher,
                                                 size_t index);
  CompiledMatcher(CompiledMatcher&&) noexcept;
  CompiledMatcher& operator=(CompiledMatcher&&) noexcept;
  ~CompiledMatcher();

  const LabelMatcher& matcher() const { return matcher_; }
  // Whether a label's value (empty when the series lacks the label)
  // satisfies the matcher.
  bool Matches(absl::string_view value) const;

 private:
  CompiledMatcher() = default;
  LabelMatcher matcher_;
  std::unique_ptr<re2::RE2> regex_;  // for kRegex and kNotRegex
};

// A selector compiled once, for testing series one at a time (a token's
// scope, for example).
class SeriesSelector {
 public:
  static absl::StatusOr<SeriesSelector> Compile(
      const std::vector<LabelMatcher>& matchers);
  // Whether the series `name` with `labels` satisfies every matcher.
  bool Matches(absl::string_view name, const Labels& labels) const;
  bool empty() const { return matchers_.empty(); }

 private:
  std::vector<CompiledMatcher> matchers_;
};

}  // namespace tsforecast::storage

#endif  // TSFORECAST_STORAGE_SELECTOR_H_
