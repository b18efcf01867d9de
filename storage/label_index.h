// In-memory inverted index from label pairs to series names, rebuilt from the
// series records at open. Selecting among 100,000 series by an equality
// matcher touches only that posting list; regex matchers are run once per
// distinct label value rather than once per series. Not thread-safe: the
// store serializes access.
#ifndef TSFORECAST_STORAGE_LABEL_INDEX_H_
#define TSFORECAST_STORAGE_LABEL_INDEX_H_

#include <string>
#include <vector>

#include "absl/container/btree_set.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "storage/types.h"

namespace tsforecast::storage {

class LabelIndex {
 public:
  void Add(const std::string& name, const Labels& labels);
  void Remove(const std::string& name, const Labels& labels);

  // Names of series matching every matcher, ascending, strictly greater than
  // `after`, at most `limit`. INVALID_ARGUMENT naming "matchers[i]" for a bad
  // regular expression.
  absl::StatusOr<std::vector<std::string>> Select(
      const std::vector<LabelMatcher>& matchers, absl::string_view after,
      size_t limit) const;

  // Distinct values of one label (or of "__name__"), ascending.
  std::vector<std::string> LabelValues(absl::string_view label) const;
  // Distinct label names in use, ascending, "__name__" included.
  std::vector<std::string> LabelNames() const;

  size_t size() const { return labels_.size(); }

 private:
  using Postings = absl::btree_set<std::string>;
  // label name -> label value -> series names. The series name is indexed
  // under "__name__".
  absl::flat_hash_map<std::string, absl::flat_hash_map<std::string, Postings>>
      postings_;
  // series name -> its labels, "__name__" included.
  absl::flat_hash_map<std::string, Labels> labels_;
  Postings all_;
};

}  // namespace tsforecast::storage

#endif  // TSFORECAST_STORAGE_LABEL_INDEX_H_
