// The remote-read door's answers against a real store (Debian's Prometheus
// reads through it in tests/integration/prometheus_remote_read_test.py).
#include "service/http/remote_read.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "prometheus_wire/remote.pb.h"
#include "snappy.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"
#include "tests/testing/temp_store.h"

namespace tsforecast::service::http {
namespace {

namespace wire = ::tsforecast::prometheus_wire;
using ::testing::HasSubstr;

std::string Snappy(const google::protobuf::Message& m) {
  const std::string raw = m.SerializeAsString();
  std::string out;
  snappy::Compress(raw.data(), raw.size(), &out);
  return out;
}

wire::ReadRequest OneQuery(
    int64_t start, int64_t end,
    std::vector<std::tuple<wire::LabelMatcher::Type, std::string, std::string>>
        matchers) {
  wire::ReadRequest req;
  wire::Query* q = req.add_queries();
  q->set_start_timestamp_ms(start);
  q->set_end_timestamp_ms(end);
  for (auto& [type, name, value] : matchers) {
    wire::LabelMatcher* m = q->add_matchers();
    m->set_type(type);
    m->set_name(name);
    m->set_value(value);
  }
  return req;
}

class RemoteReadTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(store_, testing::OpenTempStore(dir_));
    for (auto [name, market] :
         {std::pair{"tin", "lme"}, {"copper", "lme"}, {"ndpr", "shanghai"}}) {
      storage::SeriesWrite w;
      w.series = name;
      storage::SeriesDefinition def;
      def.name = name;
      def.labels = {{"market", market}};
      def.step = CalendarStep(StepUnit::kMinute, 1);
      w.create_if_missing = def;
      for (int i = 0; i < 10; ++i) w.points.push_back({i * 60000, 100.0 + i});
      ASSERT_OK(store_->Write({w}).status());
    }
  }

  HttpResponse Read(const std::string& body, int64_t max_samples = 1000) {
    RemoteReadApi api(store_.get(), ingest::BodyLimits(), max_samples);
    HttpRequest req;
    req.method = "POST";
    req.path = "/api/v1/read";
    req.body = body;
    HttpResponse res;
    api.Read(req, res);
    return res;
  }

  testing::TempDir dir_;
  std::unique_ptr<storage::SeriesStore> store_;
};

TEST_F(RemoteReadTest, AnswersMatchingSeriesWithInclusiveRanges) {
  wire::ReadRequest req =
      OneQuery(60000, 180000,
               {{wire::LabelMatcher::EQ, "market", "lme"},
                {wire::LabelMatcher::RE, "__name__", "t.*|copper"}});
  // A second query: one series by name.
  *req.add_queries() =
      OneQuery(0, 0, {{wire::LabelMatcher::EQ, "__name__", "ndpr"}}).queries(0);
  HttpResponse res = Read(Snappy(req));
  ASSERT_EQ(res.status, 200) << res.body;
  EXPECT_EQ(res.headers.find("Content-Encoding")->second, "snappy");
  std::string raw;
  ASSERT_TRUE(snappy::Uncompress(res.body.data(), res.body.size(), &raw));
  wire::ReadResponse answer;
  ASSERT_TRUE(answer.ParseFromString(raw));
  ASSERT_EQ(answer.results_size(), 2);
  ASSERT_EQ(answer.results(0).timeseries_size(), 2);
  const wire::TimeSeries& copper = answer.results(0).timeseries(0);
  ASSERT_EQ(copper.labels_size(), 2);  // sorted: __name__, market
  EXPECT_EQ(copper.labels(0).name(), "__name__");
  EXPECT_EQ(copper.labels(0).value(), "copper");
  EXPECT_EQ(copper.labels(1).value(), "lme");
  ASSERT_EQ(copper.samples_size(), 3);  // 1, 2 and 3 minutes: both ends in
  EXPECT_EQ(copper.samples(0).timestamp(), 60000);
  EXPECT_EQ(copper.samples(2).value(), 103);
  ASSERT_EQ(answer.results(1).timeseries_size(), 1);
  EXPECT_EQ(answer.results(1).timeseries(0).samples_size(), 1);
}

TEST_F(RemoteReadTest, SampleLimitAndRefusals) {
  wire::ReadRequest all =
      OneQuery(0, 1 << 30, {{wire::LabelMatcher::NEQ, "market", "x"}});
  HttpResponse res = Read(Snappy(all), 25);
  EXPECT_EQ(res.status, 400);
  EXPECT_THAT(res.body, HasSubstr("--remote_read_max_samples"));
  EXPECT_EQ(Read(Snappy(all), 30).status, 200);
  all.add_accepted_response_types(wire::ReadRequest::STREAMED_XOR_CHUNKS);
  res = Read(Snappy(all));
  EXPECT_EQ(res.status, 400);
  EXPECT_THAT(res.body, HasSubstr("only SAMPLES"));
  EXPECT_EQ(Read("not snappy").status, 400);
  wire::ReadRequest bad = OneQuery(0, 1, {{wire::LabelMatcher::RE, "a", "("}});
  EXPECT_EQ(Read(Snappy(bad)).status, 400);
}

}  // namespace
}  // namespace tsforecast::service::http
