// The remote-write door's answers, one per case a sender acts on, against
// a real store (the real sender, Debian's Prometheus, is in
// tests/integration/prometheus_remote_write_test.py).
#include "service/http/push_api.h"

#include <zlib.h>

#include <bit>
#include <cmath>
#include <limits>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "prometheus_wire/remote.pb.h"
#include "service/http/http_util.h"
#include "snappy.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"
#include "tests/testing/temp_store.h"

namespace tsforecast::service::http {
namespace {

namespace wire = ::tsforecast::prometheus_wire;
using ::testing::HasSubstr;

constexpr int64_t kT0 = 1'700'000'000'000;  // 2023-11-14, ms

wire::TimeSeries* AddSeries(
    wire::WriteRequest& req,
    std::vector<std::pair<std::string, std::string>> labels,
    std::vector<std::pair<int64_t, double>> samples) {
  wire::TimeSeries* ts = req.add_timeseries();
  for (auto& [name, value] : labels) {
    wire::Label* l = ts->add_labels();
    l->set_name(name);
    l->set_value(value);
  }
  for (auto [t, v] : samples) {
    wire::Sample* s = ts->add_samples();
    s->set_timestamp(t);
    s->set_value(v);
  }
  return ts;
}

std::string Compressed(const wire::WriteRequest& req) {
  std::string out;
  snappy::Compress(req.SerializeAsString().data(), req.ByteSizeLong(), &out);
  return out;
}

class PushApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(store_, testing::OpenTempStore(dir_));
    Make(PushOptions());
  }
  void Make(const PushOptions& options) {
    api_ = std::make_unique<PushApi>(store_.get(), &access_, &budget_,
                                     &metadata_, options);
  }

  HttpResponse Post(std::string body,
                    std::string content_type = "application/x-protobuf",
                    std::string encoding = "snappy",
                    std::string version = "0.1.0") {
    HttpRequest req;
    req.method = "POST";
    req.path = "/api/v1/write";
    req.headers.emplace("Content-Type", content_type);
    if (!encoding.empty()) req.headers.emplace("Content-Encoding", encoding);
    if (!version.empty()) {
      req.headers.emplace("X-Prometheus-Remote-Write-Version", version);
    }
    req.body = std::move(body);
    HttpResponse res;
    api_->RemoteWrite(req, res);
    return res;
  }
  HttpResponse Post(const wire::WriteRequest& req) {
    return Post(Compressed(req));
  }

  std::vector<storage::Point> Points(const storage::Labels& labels) {
    absl::StatusOr<std::string> name = ingest::PushedSeriesName(labels);
    EXPECT_OK(name);
    absl::StatusOr<storage::ReadResult> read =
        store_->Read(*name, storage::TimeRange{}, 0);
    return read.ok() ? read->points : std::vector<storage::Point>{};
  }

  testing::TempDir dir_;
  std::unique_ptr<storage::SeriesStore> store_;
  Access access_{nullptr, nullptr};
  IngestBudget budget_{1 << 20};
  ingest::MetadataTable metadata_;
  std::unique_ptr<PushApi> api_;
};

TEST_F(PushApiTest, StoresEverySampleAndAnswers204) {
  wire::WriteRequest req;
  AddSeries(req, {{"__name__", "up"}, {"job", "a"}},
            {{kT0, 1}, {kT0 + 15000, 0}});
  AddSeries(req, {{"__name__", "up"}, {"job", "b"}}, {{kT0, 1}});
  HttpResponse res = Post(req);
  EXPECT_EQ(res.status, 204) << res.body;
  EXPECT_EQ(Points({{"__name__", "up"}, {"job", "a"}}),
            (std::vector<storage::Point>{{kT0, 1}, {kT0 + 15000, 0}}));
  EXPECT_EQ(Points({{"__name__", "up"}, {"job", "b"}}).size(), 1u);
  // Both are found by their metric name, as PromQL's `up` finds them.
  ASSERT_OK_AND_ASSIGN(
      auto found,
      store_->ListSeries({{"__name__", storage::MatchType::kEqual, "up"}}, "",
                         10));
  EXPECT_EQ(found.size(), 2u);
  // Created with the push definition: points at their own times, the
  // default step (two points are too few to tell a cadence).
  EXPECT_EQ(found[0].definition.off_grid, storage::OffGridPolicy::kAccept);
  EXPECT_EQ(found[0].definition.step.ToString(), "1m");
  // Three daily points or more: the step is theirs.
  wire::WriteRequest daily;
  AddSeries(daily, {{"__name__", "price"}},
            {{kT0, 1}, {kT0 + 86400000, 2}, {kT0 + 2 * 86400000, 3}});
  ASSERT_EQ(Post(daily).status, 204);
  ASSERT_OK_AND_ASSIGN(storage::SeriesInfo price, store_->GetSeries("price"));
  EXPECT_EQ(price.definition.step.ToString(), "1d");
}

TEST_F(PushApiTest, ResendingARequestIsHarmless) {
  wire::WriteRequest req;
  AddSeries(req, {{"__name__", "temp"}}, {{kT0, 20.5}, {kT0 + 1000, 21}});
  ASSERT_EQ(Post(req).status, 204);
  ASSERT_EQ(Post(req).status, 204);
  EXPECT_EQ(Points({{"__name__", "temp"}}),
            (std::vector<storage::Point>{{kT0, 20.5}, {kT0 + 1000, 21}}));
}

// Names pushed before skip their lookup; one deleted since is told to the
// sender as retryable, and its retry creates it again.
TEST_F(PushApiTest, ASeriesDeletedBetweenPushesIsCreatedAgainOnRetry) {
  wire::WriteRequest req;
  AddSeries(req, {{"__name__", "up"}, {"job", "a"}}, {{kT0, 1}});
  AddSeries(req, {{"__name__", "up"}, {"job", "b"}}, {{kT0, 1}});
  ASSERT_EQ(Post(req).status, 204);
  ASSERT_OK_AND_ASSIGN(std::string a, ingest::PushedSeriesName(
                                          {{"__name__", "up"}, {"job", "a"}}));
  ASSERT_OK(store_->DeleteSeries(a));
  HttpResponse res = Post(req);
  EXPECT_EQ(res.status, 503) << res.body;
  EXPECT_FALSE(res.headers.find("Retry-After") == res.headers.end());
  EXPECT_THAT(res.body, HasSubstr("nothing was stored, retry"));
  EXPECT_EQ(Post(req).status, 204);
  EXPECT_EQ(Points({{"__name__", "up"}, {"job", "a"}}),
            (std::vector<storage::Point>{{kT0, 1}}));
}

TEST_F(PushApiTest, StaleMarkersAreNotStoredAsValues) {
  wire::WriteRequest req;
  const double stale = std::bit_cast<double>(uint64_t{0x7ff0000000000002});
  AddSeries(req, {{"__name__", "temp"}}, {{kT0, 20}, {kT0 + 1000, stale}});
  EXPECT_EQ(Post(req).status, 204);
  EXPECT_EQ(Points({{"__name__", "temp"}}),
            (std::vector<storage::Point>{{kT0, 20}}));
}

TEST_F(PushApiTest, BadPartsAreRefusedAndTheRestIsStored) {
  wire::WriteRequest req;
  AddSeries(req, {{"__name__", "good"}}, {{kT0, 1}});
  AddSeries(req, {{"__name__", "inf"}},
            {{kT0, std::numeric_limits<double>::infinity()}, {kT0 + 1, 2}});
  AddSeries(req, {{"__name__", "x"}, {"__tmp", "y"}}, {{kT0, 3}});
  AddSeries(req, {{"job", "no_name"}}, {{kT0, 4}});
  HttpResponse res = Post(req);
  EXPECT_EQ(res.status, 400);
  EXPECT_THAT(res.body, HasSubstr("partial write: 2 samples stored"));
  EXPECT_THAT(res.body, HasSubstr("1 samples and 2 series refused"));
  EXPECT_THAT(res.body, HasSubstr("series inf{}: 1 samples refused"));
  EXPECT_EQ(Points({{"__name__", "good"}}).size(), 1u);
  EXPECT_EQ(Points({{"__name__", "inf"}}),
            (std::vector<storage::Point>{{kT0 + 1, 2}}));
}

TEST_F(PushApiTest, DuplicateLabelNamesOrBadUtf8RefuseTheirSeries) {
  wire::WriteRequest req;
  AddSeries(req, {{"__name__", "m"}, {"a", "1"}, {"a", "2"}}, {{kT0, 1}});
  AddSeries(req, {{"__name__", "n"}, {"a", "\xff"}}, {{kT0, 1}});
  HttpResponse res = Post(req);
  EXPECT_EQ(res.status, 400);
  EXPECT_THAT(res.body, HasSubstr("2 series refused"));
  EXPECT_THAT(res.body, HasSubstr("label name \"a\" appears twice"));
}

TEST_F(PushApiTest, WrongMediaTypeEncodingOrVersionIs415) {
  wire::WriteRequest req;
  AddSeries(req, {{"__name__", "m"}}, {{kT0, 1}});
  const std::string body = Compressed(req);
  HttpResponse res = Post(body, "application/json");
  EXPECT_EQ(res.status, 415);
  EXPECT_THAT(res.body, HasSubstr("application/x-protobuf"));
  res = Post(body, "application/x-protobuf", "gzip");
  EXPECT_EQ(res.status, 415);
  EXPECT_THAT(res.body, HasSubstr("snappy"));
  res = Post(body, "application/x-protobuf", "");
  EXPECT_EQ(res.status, 415);
  res =
      Post(body, "application/x-protobuf;proto=io.prometheus.write.v2.Request",
           "snappy", "2.0.0");
  EXPECT_EQ(res.status, 415);
  EXPECT_THAT(res.body, HasSubstr("send Remote-Write 1.0"));
  // The optional proto parameter of 1.0 is accepted.
  EXPECT_EQ(
      Post(body, "application/x-protobuf;proto=prometheus.WriteRequest").status,
      204);
  // So is a sender that omits the version header (older vmagent).
  EXPECT_EQ(Post(body, "application/x-protobuf", "snappy", "").status, 204);
}

TEST_F(PushApiTest, BodiesPastTheLimitsAre413) {
  PushOptions options;
  options.remote_write.max_compressed_bytes = 4000;
  options.remote_write.max_decoded_bytes = 10000;
  Make(options);
  wire::WriteRequest small, repetitive;
  AddSeries(small, {{"__name__", "m"}}, {{kT0, 1}});
  EXPECT_EQ(Post(small).status, 204);
  // Compresses under 4,000 bytes, decodes past 10,000.
  std::vector<std::pair<int64_t, double>> same(1000, {kT0, 1.0});
  AddSeries(repetitive, {{"__name__", "m"}}, same);
  ASSERT_LT(Compressed(repetitive).size(), 4000u);
  HttpResponse res = Post(repetitive);
  EXPECT_EQ(res.status, 413);
  EXPECT_THAT(res.body, HasSubstr("--remote_write_max_decoded_bytes"));
  EXPECT_EQ(Post(std::string(4001, 'x')).status, 413);
}

TEST_F(PushApiTest, BodiesThatAreNotSnappyOrNotAWriteRequestAre400) {
  HttpResponse res = Post("not snappy at all \xff\xff\xff\xff\xff");
  EXPECT_EQ(res.status, 400);
  EXPECT_THAT(res.body, HasSubstr("snappy"));
  std::string junk;
  const std::string raw = "\xff\xff\xff\xff garbage";
  snappy::Compress(raw.data(), raw.size(), &junk);
  res = Post(junk);
  EXPECT_EQ(res.status, 400);
  EXPECT_THAT(res.body, HasSubstr("WriteRequest"));
}

TEST_F(PushApiTest, HistogramsAndExemplarsAreRefusedByPart) {
  wire::WriteRequest req;
  wire::TimeSeries* ts =
      AddSeries(req, {{"__name__", "latency"}}, {{kT0, 0.25}});
  ts->add_histograms("opaque");
  ts->add_exemplars()->set_value(1);
  HttpResponse res = Post(req);
  EXPECT_EQ(res.status, 400);
  EXPECT_THAT(res.body, HasSubstr("1 native histogram samples refused, "
                                  "first of latency{}"));
  EXPECT_THAT(res.body, HasSubstr("1 exemplars refused"));
  EXPECT_EQ(Points({{"__name__", "latency"}}).size(), 1u);
}

TEST_F(PushApiTest, MetadataOnlyRequestsAreAccepted) {
  wire::WriteRequest req;
  wire::MetricMetadata* m = req.add_metadata();
  m->set_metric_family_name("exports_tonnes");
  m->set_type(wire::MetricMetadata::GAUGE);
  m->set_help("Monthly exports.");
  m->set_unit("tonnes");
  EXPECT_EQ(Post(req).status, 204);
  EXPECT_EQ(metadata_.Snapshot().at("exports_tonnes"),
            (ingest::MetricMetadata{"gauge", "Monthly exports.", "tonnes"}));
}

TEST_F(PushApiTest, AFullIngestBudgetIs429WithRetryAfter) {
  ASSERT_OK_AND_ASSIGN(IngestBudget::Lease held, budget_.Acquire(1 << 20));
  wire::WriteRequest req;
  AddSeries(req, {{"__name__", "m"}}, {{kT0, 1}});
  HttpResponse res = Post(req);
  EXPECT_EQ(res.status, 429);
  EXPECT_FALSE(res.headers.find("Retry-After") == res.headers.end());
  EXPECT_TRUE(Points({{"__name__", "m"}}).empty());
}

TEST_F(PushApiTest, SeriesCreationIsCapped) {
  PushOptions options;
  options.limits.max_series = 2;
  Make(options);
  wire::WriteRequest req;
  for (const char* job : {"a", "b", "c"}) {
    AddSeries(req, {{"__name__", "up"}, {"job", job}}, {{kT0, 1}});
  }
  HttpResponse res = Post(req);
  EXPECT_EQ(res.status, 400);
  EXPECT_THAT(res.body, HasSubstr("--push_max_series"));
  EXPECT_THAT(res.body, HasSubstr("series up{job=\"c\"}"));
  // Series that exist still take samples.
  wire::WriteRequest more;
  AddSeries(more, {{"__name__", "up"}, {"job", "a"}}, {{kT0 + 1000, 1}});
  EXPECT_EQ(Post(more).status, 204);
}

TEST_F(PushApiTest, CreationFasterThanTheRateIs429AndKeepsTheRest) {
  PushOptions options;
  options.limits.new_series_per_s = 2;
  Make(options);
  wire::WriteRequest req;
  for (int i = 0; i < 5; ++i) {
    AddSeries(req, {{"__name__", "up"}, {"job", absl::StrCat("j", i)}},
              {{kT0, 1}});
  }
  HttpResponse res = Post(req);
  EXPECT_EQ(res.status, 429);
  EXPECT_FALSE(res.headers.find("Retry-After") == res.headers.end());
  EXPECT_THAT(res.body, HasSubstr("--push_new_series_per_s"));
  EXPECT_EQ(Points({{"__name__", "up"}, {"job", "j0"}}).size(), 1u);
}

TEST_F(PushApiTest, AStoredSeriesKeepsItsOwnPolicyAndLabels) {
  // A daily price series created through the API refuses points off its
  // calendar; a series whose stored name a pushed one would take, with
  // other labels, is not written into.
  storage::SeriesDefinition price;
  price.name = "price";
  price.step = CalendarStep(StepUnit::kDay, 1);
  ASSERT_OK(store_->CreateSeries(price).status());
  ASSERT_OK_AND_ASSIGN(std::string taken, ingest::PushedSeriesName(
                                              {{"__name__", "m"}, {"k", "v"}}));
  storage::SeriesDefinition other = price;
  other.name = taken;
  other.labels = {{"k", "w"}};
  ASSERT_OK(store_->CreateSeries(other).status());

  wire::WriteRequest req;
  AddSeries(req, {{"__name__", "price"}}, {{kT0, 10}});  // not midnight
  AddSeries(req, {{"__name__", "m"}, {"k", "v"}}, {{kT0, 1}});
  AddSeries(req, {{"__name__", "fine"}}, {{kT0, 1}});
  HttpResponse res = Post(req);
  EXPECT_EQ(res.status, 400);
  EXPECT_THAT(res.body, HasSubstr("2 series refused"));
  EXPECT_THAT(res.body, HasSubstr("series price{}"));
  ASSERT_OK_AND_ASSIGN(auto read, store_->Read("price", {}, 0));
  EXPECT_TRUE(read.points.empty());
  ASSERT_OK_AND_ASSIGN(read, store_->Read(taken, {}, 0));
  EXPECT_TRUE(read.points.empty());
  EXPECT_EQ(Points({{"__name__", "fine"}}).size(), 1u);
  // A second entry of the same series in one request meets its calendar
  // too: the off-grid one is refused, the first kept.
  wire::WriteRequest twice;
  AddSeries(twice, {{"__name__", "price"}}, {{kT0 - kT0 % 86400000, 11}});
  AddSeries(twice, {{"__name__", "price"}}, {{kT0, 12}});
  res = Post(twice);
  EXPECT_EQ(res.status, 400) << res.body;
  EXPECT_THAT(res.body, HasSubstr("1 samples stored"));
  ASSERT_OK_AND_ASSIGN(read, store_->Read("price", {}, 0));
  EXPECT_EQ(read.points,
            (std::vector<storage::Point>{{kT0 - kT0 % 86400000, 11}}));
  // At a step start it is taken.
  wire::WriteRequest midnight;
  AddSeries(midnight, {{"__name__", "price"}}, {{kT0 - kT0 % 86400000, 10}});
  EXPECT_EQ(Post(midnight).status, 204);
}

HttpResponse Influx(PushApi& api, const std::string& target, std::string body,
                    std::string encoding = "") {
  HttpRequest req;
  req.method = "POST";
  const size_t q = target.find('?');
  req.path = target.substr(0, q);
  if (q != std::string::npos) ParseQueryText(target.substr(q + 1), req.params);
  if (!encoding.empty()) req.headers.emplace("Content-Encoding", encoding);
  req.body = std::move(body);
  HttpResponse res;
  api.InfluxWrite(req, res, req.path == "/api/v2/write");
  return res;
}

TEST_F(PushApiTest, LineProtocolAnswersAsInfluxDb) {
  HttpResponse res = Influx(*api_, "/write?db=metals&precision=ms",
                            "price,metal=copper usd=8500.5 1700000000000\n");
  EXPECT_EQ(res.status, 204) << res.body;
  EXPECT_EQ(res.headers.find("X-Influxdb-Version")->second, kInfluxApiVersion);
  EXPECT_EQ(
      Points(
          {{"__name__", "price_usd"}, {"metal", "copper"}, {"db", "metals"}}),
      (std::vector<storage::Point>{{1700000000000, 8500.5}}));
  // 2.x, seconds.
  res = Influx(*api_, "/api/v2/write?org=o&bucket=metals&precision=s",
               "price,metal=tin usd=25000 1700000000\n");
  EXPECT_EQ(res.status, 204) << res.body;
  EXPECT_EQ(
      Points({{"__name__", "price_usd"}, {"metal", "tin"}, {"db", "metals"}}),
      (std::vector<storage::Point>{{1700000000000, 25000}}));

  res = Influx(*api_, "/write?precision=ms", "m v=1 1\n");
  EXPECT_EQ(res.status, 400);
  EXPECT_EQ(res.body,
            "{\"error\":\"database is required (db=..., it becomes the db "
            "label)\"}");
  res = Influx(*api_, "/api/v2/write?bucket=b&precision=h", "m v=1 1\n");
  EXPECT_EQ(res.status, 400);
  EXPECT_THAT(res.body, HasSubstr("{\"code\":\"invalid\",\"message\":"
                                  "\"precision: \\\"h\\\" is not one of"));
}

TEST_F(PushApiTest, LineProtocolPartialWritesNameLineAndColumn) {
  const std::string body = "ok v=1 1000\nbad v=x 1000\n";
  HttpResponse res = Influx(*api_, "/write?db=d&precision=ms", body);
  EXPECT_EQ(res.status, 400);
  EXPECT_THAT(res.body, HasSubstr("partial write: 1 points stored; 1 lines"));
  EXPECT_THAT(res.body, HasSubstr("line 2, column 7: invalid field value"));
  EXPECT_EQ(Points({{"__name__", "ok_v"}, {"db", "d"}}).size(), 1u);
  res = Influx(*api_, "/api/v2/write?bucket=d&precision=ms", body);
  EXPECT_EQ(res.status, 422) << res.body;
  res = Influx(*api_, "/write?db=d", "bad v=x 1000\n");
  EXPECT_EQ(res.status, 400);
  EXPECT_THAT(res.body, HasSubstr("unable to parse or store: line 1"));
}

TEST_F(PushApiTest, LineProtocolBodiesGzipAndLimits) {
  PushOptions options;
  options.line_protocol.max_compressed_bytes = 1000;
  options.line_protocol.max_decoded_bytes = 5000;
  Make(options);
  std::string gz;
  {
    // A gzip member made by zlib, as clients send.
    std::string text;
    for (int i = 0; i < 100; ++i)
      absl::StrAppend(&text, "m v=", i, " ", i, "\n");
    z_stream z{};
    deflateInit2(&z, 9, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
    gz.resize(deflateBound(&z, text.size()) + 32);
    z.next_in = reinterpret_cast<Bytef*>(text.data());
    z.avail_in = static_cast<uInt>(text.size());
    z.next_out = reinterpret_cast<Bytef*>(gz.data());
    z.avail_out = static_cast<uInt>(gz.size());
    deflate(&z, Z_FINISH);
    gz.resize(z.total_out);
    deflateEnd(&z);
  }
  ASSERT_LT(gz.size(), 1000u);
  HttpResponse res = Influx(*api_, "/write?db=d&precision=ms", gz, "gzip");
  EXPECT_EQ(res.status, 204) << res.body;
  EXPECT_EQ(Points({{"__name__", "m_v"}, {"db", "d"}}).size(), 100u);
  res = Influx(*api_, "/write?db=d", std::string(1001, 'x'));
  EXPECT_EQ(res.status, 413);
  res = Influx(*api_, "/write?db=d", gz, "br");
  EXPECT_EQ(res.status, 415);
  res = Influx(*api_, "/write?db=d", "not gzip", "gzip");
  EXPECT_EQ(res.status, 400);
  options.line_protocol.max_decoded_bytes = 500;
  Make(options);
  res = Influx(*api_, "/write?db=d", gz, "gzip");
  EXPECT_EQ(res.status, 413);
  EXPECT_THAT(res.body, HasSubstr("--line_protocol_max_decoded_bytes"));
}

TEST(PushApiPingTest, PingIs204WithAVersion) {
  HttpResponse res;
  PushApi::Ping(HttpRequest(), res);
  EXPECT_EQ(res.status, 204);
  EXPECT_EQ(res.headers.find("X-Influxdb-Version")->second, kInfluxApiVersion);
}

}  // namespace
}  // namespace tsforecast::service::http
