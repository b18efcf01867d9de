#include <thread>

#include "tests/service/service_test_fixture.h"
#include "tsforecast/v1/forecast.grpc.pb.h"

namespace tsforecast::service {
namespace {

using grpc::StatusCode;

TEST_F(ServiceTest, SeriesLifecycle) {
  v1::CreateSeriesRequest create;
  v1::Series* s = create.mutable_series();
  s->set_name("ndpr_oxide_cny");
  s->mutable_step()->set_unit(v1::STEP_UNIT_DAY);
  (*s->mutable_labels())["market"] = "shanghai";
  s->set_unit("CNY/t");
  s->set_value_kind(v1::VALUE_KIND_LEVEL);
  v1::CreateSeriesResponse created;
  ASSERT_TRUE(series_->CreateSeries(Ctx().get(), create, &created).ok());
  EXPECT_EQ(created.series().revision(), 1u);
  EXPECT_GT(created.series().create_time_ms(), 0);
  EXPECT_EQ(created.series().step().count(), 1);

  EXPECT_GRPC(series_->CreateSeries(Ctx().get(), create, &created),
              StatusCode::ALREADY_EXISTS, "already exists");

  v1::UpdateSeriesRequest update;
  update.mutable_series()->set_name("ndpr_oxide_cny");
  update.mutable_series()->set_description("NdPr oxide, Shanghai spot");
  update.mutable_update_mask()->add_paths("description");
  v1::UpdateSeriesResponse updated;
  ASSERT_TRUE(series_->UpdateSeries(Ctx().get(), update, &updated).ok());
  EXPECT_EQ(updated.series().description(), "NdPr oxide, Shanghai spot");
  EXPECT_EQ(updated.series().unit(), "CNY/t");  // not in the mask: kept
  EXPECT_EQ(updated.series().revision(), 2u);

  update.mutable_update_mask()->add_paths("step");
  EXPECT_GRPC(series_->UpdateSeries(Ctx().get(), update, &updated),
              StatusCode::INVALID_ARGUMENT, "\"step\" is immutable");
  update.mutable_update_mask()->Clear();
  update.mutable_update_mask()->add_paths("colour");
  EXPECT_GRPC(series_->UpdateSeries(Ctx().get(), update, &updated),
              StatusCode::INVALID_ARGUMENT, "unknown path \"colour\"");

  v1::GetSeriesRequest get;
  get.set_name("ndpr_oxide_cny");
  v1::GetSeriesResponse got;
  ASSERT_TRUE(series_->GetSeries(Ctx().get(), get, &got).ok());
  EXPECT_EQ(got.series().labels().at("market"), "shanghai");

  v1::DeleteSeriesRequest del;
  del.set_name("ndpr_oxide_cny");
  v1::DeleteSeriesResponse deleted;
  ASSERT_TRUE(series_->DeleteSeries(Ctx().get(), del, &deleted).ok());
  EXPECT_GRPC(series_->GetSeries(Ctx().get(), get, &got), StatusCode::NOT_FOUND,
              "series \"ndpr_oxide_cny\" not found");
  EXPECT_GRPC(series_->DeleteSeries(Ctx().get(), del, &deleted),
              StatusCode::NOT_FOUND, "not found");
}

TEST_F(ServiceTest, CreateRejectsBadDefinitions) {
  auto create = [&](const v1::Series& s) {
    v1::CreateSeriesRequest req;
    *req.mutable_series() = s;
    v1::CreateSeriesResponse resp;
    return series_->CreateSeries(Ctx().get(), req, &resp);
  };
  v1::Series s;
  s.mutable_step()->set_unit(v1::STEP_UNIT_DAY);
  // A 1 MiB name: the error names the field without sending it all back
  // (whole, it would exceed gRPC's metadata limit and hide the error).
  s.set_name(std::string(1 << 20, 'x'));
  {
    const grpc::Status huge = create(s);
    EXPECT_EQ(huge.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_NE(huge.error_message().find("series.name"), std::string::npos);
    EXPECT_LT(huge.error_message().size(), 4096u);
  }
  s.clear_name();
  // A regular expression over the limit is refused before compiling.
  {
    v1::ListSeriesRequest list;
    list.set_selector("{a=~\"" + std::string(1025, 'a') + "\"}");
    v1::ListSeriesResponse listed;
    EXPECT_GRPC(series_->ListSeries(Ctx().get(), list, &listed),
                grpc::StatusCode::INVALID_ARGUMENT, "at most 1024");
  }
  EXPECT_GRPC(create(s), StatusCode::INVALID_ARGUMENT,
              "series.name: series name is empty");
  s.set_name("1abc");
  EXPECT_GRPC(create(s), StatusCode::INVALID_ARGUMENT,
              "must not start with a digit");
  s.set_name("has space");
  EXPECT_GRPC(create(s), StatusCode::INVALID_ARGUMENT, "may only contain");
  s.set_name(std::string(201, 'a'));
  EXPECT_GRPC(create(s), StatusCode::INVALID_ARGUMENT, "at most 200");
  s.set_name("ok");
  s.clear_step();
  EXPECT_GRPC(create(s), StatusCode::INVALID_ARGUMENT, "series.step: required");
  s.mutable_step()->set_unit(v1::STEP_UNIT_DAY);
  s.mutable_step()->set_count(-1);
  EXPECT_GRPC(create(s), StatusCode::INVALID_ARGUMENT, "series.step.count");
  s.mutable_step()->set_count(1);
  (*s.mutable_labels())["bad-name"] = "x";
  EXPECT_GRPC(create(s), StatusCode::INVALID_ARGUMENT,
              "series.labels[\"bad-name\"]: label name may only contain");
  s.mutable_labels()->clear();
  (*s.mutable_labels())["__reserved"] = "x";
  EXPECT_GRPC(create(s), StatusCode::INVALID_ARGUMENT, "reserved");
  s.mutable_labels()->clear();
  (*s.mutable_labels())["__name__"] = "9lives";
  EXPECT_GRPC(create(s), StatusCode::INVALID_ARGUMENT,
              "series.labels[\"__name__\"]: metric name must match");
  s.mutable_labels()->clear();
  (*s.mutable_labels())["empty"] = "";
  EXPECT_GRPC(create(s), StatusCode::INVALID_ARGUMENT,
              "label value must be 1 to");
  s.mutable_labels()->clear();
  s.set_retention_ms(5);
  EXPECT_GRPC(create(s), StatusCode::INVALID_ARGUMENT, "series.retention_ms");
  s.set_retention_ms(0);
  s.set_value_kind(static_cast<v1::ValueKind>(9));
  EXPECT_GRPC(create(s), StatusCode::INVALID_ARGUMENT, "series.value_kind");
  // Nothing was created by any of these.
  v1::ListSeriesResponse list;
  ASSERT_TRUE(
      series_->ListSeries(Ctx().get(), v1::ListSeriesRequest(), &list).ok());
  EXPECT_EQ(list.series_size(), 0);
}

TEST_F(ServiceTest, ListSeriesWithMatchersSelectorAndPaging) {
  for (int i = 0; i < 25; ++i) {
    ASSERT_TRUE(Create(absl::StrCat("exports_", 10 + i), v1::STEP_UNIT_MONTH,
                       {{"country", i % 2 ? "CN" : "VN"}})
                    .ok());
  }
  ASSERT_TRUE(Create("ndpr", v1::STEP_UNIT_DAY, {{"market", "shanghai"}}).ok());
  v1::ListSeriesRequest req;
  req.set_selector("{country=\"CN\"}");
  req.set_page_size(5);
  std::vector<std::string> names;
  for (int page = 0; page < 10; ++page) {
    v1::ListSeriesResponse resp;
    ASSERT_TRUE(series_->ListSeries(Ctx().get(), req, &resp).ok());
    for (const auto& s : resp.series()) names.push_back(s.name());
    if (resp.next_page_token().empty()) break;
    req.set_page_token(resp.next_page_token());
  }
  EXPECT_EQ(names.size(), 12u);
  EXPECT_TRUE(std::is_sorted(names.begin(), names.end()));

  v1::ListSeriesRequest matchers;
  auto* m = matchers.add_matchers();
  m->set_name("__name__");
  m->set_type(v1::LabelMatcher::TYPE_REGEX);
  m->set_value("exports_1[0-4]");
  v1::ListSeriesResponse resp;
  ASSERT_TRUE(series_->ListSeries(Ctx().get(), matchers, &resp).ok());
  EXPECT_EQ(resp.series_size(), 5);

  m->set_value("(");
  EXPECT_GRPC(series_->ListSeries(Ctx().get(), matchers, &resp),
              StatusCode::INVALID_ARGUMENT,
              "matchers[0].value: invalid regular expression");
  m->set_type(v1::LabelMatcher::TYPE_UNSPECIFIED);
  EXPECT_GRPC(series_->ListSeries(Ctx().get(), matchers, &resp),
              StatusCode::INVALID_ARGUMENT, "matchers[0].type: required");
  v1::ListSeriesRequest bad;
  bad.set_selector("{country=CN}");
  EXPECT_GRPC(series_->ListSeries(Ctx().get(), bad, &resp),
              StatusCode::INVALID_ARGUMENT, "selector: selector");
  bad.set_selector("");
  bad.set_page_size(20000);
  EXPECT_GRPC(series_->ListSeries(Ctx().get(), bad, &resp),
              StatusCode::INVALID_ARGUMENT, "page_size");
  bad.set_page_size(0);
  bad.set_page_token("garbage");
  EXPECT_GRPC(series_->ListSeries(Ctx().get(), bad, &resp),
              StatusCode::INVALID_ARGUMENT, "page_token");
}

}  // namespace
}  // namespace tsforecast::service

namespace tsforecast::service {
namespace {

// Issue 19: a call made while the server drained got CANCELLED, which
// clients do not retry; it must be UNAVAILABLE. A watch stream keeps the
// server draining while a second client calls.
TEST_F(ServiceTest, CallsDuringTheDrainAreUnavailable) {
  ASSERT_TRUE(Create("drained", v1::STEP_UNIT_DAY).ok());
  v1::WritePointsRequest write;
  v1::SeriesPoints* sp = write.add_series();
  sp->set_series("drained");
  for (int i = 0; i < 10; ++i) {
    sp->add_timestamps_ms(1704067200000 + i * 86400000LL);
    sp->add_values(i);
  }
  v1::WritePointsResponse written;
  ASSERT_TRUE(points_->WritePoints(Ctx().get(), write, &written).ok());
  auto channel =
      grpc::CreateChannel(absl::StrCat("127.0.0.1:", server_->port()),
                          grpc::InsecureChannelCredentials());
  auto forecasts = v1::ForecastService::NewStub(channel);
  grpc::ClientContext watch_ctx;
  v1::ForecastRequest watch;
  watch.set_series("drained");
  watch.set_horizon(2);
  watch.mutable_model()->set_name("naive");
  auto reader = forecasts->WatchForecast(&watch_ctx, watch);
  v1::ForecastResponse first;
  ASSERT_TRUE(reader->Read(&first));
  std::thread stop([this] { server_->Shutdown(/*grace_seconds=*/3); });
  // Until the drain has begun, calls still succeed; then they must be
  // UNAVAILABLE, never CANCELLED.
  grpc::Status during;
  for (int i = 0; i < 200; ++i) {
    v1::GetSeriesRequest get;
    get.set_name("drained");
    v1::GetSeriesResponse got;
    during = series_->GetSeries(Ctx().get(), get, &got);
    if (!during.ok()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_EQ(during.error_code(), grpc::StatusCode::UNAVAILABLE)
      << during.error_message();
  EXPECT_NE(during.error_message().find("shutting down"), std::string::npos)
      << during.error_message();
  watch_ctx.TryCancel();
  while (reader->Read(&first)) {
  }
  (void)reader->Finish();
  stop.join();
}

}  // namespace
}  // namespace tsforecast::service
