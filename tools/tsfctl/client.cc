#include "tools/tsfctl/client.h"

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/calendar_step.h"
#include "common/time_util.h"

namespace tsforecast::tsfctl {

void Usage(const std::string& message) {
  std::cerr << "tsfctl: " << message << "\n";
  throw Exit{kExitUsage};
}

void Check(const grpc::Status& status, const std::string& what) {
  if (status.ok()) return;
  // gRPC and Abseil number their status codes alike.
  const std::string code = absl::StatusCodeToString(
      static_cast<absl::StatusCode>(status.error_code()));
  std::cerr << "tsfctl: " << what << " failed: " << (code.empty() ? "?" : code)
            << ": " << status.error_message() << "\n";
  throw Exit{kExitServerError};
}

namespace {

std::string ReadFileOrUsage(const std::string& path, const char* flag) {
  std::ifstream in(path);
  if (!in) Usage(absl::StrCat(flag, ": cannot read ", path));
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

std::shared_ptr<grpc::ChannelCredentials> Credentials(const Globals& g) {
  if (!g.tls && g.tls_ca.empty() && g.tls_cert.empty()) {
    return grpc::InsecureChannelCredentials();
  }
  grpc::SslCredentialsOptions ssl;
  if (!g.tls_ca.empty())
    ssl.pem_root_certs = ReadFileOrUsage(g.tls_ca, "--tls_ca");
  if (g.tls_cert.empty() != g.tls_key.empty()) {
    Usage("--tls_cert and --tls_key go together");
  }
  if (!g.tls_cert.empty()) {
    ssl.pem_cert_chain = ReadFileOrUsage(g.tls_cert, "--tls_cert");
    ssl.pem_private_key = ReadFileOrUsage(g.tls_key, "--tls_key");
  }
  return grpc::SslCredentials(ssl);
}

}  // namespace

Client::Client(const Globals& g) : globals_(g) {
  std::string token;
  if (!g.token_file.empty()) {
    token = std::string(absl::StripAsciiWhitespace(
        ReadFileOrUsage(g.token_file, "--token_file")));
  } else if (const char* env = std::getenv("TSF_TOKEN")) {
    token = std::string(absl::StripAsciiWhitespace(env));
  }
  if (!token.empty()) authorization_ = "Bearer " + token;
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(256 << 20);
  args.SetMaxSendMessageSize(256 << 20);
  channel_ = grpc::CreateCustomChannel(g.server, Credentials(g), args);
  series = v1::SeriesService::NewStub(channel_);
  points = v1::PointsService::NewStub(channel_);
  admin = v1::AdminService::NewStub(channel_);
  forecasts = v1::ForecastService::NewStub(channel_);
}

std::unique_ptr<grpc::ClientContext> Client::Context(bool streaming) const {
  auto ctx = std::make_unique<grpc::ClientContext>();
  if (!authorization_.empty())
    ctx->AddMetadata("authorization", authorization_);
  if (globals_.timeout_s > 0 && !streaming) {
    ctx->set_deadline(std::chrono::system_clock::now() +
                      std::chrono::milliseconds(
                          static_cast<int64_t>(globals_.timeout_s * 1000)));
  }
  return ctx;
}

Format Client::format() const {
  absl::StatusOr<Format> f = ParseFormat(globals_.format);
  if (!f.ok()) Usage(std::string(f.status().message()));
  return *f;
}

std::string Client::Time(int64_t ts_ms) const {
  return globals_.epoch_ms ? absl::StrCat(ts_ms) : FormatTimestamp(ts_ms);
}

int64_t ParseTime(const std::string& text, const char* flag) {
  absl::StatusOr<int64_t> ts = ParseTimestamp(text);
  if (!ts.ok()) Usage(absl::StrCat(flag, ": ", ts.status().message()));
  return *ts;
}

v1::Step ParseStep(const std::string& text) {
  absl::StatusOr<CalendarStep> step = CalendarStep::Parse(text);
  if (!step.ok()) Usage(absl::StrCat("--step: ", step.status().message()));
  v1::Step out;
  out.set_unit(static_cast<v1::StepUnit>(step->unit()));
  out.set_count(step->count());
  return out;
}

int64_t ParseRetention(const std::string& text) {
  if (text == "0" || text == "forever") return 0;
  absl::StatusOr<CalendarStep> d = CalendarStep::Parse(text);
  if (!d.ok()) {
    Usage(absl::StrCat("--retention \"", text,
                       "\": expected a duration such as 90d, 12w, 2y, or 0"));
  }
  return d->NominalMs();
}

v1::Aggregator ParseAggregator(const std::string& text) {
  static const std::map<std::string, v1::Aggregator> kAggs = {
      {"avg", v1::AGGREGATOR_AVG},     {"mean", v1::AGGREGATOR_AVG},
      {"min", v1::AGGREGATOR_MIN},     {"max", v1::AGGREGATOR_MAX},
      {"sum", v1::AGGREGATOR_SUM},     {"count", v1::AGGREGATOR_COUNT},
      {"first", v1::AGGREGATOR_FIRST}, {"last", v1::AGGREGATOR_LAST}};
  auto it = kAggs.find(text);
  if (it == kAggs.end()) {
    Usage(absl::StrCat("--agg \"", text,
                       "\": expected avg, min, max, sum, count, first or "
                       "last"));
  }
  return it->second;
}

v1::OffGridPolicy ParseOffGrid(const std::string& text) {
  if (text == "reject") return v1::OFF_GRID_POLICY_REJECT;
  if (text == "snap_start") return v1::OFF_GRID_POLICY_SNAP_START;
  if (text == "snap_end") return v1::OFF_GRID_POLICY_SNAP_END;
  if (text == "accept") return v1::OFF_GRID_POLICY_ACCEPT;
  Usage(absl::StrCat("--off-grid \"", text,
                     "\": expected reject, snap_start, snap_end or accept"));
}

v1::ValueBounds ParseBounds(const std::string& text) {
  if (text == "inferred") return v1::VALUE_BOUNDS_INFERRED;
  if (text == "unbounded") return v1::VALUE_BOUNDS_UNBOUNDED;
  if (text == "nonnegative") return v1::VALUE_BOUNDS_NONNEGATIVE;
  if (text == "positive") return v1::VALUE_BOUNDS_POSITIVE;
  Usage(absl::StrCat(
      "--bounds \"", text,
      "\": expected inferred, unbounded, nonnegative or positive"));
}

std::string BoundsText(const v1::Series& series) {
  switch (series.bounds()) {
    case v1::VALUE_BOUNDS_UNBOUNDED:
      return "unbounded";
    case v1::VALUE_BOUNDS_NONNEGATIVE:
      return "nonnegative";
    case v1::VALUE_BOUNDS_POSITIVE:
      return "positive";
    default:
      return "inferred";
  }
}

v1::ValueKind ParseKind(const std::string& text) {
  if (text == "level") return v1::VALUE_KIND_LEVEL;
  if (text == "flow") return v1::VALUE_KIND_FLOW;
  Usage(absl::StrCat("--kind \"", text, "\": expected level or flow"));
}

void ParseLabels(const std::vector<std::string>& items,
                 google::protobuf::Map<std::string, std::string>* out) {
  for (const std::string& item : items) {
    std::pair<std::string, std::string> kv =
        absl::StrSplit(item, absl::MaxSplits('=', 1));
    if (kv.first.empty() || item.find('=') == std::string::npos) {
      Usage(absl::StrCat("--label \"", item, "\": expected name=value"));
    }
    (*out)[kv.first] = kv.second;
  }
}

std::string StepText(const v1::Step& step) {
  return CalendarStep(static_cast<StepUnit>(step.unit()), step.count())
      .ToString();
}

std::string LabelsText(const v1::Series& s) {
  std::map<std::string, std::string> sorted(s.labels().begin(),
                                            s.labels().end());
  return absl::StrJoin(sorted, ",", absl::PairFormatter("="));
}

}  // namespace tsforecast::tsfctl
