// One model's cold forecast time per series through the RPC, beside R's time
// for the same method on the same series (scripts/bench_ets_speed.sh runs
// both on one machine in one run). Each series of a development set (every
// stride-th) is written to a running tsforecastd and forecast once: the
// series is new, so nothing is cached and every request fits. The season is
// the set's own period, as R's ts() frequency, so both consider the same
// models. Prints a table and key=value lines; asserts nothing.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "bench/accuracy/data_sets.h"
#include "grpcpp/grpcpp.h"
#include "tsforecast/v1/forecast.grpc.pb.h"
#include "tsforecast/v1/points.grpc.pb.h"

ABSL_FLAG(std::string, server, "127.0.0.1:50051", "gRPC address");
ABSL_FLAG(std::string, data_dir, "../shared/data", "the development data");
ABSL_FLAG(std::string, sets, "M3-Quarterly,M3-Monthly",
          "comma-separated monthly or quarterly sets");
ABSL_FLAG(int, stride, 4, "every k-th series, from the first");
ABSL_FLAG(std::string, model, "ets", "model name as ListModels gives it");
ABSL_FLAG(std::string, r_times_dir, "",
          "where R wrote <SET>.r_times.csv for the same stride (optional)");
ABSL_FLAG(std::string, r_method, "R_ets", "R's method in those files");

namespace v1 = ::tsforecast::v1;
using Clock = std::chrono::steady_clock;

namespace {

struct Times {
  std::vector<double> ms;
  double Mean() const {
    double sum = 0;
    for (double v : ms) sum += v;
    return ms.empty() ? NAN : sum / ms.size();
  }
  double Median() const {
    if (ms.empty()) return NAN;
    std::vector<double> v = ms;
    std::nth_element(v.begin(), v.begin() + v.size() / 2, v.end());
    return v[v.size() / 2];
  }
};

// R's seconds per series of `method`, keyed by series id.
std::map<std::string, double> ReadRTimes(const std::string& path,
                                         const std::string& method) {
  std::map<std::string, double> out;
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);  // id,method,seconds,stride
  while (std::getline(in, line)) {
    std::vector<std::string> f = absl::StrSplit(line, ',');
    if (f.size() >= 3 && f[1] == method) out[f[0]] = std::stod(f[2]) * 1000;
  }
  return out;
}

v1::StepUnit UnitFor(const tsforecast::CalendarStep& step) {
  switch (step.unit()) {
    case tsforecast::StepUnit::kMonth:
      return v1::STEP_UNIT_MONTH;
    case tsforecast::StepUnit::kQuarter:
      return v1::STEP_UNIT_QUARTER;
    default:
      return v1::STEP_UNIT_UNSPECIFIED;
  }
}

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  auto channel = grpc::CreateChannel(absl::GetFlag(FLAGS_server),
                                     grpc::InsecureChannelCredentials());
  auto points = v1::PointsService::NewStub(channel);
  auto forecasts = v1::ForecastService::NewStub(channel);
  const std::string model = absl::GetFlag(FLAGS_model);
  const int stride = std::max(1, absl::GetFlag(FLAGS_stride));
  std::printf("%-18s %6s %12s %12s %12s %12s %8s %8s\n", "set", "series",
              "ours mean", "ours median", "R mean", "R median", "ratio",
              "(median)");
  for (absl::string_view name :
       absl::StrSplit(absl::GetFlag(FLAGS_sets), ',')) {
    const tsforecast::bench::DataSet* set =
        tsforecast::bench::FindDataSet(std::string(name));
    if (set == nullptr || !set->step || UnitFor(*set->step) == 0) {
      std::cerr << "model_speed_bench: " << name
                << " is not a monthly or quarterly set\n";
      return 2;
    }
    const std::vector<tsforecast::bench::Series> data =
        tsforecast::bench::LoadSeries(absl::GetFlag(FLAGS_data_dir), *set);
    const int64_t start = absl::ToUnixMillis(
        absl::FromCivil(absl::CivilDay(1980, 1, 1), absl::UTCTimeZone()));
    std::map<std::string, double> r_ms;
    if (!absl::GetFlag(FLAGS_r_times_dir).empty()) {
      r_ms = ReadRTimes(absl::StrCat(absl::GetFlag(FLAGS_r_times_dir), "/",
                                     set->name, ".r_times.csv"),
                        absl::GetFlag(FLAGS_r_method));
    }
    Times ours, r;
    for (size_t i = 0; i < data.size(); i += stride) {
      const tsforecast::bench::Series& s = data[i];
      const std::string series = absl::StrCat("speed_", set->name, "_", s.id);
      v1::WritePointsRequest write;
      v1::SeriesPoints* sp = write.add_series();
      sp->set_series(series);
      sp->mutable_create_if_missing()->mutable_step()->set_unit(
          UnitFor(*set->step));
      for (size_t t = 0; t < s.train.size(); ++t) {
        sp->add_timestamps_ms(set->step->Add(start, t));
        sp->add_values(s.train[t]);
      }
      {
        grpc::ClientContext ctx;
        v1::WritePointsResponse resp;
        grpc::Status st = points->WritePoints(&ctx, write, &resp);
        if (!st.ok()) {
          std::cerr << "write " << series << ": " << st.error_message() << "\n";
          return 1;
        }
      }
      v1::ForecastRequest req;
      req.set_series(series);
      req.set_horizon(set->horizon);
      req.mutable_model()->set_name(model);
      req.add_season_lengths(set->mase_period);
      grpc::ClientContext ctx;
      v1::ForecastResponse resp;
      const auto t0 = Clock::now();
      grpc::Status st = forecasts->Forecast(&ctx, req, &resp);
      const double ms =
          std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
      if (!st.ok() || resp.cached()) {
        std::cerr << "forecast " << series << ": " << st.error_message()
                  << "\n";
        return 1;
      }
      ours.ms.push_back(ms);
      if (auto it = r_ms.find(s.id); it != r_ms.end()) {
        r.ms.push_back(it->second);
      }
    }
    std::printf("%-18s %6zu %12.2f %12.2f %12.2f %12.2f %7.1fx %7.1fx\n",
                set->name.c_str(), ours.ms.size(), ours.Mean(), ours.Median(),
                r.Mean(), r.Median(), r.Mean() / ours.Mean(),
                r.Median() / ours.Median());
    std::printf("%s.%s.rpc_ms_mean=%.3f\n", set->name.c_str(), model.c_str(),
                ours.Mean());
    std::printf("%s.%s.rpc_ms_median=%.3f\n", set->name.c_str(), model.c_str(),
                ours.Median());
    if (!r.ms.empty()) {
      std::printf("%s.%s.r_ms_mean=%.3f\n", set->name.c_str(), model.c_str(),
                  r.Mean());
      std::printf("%s.%s.r_series=%zu\n", set->name.c_str(), model.c_str(),
                  r.ms.size());
    }
  }
  return 0;
}
