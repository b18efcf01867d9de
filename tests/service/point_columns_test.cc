#include "service/point_columns.h"

#include <cmath>

#include "tests/service/service_test_fixture.h"
#include "tests/testing/status_matchers.h"

namespace tsforecast::service {
namespace {

using grpc::StatusCode;
constexpr int64_t kDay = 86400000;
constexpr int64_t k2024 = 1704067200000;  // 2024-01-01

// `n` daily points per series from 2024-01-01, values base + i.
v1::PointColumns Columns(const std::vector<std::string>& names, int n,
                         double base) {
  v1::PointColumns c;
  for (const std::string& name : names) {
    c.add_series(name);
    c.add_counts(static_cast<uint32_t>(n));
    for (int i = 0; i < n; ++i) {
      c.add_timestamps_ms(k2024 + i * kDay);
      c.add_values(base + i);
    }
  }
  return c;
}

TEST(WritesFromColumnsTest, SplitsTheArraysBySeries) {
  v1::PointColumns c = Columns({"a", "b"}, 2, 10);
  c.set_counts(0, 3);
  c.set_counts(1, 1);
  ASSERT_OK_AND_ASSIGN(std::vector<storage::SeriesWrite> writes,
                       WritesFromColumns(c));
  ASSERT_EQ(writes.size(), 2u);
  EXPECT_EQ(writes[0].series, "a");
  EXPECT_EQ(writes[0].points.size(), 3u);
  EXPECT_EQ(writes[1].series, "b");
  ASSERT_EQ(writes[1].points.size(), 1u);
  EXPECT_EQ(writes[1].points[0].timestamp_ms, k2024 + kDay);
  EXPECT_EQ(writes[1].points[0].value, 11);
  EXPECT_FALSE(writes[0].create_if_missing.has_value());
}

TEST(WritesFromColumnsTest, ShapeErrorsNameTheColumn) {
  v1::PointColumns c = Columns({"a", "b"}, 2, 0);
  c.add_counts(0);
  EXPECT_STATUS(WritesFromColumns(c), absl::StatusCode::kInvalidArgument,
                "columns.counts: 3 counts for 2 series");
  c.mutable_counts()->RemoveLast();
  c.set_counts(1, 3);
  EXPECT_STATUS(WritesFromColumns(c), absl::StatusCode::kInvalidArgument,
                "columns.counts: they add up to 5 points but 4 values were "
                "sent");
  c.set_counts(1, 2);
  c.add_values(1);
  EXPECT_STATUS(WritesFromColumns(c), absl::StatusCode::kInvalidArgument,
                "columns: 4 timestamps_ms but 5 values");
}

TEST(ColumnErrorTest, MapsSeriesPathsToColumnPaths) {
  v1::PointColumns c = Columns({"a", "b", "c"}, 4, 0);
  c.set_counts(0, 5);
  c.set_counts(1, 3);
  auto mapped = [&](absl::Status s) {
    return std::string(ColumnError(s, c).message());
  };
  EXPECT_EQ(mapped(absl::InvalidArgumentError(
                "series[2].values[1]: not a finite number")),
            "columns.values[9] (series \"c\"): not a finite number");
  EXPECT_EQ(mapped(absl::InvalidArgumentError(
                "series[1].timestamps_ms[0]: not a step start")),
            "columns.timestamps_ms[5] (series \"b\"): not a step start");
  EXPECT_EQ(mapped(absl::InvalidArgumentError(
                "series[0].series: series name is empty")),
            "columns.series[0]: series name is empty");
  EXPECT_STATUS(
      ColumnError(absl::NotFoundError("series[1].series: series \"b\" not "
                                      "found; set create_if_missing"),
                  c),
      absl::StatusCode::kNotFound,
      "columns.series[1]: series \"b\" not found; column series must exist");
  // Not about one series, or past the end: unchanged.
  const absl::Status other = absl::UnavailableError("disk full");
  EXPECT_EQ(ColumnError(other, c), other);
  const absl::Status beyond = absl::InvalidArgumentError("series[7]: bad");
  EXPECT_EQ(ColumnError(beyond, c), beyond);
}

class ColumnWriteTest : public ServiceTest {
 protected:
  void SetUp() override {
    ServiceTest::SetUp();
    ASSERT_TRUE(Create("a", v1::STEP_UNIT_DAY).ok());
    ASSERT_TRUE(Create("b", v1::STEP_UNIT_DAY).ok());
  }
  grpc::Status Write(const v1::PointColumns& columns,
                     v1::WritePointsResponse* resp) {
    v1::WritePointsRequest req;
    *req.mutable_columns() = columns;
    return points_->WritePoints(Ctx().get(), req, resp);
  }
  std::vector<double> Values(const std::string& name) {
    v1::ReadPointsRequest req;
    req.set_series(name);
    v1::ReadPointsResponse resp;
    grpc::Status s = points_->ReadPoints(Ctx().get(), req, &resp);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return {resp.values().begin(), resp.values().end()};
  }
};

TEST_F(ColumnWriteTest, WritesEverySeriesAndAnswersRevisionsInOrder) {
  v1::WritePointsResponse resp;
  ASSERT_TRUE(Write(Columns({"b", "a"}, 3, 7), &resp).ok());
  EXPECT_EQ(resp.points_written(), 6u);
  EXPECT_EQ(resp.revisions_size(), 0);
  ASSERT_EQ(resp.column_revisions_size(), 2);
  EXPECT_EQ(resp.column_revisions(0), 2u);
  EXPECT_EQ(Values("a"), (std::vector<double>{7, 8, 9}));
  // A re-sent day and a late one, in one request: the last write wins.
  v1::PointColumns again = Columns({"a"}, 1, 70);
  again.add_timestamps_ms(k2024 + 2 * kDay);
  again.add_values(90);
  again.set_counts(0, 2);
  ASSERT_TRUE(Write(again, &resp).ok());
  EXPECT_EQ(resp.column_revisions(0), 3u);
  Restart();
  EXPECT_EQ(Values("a"), (std::vector<double>{70, 8, 90}));
  EXPECT_EQ(Values("b"), (std::vector<double>{7, 8, 9}));
}

TEST_F(ColumnWriteTest, BadColumnsAreRejectedWholeWithTheColumnPath) {
  v1::WritePointsResponse resp;
  v1::PointColumns c = Columns({"a", "b"}, 3, 1);
  c.set_values(4, NAN);
  EXPECT_GRPC(Write(c, &resp), StatusCode::INVALID_ARGUMENT,
              "columns.values[4] (series \"b\"): not a finite number");
  c.set_values(4, 1);
  c.set_timestamps_ms(5, k2024 + kDay / 2);  // off the daily grid
  EXPECT_GRPC(Write(c, &resp), StatusCode::INVALID_ARGUMENT,
              "columns.timestamps_ms[5] (series \"b\")");
  c.set_timestamps_ms(5, k2024 + 2 * kDay);
  c.set_series(1, "nope");
  EXPECT_GRPC(Write(c, &resp), StatusCode::NOT_FOUND,
              "columns.series[1]: series \"nope\" not found");
  c.set_series(1, "b");
  v1::WritePointsRequest both;
  *both.mutable_columns() = c;
  both.add_series()->set_series("a");
  EXPECT_GRPC(points_->WritePoints(Ctx().get(), both, &resp),
              StatusCode::INVALID_ARGUMENT, "either series or columns");
  // Nothing was stored by any of them.
  EXPECT_TRUE(Values("a").empty());
  EXPECT_TRUE(Values("b").empty());
  ASSERT_TRUE(Write(c, &resp).ok());
  EXPECT_EQ(Values("b").size(), 3u);
}

TEST_F(ColumnWriteTest, StreamedBatchesMayBeColumns) {
  grpc::ClientContext ctx;
  auto stream = points_->StreamWritePoints(&ctx);
  v1::StreamWritePointsRequest req;
  req.set_sequence(1);
  *req.mutable_batch()->mutable_columns() = Columns({"a", "b"}, 4, 0);
  ASSERT_TRUE(stream->Write(req));
  req.set_sequence(2);
  req.mutable_batch()->mutable_columns()->set_values(5, NAN);
  ASSERT_TRUE(stream->Write(req));
  stream->WritesDone();
  v1::StreamWritePointsResponse ack;
  ASSERT_TRUE(stream->Read(&ack));
  EXPECT_EQ(ack.sequence(), 1u);
  EXPECT_EQ(ack.points_written(), 8u);
  EXPECT_FALSE(stream->Read(&ack));
  EXPECT_GRPC(stream->Finish(), StatusCode::INVALID_ARGUMENT,
              "batch with sequence 2 rejected (earlier batches are stored): "
              "columns.values[5] (series \"b\")");
  EXPECT_EQ(Values("b"), (std::vector<double>{0, 1, 2, 3}));
}

TEST_F(ColumnWriteTest, ColumnsCountTowardsTheRequestLimits) {
  v1::WritePointsResponse resp;
  EXPECT_GRPC(Write(Columns({"a"}, 100001, 1), &resp),
              StatusCode::RESOURCE_EXHAUSTED,
              "columns: 100001 points; at most 100000 per request");
  std::vector<std::string> names(101, "a");
  EXPECT_GRPC(Write(Columns(names, 1, 1), &resp),
              StatusCode::RESOURCE_EXHAUSTED,
              "columns.series: 101 entries; at most 100");
}

}  // namespace
}  // namespace tsforecast::service
