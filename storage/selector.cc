#include "storage/selector.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "re2/re2.h"

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
    // The text is quoted up to a bound: a hostile selector may be
    // megabytes long, and the message goes back to the caller.
    constexpr size_t kQuoted = 200;
    return absl::InvalidArgumentError(
        absl::StrCat("selector \"", text_.substr(0, kQuoted),
                     text_.size() > kQuoted ? "...\"" : "\"", " at position ",
                     pos_, ": ", what));
  }

  absl::string_view text_;
  size_t pos_ = 0;
};

}  // namespace

absl::StatusOr<std::vector<LabelMatcher>> ParseSelector(
    absl::string_view selector) {
  return SelectorParser(selector).Parse();
}

absl::StatusOr<CompiledMatcher> CompiledMatcher::Compile(
    const LabelMatcher& matcher, size_t index) {
  CompiledMatcher out;
  out.matcher_ = matcher;
  if (matcher.type == MatchType::kRegex ||
      matcher.type == MatchType::kNotRegex) {
    // RE2 is linear in the input, but its compiled program grows with the
    // pattern: bound what a client may make the server compile.
    if (matcher.value.size() > kMaxRegexBytes) {
      return absl::InvalidArgumentError(absl::StrCat(
          "matchers[", index, "].value: regular expression of ",
          matcher.value.size(), " bytes; at most ", kMaxRegexBytes));
    }
    out.regex_ = std::make_unique<RE2>(matcher.value, RE2::Quiet);
    if (!out.regex_->ok()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "matchers[", index, "].value: invalid regular expression \"",
          matcher.value.substr(0, 200), "\": ", out.regex_->error()));
    }
  }
  return out;
}

CompiledMatcher::CompiledMatcher(CompiledMatcher&&) noexcept = default;
CompiledMatcher& CompiledMatcher::operator=(CompiledMatcher&&) noexcept =
    default;
CompiledMatcher::~CompiledMatcher() = default;

bool CompiledMatcher::Matches(absl::string_view value) const {
  const re2::StringPiece piece(value.data(), value.size());
  switch (matcher_.type) {
    case MatchType::kEqual:
      return value == matcher_.value;
    case MatchType::kNotEqual:
      return value != matcher_.value;
    case MatchType::kRegex:
      return RE2::FullMatch(piece, *regex_);
    case MatchType::kNotRegex:
      return !RE2::FullMatch(piece, *regex_);
  }
  return false;
}

absl::StatusOr<SeriesSelector> SeriesSelector::Compile(
    const std::vector<LabelMatcher>& matchers) {
  SeriesSelector out;
  for (size_t i = 0; i < matchers.size(); ++i) {
    absl::StatusOr<CompiledMatcher> c =
        CompiledMatcher::Compile(matchers[i], i);
    if (!c.ok()) return c.status();
    out.matchers_.push_back(*std::move(c));
  }
  return out;
}

bool SeriesSelector::Matches(absl::string_view name,
                             const Labels& labels) const {
  for (const CompiledMatcher& c : matchers_) {
    absl::string_view value;
    if (c.matcher().name == kNameLabel && !labels.contains(kNameLabel)) {
      value = name;
    } else if (auto it = labels.find(c.matcher().name); it != labels.end()) {
      value = it->second;
    }
    if (!c.Matches(value)) return false;
  }
  return true;
}

}  // namespace tsforecast::storage
