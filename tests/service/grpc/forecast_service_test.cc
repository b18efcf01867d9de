#include "service/grpc/forecast_service.h"

#include <cmath>
#include <filesystem>
#include <map>
#include <set>
#include <thread>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/calendar_step.h"
#include "tests/service/service_test_fixture.h"
#include "tests/testing/temp_dir.h"
#include "tsforecast/v1/forecast.grpc.pb.h"

namespace tsforecast::service {
namespace {

using grpc::StatusCode;

int64_t MonthStart(int year, int month) {
  return absl::ToUnixMillis(
      absl::FromCivil(absl::CivilMonth(year, month), absl::UTCTimeZone()));
}

class ForecastServiceTest : public ServiceTest {
 protected:
  void SetUp() override {
    ServiceTest::SetUp();
    forecast_ = v1::ForecastService::NewStub(
        grpc::CreateChannel(absl::StrCat("127.0.0.1:", server_->port()),
                            grpc::InsecureChannelCredentials()));
    ASSERT_TRUE(Create("exports", v1::STEP_UNIT_MONTH).ok());
    v1::WritePointsRequest write;
    v1::SeriesPoints* sp = write.add_series();
    sp->set_series("exports");
    for (int i = 0; i < 72; ++i) {
      sp->add_timestamps_ms(MonthStart(2018 + i / 12, 1 + i % 12));
      sp->add_values(1000 + 5 * i + 100 * std::sin(2 * M_PI * i / 12));
    }
    v1::WritePointsResponse resp;
    ASSERT_TRUE(points_->WritePoints(Ctx().get(), write, &resp).ok());
  }
  grpc::Status Write(const std::string& series,
                     const std::vector<int64_t>& timestamps_ms,
                     const std::vector<double>& values) {
    v1::WritePointsRequest write;
    v1::SeriesPoints* sp = write.add_series();
    sp->set_series(series);
    sp->mutable_timestamps_ms()->Add(timestamps_ms.begin(),
                                     timestamps_ms.end());
    sp->mutable_values()->Add(values.begin(), values.end());
    v1::WritePointsResponse written;
    return points_->WritePoints(Ctx().get(), write, &written);
  }
  grpc::Status Forecast(const v1::ForecastRequest& req,
                        v1::ForecastResponse* resp) {
    return forecast_->Forecast(Ctx().get(), req, resp);
  }
  std::unique_ptr<v1::ForecastService::Stub> forecast_;
};

TEST_F(ForecastServiceTest, ForecastOnTheSeriesCalendarWithIntervals) {
  v1::ForecastRequest req;
  req.set_series("exports");
  req.set_horizon(12);
  v1::ForecastResponse resp;
  ASSERT_TRUE(Forecast(req, &resp).ok());
  ASSERT_EQ(resp.timestamps_ms_size(), 12);
  EXPECT_EQ(resp.timestamps_ms(0), MonthStart(2024, 1));
  EXPECT_EQ(resp.timestamps_ms(11), MonthStart(2024, 12));
  ASSERT_EQ(resp.intervals_size(), 2);  // default levels 80 and 95
  EXPECT_EQ(resp.intervals(1).level(), 95);
  for (int h = 0; h < 12; ++h) {
    EXPECT_LE(resp.intervals(1).lower(h), resp.mean(h));
    EXPECT_GE(resp.intervals(1).upper(h), resp.mean(h));
  }
  EXPECT_EQ(resp.model().name(), "auto");
  // auto's reason reads as a sentence about this series.
  EXPECT_EQ(resp.model().description().rfind(
                "monthly series, 72 points; auto chose ", 0),
            0u)
      << resp.model().description();
  EXPECT_EQ(resp.model().training_points(), 72);
  EXPECT_FALSE(resp.cached());
}

// A trading-day price: weekdays only, a few holidays missing. The grid
// has no weekends, so nothing counts as missing but the holidays, and the
// forecast falls on weekdays, with the trading week as its season.
TEST_F(ForecastServiceTest, BusinessDaySeriesForecastOnWeekdays) {
  ASSERT_TRUE(Create("brent", v1::STEP_UNIT_BUSINESS_DAY).ok());
  const CalendarStep bd(StepUnit::kBusinessDay, 1);
  std::vector<int64_t> ts;
  std::vector<double> values;
  int64_t t = absl::ToUnixMillis(
      absl::FromCivil(absl::CivilDay(2023, 1, 2), absl::UTCTimeZone()));
  for (int i = 0; i < 400; ++i, t = bd.Add(t, 1)) {
    if (i % 50 == 7) continue;  // a holiday
    ts.push_back(t);
    values.push_back(80 + 0.02 * i + 3 * std::sin(i / 20.0));
  }
  ASSERT_TRUE(Write("brent", ts, values).ok());
  v1::ForecastRequest req;
  req.set_series("brent");
  req.set_horizon(10);
  req.mutable_model()->set_name("ets");
  v1::ForecastResponse resp;
  const grpc::Status s = Forecast(req, &resp);
  ASSERT_TRUE(s.ok()) << s.error_message();
  ASSERT_EQ(resp.timestamps_ms_size(), 10);
  EXPECT_EQ(resp.timestamps_ms(0), bd.Add(ts.back(), 1));
  for (int h = 0; h < 10; ++h) {
    EXPECT_TRUE(bd.IsOnCalendar(resp.timestamps_ms(h))) << h;
    if (h > 0) {
      EXPECT_EQ(
          bd.StepsBetween(resp.timestamps_ms(h - 1), resp.timestamps_ms(h)), 1);
    }
  }
  EXPECT_EQ(resp.model().training_points(), 400);
  // Eight holidays filled, and said so; no weekend counted as missing.
  ASSERT_EQ(resp.warnings_size(), 1);
  EXPECT_NE(resp.warnings(0).find("8 "), std::string::npos) << resp.warnings(0);
}

// The same price on the New York exchange's calendar: its holidays are
// neither missing nor forecast, a point on one is off the grid, and the
// calendar can be changed later (which changes the forecast's dates).
TEST_F(ForecastServiceTest, HolidaysAreNeitherMissingNorForecast) {
  v1::CreateSeriesRequest create;
  v1::Series* def = create.mutable_series();
  def->set_name("wti");
  def->mutable_step()->set_unit(v1::STEP_UNIT_BUSINESS_DAY);
  def->set_holiday_calendar("us_nyse");
  def->add_holidays("2024-12-24");  // the series' own closure
  def->set_decimals(2);
  v1::CreateSeriesResponse created;
  ASSERT_TRUE(series_->CreateSeries(Ctx().get(), create, &created).ok());
  EXPECT_EQ(created.series().holiday_calendar(), "us_nyse");
  ASSERT_EQ(created.series().holidays_size(), 1);
  EXPECT_EQ(created.series().holidays(0), "2024-12-24");
  EXPECT_EQ(created.series().decimals(), 2);

  auto day_ms = [](int y, int m, int d) {
    return absl::ToUnixMillis(
        absl::FromCivil(absl::CivilDay(y, m, d), absl::UTCTimeZone()));
  };
  // Every open day from 2024-06-03 to 2024-12-23, walking weekdays and
  // skipping the exchange's holidays by hand (Juneteenth, July 4, Labor
  // Day, Thanksgiving).
  const std::set<int64_t> closed = {day_ms(2024, 6, 19), day_ms(2024, 7, 4),
                                    day_ms(2024, 9, 2), day_ms(2024, 11, 28)};
  const CalendarStep weekdays(StepUnit::kBusinessDay, 1);
  std::vector<int64_t> ts;
  std::vector<double> values;
  for (int64_t t = day_ms(2024, 6, 3); t <= day_ms(2024, 12, 23);
       t = weekdays.Add(t, 1)) {
    if (closed.contains(t)) continue;
    ts.push_back(t);
    values.push_back(70 + 0.05 * ts.size());
  }
  ASSERT_TRUE(Write("wti", ts, values).ok());
  EXPECT_GRPC(Write("wti", {day_ms(2024, 11, 28)}, {71}),
              StatusCode::INVALID_ARGUMENT,
              "2024-11-28 is one of its holidays");

  v1::ForecastRequest req;
  req.set_series("wti");
  req.set_horizon(3);
  req.mutable_model()->set_name("naive");
  v1::ForecastResponse resp;
  grpc::Status s = Forecast(req, &resp);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(resp.model().training_points(), static_cast<int64_t>(ts.size()));
  EXPECT_EQ(resp.warnings_size(), 0);  // nothing filled: no holiday missing
  // After Monday the 23rd: the 24th (own) and 25th (exchange) are closed.
  ASSERT_EQ(resp.timestamps_ms_size(), 3);
  EXPECT_EQ(resp.timestamps_ms(0), day_ms(2024, 12, 26));
  EXPECT_EQ(resp.timestamps_ms(1), day_ms(2024, 12, 27));
  EXPECT_EQ(resp.timestamps_ms(2), day_ms(2024, 12, 30));

  // Without holidays the closed days count as missing and are forecast.
  v1::UpdateSeriesRequest update;
  update.mutable_series()->set_name("wti");
  update.mutable_update_mask()->add_paths("holidays");
  v1::UpdateSeriesResponse updated;
  ASSERT_TRUE(series_->UpdateSeries(Ctx().get(), update, &updated).ok());
  EXPECT_EQ(updated.series().holiday_calendar(), "");
  EXPECT_EQ(updated.series().decimals(), 2);  // not in the mask: kept
  s = Forecast(req, &resp);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(resp.timestamps_ms(0), day_ms(2024, 12, 24));
  ASSERT_EQ(resp.warnings_size(), 1);
  EXPECT_NE(resp.warnings(0).find("filled 4 missing steps"), std::string::npos)
      << resp.warnings(0);
}

TEST_F(ForecastServiceTest, HolidaysAreCheckedAtTheField) {
  v1::CreateSeriesRequest create;
  v1::Series* def = create.mutable_series();
  def->set_name("copper_daily");
  def->mutable_step()->set_unit(v1::STEP_UNIT_DAY);
  def->set_holiday_calendar("us_nyse");
  v1::CreateSeriesResponse created;
  EXPECT_GRPC(series_->CreateSeries(Ctx().get(), create, &created),
              StatusCode::INVALID_ARGUMENT,
              "series.holidays: holidays apply to business-day series");
  def->mutable_step()->set_unit(v1::STEP_UNIT_BUSINESS_DAY);
  def->set_holiday_calendar("lme");
  EXPECT_GRPC(series_->CreateSeries(Ctx().get(), create, &created),
              StatusCode::INVALID_ARGUMENT, "known: uk_lse, us_nyse");
  def->set_holiday_calendar("uk_lse");
  def->add_holidays("2024-12-32");
  EXPECT_GRPC(series_->CreateSeries(Ctx().get(), create, &created),
              StatusCode::INVALID_ARGUMENT,
              "series.holidays[0]: \"2024-12-32\" is not a date");
  def->clear_holidays();
  def->set_decimals(13);
  EXPECT_GRPC(series_->CreateSeries(Ctx().get(), create, &created),
              StatusCode::INVALID_ARGUMENT, "series.decimals: 13 is out of");
  def->clear_decimals();
  ASSERT_TRUE(series_->CreateSeries(Ctx().get(), create, &created).ok());
  EXPECT_FALSE(created.series().has_decimals());
  // Holidays added to a monthly series by update: refused, nothing changed.
  v1::UpdateSeriesRequest update;
  update.mutable_series()->set_name("exports");
  update.mutable_series()->set_holiday_calendar("us_nyse");
  update.mutable_update_mask()->add_paths("holidays");
  v1::UpdateSeriesResponse updated;
  EXPECT_GRPC(series_->UpdateSeries(Ctx().get(), update, &updated),
              StatusCode::INVALID_ARGUMENT, "not to step 1mo");
}

// A weekday price stored as a daily series: weekends are 2 of 7 steps
// missing, over the 20 % default. The error names every remedy; the
// request may allow more.
TEST_F(ForecastServiceTest, MissingDataLimitIsARequestOption) {
  ASSERT_TRUE(Create("daily_price", v1::STEP_UNIT_DAY).ok());
  const CalendarStep bd(StepUnit::kBusinessDay, 1);
  std::vector<int64_t> ts;
  std::vector<double> values;
  int64_t t = absl::ToUnixMillis(
      absl::FromCivil(absl::CivilDay(2023, 1, 2), absl::UTCTimeZone()));
  for (int i = 0; i < 200; ++i, t = bd.Add(t, 1)) {
    ts.push_back(t);
    values.push_back(50 + 0.1 * i);
  }
  ASSERT_TRUE(Write("daily_price", ts, values).ok());
  v1::ForecastRequest req;
  req.set_series("daily_price");
  req.set_horizon(5);
  req.mutable_model()->set_name("naive");
  v1::ForecastResponse resp;
  grpc::Status s = Forecast(req, &resp);
  EXPECT_EQ(s.error_code(), StatusCode::FAILED_PRECONDITION);
  for (const char* remedy :
       {"are missing (28%); at most 20%", "max_missing_percent in the request",
        "--max_missing_percent", "business-day series (step 1bd)"}) {
    EXPECT_NE(s.error_message().find(remedy), std::string::npos)
        << remedy << " in " << s.error_message();
  }
  req.set_max_missing_percent(30);
  s = Forecast(req, &resp);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(resp.mean_size(), 5);
  req.set_transform(static_cast<v1::Transform>(99));
  EXPECT_GRPC(Forecast(req, &resp), StatusCode::INVALID_ARGUMENT,
              "transform: unknown value 99");
  req.set_transform(v1::TRANSFORM_NONE);
  req.set_max_missing_percent(101);
  s = Forecast(req, &resp);
  EXPECT_EQ(s.error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(s.error_message().find("max_missing_percent: 101 is outside"),
            std::string::npos)
      << s.error_message();
}

// Monthly exports forecast as yearly sums: six complete years in, years
// out; a year the series has not finished is left out and said so.
TEST_F(ForecastServiceTest, AggregationForecastsOnACoarserStep) {
  v1::ForecastRequest req;
  req.set_series("exports");
  req.set_horizon(2);
  req.mutable_model()->set_name("naive");
  req.mutable_aggregation()->set_aggregator(v1::AGGREGATOR_SUM);
  req.mutable_aggregation()->mutable_step()->set_unit(v1::STEP_UNIT_YEAR);
  v1::ForecastResponse resp;
  grpc::Status s = Forecast(req, &resp);
  ASSERT_TRUE(s.ok()) << s.error_message();
  ASSERT_EQ(resp.timestamps_ms_size(), 2);
  EXPECT_EQ(resp.timestamps_ms(0), MonthStart(2024, 1));
  EXPECT_EQ(resp.timestamps_ms(1), MonthStart(2025, 1));
  EXPECT_EQ(resp.model().training_points(), 6);
  // Naive repeats 2023's sum: 12 * 1000 + 5 * (60 + ... + 71) + the
  // season's sum over a whole year, 0.
  EXPECT_NEAR(resp.mean(0), 12000 + 5 * (60 + 71) * 6, 1e-6);
  // Three months of 2024: not a year yet.
  ASSERT_TRUE(
      Write("exports",
            {MonthStart(2024, 1), MonthStart(2024, 2), MonthStart(2024, 3)},
            {1, 2, 3})
          .ok());
  s = Forecast(req, &resp);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(resp.timestamps_ms(0), MonthStart(2024, 1));
  ASSERT_GE(resp.warnings_size(), 1);
  EXPECT_NE(resp.warnings(0).find("the last 1y window, from "
                                  "2024-01-01T00:00:00Z, is not complete yet"),
            std::string::npos)
      << resp.warnings(0);
  // Finer than the series, or no step: errors naming the field.
  req.mutable_aggregation()->mutable_step()->set_unit(v1::STEP_UNIT_DAY);
  s = Forecast(req, &resp);
  EXPECT_EQ(s.error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(s.error_message().find("aggregation.step: 1d is finer than the "
                                   "series' step 1mo"),
            std::string::npos)
      << s.error_message();
  req.mutable_aggregation()->clear_step();
  s = Forecast(req, &resp);
  EXPECT_EQ(s.error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(s.error_message().find("aggregation.step: required"),
            std::string::npos);
}

TEST_F(ForecastServiceTest, CacheRevisionAndUnchanged) {
  v1::ForecastRequest req;
  req.set_series("exports");
  req.set_horizon(6);
  req.mutable_model()->set_name("ets");
  v1::ForecastResponse first, second, third;
  ASSERT_TRUE(Forecast(req, &first).ok());
  ASSERT_TRUE(Forecast(req, &second).ok());
  EXPECT_FALSE(first.cached());
  EXPECT_TRUE(second.cached());
  EXPECT_EQ(second.mean(0), first.mean(0));
  // A poller that has this revision gets a small answer.
  req.set_known_revision(first.revision());
  v1::ForecastResponse unchanged;
  ASSERT_TRUE(Forecast(req, &unchanged).ok());
  EXPECT_TRUE(unchanged.unchanged());
  EXPECT_EQ(unchanged.mean_size(), 0);
  // A write changes the revision: no stale cache hit.
  ASSERT_TRUE(Write("exports", {MonthStart(2024, 1)}, {5000}).ok());
  req.set_known_revision(0);
  ASSERT_TRUE(Forecast(req, &third).ok());
  EXPECT_FALSE(third.cached());
  EXPECT_GT(third.revision(), first.revision());
  EXPECT_EQ(third.timestamps_ms(0), MonthStart(2024, 2));
}

TEST_F(ForecastServiceTest, SavedVintagesAreListedAndReadBack) {
  v1::ForecastRequest req;
  req.set_series("exports");
  req.set_horizon(4);
  req.mutable_model()->set_name("naive");
  req.set_save_vintage(true);
  std::vector<v1::ForecastResponse> saved(3);
  for (int i = 0; i < 3; ++i) {
    // known_revision does not suppress a vintage.
    if (i == 2) req.set_known_revision(saved[1].revision());
    ASSERT_TRUE(Forecast(req, &saved[i]).ok());
    EXPECT_GT(saved[i].vintage_id(), 0);
    EXPECT_FALSE(saved[i].unchanged());
  }
  EXPECT_LT(saved[0].vintage_id(), saved[1].vintage_id());
  req.set_save_vintage(false);
  req.set_known_revision(0);
  v1::ForecastResponse plain;
  ASSERT_TRUE(Forecast(req, &plain).ok());
  EXPECT_EQ(plain.vintage_id(), 0);

  v1::ListForecastVintagesRequest list;
  list.set_series("exports");
  list.set_page_size(2);
  v1::ListForecastVintagesResponse page1, page2;
  ASSERT_TRUE(forecast_->ListForecastVintages(Ctx().get(), list, &page1).ok());
  ASSERT_EQ(page1.vintages_size(), 2);
  EXPECT_EQ(page1.vintages(0).vintage_id(), saved[2].vintage_id());
  EXPECT_EQ(page1.vintages(0).forecast().model().name(), "naive");
  EXPECT_EQ(page1.vintages(0).forecast().mean_size(), 0);  // summary only
  EXPECT_GT(page1.vintages(0).create_time_ms(), 0);
  ASSERT_FALSE(page1.next_page_token().empty());
  list.set_page_token(page1.next_page_token());
  ASSERT_TRUE(forecast_->ListForecastVintages(Ctx().get(), list, &page2).ok());
  ASSERT_EQ(page2.vintages_size(), 1);
  EXPECT_EQ(page2.vintages(0).vintage_id(), saved[0].vintage_id());
  EXPECT_TRUE(page2.next_page_token().empty());

  // The old vintage still reads back as it was after new data arrives.
  ASSERT_TRUE(Write("exports", {MonthStart(2024, 1)}, {9999}).ok());
  v1::GetForecastVintageRequest get;
  get.set_series("exports");
  get.set_vintage_id(saved[0].vintage_id());
  v1::GetForecastVintageResponse got;
  ASSERT_TRUE(forecast_->GetForecastVintage(Ctx().get(), get, &got).ok());
  EXPECT_EQ(got.vintage().forecast().mean_size(), 4);
  EXPECT_EQ(got.vintage().forecast().mean(0), saved[0].mean(0));
  EXPECT_EQ(got.vintage().forecast().timestamps_ms(0), MonthStart(2024, 1));
  EXPECT_EQ(got.vintage().forecast().revision(), saved[0].revision());

  get.set_vintage_id(0);
  EXPECT_GRPC(forecast_->GetForecastVintage(Ctx().get(), get, &got),
              StatusCode::INVALID_ARGUMENT, "vintage_id: required");
  get.set_vintage_id(saved[2].vintage_id() + 100);
  EXPECT_GRPC(forecast_->GetForecastVintage(Ctx().get(), get, &got),
              StatusCode::NOT_FOUND, "has no forecast vintage");
  get.set_series("nope");
  EXPECT_GRPC(forecast_->GetForecastVintage(Ctx().get(), get, &got),
              StatusCode::NOT_FOUND, "series \"nope\" not found");
  list.set_page_token("abc");
  EXPECT_GRPC(forecast_->ListForecastVintages(Ctx().get(), list, &page2),
              StatusCode::INVALID_ARGUMENT, "page_token");
  list.clear_page_token();
  list.set_page_size(5000);
  EXPECT_GRPC(forecast_->ListForecastVintages(Ctx().get(), list, &page2),
              StatusCode::INVALID_ARGUMENT, "page_size: 5000");
}

TEST_F(ForecastServiceTest, BadRequestsHaveTheirCodes) {
  v1::ForecastRequest req;
  req.set_series("exports");
  req.set_horizon(0);
  v1::ForecastResponse resp;
  EXPECT_GRPC(Forecast(req, &resp), StatusCode::INVALID_ARGUMENT,
              "horizon: 0 is outside");
  req.set_horizon(3);
  req.add_levels(100);
  EXPECT_GRPC(Forecast(req, &resp), StatusCode::INVALID_ARGUMENT,
              "levels[0]: 100 is outside (0, 100)");
  req.clear_levels();
  req.mutable_model()->set_name("prophet");
  EXPECT_GRPC(Forecast(req, &resp), StatusCode::INVALID_ARGUMENT,
              "unknown model \"prophet\"");
  req.mutable_model()->set_name("holt_winters");
  req.mutable_window()->set_last_points(12);
  EXPECT_GRPC(Forecast(req, &resp), StatusCode::FAILED_PRECONDITION,
              "needs at least 24 points; series has 12");
  req.clear_window();
  req.set_series("nope");
  EXPECT_GRPC(Forecast(req, &resp), StatusCode::NOT_FOUND,
              "series \"nope\" not found");
}

TEST_F(ForecastServiceTest, ArimaAndIntermittentModelsThroughTheApi) {
  v1::ForecastRequest req;
  req.set_series("exports");
  req.set_horizon(6);
  req.mutable_model()->set_name("arima");
  v1::ForecastResponse resp;
  ASSERT_TRUE(Forecast(req, &resp).ok());
  EXPECT_EQ(resp.model().name(), "arima");
  EXPECT_NE(resp.model().description().find("ARIMA("), std::string::npos)
      << resp.model().description();
  // How the order was chosen: this series is a sine plus a line, so one
  // difference and one seasonal difference leave a constant.
  EXPECT_NE(resp.model().description().find("deterministic after differencing"),
            std::string::npos)
      << resp.model().description();
  (*req.mutable_model()->mutable_options())["order"] = "0,1,1";
  (*req.mutable_model()->mutable_options())["seasonal_order"] = "0,1,1";
  ASSERT_TRUE(Forecast(req, &resp).ok());
  EXPECT_EQ(resp.model().description().rfind("ARIMA(0,1,1)(0,1,1)[12]", 0), 0u)
      << resp.model().description();
  // Bad options name the option and what it accepts.
  (*req.mutable_model()->mutable_options())["order"] = "0,1";
  EXPECT_GRPC(Forecast(req, &resp), StatusCode::INVALID_ARGUMENT,
              "model.options[\"order\"]: \"0,1\" is not 3 comma-separated "
              "integers");
  req.mutable_model()->mutable_options()->clear();
  (*req.mutable_model()->mutable_options())["seasonal_order"] = "0,1,1";
  EXPECT_GRPC(Forecast(req, &resp), StatusCode::INVALID_ARGUMENT,
              "needs order as well");
  // Intermittent models say how their intervals were made.
  req.mutable_model()->mutable_options()->clear();
  req.mutable_model()->set_name("croston");
  ASSERT_TRUE(Forecast(req, &resp).ok());
  bool approximate = false;
  for (const std::string& w : resp.warnings()) {
    approximate |= w.find("intervals are approximate") != std::string::npos;
  }
  EXPECT_TRUE(approximate);
}

TEST_F(ForecastServiceTest, ForecastManyStreamsEverySeries) {
  ASSERT_TRUE(
      Create("exports_vn", v1::STEP_UNIT_MONTH, {{"kind", "export"}}).ok());
  ASSERT_TRUE(
      Create("exports_cn", v1::STEP_UNIT_MONTH, {{"kind", "export"}}).ok());
  v1::WritePointsRequest write;
  v1::SeriesPoints* sp = write.add_series();
  sp->set_series("exports_cn");
  for (int i = 0; i < 36; ++i) {
    sp->add_timestamps_ms(MonthStart(2020 + i / 12, 1 + i % 12));
    sp->add_values(50 + i);
  }
  v1::WritePointsResponse written;
  ASSERT_TRUE(points_->WritePoints(Ctx().get(), write, &written).ok());

  v1::ForecastManyRequest req;
  req.set_selector("{kind=\"export\"}");
  req.mutable_forecast()->set_horizon(3);
  grpc::ClientContext ctx;
  auto reader = forecast_->ForecastMany(&ctx, req);
  std::map<std::string, v1::ForecastManyResponse> got;
  v1::ForecastManyResponse one;
  while (reader->Read(&one)) got[one.series()] = one;
  ASSERT_TRUE(reader->Finish().ok());
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got["exports_cn"].forecast().mean_size(), 3);
  // The empty series fails on its own, with its code.
  EXPECT_EQ(got["exports_vn"].error_code(),
            static_cast<int>(StatusCode::FAILED_PRECONDITION));
  EXPECT_NE(got["exports_vn"].error_message().find("0 points"),
            std::string::npos);

  req.set_selector("{kind=\"nothing\"}");
  grpc::ClientContext ctx2;
  auto none = forecast_->ForecastMany(&ctx2, req);
  while (none->Read(&one)) {
  }
  EXPECT_GRPC(none->Finish(), StatusCode::NOT_FOUND, "matches no series");
}

TEST_F(ForecastServiceTest, WatchSendsAgainAfterAWrite) {
  v1::ForecastRequest req;
  req.set_series("exports");
  req.set_horizon(2);
  req.mutable_model()->set_name("naive");
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  auto reader = forecast_->WatchForecast(&ctx, req);
  v1::ForecastResponse first, second;
  ASSERT_TRUE(reader->Read(&first));
  ASSERT_TRUE(Write("exports", {MonthStart(2024, 1)}, {7777}).ok());
  ASSERT_TRUE(reader->Read(&second));
  EXPECT_GT(second.revision(), first.revision());
  EXPECT_EQ(second.mean(0), 7777);  // naive: the new last value
  ctx.TryCancel();
  while (reader->Read(&second)) {
  }
  EXPECT_EQ(reader->Finish().error_code(), StatusCode::CANCELLED);
}

// Watchers hold no server thread each: 300 of them over a few connections
// (HTTP/2 allows 100 streams on each) add far fewer threads than watchers,
// and one write reaches every one of them.
TEST_F(ForecastServiceTest, ManyWatchersShareThreadsAndAllHearOfAWrite) {
  auto threads = [] {
    int n = 0;
    for (const auto& entry :
         std::filesystem::directory_iterator("/proc/self/task")) {
      (void)entry;
      ++n;
    }
    return n;
  };
  v1::ForecastRequest req;
  req.set_series("exports");
  req.set_horizon(2);
  req.mutable_model()->set_name("naive");
  constexpr int kWatchers = 300;
  std::vector<std::unique_ptr<v1::ForecastService::Stub>> stubs;
  for (int c = 0; c < 4; ++c) {
    grpc::ChannelArguments args;
    args.SetInt("tsf_test_channel", c);  // a connection of its own
    stubs.push_back(v1::ForecastService::NewStub(
        grpc::CreateCustomChannel(absl::StrCat("127.0.0.1:", server_->port()),
                                  grpc::InsecureChannelCredentials(), args)));
  }
  const int before = threads();
  std::vector<std::unique_ptr<grpc::ClientContext>> contexts;
  std::vector<std::unique_ptr<grpc::ClientReader<v1::ForecastResponse>>>
      readers;
  for (int i = 0; i < kWatchers; ++i) {
    contexts.push_back(Ctx());
    readers.push_back(
        stubs[i % stubs.size()]->WatchForecast(contexts.back().get(), req));
  }
  v1::ForecastResponse first;
  for (auto& reader : readers) ASSERT_TRUE(reader->Read(&first));
  const int during = threads();
  EXPECT_LT(during - before, 64)
      << kWatchers << " watchers took " << during - before << " threads";
  ASSERT_TRUE(Write("exports", {MonthStart(2024, 1)}, {4242}).ok());
  for (auto& reader : readers) {
    v1::ForecastResponse next;
    ASSERT_TRUE(reader->Read(&next));
    EXPECT_GT(next.revision(), first.revision());
    EXPECT_EQ(next.mean(0), 4242);
  }
  for (auto& ctx : contexts) ctx->TryCancel();
  for (auto& reader : readers) {
    v1::ForecastResponse rest;
    while (reader->Read(&rest)) {
    }
    EXPECT_EQ(reader->Finish().error_code(), StatusCode::CANCELLED);
  }
}

TEST_F(ForecastServiceTest, BacktestAndListModels) {
  v1::BacktestRequest req;
  req.set_series("exports");
  req.set_horizon(6);
  req.set_windows(3);
  req.add_models()->set_name("naive");
  req.add_models()->set_name("snaive");
  v1::BacktestResponse resp;
  ASSERT_TRUE(forecast_->Backtest(Ctx().get(), req, &resp).ok());
  ASSERT_EQ(resp.models_size(), 2);
  EXPECT_EQ(resp.models(0).by_horizon_size(), 6);
  EXPECT_EQ(resp.best_model(), "snaive");  // the data is seasonal
  EXPECT_EQ(resp.metric(), "mase");
  EXPECT_EQ(resp.level(), 95);
  EXPECT_EQ(resp.windows(), 3);
  // best_model is the best by the metric asked for, whichever it is.
  for (const char* metric : {"mae", "rmse", "smape", "msis"}) {
    req.set_metric(metric);
    v1::BacktestResponse by;
    ASSERT_TRUE(forecast_->Backtest(Ctx().get(), req, &by).ok());
    EXPECT_EQ(by.metric(), metric);
    const auto value = [&](int i) {
      const v1::AccuracyMetrics& m = by.models(i).overall();
      const std::string k = metric;
      return k == "mae"     ? m.mae()
             : k == "rmse"  ? m.rmse()
             : k == "smape" ? m.smape()
                            : m.msis();
    };
    EXPECT_EQ(by.best_model(), value(0) < value(1) ? "naive" : "snaive")
        << metric;
  }
  req.set_metric("coverage");
  const grpc::Status bad = forecast_->Backtest(Ctx().get(), req, &resp);
  EXPECT_EQ(bad.error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(bad.error_message().find("metric: \"coverage\" is not one of"),
            std::string::npos)
      << bad.error_message();
  v1::ListModelsResponse models;
  ASSERT_TRUE(
      forecast_->ListModels(Ctx().get(), v1::ListModelsRequest(), &models)
          .ok());
  bool found_ets_option = false;
  std::vector<std::string> ic_values;
  for (const auto& m : models.models()) {
    for (const auto& o : m.options()) {
      found_ets_option |= m.name() == "ets" && o.name() == "model";
      if (m.name() == "arima" && o.name() == "ic") {
        ic_values.assign(o.allowed_values().begin(), o.allowed_values().end());
      }
    }
  }
  EXPECT_TRUE(found_ets_option);
  // Choices come with their allowed values, from the model table.
  EXPECT_EQ(ic_values, (std::vector<std::string>{"aicc", "aic", "bic"}));
}

TEST_F(ForecastServiceTest, BacktestNeverRecommendsFailedIntervalsSilently) {
  // A steep trend with little noise: the naive forecast's errors are the
  // trend, its bands the noise, so its 95 % bands cover almost nothing,
  // though its MASE is far below the historical mean's, whose bands are
  // as wide as the history.
  std::vector<int64_t> ts;
  std::vector<double> values;
  uint32_t state = 9;
  // Ten years: long enough for the mean's bands (the spread of the whole
  // history) to hold the last half-year.
  for (int i = 0; i < 120; ++i) {
    state = state * 1664525u + 1013904223u;
    ts.push_back(MonthStart(2014 + i / 12, 1 + i % 12));
    values.push_back(100 + 3 * i + ((state >> 8) / double(1 << 24) - 0.5));
  }
  ASSERT_TRUE(Create("trend", v1::STEP_UNIT_MONTH).ok());
  ASSERT_TRUE(Write("trend", ts, values).ok());
  v1::BacktestRequest req;
  req.set_series("trend");
  req.set_horizon(6);
  req.set_windows(3);
  req.add_models()->set_name("naive");
  req.add_models()->set_name("mean");
  v1::BacktestResponse resp;
  ASSERT_TRUE(forecast_->Backtest(Ctx().get(), req, &resp).ok());
  ASSERT_EQ(resp.models_size(), 2);
  const v1::ModelBacktest& naive = resp.models(0);
  const v1::ModelBacktest& mean = resp.models(1);
  // Every row shows what was measured.
  EXPECT_LT(naive.overall().mase(), mean.overall().mase());
  EXPECT_LT(naive.overall().coverage_95(), 0.85);
  EXPECT_GE(mean.overall().coverage_95(), 0.85) << mean.overall().coverage_95();
  EXPECT_GT(naive.overall().msis(), 0);
  EXPECT_LE(naive.overall().coverage_80(), naive.overall().coverage_95());
  EXPECT_NE(naive.warning().find("95% intervals covered"), std::string::npos)
      << naive.warning();
  EXPECT_TRUE(mean.warning().empty()) << mean.warning();
  // The better MASE is passed over for its intervals, and the answer says
  // so.
  EXPECT_EQ(resp.best_model(), "mean");
  ASSERT_EQ(resp.warnings_size(), 1);
  EXPECT_NE(resp.warnings(0).find("naive has a lower mase"), std::string::npos)
      << resp.warnings(0);
  // Alone, it is recommended, with the warning.
  req.clear_models();
  req.add_models()->set_name("naive");
  ASSERT_TRUE(forecast_->Backtest(Ctx().get(), req, &resp).ok());
  EXPECT_EQ(resp.best_model(), "naive");
  ASSERT_EQ(resp.warnings_size(), 1);
  EXPECT_NE(resp.warnings(0).find("no model's 95% intervals covered 85%"),
            std::string::npos)
      << resp.warnings(0);
}

}  // namespace
}  // namespace tsforecast::service

namespace tsforecast::service {
namespace {

// Backtests share the forecasts' bounded scheduler and stop at their
// deadline instead of running on.
TEST(BacktestLimitsTest, BoundedQueueAndDeadlines) {
  testing::TempDir dir;
  ServerOptions options = LoopbackServerOptions(dir);
  options.max_running_fits = 1;
  options.max_waiting_fits = 0;
  auto server = Server::Start(options);
  ASSERT_TRUE(server.ok()) << server.status();
  auto channel =
      grpc::CreateChannel(absl::StrCat("127.0.0.1:", (*server)->port()),
                          grpc::InsecureChannelCredentials());
  auto points = v1::PointsService::NewStub(channel);
  auto forecasts = v1::ForecastService::NewStub(channel);
  v1::WritePointsRequest write;
  v1::SeriesPoints* sp = write.add_series();
  sp->set_series("hourly");
  sp->mutable_create_if_missing()->mutable_step()->set_unit(v1::STEP_UNIT_HOUR);
  for (int i = 0; i < 2000; ++i) {
    sp->add_timestamps_ms(int64_t{1704067200000} + i * int64_t{3600000});
    sp->add_values(100 + 10 * std::sin(2 * M_PI * i / 24) + 0.01 * i +
                   std::sin(i * 1.3));
  }
  {
    grpc::ClientContext ctx;
    v1::WritePointsResponse written;
    ASSERT_TRUE(points->WritePoints(&ctx, write, &written).ok());
  }
  v1::BacktestRequest heavy;
  heavy.set_series("hourly");
  heavy.set_horizon(24);
  heavy.set_windows(60);
  heavy.add_models()->set_name("auto");
  // Deadline: answered DEADLINE_EXCEEDED, and the worker is freed.
  {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() +
                     std::chrono::milliseconds(300));
    v1::BacktestResponse resp;
    EXPECT_EQ(forecasts->Backtest(&ctx, heavy, &resp).error_code(),
              grpc::StatusCode::DEADLINE_EXCEEDED);
  }
  auto idle = [&] {
    for (int i = 0; i < 600 && (*server)->forecasts().scheduler().running();
         ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return (*server)->forecasts().scheduler().running() == 0;
  };
  EXPECT_TRUE(idle()) << "the abandoned backtest kept its worker";
  // One worker, no queue: while a backtest runs, the next is refused.
  grpc::ClientContext first_ctx;
  first_ctx.set_deadline(std::chrono::system_clock::now() +
                         std::chrono::seconds(60));
  v1::BacktestResponse first_resp;
  std::thread first([&] {
    forecasts->Backtest(&first_ctx, heavy, &first_resp).IgnoreError();
  });
  for (int i = 0; i < 600 && !(*server)->forecasts().scheduler().running();
       ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  {
    grpc::ClientContext ctx;
    v1::BacktestResponse resp;
    const grpc::Status s = forecasts->Backtest(&ctx, heavy, &resp);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED)
        << s.error_message();
  }
  // The client hanging up ends it too.
  first_ctx.TryCancel();
  first.join();
  EXPECT_TRUE(idle()) << "the cancelled backtest kept its worker";
}

}  // namespace
}  // namespace tsforecast::service
