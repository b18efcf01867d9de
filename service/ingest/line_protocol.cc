#include "service/ingest/line_protocol.h"

#include <charconv>
#include <cmath>
#include <limits>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace tsforecast::service::ingest {
namespace {

// Where each kind of token stops, and which characters a backslash
// escapes in it.
struct TokenKind {
  const char* stops;
  const char* escapable;
};
constexpr TokenKind kMeasurement = {", \n", ", "};
constexpr TokenKind kTagKey = {"=, \n", ",= "};
constexpr TokenKind kTagValue = {", \n", ",= "};
constexpr TokenKind kFieldKey = {"=, \n", ",= "};

bool In(char c, const char* set) {
  for (; *set != '\0'; ++set) {
    if (*set == c) return true;
  }
  return false;
}

// A Prometheus name from any text: [a-zA-Z0-9_:] kept (':' only when
// `colon`), anything else '_', a leading digit behind '_'.
std::string Sanitized(absl::string_view text, bool colon) {
  std::string out;
  out.reserve(text.size() + 1);
  if (!text.empty() && absl::ascii_isdigit(text[0])) out += '_';
  for (char c : text) {
    out += absl::ascii_isalnum(c) || c == '_' || (colon && c == ':') ? c : '_';
  }
  return out;
}

std::string LabelName(absl::string_view tag_key) {
  std::string name = Sanitized(tag_key, false);
  if (name.starts_with("__")) name.insert(0, "tag_");
  return name;
}

int64_t UnitsPerMs(Precision p) {
  switch (p) {
    case Precision::kNanos:
      return 1'000'000;
    case Precision::kMicros:
      return 1'000;
    default:
      return 1;
  }
}

int64_t MsPerUnit(Precision p) {
  switch (p) {
    case Precision::kSeconds:
      return 1'000;
    case Precision::kMinutes:
      return 60'000;
    case Precision::kHours:
      return 3'600'000;
    default:
      return 1;
  }
}

class Parser {
 public:
  Parser(absl::string_view body, const LineProtocolOptions& options,
         DecodedLines& out)
      : body_(body), options_(options), out_(out) {}

  void Run() {
    while (pos_ < body_.size()) {
      line_begin_ = pos_;
      // Blank lines and comments.
      size_t p = pos_;
      while (p < body_.size() && (body_[p] == ' ' || body_[p] == '\t')) {
        ++p;
      }
      if (p == body_.size()) break;
      if (body_[p] == '\n' || body_[p] == '#') {
        SkipLine();
        continue;
      }
      ++out_.lines;
      if (!ParseLine()) {
        ++out_.bad_lines;
        if (!out_.first_error) out_.first_error = error_;
        SkipLine();
      }
    }
  }

 private:
  struct Field {
    absl::string_view raw_key;
    std::string key;
    double value = 0;
  };

  char Peek() const { return pos_ < body_.size() ? body_[pos_] : '\n'; }
  bool AtLineEnd() const { return pos_ >= body_.size() || body_[pos_] == '\n'; }

  void SkipLine() {
    while (pos_ < body_.size() && body_[pos_] != '\n') ++pos_;
    if (pos_ < body_.size()) ++pos_;
    ++line_;
  }

  bool Fail(size_t at, std::string message) {
    error_ = {line_, at - line_begin_ + 1, std::move(message)};
    return false;
  }

  // Reads up to an unescaped stop character (or the end).
  std::string Token(const TokenKind& kind) {
    std::string out;
    while (pos_ < body_.size()) {
      const char c = body_[pos_];
      if (c == '\\' && pos_ + 1 < body_.size() &&
          In(body_[pos_ + 1], kind.escapable)) {
        out += body_[pos_ + 1];
        pos_ += 2;
        continue;
      }
      if (In(c, kind.stops)) break;
      out += c;
      ++pos_;
    }
    return out;
  }

  bool ParseLine() {
    const size_t series_begin = pos_;
    const std::string measurement = Token(kMeasurement);
    if (measurement.empty()) return Fail(pos_, "missing measurement");
    std::vector<std::pair<std::string, std::string>>& tags = tags_;
    tags.clear();
    while (Peek() == ',') {
      ++pos_;
      const size_t key_at = pos_;
      std::string key = Token(kTagKey);
      if (key.empty()) return Fail(key_at, "missing tag key");
      if (Peek() != '=') return Fail(pos_, "missing tag value");
      ++pos_;
      const size_t value_at = pos_;
      std::string value = Token(kTagValue);
      if (value.empty()) return Fail(value_at, "missing tag value");
      for (const auto& [k, v] : tags) {
        if (k == key) return Fail(key_at, "duplicate tag \"" + key + "\"");
      }
      tags.emplace_back(std::move(key), std::move(value));
    }
    const absl::string_view series_raw =
        body_.substr(series_begin, pos_ - series_begin);
    if (Peek() != ' ') return Fail(pos_, "missing fields");
    while (Peek() == ' ') ++pos_;

    std::vector<Field> fields;
    for (;;) {
      const size_t key_at = pos_;
      Field f;
      f.key = Token(kFieldKey);
      f.raw_key = body_.substr(key_at, pos_ - key_at);
      if (f.key.empty()) return Fail(key_at, "missing field key");
      if (Peek() != '=') return Fail(pos_, "missing field value");
      ++pos_;
      const size_t value_at = pos_;
      if (Peek() == '"') {
        if (!SkipString()) return Fail(value_at, "unterminated string");
        ++out_.string_fields;
      } else {
        const size_t end = FieldValueEnd();
        if (end == value_at) return Fail(value_at, "missing field value");
        absl::string_view text = body_.substr(value_at, end - value_at);
        pos_ = end;
        std::optional<double> v = FieldValue(text);
        if (!v) {
          return Fail(value_at, absl::StrCat("invalid field value \"",
                                             text.substr(0, 64), "\""));
        }
        f.value = *v;
        fields.push_back(std::move(f));
      }
      if (Peek() != ',') break;
      ++pos_;
    }

    int64_t time_ms = options_.now_ms;
    while (Peek() == ' ') ++pos_;
    if (!AtLineEnd()) {
      const size_t at = pos_;
      while (pos_ < body_.size() && body_[pos_] != ' ' && body_[pos_] != '\n') {
        ++pos_;
      }
      std::optional<int64_t> t = TimeMs(body_.substr(at, pos_ - at));
      if (!t) return Fail(at, "invalid timestamp");
      time_ms = *t;
      while (Peek() == ' ') ++pos_;
      if (!AtLineEnd()) return Fail(pos_, "unexpected text after timestamp");
    }
    if (pos_ < body_.size()) ++pos_;  // the newline
    ++line_;

    for (const Field& f : fields) {
      key_.assign(series_raw.data(), series_raw.size()).append(1, '\0');
      key_.append(f.raw_key.data(), f.raw_key.size());
      auto it = index_.find(key_);
      if (it == index_.end()) {
        it = index_.emplace(key_, out_.series.size()).first;
        PushedSeries s;
        s.labels[storage::kNameLabel] = absl::StrCat(
            Sanitized(measurement, true), "_", Sanitized(f.key, true));
        for (const auto& [k, v] : tags) s.labels[LabelName(k)] = v;
        if (!options_.db.empty()) s.labels.try_emplace("db", options_.db);
        out_.series.push_back(std::move(s));
      }
      out_.series[it->second].points.push_back({time_ms, f.value});
    }
    return true;
  }

  // Past a quoted string value (escapes \" and \\; newlines allowed).
  bool SkipString() {
    ++pos_;  // the opening quote
    while (pos_ < body_.size()) {
      const char c = body_[pos_];
      if (c == '\\' && pos_ + 1 < body_.size() &&
          (body_[pos_ + 1] == '"' || body_[pos_ + 1] == '\\')) {
        pos_ += 2;
        continue;
      }
      if (c == '\n') ++line_;
      ++pos_;
      if (c == '"') return true;
    }
    return false;
  }

  size_t FieldValueEnd() const {
    size_t p = pos_;
    while (p < body_.size() && body_[p] != ',' && body_[p] != ' ' &&
           body_[p] != '\n') {
      ++p;
    }
    return p;
  }

  static std::optional<double> FieldValue(absl::string_view text) {
    if (text == "t" || text == "T" || text == "true" || text == "True" ||
        text == "TRUE") {
      return 1.0;
    }
    if (text == "f" || text == "F" || text == "false" || text == "False" ||
        text == "FALSE") {
      return 0.0;
    }
    const char* begin = text.data();
    const char* end = text.data() + text.size();
    if (text.back() == 'i') {
      int64_t v = 0;
      auto [p, ec] = std::from_chars(begin, end - 1, v);
      if (ec != std::errc() || p != end - 1) return std::nullopt;
      return static_cast<double>(v);
    }
    if (text.back() == 'u') {
      uint64_t v = 0;
      auto [p, ec] = std::from_chars(begin, end - 1, v);
      if (ec != std::errc() || p != end - 1) return std::nullopt;
      return static_cast<double>(v);
    }
    // Digits, sign, point and exponent only: from_chars would also read
    // "inf" and "nan", which the protocol does not have. A leading '+' is
    // refused, as InfluxDB does.
    if (*begin == '+') return std::nullopt;
    for (const char* p = begin; p < end; ++p) {
      if (!absl::ascii_isdigit(*p) && *p != '-' && *p != '.' && *p != 'e' &&
          *p != 'E' && *p != '+') {
        return std::nullopt;
      }
    }
    double v = 0;
    auto [p, ec] = std::from_chars(begin, end, v);
    if (ec != std::errc() || p != end || !std::isfinite(v)) {
      return std::nullopt;
    }
    return v;
  }

  std::optional<int64_t> TimeMs(absl::string_view text) const {
    int64_t t = 0;
    auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), t);
    if (ec != std::errc() || p != text.data() + text.size()) {
      return std::nullopt;
    }
    const int64_t div = UnitsPerMs(options_.precision);
    if (div > 1) {
      // Floor, so that times before 1970 round down like later ones.
      int64_t q = t / div;
      if (t % div != 0 && t < 0) --q;
      return q;
    }
    const int64_t mul = MsPerUnit(options_.precision);
    if (t > std::numeric_limits<int64_t>::max() / mul ||
        t < std::numeric_limits<int64_t>::min() / mul) {
      return std::nullopt;
    }
    return t * mul;
  }

  absl::string_view body_;
  const LineProtocolOptions& options_;
  DecodedLines& out_;
  size_t pos_ = 0;
  size_t line_ = 1;
  size_t line_begin_ = 0;
  LineError error_;
  // Raw series text and field key -> out_.series[i].
  absl::flat_hash_map<std::string, size_t> index_;
  // Reused from line to line, to spare allocations.
  std::string key_;
  std::vector<std::pair<std::string, std::string>> tags_;
};

}  // namespace

absl::StatusOr<Precision> ParsePrecision(absl::string_view text, bool v2) {
  if (text.empty() || text == "ns" || (!v2 && text == "n")) {
    return Precision::kNanos;
  }
  if (text == "us" || (!v2 && text == "u")) return Precision::kMicros;
  if (text == "ms") return Precision::kMillis;
  if (text == "s") return Precision::kSeconds;
  if (!v2 && text == "m") return Precision::kMinutes;
  if (!v2 && text == "h") return Precision::kHours;
  return absl::InvalidArgumentError(
      absl::StrCat("precision: \"", text.substr(0, 20), "\" is not one of ",
                   v2 ? "ns, us, ms, s" : "n, ns, u, us, ms, s, m, h"));
}

std::string LineError::ToString() const {
  return absl::StrCat("line ", line, ", column ", column, ": ", message);
}

DecodedLines ParseLineProtocol(absl::string_view body,
                               const LineProtocolOptions& options) {
  DecodedLines out;
  Parser(body, options, out).Run();
  return out;
}

}  // namespace tsforecast::service::ingest
