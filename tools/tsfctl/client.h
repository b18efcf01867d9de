// What every tsfctl command shares: the connection to the server, the
// global flags, exit codes, and the parsing of flag values.
#ifndef TSFORECAST_TOOLS_TSFCTL_CLIENT_H_
#define TSFORECAST_TOOLS_TSFCTL_CLIENT_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "grpcpp/grpcpp.h"
#include "tools/tsfctl/output.h"
#include "tsforecast/v1/admin.grpc.pb.h"
#include "tsforecast/v1/forecast.grpc.pb.h"
#include "tsforecast/v1/points.grpc.pb.h"
#include "tsforecast/v1/series.grpc.pb.h"

namespace tsforecast::tsfctl {

namespace v1 = ::tsforecast::v1;

// Exit codes: 0 ok, 1 the server (or the connection) reported an error,
// 2 usage or input error (bad flags, malformed CSV).
inline constexpr int kExitServerError = 1;
inline constexpr int kExitUsage = 2;

// Thrown inside command handlers; main turns it into an exit code.
struct Exit {
  int code;
};

// Prints "tsfctl: message" and exits with kExitUsage.
[[noreturn]] void Usage(const std::string& message);

// Returns when `status` is OK; otherwise prints "tsfctl: WHAT failed: CODE:
// message" (the gRPC code's name) and exits with kExitServerError.
void Check(const grpc::Status& status, const std::string& what);

struct Globals {
  std::string server = "127.0.0.1:50051";
  double timeout_s = 30;
  std::string format = "table";
  bool epoch_ms = false;
  // The bearer token: from this file, else the TSF_TOKEN environment
  // variable; none when both are empty.
  std::string token_file;
  // TLS: the CA that signed the server's certificate (--tls_ca), or the
  // system's roots with --tls; a client certificate and key for mTLS.
  std::string tls_ca, tls_cert, tls_key;
  bool tls = false;
};

class Client {
 public:
  explicit Client(const Globals& g);
  // A context with the --timeout deadline (0: none); streaming calls get
  // none.
  std::unique_ptr<grpc::ClientContext> Context(bool streaming = false) const;
  Format format() const;
  bool epoch_ms() const { return globals_.epoch_ms; }
  // A timestamp as --epoch-ms asks: epoch milliseconds or RFC 3339.
  std::string Time(int64_t ts_ms) const;

  std::unique_ptr<v1::SeriesService::Stub> series;
  std::unique_ptr<v1::PointsService::Stub> points;
  std::unique_ptr<v1::AdminService::Stub> admin;
  std::unique_ptr<v1::ForecastService::Stub> forecasts;

 private:
  const Globals& globals_;
  std::string authorization_;  // "Bearer ..." or empty
  std::shared_ptr<grpc::Channel> channel_;
};

// Flag values; each bad one ends in Usage naming the flag and the accepted
// forms.
int64_t ParseTime(const std::string& text, const char* flag);
v1::Step ParseStep(const std::string& text);
int64_t ParseRetention(const std::string& text);
v1::Aggregator ParseAggregator(const std::string& text);
v1::OffGridPolicy ParseOffGrid(const std::string& text);
v1::ValueKind ParseKind(const std::string& text);
v1::ValueBounds ParseBounds(const std::string& text);
// "inferred", "unbounded", "nonnegative", "positive".
std::string BoundsText(const v1::Series& series);
void ParseLabels(const std::vector<std::string>& items,
                 google::protobuf::Map<std::string, std::string>* out);

std::string StepText(const v1::Step& step);
std::string LabelsText(const v1::Series& s);

// The decimals the series declares, or -1 when it declares none.
inline int Decimals(const v1::Series& s) {
  return s.has_decimals() ? s.decimals() : -1;
}

}  // namespace tsforecast::tsfctl

#endif  // TSFORECAST_TOOLS_TSFCTL_CLIENT_H_
