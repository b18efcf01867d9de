#include "service/http/prom_query.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "service/forecast_request.h"
#include "service/proto_convert.h"
#include "storage/selector.h"

namespace tsforecast::service::http {
namespace {

constexpr char kSupported[] =
    "this server understands number literals, series selectors such as "
    "ndpr_oxide_cny{market=\"shanghai\"} and forecast(<selector>[, "
    "\"<model>\"[, \"<step>\", \"<aggregator>\"]]); see docs/http_api.md";

// Number literals with + - * / and parentheses. Recursion is bounded by
// kMaxPromQueryDepth (each '(' and unary sign is a level) and every byte is
// looked at a bounded number of times, so hostile text costs linear time and
// a fixed stack.
class ScalarParser {
 public:
  explicit ScalarParser(absl::string_view text) : text_(text) {}
  // The value; nullopt when `text` is not such an expression; an error when
  // it nests deeper than the limit.
  absl::StatusOr<std::optional<double>> Parse() {
    double out;
    const bool ok = Sum(&out);
    if (too_deep_) {
      return absl::InvalidArgumentError(
          absl::StrCat("query: nested deeper than ", kMaxPromQueryDepth,
                       " levels of parentheses or signs"));
    }
    Skip();
    if (!ok || pos_ != text_.size()) return std::nullopt;
    return out;
  }

 private:
  void Skip() {
    while (pos_ < text_.size() && absl::ascii_isspace(text_[pos_])) ++pos_;
  }
  bool Sum(double* out) {
    if (!Product(out)) return false;
    for (;;) {
      Skip();
      if (pos_ >= text_.size() || (text_[pos_] != '+' && text_[pos_] != '-'))
        return true;
      const char op = text_[pos_++];
      double rhs;
      if (!Product(&rhs)) return false;
      *out = op == '+' ? *out + rhs : *out - rhs;
    }
  }
  bool Product(double* out) {
    if (!Unary(out)) return false;
    for (;;) {
      Skip();
      if (pos_ >= text_.size() || (text_[pos_] != '*' && text_[pos_] != '/'))
        return true;
      const char op = text_[pos_++];
      double rhs;
      if (!Unary(&rhs)) return false;
      *out = op == '*' ? *out * rhs : *out / rhs;
    }
  }
  bool Unary(double* out) {
    Skip();
    if (pos_ < text_.size() &&
        (text_[pos_] == '-' || text_[pos_] == '+' || text_[pos_] == '(')) {
      if (depth_ >= kMaxPromQueryDepth) {
        too_deep_ = true;
        return false;
      }
      ++depth_;
      const bool ok = Nested(out);
      --depth_;
      return ok;
    }
    return Number(out);
  }
  bool Nested(double* out) {
    if (text_[pos_] == '(') {
      ++pos_;
      if (!Sum(out)) return false;
      Skip();
      if (pos_ >= text_.size() || text_[pos_] != ')') return false;
      ++pos_;
      return true;
    }
    const bool negate = text_[pos_++] == '-';
    if (!Unary(out)) return false;
    if (negate) *out = -*out;
    return true;
  }
  // strtod on the literal's own bytes only: copying the rest of the text
  // for each literal made "1+1+...+1" quadratic.
  bool Number(double* out) {
    size_t end = pos_;
    while (end < text_.size() &&
           (absl::ascii_isalnum(text_[end]) || text_[end] == '.' ||
            ((text_[end] == '+' || text_[end] == '-') && end > pos_ &&
             (text_[end - 1] == 'e' || text_[end - 1] == 'E' ||
              text_[end - 1] == 'p' || text_[end - 1] == 'P')))) {
      ++end;
    }
    if (end == pos_ || end - pos_ > kMaxNumberBytes) return false;
    const std::string literal(text_.substr(pos_, end - pos_));
    char* stop = nullptr;
    *out = std::strtod(literal.c_str(), &stop);
    if (stop == literal.c_str()) return false;
    pos_ += stop - literal.c_str();
    return true;
  }

  static constexpr size_t kMaxNumberBytes = 400;
  absl::string_view text_;
  size_t pos_ = 0;
  int depth_ = 0;
  bool too_deep_ = false;
};

// Splits "a, b" at top-level commas (outside braces and quotes).
std::vector<std::string> SplitArguments(absl::string_view text) {
  std::vector<std::string> out(1);
  int depth = 0;
  char quote = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quote != 0) {
      if (c == '\\' && i + 1 < text.size()) {
        out.back() += c;
        out.back() += text[++i];
        continue;
      }
      if (c == quote) quote = 0;
    } else if (c == '"' || c == '\'') {
      quote = c;
    } else if (c == '{' || c == '(') {
      ++depth;
    } else if (c == '}' || c == ')') {
      --depth;
    } else if (c == ',' && depth == 0) {
      out.emplace_back();
      continue;
    }
    out.back() += c;
  }
  for (std::string& a : out) a = std::string(absl::StripAsciiWhitespace(a));
  return out;
}

// `what` names the argument and gives an example for the error.
absl::StatusOr<std::string> StringLiteral(absl::string_view text,
                                          absl::string_view what) {
  if (text.size() >= 2 && (text.front() == '"' || text.front() == '\'') &&
      text.back() == text.front()) {
    return std::string(text.substr(1, text.size() - 2));
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "forecast(): the ", what, " must be a quoted string, not ", text));
}

// "rate(" -> "rate"; empty when the text is not a function call.
std::string FunctionName(absl::string_view text) {
  size_t i = 0;
  while (i < text.size() && (absl::ascii_isalnum(text[i]) || text[i] == '_'))
    ++i;
  if (i == 0 || i >= text.size()) return "";
  size_t j = i;
  while (j < text.size() && absl::ascii_isspace(text[j])) ++j;
  return j < text.size() && text[j] == '(' ? std::string(text.substr(0, i))
                                           : "";
}

absl::StatusOr<std::vector<storage::LabelMatcher>> Selector(
    absl::string_view text) {
  if (text.find('[') != absl::string_view::npos) {
    return absl::InvalidArgumentError(absl::StrCat(
        "range vectors such as x[5m] are not supported; ", kSupported));
  }
  absl::StatusOr<std::vector<storage::LabelMatcher>> m =
      storage::ParseSelector(text);
  if (!m.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(m.status().message(), "; ", kSupported));
  }
  if (m->empty()) {
    return absl::InvalidArgumentError(
        "a selector needs a series name or at least one label matcher");
  }
  return m;
}

// The latest point of `points` in [t - lookback, t] for each t of the grid:
// closed at both ends, as Prometheus 2.42 (3.0 opened the left end).
std::vector<std::pair<int64_t, double>> Sample(
    const std::vector<std::pair<int64_t, double>>& points, int64_t start_ms,
    int64_t end_ms, int64_t step_ms, int64_t lookback_ms) {
  std::vector<std::pair<int64_t, double>> out;
  size_t next = 0;  // first point > t
  for (int64_t t = start_ms; t <= end_ms; t += step_ms) {
    while (next < points.size() && points[next].first <= t) ++next;
    if (next > 0 && t - points[next - 1].first <= lookback_ms) {
      out.emplace_back(t, points[next - 1].second);
    }
  }
  return out;
}

std::map<std::string, std::string> MetricOf(const storage::SeriesInfo& info) {
  return storage::SelectableLabels(info.definition.name,
                                   info.definition.labels);
}

}  // namespace

absl::StatusOr<PromQuery> ParsePromQuery(absl::string_view raw) {
  const absl::string_view text = absl::StripAsciiWhitespace(raw);
  if (text.empty()) {
    return absl::InvalidArgumentError("query: must not be empty");
  }
  if (text.size() > kMaxPromQueryBytes) {
    return absl::InvalidArgumentError(absl::StrCat(
        "query: ", text.size(), " bytes; at most ", kMaxPromQueryBytes));
  }
  PromQuery q;
  TSF_ASSIGN_OR_RETURN(std::optional<double> scalar,
                       ScalarParser(text).Parse());
  if (scalar) {
    q.kind = PromQuery::Kind::kScalar;
    q.scalar = *scalar;
    return q;
  }
  const std::string function = FunctionName(text);
  if (function.empty()) {
    TSF_ASSIGN_OR_RETURN(q.matchers, Selector(text));
    return q;
  }
  if (function != "forecast") {
    return absl::InvalidArgumentError(absl::StrCat(
        "function \"", function, "\" is not supported; ", kSupported));
  }
  const size_t open = text.find('(');
  if (text.back() != ')') {
    return absl::InvalidArgumentError("forecast(: missing closing ')'");
  }
  const std::vector<std::string> args =
      SplitArguments(text.substr(open + 1, text.size() - open - 2));
  if (args.empty() || args.size() == 3 || args.size() > 4 || args[0].empty()) {
    return absl::InvalidArgumentError(
        "forecast() takes a selector, optionally a quoted model name, and "
        "optionally a coarser step with its aggregator, e.g. "
        "forecast(ndpr_oxide_cny, \"ets\") or forecast(brent_spot_usd, "
        "\"auto\", \"1w\", \"last\")");
  }
  q.kind = PromQuery::Kind::kForecast;
  TSF_ASSIGN_OR_RETURN(q.matchers, Selector(args[0]));
  if (args.size() >= 2) {
    TSF_ASSIGN_OR_RETURN(q.model,
                         StringLiteral(args[1], "model (such as \"ets\")"));
  }
  if (args.size() == 4) {
    TSF_ASSIGN_OR_RETURN(std::string step,
                         StringLiteral(args[2], "step (such as \"1w\")"));
    TSF_ASSIGN_OR_RETURN(
        std::string aggregator,
        StringLiteral(args[3], "aggregator (such as \"last\")"));
    TSF_ASSIGN_OR_RETURN(
        q.aggregation,
        AggregationFromText(step, aggregator, "forecast(): the step",
                            "forecast(): the aggregator"));
  }
  return q;
}

absl::StatusOr<std::vector<storage::SeriesInfo>> PromEvaluator::SelectSeries(
    const PromQuery& query) const {
  return store_->ListSeries(query.matchers, "", 100000);
}

absl::StatusOr<PromResult> PromEvaluator::Evaluate(
    const PromQuery& query, const std::vector<storage::SeriesInfo>& selected,
    int64_t start_ms, int64_t end_ms, int64_t step_ms,
    absl::Time deadline) const {
  if (step_ms <= 0) {
    return absl::InvalidArgumentError("step: must be positive");
  }
  if (end_ms < start_ms) {
    return absl::InvalidArgumentError("end: must not be before start");
  }
  if ((end_ms - start_ms) / step_ms + 1 > kMaxPromSteps) {
    return absl::InvalidArgumentError(
        absl::StrCat("exceeded maximum resolution of ", kMaxPromSteps,
                     " points per series; try a larger step"));
  }
  PromResult result;
  std::optional<CalendarStep> coarse;
  if (query.aggregation) {
    TSF_ASSIGN_OR_RETURN(coarse,
                         StepFromProto(query.aggregation->step(), "step"));
  }
  for (const storage::SeriesInfo& info : selected) {
    // A forecast on a coarser step lies on that step's grid.
    const CalendarStep& step = coarse ? *coarse : info.definition.step;
    const int64_t lookback = std::max<int64_t>(5 * 60 * 1000, step.NominalMs());
    if (query.kind == PromQuery::Kind::kSelector) {
      const storage::TimeRange range{start_ms - lookback, end_ms + 1};
      TSF_ASSIGN_OR_RETURN(storage::ReadResult read,
                           store_->Read(info.definition.name, range, 0));
      std::vector<std::pair<int64_t, double>> points;
      points.reserve(read.points.size());
      for (const storage::Point& p : read.points) {
        points.emplace_back(p.timestamp_ms, p.value);
      }
      PromSeries s{MetricOf(info),
                   Sample(points, start_ms, end_ms, step_ms, lookback)};
      if (!s.samples.empty()) result.series.push_back(std::move(s));
      continue;
    }
    // forecast(): far enough ahead to reach `end`.
    TSF_ASSIGN_OR_RETURN(storage::ReadResult last,
                         store_->ReadLatest(info.definition.name, 1));
    if (last.points.empty() || last.points[0].timestamp_ms >= end_ms) continue;
    const int64_t horizon = std::clamp<int64_t>(
        step.StepsBetween(last.points[0].timestamp_ms, end_ms) + 1, 1, 10000);
    v1::ForecastRequest request;
    request.set_series(info.definition.name);
    request.set_horizon(static_cast<int32_t>(horizon));
    request.mutable_model()->set_name(query.model);
    if (query.aggregation) *request.mutable_aggregation() = *query.aggregation;
    absl::StatusOr<ForecastJob> job =
        ForecastJobFromProto(request, forecasts_->defaults());
    if (!job.ok()) return job.status();
    absl::StatusOr<std::shared_ptr<const v1::ForecastResponse>> forecast =
        forecasts_->Answer(*job, deadline);
    if (!forecast.ok()) {
      // A full queue or a passed deadline fails the whole query, so that
      // the client retries it (429 or 503 with Retry-After) instead of
      // drawing a panel with series missing.
      const absl::StatusCode code = forecast.status().code();
      if (code == absl::StatusCode::kInvalidArgument ||
          code == absl::StatusCode::kResourceExhausted ||
          code == absl::StatusCode::kUnavailable ||
          code == absl::StatusCode::kDeadlineExceeded) {
        return forecast.status();
      }
      result.warnings.push_back(absl::StrCat(info.definition.name, ": ",
                                             forecast.status().message()));
      continue;
    }
    const v1::ForecastResponse& f = **forecast;
    auto emit = [&](const std::string& band,
                    const google::protobuf::RepeatedField<double>& values) {
      std::vector<std::pair<int64_t, double>> points;
      for (int i = 0; i < values.size() && i < f.timestamps_ms_size(); ++i) {
        points.emplace_back(f.timestamps_ms(i), values[i]);
      }
      PromSeries s;
      s.metric = MetricOf(info);
      s.metric.erase(storage::kNameLabel);
      s.metric["series"] = info.definition.name;
      s.metric["band"] = band;
      s.samples = Sample(points, start_ms, end_ms, step_ms, lookback);
      if (!s.samples.empty()) result.series.push_back(std::move(s));
    };
    emit("mean", f.mean());
    for (const v1::PredictionInterval& pi : f.intervals()) {
      const std::string level = absl::StrCat(pi.level());
      emit(absl::StrCat("lower_", level), pi.lower());
      emit(absl::StrCat("upper_", level), pi.upper());
    }
  }
  return result;
}

}  // namespace tsforecast::service::http
