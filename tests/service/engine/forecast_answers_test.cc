// "One answer per question" (docs/models.md): through every port, the
// forecast for a target time does not depend on the horizon asked, and a
// series that cannot go below zero gets no bound below zero, for every
// model in the table.
#include <cmath>
#include <cstdio>
#include <map>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "google/protobuf/util/json_util.h"
#include "httplib.h"
#include "tests/service/service_test_fixture.h"
#include "tsforecast/v1/forecast.grpc.pb.h"

namespace tsforecast::service {
namespace {

int64_t MonthStart(int year, int month) {
  return absl::ToUnixMillis(
      absl::FromCivil(absl::CivilMonth(year, month), absl::UTCTimeZone()));
}

// A price that fell by 90 % over six years with a season and noise: level
// bands of most models reach below zero within two years.
std::vector<double> FallingPrice(int n) {
  std::vector<double> y;
  uint32_t state = 11;
  for (int i = 0; i < n; ++i) {
    state = state * 1664525u + 1013904223u;
    const double noise = (state >> 8) / double(1 << 24) - 0.5;
    y.push_back(1000 * std::exp(-0.035 * i) *
                (1 + 0.1 * std::sin(2 * M_PI * i / 12) + 0.25 * noise));
  }
  return y;
}

class ForecastAnswersTest : public ServiceTest {
 protected:
  void Configure(ServerOptions& options) override { options.http_port = 0; }

  void SetUp() override {
    ServiceTest::SetUp();
    forecast_ = v1::ForecastService::NewStub(
        grpc::CreateChannel(absl::StrCat("127.0.0.1:", server_->port()),
                            grpc::InsecureChannelCredentials()));
    AddSeries("price", FallingPrice(72), v1::VALUE_BOUNDS_INFERRED);
  }

  void AddSeries(const std::string& name, const std::vector<double>& values,
                 v1::ValueBounds bounds) {
    v1::WritePointsRequest write;
    v1::SeriesPoints* sp = write.add_series();
    sp->set_series(name);
    v1::Series* def = sp->mutable_create_if_missing();
    def->mutable_step()->set_unit(v1::STEP_UNIT_MONTH);
    def->set_bounds(bounds);
    for (size_t i = 0; i < values.size(); ++i) {
      sp->add_timestamps_ms(MonthStart(2018 + i / 12, 1 + i % 12));
      sp->add_values(values[i]);
    }
    v1::WritePointsResponse resp;
    ASSERT_TRUE(points_->WritePoints(Ctx().get(), write, &resp).ok());
  }

  grpc::Status Forecast(const std::string& series, const std::string& model,
                        int horizon, v1::ForecastResponse* out) {
    v1::ForecastRequest req;
    req.set_series(series);
    req.set_horizon(horizon);
    req.mutable_model()->set_name(model);
    req.add_levels(80);
    req.add_levels(95);
    return forecast_->Forecast(Ctx().get(), req, out);
  }

  std::vector<std::string> Models() {
    v1::ListModelsResponse models;
    EXPECT_TRUE(
        forecast_->ListModels(Ctx().get(), v1::ListModelsRequest(), &models)
            .ok());
    std::vector<std::string> names;
    for (const v1::ModelInfo& m : models.models()) names.push_back(m.name());
    return names;
  }

  std::string HttpGet(const std::string& path) {
    httplib::Client client("127.0.0.1", server_->http_port());
    client.set_read_timeout(60);
    httplib::Result res = client.Get(path);
    EXPECT_TRUE(res) << path;
    if (!res) return "";
    EXPECT_EQ(res->status, 200) << path << ": " << res->body;
    return res->body;
  }

  std::unique_ptr<v1::ForecastService::Stub> forecast_;
};

// The samples of the series whose label band="<band>" in a Prometheus
// matrix answer ({"metric":{...},"values":[[t,"v"],...]}), read by hand:
// the shape is fixed, and protobuf's Struct maps crash under TSan (its
// inlined map code, instrumented, against Debian's library, not).
std::vector<std::pair<int64_t, double>> BandSamples(const std::string& body,
                                                    const std::string& band) {
  std::vector<std::pair<int64_t, double>> out;
  for (size_t at = body.find("{\"metric\":"); at != std::string::npos;
       at = body.find("{\"metric\":", at + 1)) {
    const size_t metric_end = body.find('}', at);
    if (body.substr(at, metric_end - at).find("\"band\":\"" + band + "\"") ==
        std::string::npos) {
      continue;
    }
    size_t p = body.find("\"values\":[", metric_end);
    const size_t end = body.find("]]", p);
    for (p = body.find('[', p + 10); p != std::string::npos && p < end;
         p = body.find('[', p + 1)) {
      double t = 0, v = 0;
      if (std::sscanf(body.c_str() + p, "[%lf,\"%lf\"]", &t, &v) == 2) {
        out.emplace_back(static_cast<int64_t>(t * 1000), v);
      }
    }
  }
  return out;
}

// Steps 1..a of `shorter` equal those of `longer`, exactly.
void ExpectPrefix(const v1::ForecastResponse& shorter,
                  const v1::ForecastResponse& longer, const std::string& what) {
  ASSERT_LE(shorter.mean_size(), longer.mean_size()) << what;
  ASSERT_EQ(shorter.intervals_size(), longer.intervals_size()) << what;
  for (int h = 0; h < shorter.mean_size(); ++h) {
    EXPECT_EQ(shorter.timestamps_ms(h), longer.timestamps_ms(h)) << what;
    EXPECT_EQ(shorter.mean(h), longer.mean(h)) << what << " step " << h + 1;
    for (int i = 0; i < shorter.intervals_size(); ++i) {
      EXPECT_EQ(shorter.intervals(i).lower(h), longer.intervals(i).lower(h))
          << what << " step " << h + 1;
      EXPECT_EQ(shorter.intervals(i).upper(h), longer.intervals(i).upper(h))
          << what << " step " << h + 1;
    }
  }
}

void ExpectNoneBelowZero(const v1::ForecastResponse& f,
                         const std::string& what) {
  for (int h = 0; h < f.mean_size(); ++h) {
    EXPECT_GE(f.mean(h), 0) << what;
    for (const v1::PredictionInterval& pi : f.intervals()) {
      EXPECT_GE(pi.lower(h), 0)
          << what << " level " << pi.level() << " step " << h + 1;
    }
  }
}

TEST_F(ForecastAnswersTest, EveryModelGivesOneAnswerWhateverTheHorizon) {
  int checked = 0;
  for (const std::string& model : Models()) {
    v1::ForecastResponse h6, h24, h6_again;
    const grpc::Status s6 = Forecast("price", model, 6, &h6);
    const grpc::Status s24 = Forecast("price", model, 24, &h24);
    ASSERT_EQ(s6.ok(), s24.ok()) << model;
    if (!s6.ok()) continue;  // the model does not suit this series
    ++checked;
    ExpectPrefix(h6, h24, model);
    ExpectNoneBelowZero(h24, model);
    // Asked again at the shorter horizon: from the same fit.
    ASSERT_TRUE(Forecast("price", model, 6, &h6_again).ok());
    EXPECT_TRUE(h6_again.cached()) << model;
  }
  EXPECT_GE(checked, 15);
}

TEST_F(ForecastAnswersTest, TheHttpApiAndPromQlGiveTheSameNumbers) {
  v1::ForecastResponse rpc;
  ASSERT_TRUE(Forecast("price", "auto", 24, &rpc).ok());
  // The dashboard API at two horizons.
  for (int horizon : {3, 24}) {
    v1::ForecastResponse http;
    const std::string body = HttpGet(absl::StrCat(
        "/api/tsf/v1/forecast?series=price&model=auto&horizon=", horizon,
        "&level=80&level=95"));
    ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(body, &http).ok())
        << body;
    ExpectPrefix(http, rpc, absl::StrCat("HTTP horizon ", horizon));
  }
  // PromQL forecast() over two query ranges (a panel zoomed in and out):
  // each sample equals the RPC's value at the month it falls in.
  std::map<int64_t, double> mean_by_month;
  for (int h = 0; h < rpc.mean_size(); ++h) {
    mean_by_month[rpc.timestamps_ms(h)] = rpc.mean(h);
  }
  const int64_t first = rpc.timestamps_ms(0) / 1000;
  for (int months : {4, 20}) {
    const int64_t end = rpc.timestamps_ms(months - 1) / 1000;
    const std::string body = HttpGet(
        absl::StrCat("/api/v1/query_range?query=forecast(price)&start=", first,
                     "&end=", end, "&step=864000"));
    int samples = 0;
    for (const auto& [t_ms, value] : BandSamples(body, "mean")) {
      auto month = mean_by_month.upper_bound(t_ms);
      ASSERT_NE(month, mean_by_month.begin());
      --month;
      EXPECT_NEAR(value, month->second, 1e-9 * std::abs(month->second))
          << "range of " << months << " months, t=" << t_ms;
      ++samples;
    }
    EXPECT_GT(samples, 3) << body;
  }
}

TEST_F(ForecastAnswersTest, ThetaMakesAutosSeasonDecision) {
  // A trending price without a season, like copper: M4's autocorrelation
  // test (theta's own) calls it seasonal, the trend's autocorrelation at
  // lag 12 being high; auto's seasonal strength does not.
  std::vector<double> y;
  uint32_t state = 5;
  double level = 100;
  for (int i = 0; i < 96; ++i) {
    state = state * 1664525u + 1013904223u;
    level += 1.5 + 2 * ((state >> 8) / double(1 << 24) - 0.5);
    y.push_back(level);
  }
  AddSeries("trending", y, v1::VALUE_BOUNDS_INFERRED);
  v1::ForecastResponse theta, automatic;
  ASSERT_TRUE(Forecast("trending", "theta", 12, &theta).ok());
  ASSERT_TRUE(Forecast("trending", "auto", 12, &automatic).ok());
  const std::string& said = theta.model().description();
  EXPECT_EQ(said.find("deseasonalised"), std::string::npos) << said;
  const size_t at = said.find("seasons as auto chooses them: ");
  ASSERT_NE(at, std::string::npos) << said;
  const std::string choice = said.substr(at + 30, said.find(';', at) - at - 30);
  EXPECT_EQ(choice.rfind("no season", 0), 0u) << choice;
  EXPECT_NE(automatic.model().description().find(choice), std::string::npos)
      << automatic.model().description() << "\nvs " << choice;
}

int64_t DayStart(int year, int month, int day) {
  return absl::ToUnixMillis(
      absl::FromCivil(absl::CivilDay(year, month, day), absl::UTCTimeZone()));
}

TEST_F(ForecastAnswersTest, ACoarserStepUsesTheObservedPartOfItsWindow) {
  // A daily price at 10 for seven months, then 20 from 1 August; 12 days
  // of August stored.
  v1::WritePointsRequest write;
  v1::SeriesPoints* sp = write.add_series();
  sp->set_series("daily");
  sp->mutable_create_if_missing()->mutable_step()->set_unit(v1::STEP_UNIT_DAY);
  for (absl::CivilDay d(2024, 1, 1); d <= absl::CivilDay(2024, 8, 12); ++d) {
    sp->add_timestamps_ms(
        absl::ToUnixMillis(absl::FromCivil(d, absl::UTCTimeZone())));
    sp->add_values(d < absl::CivilDay(2024, 8, 1) ? 10 : 20);
  }
  v1::WritePointsResponse written;
  ASSERT_TRUE(points_->WritePoints(Ctx().get(), write, &written).ok());
  v1::ForecastRequest req;
  req.set_series("daily");
  req.set_horizon(3);
  req.mutable_model()->set_name("naive");
  req.add_levels(95);
  req.mutable_aggregation()->set_aggregator(v1::AGGREGATOR_AVG);
  req.mutable_aggregation()->mutable_step()->set_unit(v1::STEP_UNIT_MONTH);
  v1::ForecastResponse monthly;
  ASSERT_TRUE(forecast_->Forecast(Ctx().get(), req, &monthly).ok());
  ASSERT_EQ(monthly.mean_size(), 3);
  EXPECT_EQ(monthly.timestamps_ms(0), MonthStart(2024, 8));
  EXPECT_EQ(monthly.partly_observed_steps(), 1);
  // August: 12 stored days at 20 and 19 forecast by the daily naive at 20.
  // From complete months alone it would be July's 10.
  EXPECT_DOUBLE_EQ(monthly.mean(0), 20);
  EXPECT_DOUBLE_EQ(monthly.mean(1), 10);
  bool said = false;
  for (const std::string& w : monthly.warnings()) {
    said = said || w.find("step 1 (the window from 2024-08-01") == 0;
  }
  EXPECT_TRUE(said);
  // Averaging 12 known days with 19 forecast ones: August's band is
  // narrower than the band of its last day alone.
  req.clear_aggregation();
  req.set_horizon(19);
  v1::ForecastResponse daily;
  ASSERT_TRUE(forecast_->Forecast(Ctx().get(), req, &daily).ok());
  const double month_width =
      monthly.intervals(0).upper(0) - monthly.intervals(0).lower(0);
  const double last_day_width =
      daily.intervals(0).upper(18) - daily.intervals(0).lower(18);
  EXPECT_GT(month_width, 0);
  EXPECT_LT(month_width, last_day_width);
  EXPECT_LE(monthly.intervals(0).lower(0), 20);
  EXPECT_GE(monthly.intervals(0).upper(0), 20);
  EXPECT_EQ(DayStart(2024, 8, 31), daily.timestamps_ms(18));
}

TEST_F(ForecastAnswersTest, TheAnswerSaysItInPlainWords) {
  v1::ForecastResponse f;
  ASSERT_TRUE(Forecast("price", "auto", 12, &f).ok());
  EXPECT_EQ(f.last_timestamp_ms(), MonthStart(2023, 12));
  EXPECT_EQ(f.last_value(), FallingPrice(72).back());
  const std::string& s = f.summary();
  EXPECT_EQ(s.rfind("Last observation 2023-12-01: ", 0), 0u) << s;
  EXPECT_NE(s.find("Forecast: the mean of "), std::string::npos) << s;
  EXPECT_NE(s.find("picked on "), std::string::npos) << s;
  EXPECT_NE(s.find("The 80% and 95% bands hold the value 4 times in 5 and "
                   "19 times in 20, as sized on the model's own past errors; "
                   "they stay above zero."),
            std::string::npos)
      << s;
  ASSERT_TRUE(Forecast("price", "arima", 12, &f).ok());
  EXPECT_NE(f.summary().find("Forecast: ARIMA. "), std::string::npos)
      << f.summary();
  EXPECT_NE(f.summary().find("if the model is right"), std::string::npos)
      << f.summary();
}

TEST_F(ForecastAnswersTest, DeclaredBoundsAreRespected) {
  // A price series with zeros in its history: inferred unbounded, declared
  // positive or non-negative here.
  std::vector<double> y = FallingPrice(72);
  y[5] = 0;
  AddSeries("declared_positive", y, v1::VALUE_BOUNDS_POSITIVE);
  AddSeries("declared_nonnegative", y, v1::VALUE_BOUNDS_NONNEGATIVE);
  AddSeries("declared_unbounded", FallingPrice(72), v1::VALUE_BOUNDS_UNBOUNDED);
  for (const std::string& model : Models()) {
    for (const char* series : {"declared_positive", "declared_nonnegative"}) {
      v1::ForecastResponse f;
      if (!Forecast(series, model, 24, &f).ok()) continue;
      ExpectNoneBelowZero(f, absl::StrCat(series, " ", model));
    }
  }
  // The declaration is what decides: unbounded, the same falling price
  // gets level bands that cross zero.
  v1::ForecastResponse arima;
  ASSERT_TRUE(Forecast("declared_unbounded", "arima", 24, &arima).ok());
  double lowest = 0;
  for (double v : arima.intervals(1).lower()) lowest = std::min(lowest, v);
  EXPECT_LT(lowest, 0);
}

}  // namespace
}  // namespace tsforecast::service
