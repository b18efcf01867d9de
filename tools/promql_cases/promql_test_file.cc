#include "tools/promql_cases/promql_test_file.h"

#include <bit>
#include <cmath>
#include <cstdlib>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "service/http/http_util.h"

namespace tsforecast::promql_cases {
namespace {

constexpr uint64_t kStaleNaN = 0x7ff0000000000002ull;

absl::Status LineError(int line, absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat("line ", line, ": ", why));
}

bool IsNameStart(char c) {
  return absl::ascii_isalpha(c) || c == '_' || c == ':';
}
bool IsNameChar(char c) { return IsNameStart(c) || absl::ascii_isdigit(c); }

// A test file's durations start at 0 ("at 0m"), which a query step may not.
absl::StatusOr<int64_t> DurationMs(absl::string_view text) {
  size_t digits = 0;
  while (digits < text.size() && text[digits] == '0') ++digits;
  if (digits > 0 &&
      (digits == text.size() || absl::ascii_isalpha(text[digits]))) {
    bool all_units = true;
    for (size_t i = digits; i < text.size(); ++i) {
      all_units = all_units && absl::ascii_isalpha(text[i]);
    }
    if (all_units) return 0;
  }
  return service::http::ParsePromDuration("duration", std::string(text));
}

// A metric name and/or {label="value", ...} at the start of `text`;
// advances `text` past it.
absl::StatusOr<storage::Labels> ParseMetric(absl::string_view& text) {
  storage::Labels labels;
  size_t i = 0;
  while (i < text.size() && IsNameChar(text[i])) ++i;
  if (i > 0) labels[storage::kNameLabel] = std::string(text.substr(0, i));
  text.remove_prefix(i);
  if (text.empty() || text[0] != '{') return labels;
  text.remove_prefix(1);
  for (;;) {
    text = absl::StripLeadingAsciiWhitespace(text);
    if (absl::ConsumePrefix(&text, "}")) return labels;
    size_t n = 0;
    while (n < text.size() && IsNameChar(text[n])) ++n;
    if (n == 0) return absl::InvalidArgumentError("expected a label name");
    std::string name(text.substr(0, n));
    text = absl::StripLeadingAsciiWhitespace(text.substr(n));
    if (!absl::ConsumePrefix(&text, "=")) {
      return absl::InvalidArgumentError("expected '=' after a label name");
    }
    text = absl::StripLeadingAsciiWhitespace(text);
    if (text.empty() || (text[0] != '"' && text[0] != '\'' && text[0] != '`')) {
      return absl::InvalidArgumentError("expected a quoted label value");
    }
    const char quote = text[0];
    std::string value;
    size_t k = 1;
    for (; k < text.size() && text[k] != quote; ++k) {
      if (text[k] == '\\' && quote != '`' && k + 1 < text.size()) {
        ++k;
        value += text[k] == 'n' ? '\n' : text[k] == 't' ? '\t' : text[k];
      } else {
        value += text[k];
      }
    }
    if (k == text.size())
      return absl::InvalidArgumentError("unterminated quote");
    text.remove_prefix(k + 1);
    labels[name] = std::move(value);
    text = absl::StripLeadingAsciiWhitespace(text);
    absl::ConsumePrefix(&text, ",");
  }
}

}  // namespace

std::optional<double> ParsePromNumber(absl::string_view text) {
  absl::string_view t = text;
  double sign = 1;
  if (absl::ConsumePrefix(&t, "-")) {
    sign = -1;
  } else {
    absl::ConsumePrefix(&t, "+");
  }
  if (absl::EqualsIgnoreCase(t, "inf")) return sign * INFINITY;
  if (absl::EqualsIgnoreCase(t, "nan")) return NAN;
  if (t.empty()) return std::nullopt;
  if (absl::StartsWithIgnoreCase(t, "0x")) {
    uint64_t v = 0;
    if (!absl::SimpleHexAtoi(t.substr(2), &v)) return std::nullopt;
    return sign * static_cast<double>(v);
  }
  for (char c : t) {
    if (!absl::ascii_isdigit(c) && c != '.' && c != 'e' && c != 'E' &&
        c != '+' && c != '-') {
      return std::nullopt;
    }
  }
  const std::string s(t);
  char* end = nullptr;
  const double v = std::strtod(s.c_str(), &end);
  if (end != s.c_str() + s.size()) return std::nullopt;
  return sign * v;
}

absl::Status ExpandSeriesValue(absl::string_view token,
                               std::vector<std::optional<double>>& out) {
  // _  _xN  v  vxN  v+dxN  v-dxN  stale
  uint64_t times = 0;
  absl::string_view head = token;
  const size_t x = token.rfind('x');
  const bool repeated = x != absl::string_view::npos && x + 1 < token.size() &&
                        absl::SimpleAtoi(token.substr(x + 1), &times) &&
                        !absl::StartsWithIgnoreCase(token, "0x");
  if (repeated) head = token.substr(0, x);
  if (head == "_") {
    out.insert(out.end(), repeated ? times : 1, std::nullopt);
    return absl::OkStatus();
  }
  if (head == "stale") {
    if (repeated) return absl::InvalidArgumentError("stale cannot repeat");
    out.push_back(std::bit_cast<double>(kStaleNaN));
    return absl::OkStatus();
  }
  if (!repeated) {
    std::optional<double> v = ParsePromNumber(head);
    if (!v)
      return absl::InvalidArgumentError(absl::StrCat("bad value ", token));
    out.push_back(*v);
    return absl::OkStatus();
  }
  // The start may carry a sign, so the delta's sign is the last + or -
  // that is not part of an exponent.
  size_t split = absl::string_view::npos;
  for (size_t i = 1; i < head.size(); ++i) {
    if ((head[i] == '+' || head[i] == '-') && head[i - 1] != 'e' &&
        head[i - 1] != 'E') {
      split = i;
    }
  }
  std::optional<double> start = ParsePromNumber(
      split == absl::string_view::npos ? head : head.substr(0, split));
  std::optional<double> delta = 0.0;
  if (split != absl::string_view::npos)
    delta = ParsePromNumber(head.substr(split));
  if (!start || !delta) {
    return absl::InvalidArgumentError(absl::StrCat("bad value ", token));
  }
  double v = *start;
  for (uint64_t i = 0; i <= times; ++i) {
    out.push_back(v);
    v += *delta;
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<Command>> ParseTestFile(absl::string_view text) {
  std::vector<Command> out;
  const std::vector<absl::string_view> lines = absl::StrSplit(text, '\n');
  for (size_t i = 0; i < lines.size(); ++i) {
    const int line_no = static_cast<int>(i) + 1;
    absl::string_view line = absl::StripAsciiWhitespace(lines[i]);
    if (line.empty() || line[0] == '#') continue;
    // The indented lines that follow belong to this command.
    std::vector<std::pair<int, absl::string_view>> body;
    while (i + 1 < lines.size() && !lines[i + 1].empty() &&
           (lines[i + 1][0] == ' ' || lines[i + 1][0] == '\t')) {
      ++i;
      absl::string_view b = absl::StripAsciiWhitespace(lines[i]);
      if (!b.empty() && b[0] != '#')
        body.emplace_back(static_cast<int>(i) + 1, b);
    }
    Command cmd;
    cmd.line = line_no;
    if (line == "clear") {
      cmd.kind = Command::Kind::kClear;
      out.push_back(std::move(cmd));
      continue;
    }
    if (absl::ConsumePrefix(&line, "load ")) {
      cmd.kind = Command::Kind::kLoad;
      absl::StatusOr<int64_t> step =
          DurationMs(absl::StripAsciiWhitespace(line));
      if (!step.ok()) return LineError(line_no, step.status().message());
      cmd.step_ms = *step;
      for (auto [n, b] : body) {
        absl::StatusOr<storage::Labels> labels = ParseMetric(b);
        if (!labels.ok()) return LineError(n, labels.status().message());
        LoadedSeries s;
        s.labels = *std::move(labels);
        for (absl::string_view token : absl::StrSplit(b, absl::ByAnyChar(" \t"),
                                                      absl::SkipWhitespace())) {
          if (absl::Status st = ExpandSeriesValue(token, s.values); !st.ok()) {
            return LineError(n, st.message());
          }
        }
        cmd.series.push_back(std::move(s));
      }
      out.push_back(std::move(cmd));
      continue;
    }
    if (absl::ConsumePrefix(&line, "eval_ordered ")) {
      cmd.kind = Command::Kind::kEvalOrdered;
    } else if (absl::ConsumePrefix(&line, "eval_fail ")) {
      cmd.kind = Command::Kind::kEvalFail;
    } else if (absl::ConsumePrefix(&line, "eval ")) {
      cmd.kind = Command::Kind::kEval;
    } else {
      return LineError(line_no, absl::StrCat("unknown command: ", line));
    }
    if (!absl::ConsumePrefix(&line, "instant at ")) {
      return LineError(line_no, "expected \"instant at <time>\"");
    }
    const size_t space = line.find(' ');
    if (space == absl::string_view::npos) {
      return LineError(line_no, "expected an expression after the time");
    }
    absl::StatusOr<int64_t> at = DurationMs(line.substr(0, space));
    if (!at.ok()) return LineError(line_no, at.status().message());
    cmd.at_ms = *at;
    cmd.expr = std::string(absl::StripAsciiWhitespace(line.substr(space + 1)));
    for (auto [n, b] : body) {
      ExpectedSample e;
      if (std::optional<double> v = ParsePromNumber(b)) {
        e.scalar = true;
        e.value = *v;
      } else {
        absl::StatusOr<storage::Labels> labels = ParseMetric(b);
        if (!labels.ok()) return LineError(n, labels.status().message());
        e.labels = *std::move(labels);
        std::optional<double> value =
            ParsePromNumber(absl::StripAsciiWhitespace(b));
        if (!value) {
          return LineError(n, absl::StrCat("bad expected value: ", b));
        }
        e.value = *value;
      }
      cmd.expected.push_back(std::move(e));
    }
    out.push_back(std::move(cmd));
  }
  return out;
}

}  // namespace tsforecast::promql_cases
