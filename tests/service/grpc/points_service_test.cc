#include <cmath>
#include <filesystem>
#include <limits>
#include <thread>
#include <tuple>

#include "tests/service/service_test_fixture.h"
#include "tests/testing/temp_dir.h"
#include "tsforecast/v1/forecast.grpc.pb.h"

namespace tsforecast::service {
namespace {

using grpc::StatusCode;
constexpr int64_t kDay = 86400000;
constexpr int64_t k2024 = 1704067200000;  // 2024-01-01

v1::SeriesPoints* AddSeries(v1::WritePointsRequest* req,
                            const std::string& name, int64_t start, int n,
                            double base) {
  v1::SeriesPoints* sp = req->add_series();
  sp->set_series(name);
  for (int i = 0; i < n; ++i) {
    sp->add_timestamps_ms(start + i * kDay);
    sp->add_values(base + i);
  }
  return sp;
}

class PointsServiceTest : public ServiceTest {
 protected:
  void SetUp() override {
    ServiceTest::SetUp();
    ASSERT_TRUE(Create("a", v1::STEP_UNIT_DAY).ok());
    ASSERT_TRUE(Create("b", v1::STEP_UNIT_DAY).ok());
  }
  grpc::Status Write(const v1::WritePointsRequest& req,
                     v1::WritePointsResponse* resp = nullptr) {
    v1::WritePointsResponse ignored;
    return points_->WritePoints(Ctx().get(), req, resp ? resp : &ignored);
  }
  v1::ReadPointsResponse Read(const std::string& name) {
    v1::ReadPointsRequest req;
    req.set_series(name);
    v1::ReadPointsResponse resp;
    grpc::Status s = points_->ReadPoints(Ctx().get(), req, &resp);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return resp;
  }
};

TEST_F(PointsServiceTest, WriteManySeriesAndReadBack) {
  v1::WritePointsRequest req;
  AddSeries(&req, "a", k2024, 100, 10);
  AddSeries(&req, "b", k2024, 50, 500);
  v1::WritePointsResponse resp;
  ASSERT_TRUE(Write(req, &resp).ok());
  EXPECT_EQ(resp.points_written(), 150u);
  ASSERT_EQ(resp.revisions_size(), 2);
  EXPECT_EQ(resp.revisions(0).revision(), 2u);
  v1::ReadPointsResponse a = Read("a");
  ASSERT_EQ(a.values_size(), 100);
  EXPECT_EQ(a.timestamps_ms(99), k2024 + 99 * kDay);
  EXPECT_EQ(a.values(99), 109);
  EXPECT_EQ(a.revision(), 2u);
  Restart();
  EXPECT_EQ(Read("b").values_size(), 50);
}

TEST_F(PointsServiceTest, LateOutOfOrderAndResentPointsLastWriteWins) {
  v1::WritePointsRequest req;
  v1::SeriesPoints* sp = req.add_series();
  sp->set_series("a");
  for (int64_t d : {5, 1, 3, 1}) {
    sp->add_timestamps_ms(k2024 + d * kDay);
    sp->add_values(static_cast<double>(d) * 10 + sp->values_size());
  }
  ASSERT_TRUE(Write(req).ok());
  ASSERT_TRUE(Write(req).ok());  // re-sent batch: no duplicates
  v1::WritePointsRequest late;
  AddSeries(&late, "a", k2024 + 3 * kDay, 1, 99);
  ASSERT_TRUE(Write(late).ok());
  v1::ReadPointsResponse r = Read("a");
  ASSERT_EQ(r.values_size(), 3);
  EXPECT_EQ(r.values(0), 13);  // the later of the two day-1 points
  EXPECT_EQ(r.values(1), 99);  // overwritten by the late write
  EXPECT_EQ(r.values(2), 50);
}

TEST_F(PointsServiceTest, BadPointsAreRejectedWholeWithTheFieldPath) {
  v1::WritePointsRequest req;
  AddSeries(&req, "a", k2024, 10, 1);
  AddSeries(&req, "b", k2024, 10, 1);
  AddSeries(&req, "a", k2024 + 100 * kDay, 20, 1)
      ->set_values(17, std::numeric_limits<double>::quiet_NaN());
  EXPECT_GRPC(Write(req), StatusCode::INVALID_ARGUMENT,
              "series[2].values[17]: not a finite number");
  req.mutable_series(2)->set_values(17, INFINITY);
  EXPECT_GRPC(Write(req), StatusCode::INVALID_ARGUMENT, "series[2].values[17]");
  req.mutable_series(2)->set_values(17, 1);
  req.mutable_series(1)->set_timestamps_ms(3, 1700000000);  // seconds? fine
  req.mutable_series(1)->set_timestamps_ms(4, 300000000000000);
  EXPECT_GRPC(Write(req), StatusCode::INVALID_ARGUMENT,
              "series[1].timestamps_ms[4]: 300000000000000 is outside years");
  req.mutable_series(1)->set_timestamps_ms(4, k2024);
  req.mutable_series(0)->add_values(1);
  EXPECT_GRPC(Write(req), StatusCode::INVALID_ARGUMENT,
              "series[0]: 10 timestamps_ms but 11 values");
  req.mutable_series(0)->mutable_values()->RemoveLast();
  req.mutable_series(1)->set_series("missing");
  EXPECT_GRPC(Write(req), StatusCode::NOT_FOUND,
              "series[1].series: series \"missing\" not found");
  req.mutable_series(1)->set_series("");
  EXPECT_GRPC(Write(req), StatusCode::INVALID_ARGUMENT,
              "series[1].series: series name is empty");
  // None of the rejected requests stored anything.
  EXPECT_EQ(Read("a").values_size(), 0);
  EXPECT_EQ(Read("b").values_size(), 0);
  EXPECT_EQ(Read("a").revision(), 1u);
}

TEST_F(PointsServiceTest, RequestsOverTheLimitsAreRefused) {
  v1::WritePointsRequest many_points;
  AddSeries(&many_points, "a", k2024, 100001, 1);
  EXPECT_GRPC(Write(many_points), StatusCode::RESOURCE_EXHAUSTED,
              "100001 points; at most 100000 per request");
  v1::WritePointsRequest many_series;
  for (int i = 0; i < 101; ++i) AddSeries(&many_series, "a", k2024, 1, 1);
  EXPECT_GRPC(Write(many_series), StatusCode::RESOURCE_EXHAUSTED,
              "101 entries; at most 100");
  // Over the gRPC message size limit (8 MiB in the fixture).
  v1::WritePointsRequest huge;
  v1::SeriesPoints* sp = huge.add_series();
  sp->set_series("a");
  sp->mutable_create_if_missing()->set_description(std::string(9 << 20, 'x'));
  EXPECT_EQ(Write(huge).error_code(), StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(Read("a").values_size(), 0);
}

TEST_F(PointsServiceTest, CreateIfMissing) {
  v1::WritePointsRequest req;
  v1::SeriesPoints* sp = AddSeries(&req, "exports_cn", k2024, 3, 100);
  v1::Series* def = sp->mutable_create_if_missing();
  def->mutable_step()->set_unit(v1::STEP_UNIT_MONTH);
  def->set_value_kind(v1::VALUE_KIND_FLOW);
  // Daily-spaced points in a monthly series: stored as they are.
  def->set_off_grid(v1::OFF_GRID_POLICY_ACCEPT);
  (*def->mutable_labels())["country"] = "CN";
  v1::WritePointsResponse resp;
  ASSERT_TRUE(Write(req, &resp).ok());
  EXPECT_EQ(resp.series_created(), 1u);
  ASSERT_TRUE(Write(req, &resp).ok());
  EXPECT_EQ(resp.series_created(), 0u);
  v1::GetSeriesRequest get;
  get.set_name("exports_cn");
  v1::GetSeriesResponse got;
  ASSERT_TRUE(series_->GetSeries(Ctx().get(), get, &got).ok());
  EXPECT_EQ(got.series().value_kind(), v1::VALUE_KIND_FLOW);
  EXPECT_EQ(got.series().labels().at("country"), "CN");
  def->clear_step();
  sp->set_series("other");
  EXPECT_GRPC(Write(req), StatusCode::INVALID_ARGUMENT,
              "series[0].create_if_missing.step: required");
}

TEST_F(PointsServiceTest, ReadRangesPagesAndAggregates) {
  v1::WritePointsRequest req;
  AddSeries(&req, "a", k2024, 366, 0);  // 2024 is a leap year
  ASSERT_TRUE(Write(req).ok());
  v1::ReadPointsRequest read;
  read.set_series("a");
  read.set_start_ms(k2024 + 10 * kDay);
  read.set_end_ms(k2024 + 110 * kDay);
  read.set_limit(30);
  std::vector<double> values;
  for (int page = 0; page < 10; ++page) {
    v1::ReadPointsResponse resp;
    ASSERT_TRUE(points_->ReadPoints(Ctx().get(), read, &resp).ok());
    values.insert(values.end(), resp.values().begin(), resp.values().end());
    if (resp.next_page_token().empty()) break;
    read.set_page_token(resp.next_page_token());
  }
  ASSERT_EQ(values.size(), 100u);
  EXPECT_EQ(values.front(), 10);
  EXPECT_EQ(values.back(), 109);

  v1::ReadPointsRequest agg;
  agg.set_series("a");
  agg.mutable_aggregation()->set_aggregator(v1::AGGREGATOR_SUM);
  agg.mutable_aggregation()->mutable_step()->set_unit(v1::STEP_UNIT_MONTH);
  v1::ReadPointsResponse monthly;
  ASSERT_TRUE(points_->ReadPoints(Ctx().get(), agg, &monthly).ok());
  ASSERT_EQ(monthly.values_size(), 12);
  EXPECT_EQ(monthly.values(0), 30 * 31 / 2);               // Jan: 0..30
  EXPECT_EQ(monthly.timestamps_ms(1), k2024 + 31 * kDay);  // Feb 1
  agg.mutable_aggregation()->set_aggregator(v1::AGGREGATOR_COUNT);
  agg.set_limit(5);
  ASSERT_TRUE(points_->ReadPoints(Ctx().get(), agg, &monthly).ok());
  EXPECT_EQ(monthly.values(1), 29);
  ASSERT_FALSE(monthly.next_page_token().empty());
  agg.set_page_token(monthly.next_page_token());
  ASSERT_TRUE(points_->ReadPoints(Ctx().get(), agg, &monthly).ok());
  EXPECT_EQ(monthly.values_size(), 5);
  EXPECT_EQ(monthly.values(0), 30);  // June
  EXPECT_EQ(monthly.values(1), 31);  // July

  v1::ReadPointsResponse bad;
  agg.mutable_aggregation()->set_aggregator(v1::AGGREGATOR_UNSPECIFIED);
  EXPECT_GRPC(points_->ReadPoints(Ctx().get(), agg, &bad),
              StatusCode::INVALID_ARGUMENT, "aggregation.aggregator: required");
  read.clear_page_token();
  read.set_start_ms(5);
  read.set_end_ms(1);
  EXPECT_GRPC(points_->ReadPoints(Ctx().get(), read, &bad),
              StatusCode::INVALID_ARGUMENT, "start_ms: 5 is after end_ms 1");
  read.set_end_ms(10);
  read.set_limit(-3);
  EXPECT_GRPC(points_->ReadPoints(Ctx().get(), read, &bad),
              StatusCode::INVALID_ARGUMENT, "limit: -3");
  read.set_limit(0);
  read.set_page_token("nonsense");
  EXPECT_GRPC(points_->ReadPoints(Ctx().get(), read, &bad),
              StatusCode::INVALID_ARGUMENT, "page_token");
  read.clear_page_token();
  read.set_series("nope");
  EXPECT_GRPC(points_->ReadPoints(Ctx().get(), read, &bad),
              StatusCode::NOT_FOUND, "series \"nope\" not found");
}

TEST_F(PointsServiceTest, StreamWriteAcksEveryBatchAndStopsAtABadOne) {
  grpc::ClientContext ctx;
  auto stream = points_->StreamWritePoints(&ctx);
  for (uint64_t seq = 1; seq <= 10; ++seq) {
    v1::StreamWritePointsRequest req;
    req.set_sequence(seq);
    AddSeries(req.mutable_batch(), "a", k2024 + (seq - 1) * 10 * kDay, 10, 0);
    ASSERT_TRUE(stream->Write(req));
  }
  v1::StreamWritePointsRequest bad;
  bad.set_sequence(11);
  AddSeries(bad.mutable_batch(), "a", k2024 + 200 * kDay, 5, 0)
      ->set_values(2, NAN);
  ASSERT_TRUE(stream->Write(bad));
  stream->WritesDone();
  std::vector<uint64_t> acked;
  v1::StreamWritePointsResponse ack;
  while (stream->Read(&ack)) {
    acked.push_back(ack.sequence());
    EXPECT_EQ(ack.points_written(), 10u);
  }
  EXPECT_GRPC(stream->Finish(), StatusCode::INVALID_ARGUMENT,
              "batch with sequence 11 rejected (earlier batches are stored): "
              "series[0].values[2]");
  EXPECT_EQ(acked, (std::vector<uint64_t>{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}));
  EXPECT_EQ(Read("a").values_size(), 100);
}

TEST_F(PointsServiceTest, StreamReadLatestAndDelete) {
  v1::WritePointsRequest req;
  AddSeries(&req, "a", k2024, 25000, 0);
  ASSERT_TRUE(Write(req).ok());
  v1::StreamReadPointsRequest sreq;
  sreq.mutable_read()->set_series("a");
  sreq.set_chunk_size(4000);
  grpc::ClientContext ctx;
  auto reader = points_->StreamReadPoints(&ctx, sreq);
  v1::StreamReadPointsResponse chunk;
  int chunks = 0, total = 0;
  double last = -1;
  while (reader->Read(&chunk)) {
    ++chunks;
    total += chunk.values_size();
    for (double v : chunk.values()) {
      EXPECT_EQ(v, last + 1);
      last = v;
    }
  }
  ASSERT_TRUE(reader->Finish().ok());
  EXPECT_EQ(chunks, 7);
  EXPECT_EQ(total, 25000);

  v1::DeletePointsRequest del;
  del.set_series("a");
  del.set_start_ms(k2024 + 20000 * kDay);
  v1::DeletePointsResponse deleted;
  ASSERT_TRUE(points_->DeletePoints(Ctx().get(), del, &deleted).ok());
  EXPECT_EQ(deleted.revision(), 3u);

  v1::ReadLatestRequest latest;
  latest.add_series("a");
  latest.add_series("b");
  latest.set_count(3);
  v1::ReadLatestResponse lr;
  ASSERT_TRUE(points_->ReadLatest(Ctx().get(), latest, &lr).ok());
  ASSERT_EQ(lr.series_size(), 2);
  ASSERT_EQ(lr.series(0).values_size(), 3);
  EXPECT_EQ(lr.series(0).values(2), 19999);
  EXPECT_EQ(lr.series(1).values_size(), 0);
  latest.add_series("zzz");
  EXPECT_GRPC(points_->ReadLatest(Ctx().get(), latest, &lr),
              StatusCode::NOT_FOUND, "series[2]: series \"zzz\" not found");
  latest.set_count(0);
  latest.clear_series();
  EXPECT_GRPC(points_->ReadLatest(Ctx().get(), latest, &lr),
              StatusCode::INVALID_ARGUMENT, "series: give 1 to");
  del.set_end_ms(0);
  EXPECT_GRPC(points_->DeletePoints(Ctx().get(), del, &deleted),
              StatusCode::INVALID_ARGUMENT, "is after end_ms");
}

TEST_F(PointsServiceTest, BackupCompactAndStats) {
  v1::WritePointsRequest req;
  AddSeries(&req, "a", k2024, 1000, 0.25);
  ASSERT_TRUE(Write(req).ok());
  // The points wait in the head until a checkpoint; compaction makes one.
  v1::GetStorageStatsResponse before;
  ASSERT_TRUE(
      admin_
          ->GetStorageStats(Ctx().get(), v1::GetStorageStatsRequest(), &before)
          .ok());
  EXPECT_EQ(before.head_points(), 1000u);
  EXPECT_GT(before.head_bytes(), 1000u * 16);
  EXPECT_GT(before.head_log_bytes(), 1000u * 8);
  v1::CompactResponse compacted;
  ASSERT_TRUE(
      admin_->Compact(Ctx().get(), v1::CompactRequest(), &compacted).ok());
  v1::GetStorageStatsResponse stats;
  ASSERT_TRUE(
      admin_->GetStorageStats(Ctx().get(), v1::GetStorageStatsRequest(), &stats)
          .ok());
  EXPECT_EQ(stats.series_count(), 2u);
  EXPECT_GT(stats.points_sst_bytes(), 0u);
  EXPECT_EQ(stats.points_written(), 1000u);
  EXPECT_EQ(stats.head_points(), 0u);
  EXPECT_EQ(stats.head_checkpoints(), before.head_checkpoints() + 1);
  v1::BackupRequest backup;
  backup.set_directory("nightly");  // under the backup root
  v1::BackupResponse backed;
  ASSERT_TRUE(admin_->Backup(Ctx().get(), backup, &backed).ok());
  EXPECT_GT(backed.bytes(), 0u);
  EXPECT_EQ(backed.directory(), dir_.Sub("backups") + "/nightly");
  EXPECT_GRPC(admin_->Backup(Ctx().get(), backup, &backed),
              StatusCode::ALREADY_EXISTS, "already exists");
  // Only under the root: no escape, no control characters, a parent that
  // exists (FAILED_PRECONDITION, not a retryable UNAVAILABLE).
  for (const auto& [directory, code, message] :
       std::vector<std::tuple<std::string, StatusCode, std::string>>{
           {"/tmp/elsewhere", StatusCode::PERMISSION_DENIED,
            "is outside the backup root"},
           {"../escape", StatusCode::INVALID_ARGUMENT, "\"..\" is not allowed"},
           {dir_.Sub("backups") + "/x/../../y", StatusCode::INVALID_ARGUMENT,
            "is not allowed"},
           {"a\nb", StatusCode::INVALID_ARGUMENT, "control characters"},
           {"missing/child", StatusCode::FAILED_PRECONDITION, "does not exist"},
           {"", StatusCode::INVALID_ARGUMENT, "required"}}) {
    backup.set_directory(directory);
    EXPECT_GRPC(admin_->Backup(Ctx().get(), backup, &backed), code, message);
  }
  backup.set_directory(dir_.Sub("backups") + "/absolute_inside");
  ASSERT_TRUE(admin_->Backup(Ctx().get(), backup, &backed).ok());
  // Through a link out of the root (the probe wrote link/x outside it);
  // every level is in backup_path_test.cc.
  std::filesystem::create_directory_symlink(dir_.Sub("elsewhere"),
                                            dir_.Sub("backups") + "/link");
  std::filesystem::create_directories(dir_.Sub("elsewhere"));
  backup.set_directory("link/x");
  EXPECT_GRPC(admin_->Backup(Ctx().get(), backup, &backed),
              StatusCode::PERMISSION_DENIED, "symbolic link");
  EXPECT_FALSE(std::filesystem::exists(dir_.Sub("elsewhere") + "/x"));
  backup.set_directory(std::string(300, 'n'));
  EXPECT_GRPC(admin_->Backup(Ctx().get(), backup, &backed),
              StatusCode::INVALID_ARGUMENT, "at most 255");
}

}  // namespace
}  // namespace tsforecast::service

namespace tsforecast::service {
namespace {

// A client that stops reading (or never sends) does not hold a server
// thread forever: after the stall limit its call is cancelled.
TEST(StalledStreamTest, StalledReadersAndIdleWritersAreCancelled) {
  testing::TempDir dir;
  ServerOptions options = LoopbackServerOptions(dir);
  options.stream_stall_timeout = absl::Milliseconds(500);
  auto server = Server::Start(options);
  ASSERT_TRUE(server.ok()) << server.status();
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(64 << 20);
  auto points = v1::PointsService::NewStub(
      grpc::CreateCustomChannel(absl::StrCat("127.0.0.1:", (*server)->port()),
                                grpc::InsecureChannelCredentials(), args));
  // 400,000 points: far more than flow control lets through unread.
  for (int batch = 0; batch < 4; ++batch) {
    v1::WritePointsRequest write;
    v1::SeriesPoints* sp = write.add_series();
    sp->set_series("big");
    sp->mutable_create_if_missing()->mutable_step()->set_unit(
        v1::STEP_UNIT_SECOND);
    for (int i = 0; i < 100000; ++i) {
      sp->add_timestamps_ms(int64_t{1704067200000} +
                            (batch * 100000 + i) * int64_t{1000});
      sp->add_values(i * 0.5);
    }
    grpc::ClientContext ctx;
    v1::WritePointsResponse written;
    ASSERT_TRUE(points->WritePoints(&ctx, write, &written).ok());
  }
  grpc::ClientContext read_ctx;
  v1::StreamReadPointsRequest read;
  read.mutable_read()->set_series("big");
  read.set_chunk_size(100000);
  auto reader = points->StreamReadPoints(&read_ctx, read);
  std::this_thread::sleep_for(std::chrono::seconds(2));  // not reading
  v1::StreamReadPointsResponse chunk;
  int64_t received = 0;
  while (reader->Read(&chunk)) received += chunk.values_size();
  const grpc::Status read_status = reader->Finish();
  EXPECT_EQ(read_status.error_code(), grpc::StatusCode::CANCELLED)
      << read_status.error_message();
  EXPECT_LT(received, 400000);

  grpc::ClientContext write_ctx;
  auto writer = points->StreamWritePoints(&write_ctx);
  std::this_thread::sleep_for(std::chrono::seconds(2));  // sending nothing
  v1::StreamWritePointsResponse ack;
  while (writer->Read(&ack)) {
  }
  EXPECT_EQ(writer->Finish().error_code(), grpc::StatusCode::CANCELLED);

  // A watcher that reads nothing (issue 19: unread WatchForecast streams
  // were never cancelled, and memory grew with them). Its channel keeps
  // HTTP/2 flow control at 64 KiB (no BDP growth), so even its first
  // forecast of 10,000 steps with seven bands (about 1.3 MB) cannot be
  // written unread, on a fast machine or a slow one; the stalled write is
  // cancelled.
  grpc::ChannelArguments small_window;
  small_window.SetMaxReceiveMessageSize(64 << 20);
  small_window.SetInt(GRPC_ARG_HTTP2_BDP_PROBE, 0);
  small_window.SetInt(GRPC_ARG_HTTP2_STREAM_LOOKAHEAD_BYTES, 64 << 10);
  auto forecasts = v1::ForecastService::NewStub(grpc::CreateCustomChannel(
      absl::StrCat("127.0.0.1:", (*server)->port()),
      grpc::InsecureChannelCredentials(), small_window));
  grpc::ClientContext watch_ctx;
  watch_ctx.set_deadline(std::chrono::system_clock::now() +
                         std::chrono::seconds(30));
  v1::ForecastRequest watch;
  watch.set_series("big");
  watch.set_horizon(10000);
  watch.mutable_model()->set_name("naive");
  for (double level : {50, 60, 70, 80, 90, 95, 99}) watch.add_levels(level);
  auto watcher = forecasts->WatchForecast(&watch_ctx, watch);
  std::this_thread::sleep_for(std::chrono::seconds(2));  // not reading
  v1::ForecastResponse forecast;
  int messages = 0;
  while (watcher->Read(&forecast)) ++messages;
  const grpc::Status watch_status = watcher->Finish();
  EXPECT_EQ(watch_status.error_code(), grpc::StatusCode::CANCELLED)
      << watch_status.error_message() << " after " << messages << " messages";
}

}  // namespace
}  // namespace tsforecast::service
