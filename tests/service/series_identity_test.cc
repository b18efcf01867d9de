// Issue 19: the forecast cache, the HTTP answer memos, watchers and
// known_revision polls all keyed on (name, revision), and a re-created name
// started again at revision 1, so it was answered with the deleted series'
// forecast until a restart. Each path is asked about a series, the series
// is deleted and re-created with other values (with a restart between or
// not), and each path must answer from the new data.
#include <cmath>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "httplib.h"
#include "tests/service/service_test_fixture.h"
#include "tsforecast/v1/forecast.grpc.pb.h"

namespace tsforecast::service {
namespace {

constexpr int64_t kDay = 86400000;
constexpr int64_t kStart = 1704067200000;  // 2024-01-01

class SeriesIdentityTest : public ServiceTest,
                           public ::testing::WithParamInterface<bool> {
 protected:
  void Configure(ServerOptions& options) override { options.http_port = 0; }
  void SetUp() override {
    ServiceTest::SetUp();
    MakeClients();
  }
  void MakeClients() {
    forecast_ = v1::ForecastService::NewStub(
        grpc::CreateChannel(absl::StrCat("127.0.0.1:", server_->port()),
                            grpc::InsecureChannelCredentials()));
    http_ =
        std::make_unique<httplib::Client>("127.0.0.1", server_->http_port());
  }
  void RestartWithHttp() {
    watch_ctx_.reset();
    forecast_.reset();
    http_.reset();
    Restart();
    MakeClients();
  }

  // A daily series of 30 points, all `value`.
  void CreateFlat(double value) {
    ASSERT_TRUE(Create("price", v1::STEP_UNIT_DAY).ok());
    v1::WritePointsRequest write;
    v1::SeriesPoints* sp = write.add_series();
    sp->set_series("price");
    for (int i = 0; i < 30; ++i) {
      sp->add_timestamps_ms(kStart + i * kDay);
      sp->add_values(value);
    }
    v1::WritePointsResponse resp;
    ASSERT_TRUE(points_->WritePoints(Ctx().get(), write, &resp).ok());
  }
  void DeleteSeries() {
    v1::DeleteSeriesRequest req;
    req.set_name("price");
    v1::DeleteSeriesResponse resp;
    ASSERT_TRUE(series_->DeleteSeries(Ctx().get(), req, &resp).ok());
  }

  v1::ForecastRequest Request() const {
    v1::ForecastRequest req;
    req.set_series("price");
    req.set_horizon(3);
    req.mutable_model()->set_name("naive");
    return req;
  }
  v1::ForecastResponse Forecast(uint64_t known_revision = 0) {
    v1::ForecastRequest req = Request();
    req.set_known_revision(known_revision);
    v1::ForecastResponse resp;
    const grpc::Status s = forecast_->Forecast(Ctx().get(), req, &resp);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return resp;
  }
  std::string HttpBody(const std::string& path) {
    httplib::Result r = http_->Get(path);
    if (!r) return "no answer";
    EXPECT_EQ(r->status, 200) << path << ": " << r->body;
    return r->body;
  }
  std::string DashboardForecast() {
    return HttpBody("/api/tsf/v1/forecast?series=price&horizon=3&model=naive");
  }
  std::string PromForecast() {
    // At the second day after the data: the naive forecast's mean there.
    return HttpBody(absl::StrCat(
        "/api/v1/query?query=",
        httplib::detail::encode_query_param("forecast(price, \"naive\")"),
        "&time=", (kStart + 31 * kDay) / 1000));
  }
  std::string PromRange() {
    return HttpBody(
        absl::StrCat("/api/v1/query_range?query=price&start=", kStart / 1000,
                     "&end=", (kStart + 29 * kDay) / 1000, "&step=86400"));
  }

  std::unique_ptr<v1::ForecastService::Stub> forecast_;
  std::unique_ptr<httplib::Client> http_;
  std::unique_ptr<grpc::ClientContext> watch_ctx_;
};

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST_P(SeriesIdentityTest, EveryCacheAnswersFromTheReCreatedSeries) {
  const bool restart = GetParam();
  CreateFlat(1059);
  // Fill every cache and memo with the first series' answers.
  const v1::ForecastResponse old_forecast = Forecast();
  ASSERT_EQ(old_forecast.mean(0), 1059);
  EXPECT_TRUE(Forecast().cached());
  EXPECT_TRUE(Contains(DashboardForecast(), "1059"));
  EXPECT_TRUE(Contains(DashboardForecast(), "1059"));
  EXPECT_TRUE(Contains(PromForecast(), "\"1059\""));
  EXPECT_TRUE(Contains(PromForecast(), "\"1059\""));
  EXPECT_TRUE(Contains(PromRange(), "\"1059\""));
  EXPECT_TRUE(Contains(PromRange(), "\"1059\""));

  DeleteSeries();
  if (restart) RestartWithHttp();
  CreateFlat(1);

  // A client holding the old revision is told of a change, not "unchanged".
  const v1::ForecastResponse polled = Forecast(old_forecast.revision());
  EXPECT_FALSE(polled.unchanged());
  EXPECT_NE(polled.revision(), old_forecast.revision());
  ASSERT_GT(polled.mean_size(), 0);
  EXPECT_EQ(polled.mean(0), 1);
  EXPECT_EQ(Forecast().mean(0), 1);
  const std::string dashboard = DashboardForecast();
  EXPECT_FALSE(Contains(dashboard, "1059")) << dashboard;
  const std::string prom = PromForecast();
  EXPECT_FALSE(Contains(prom, "1059")) << prom;
  EXPECT_TRUE(Contains(prom, "\"1\"")) << prom;
  const std::string range = PromRange();
  EXPECT_FALSE(Contains(range, "1059")) << range;
}

// A watcher of the first series that stays connected across the delete
// and re-create hears of the new series' forecast.
// (No restart variant: a restart ends every watch stream.)
using SeriesIdentityWatchTest = SeriesIdentityTest;
TEST_F(SeriesIdentityWatchTest, AWatcherHearsOfTheReCreatedSeries) {
  CreateFlat(1059);
  watch_ctx_ = std::make_unique<grpc::ClientContext>();
  watch_ctx_->set_deadline(std::chrono::system_clock::now() +
                           std::chrono::seconds(10));
  auto reader = forecast_->WatchForecast(watch_ctx_.get(), Request());
  v1::ForecastResponse seen;
  ASSERT_TRUE(reader->Read(&seen));
  ASSERT_EQ(seen.mean(0), 1059);
  DeleteSeries();
  CreateFlat(1);
  // The watcher may see the gap (an error) or the new series; while the
  // stream lives, it must end on the new values.
  bool heard = false;
  while (!heard && reader->Read(&seen)) {
    heard = seen.mean_size() > 0 && seen.mean(0) == 1;
  }
  if (!heard) {
    // The stream ended on the delete: it must say so, not go quiet.
    const grpc::Status s = reader->Finish();
    EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND) << s.error_message();
    return;
  }
  watch_ctx_->TryCancel();
  while (reader->Read(&seen)) {
  }
  (void)reader->Finish();
}

INSTANTIATE_TEST_SUITE_P(RestartOrNot, SeriesIdentityTest, ::testing::Bool(),
                         [](const ::testing::TestParamInfo<bool>& info) {
                           return info.param ? "WithRestart" : "NoRestart";
                         });

}  // namespace
}  // namespace tsforecast::service
