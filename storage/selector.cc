#include "storage/selector.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace tsforecast::storage {
namespace {

class SelectorParser {
 public:
  explicit SelectorParser(absl::string_view text) : text_(text) {}

  absl::StatusOr<std::vector<LabelMatcher>> Parse() {
    std::vector<LabelMatcher> out;
    SkipSpace();
    if (Peek() != '{') {
      std::string name = Identifier(/*metric=*/true);
      if (name.empty()) return Error("expected a series name or '{'");
      out.push_back({kNameLabel, MatchType::kEqual, name});
      SkipSpace();
    }
    if (Peek() == '{') {
      ++pos_;
      SkipSpace();
      while (Peek() != '}') {
        LabelMatcher m;
        m.name = Identifier(/*metric=*/false);
        if (m.name.empty()) return Error("expected a label name");
        SkipSpace();
        if (Consume("=~")) {
          m.type = MatchType::kRegex;
        } else if (Consume("!~")) {
          m.type = MatchType::kNotRegex;
        } else if (Consume("!=")) {
          m.type = MatchType::kNotEqual;
        } else if (Consume("=")) {
          m.type = MatchType::kEqual;
        } else {
          return Error("expected one of = != =~ !~");
        }
        SkipSpace();
        absl::Status s = QuotedString(&m.value);
        if (!s.ok()) return s;
        out.push_back(std::move(m));
        SkipSpace();
        if (Peek() == ',') {
          ++pos_;
          SkipSpace();
        } else if (Peek() != '}') {
          return Error("expected ',' or '}'");
        }
      }
      ++pos_;
      SkipSpace();
    }
    if (pos_ != text_.size()) return Error("unexpected text after selector");
    if (out.empty()) return Error("empty selector");
    return out;
  }

 private:
  char Peek() const { return pos_ < text_.size() ? text_[pos_] : '\0'; }
  void SkipSpace() {
    while (pos_ < text_.size() && absl::ascii_isspace(text_[pos_])) ++pos_;
  }
  bool Consume(absl::string_view token) {
    if (text_.substr(pos_, token.size()) != token) return false;
    pos_ += token.size();
    return true;
  }
  std::string Identifier(bool metric) {
    const size_t start = pos_;
    while (pos_ < text_.size()) {
      const char c = text_[pos_];
      const bool ok = absl::ascii_isalnum(c) || c == '_' ||
                      (metric && (c == ':' || c == '.' || c == '-'));
      if (!ok) break;
      ++pos_;
    }
    return std::string(text_.substr(start, pos_ - start));
  }
  absl::Status QuotedString(std::string* out) {
    const char quote = Peek();
    if (quote != '"' && quote != '\'') {
      return Error("expected a quoted value").status();
    }
    ++pos_;
    while (pos_ < text_.size() && text_[pos_] != quote) {
      char c = text_[pos_++];
      if (c == '\\' && pos_ < text_.size()) {
        c = text_[pos_++];
        if (c == 'n') c = '\n';
        if (c == 't') c = '\t';
      }
      out->push_back(c);
    }
    if (pos_ >= text_.size()) return Error("unterminated string").status();
    ++pos_;
    return absl::OkStatus();
  }
  absl::StatusOr<std::vector<LabelMatcher>> Error(absl::string_view what) {
    return absl::InvalidArgumentError(absl::StrCat(
        "selector \"", text_, "\" at position ", pos_, ": ", what));
  }

  absl::string_view text_;
  size_t pos_ = 0;
};

}  // namespace

absl::StatusOr<std::vector<LabelMatcher>> ParseSelector(
    absl::string_view selector) {
  return SelectorParser(selector).Parse();
}

}  // namespace tsforecast::storage
