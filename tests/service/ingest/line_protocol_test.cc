#include "service/ingest/line_protocol.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace tsforecast::service::ingest {
namespace {

using Labels = storage::Labels;
using Points = std::vector<storage::Point>;

DecodedLines Parse(absl::string_view body,
                   Precision precision = Precision::kMillis,
                   std::string db = "") {
  LineProtocolOptions options;
  options.precision = precision;
  options.now_ms = 42;
  options.db = std::move(db);
  return ParseLineProtocol(body, options);
}

// The one series a body parses to.
PushedSeries Only(absl::string_view body) {
  DecodedLines d = Parse(body);
  EXPECT_EQ(d.bad_lines, 0u)
      << (d.first_error ? d.first_error->ToString() : "");
  EXPECT_EQ(d.series.size(), 1u) << body;
  return d.series.empty() ? PushedSeries{} : d.series[0];
}

TEST(LineProtocolTest, MeasurementTagsFieldsAndTime) {
  DecodedLines d = Parse(
      "exports,country=CN,product=ndpr tonnes=1200.5,value=3i 1700000000000\n",
      Precision::kMillis, "trade");
  ASSERT_EQ(d.series.size(), 2u);
  EXPECT_EQ(d.lines, 1u);
  EXPECT_EQ(d.series[0].labels, (Labels{{"__name__", "exports_tonnes"},
                                        {"country", "CN"},
                                        {"product", "ndpr"},
                                        {"db", "trade"}}));
  EXPECT_EQ(d.series[0].points, (Points{{1700000000000, 1200.5}}));
  EXPECT_EQ(d.series[1].labels.at("__name__"), "exports_value");
  EXPECT_EQ(d.series[1].points, (Points{{1700000000000, 3}}));
}

// The specification's escaping rules, one row each.
TEST(LineProtocolTest, EscapingTable) {
  struct Row {
    const char* line;
    Labels labels;
  };
  const Row rows[] = {
      // Measurement: comma and space.
      {R"(my\ m v=1 1)", {{"__name__", "my_m_v"}}},
      {R"(my\,m v=1 1)", {{"__name__", "my_m_v"}}},
      // Measurement: '=' needs no escape; other backslashes are literal.
      {R"(a=b v=1 1)", {{"__name__", "a_b_v"}}},
      {R"(a\\b v=1 1)", {{"__name__", "a__b_v"}}},
      // Tag keys and values: comma, equals, space.
      {R"(m,t\ k=v\ 1 v=1 1)", {{"__name__", "m_v"}, {"t_k", "v 1"}}},
      {R"(m,t\=k=v\=1 v=1 1)", {{"__name__", "m_v"}, {"t_k", "v=1"}}},
      {R"(m,t\,k=v\,1 v=1 1)", {{"__name__", "m_v"}, {"t_k", "v,1"}}},
      {R"(m,t=a"b v=1 1)", {{"__name__", "m_v"}, {"t", "a\"b"}}},
      {R"(m,t=a\b v=1 1)", {{"__name__", "m_v"}, {"t", "a\\b"}}},
      // Field keys: comma, equals, space.
      {R"(m f\ k=1 1)", {{"__name__", "m_f_k"}}},
      {R"(m f\=k=1 1)", {{"__name__", "m_f_k"}}},
      {R"(m f\,k=1 1)", {{"__name__", "m_f_k"}}},
      // Names a Prometheus name cannot hold.
      {R"(9m,1t=x,__name__=y v=1 1)",
       {{"__name__", "_9m_v"}, {"_1t", "x"}, {"tag___name__", "y"}}},
      {R"(cpu.load:1m v=1 1)", {{"__name__", "cpu_load:1m_v"}}},
  };
  for (const Row& row : rows) {
    EXPECT_EQ(Only(row.line).labels, row.labels) << row.line;
  }
}

TEST(LineProtocolTest, FieldTypes) {
  DecodedLines d = Parse(
      "m a=1,b=-1.5e3,c=.5,d=1.,e=7i,f=-7i,g=7u,h=t,i=TRUE,j=False,k=f,"
      "s=\"text, with \\\"quotes\\\" and = signs\",l=-0 5\n");
  ASSERT_EQ(d.bad_lines, 0u) << d.first_error->ToString();
  EXPECT_EQ(d.string_fields, 1u);
  std::map<std::string, double> got;
  for (const PushedSeries& s : d.series) {
    got[s.labels.at("__name__")] = s.points.at(0).value;
  }
  EXPECT_EQ(got, (std::map<std::string, double>{{"m_a", 1},
                                                {"m_b", -1500},
                                                {"m_c", 0.5},
                                                {"m_d", 1},
                                                {"m_e", 7},
                                                {"m_f", -7},
                                                {"m_g", 7},
                                                {"m_h", 1},
                                                {"m_i", 1},
                                                {"m_j", 0},
                                                {"m_k", 0},
                                                {"m_l", 0}}));
}

TEST(LineProtocolTest, BadLinesAreRefusedAloneWithLineAndColumn) {
  DecodedLines d = Parse(
      "good v=1 1\n"
      "bad v= 1\n"
      "# a comment\n"
      "\n"
      "good v=2 2\n"
      "m,t=1,t=2 v=1 1\n");
  EXPECT_EQ(d.lines, 4u);
  EXPECT_EQ(d.bad_lines, 2u);
  ASSERT_TRUE(d.first_error);
  EXPECT_EQ(d.first_error->ToString(), "line 2, column 7: missing field value");
  ASSERT_EQ(d.series.size(), 1u);
  EXPECT_EQ(d.series[0].points, (Points{{1, 1}, {2, 2}}));
}

TEST(LineProtocolTest, EveryErrorNamesWhatIsWrong) {
  const std::pair<const char*, const char*> cases[] = {
      {",t=1 v=1 1", "column 1: missing measurement"},
      {"m,t= v=1 1", "column 5: missing tag value"},
      {"m,=x v=1 1", "column 3: missing tag key"},
      {"m,t v=1 1", "column 4: missing tag value"},
      {"m", "column 2: missing fields"},
      {"m =1 1", "column 3: missing field key"},
      {"m v 1", "column 4: missing field value"},
      {"m v=inf 1", "invalid field value \"inf\""},
      {"m v=nan 1", "invalid field value"},
      {"m v=+1 1", "invalid field value"},
      {"m v=1e400 1", "invalid field value"},
      {"m v=1-2 1", "invalid field value"},
      {"m v=9223372036854775808i 1", "invalid field value"},
      {"m v=\"open 1", "unterminated string"},
      {"m v=1 1x", "column 7: invalid timestamp"},
      {"m v=1 1 x", "column 9: unexpected text after timestamp"},
      {"m v=1 1\r", "invalid timestamp"},  // as InfluxDB: no CRLF
  };
  for (const auto& [line, why] : cases) {
    DecodedLines d = Parse(line);
    ASSERT_TRUE(d.first_error) << line;
    EXPECT_THAT(d.first_error->ToString(), ::testing::HasSubstr(why)) << line;
    EXPECT_TRUE(d.series.empty()) << line;
  }
}

TEST(LineProtocolTest, StringsMaySpanLinesAndLinesAreCountedThrough) {
  DecodedLines d = Parse("m s=\"a\nb\",v=1 1\nbad\n");
  ASSERT_TRUE(d.first_error);
  EXPECT_EQ(d.first_error->line, 3u);
  ASSERT_EQ(d.series.size(), 1u);
  EXPECT_EQ(d.series[0].points, (Points{{1, 1}}));
}

TEST(LineProtocolTest, PrecisionAndDefaultTime) {
  auto time_of = [](absl::string_view line, Precision p) {
    DecodedLines d = Parse(line, p);
    return d.series.empty() ? -1 : d.series[0].points[0].timestamp_ms;
  };
  EXPECT_EQ(time_of("m v=1 1700000000123456789", Precision::kNanos),
            1700000000123);
  EXPECT_EQ(time_of("m v=1 -1500000", Precision::kNanos), -2);  // floor
  EXPECT_EQ(time_of("m v=1 1700000000123456", Precision::kMicros),
            1700000000123);
  EXPECT_EQ(time_of("m v=1 1700000000", Precision::kSeconds), 1700000000000);
  EXPECT_EQ(time_of("m v=1 2", Precision::kMinutes), 120000);
  EXPECT_EQ(time_of("m v=1 2", Precision::kHours), 7200000);
  EXPECT_EQ(time_of("m v=1", Precision::kNanos), 42);  // the request's time
  EXPECT_EQ(time_of("m v=1 9223372036854775807", Precision::kHours), -1);
}

TEST(LineProtocolTest, DbLabelUnlessTheLineHasOne) {
  DecodedLines d = Parse("m,db=own v=1 1\nn v=1 1\n", Precision::kMillis, "q");
  ASSERT_EQ(d.series.size(), 2u);
  EXPECT_EQ(d.series[0].labels.at("db"), "own");
  EXPECT_EQ(d.series[1].labels.at("db"), "q");
}

TEST(LineProtocolTest, PointsOfOneSeriesAreGathered) {
  DecodedLines d =
      Parse("m,a=1 v=1 1\nm,a=1 v=2 2\nm,a=2 v=3 3\nm,a=1 v=4 4\n");
  ASSERT_EQ(d.series.size(), 2u);
  EXPECT_EQ(d.series[0].points, (Points{{1, 1}, {2, 2}, {4, 4}}));
  // Duplicate fields: the later wins when stored (both are kept here).
  d = Parse("m v=1,v=2 1\n");
  ASSERT_EQ(d.series.size(), 1u);
  EXPECT_EQ(d.series[0].points, (Points{{1, 1}, {1, 2}}));
}

TEST(LineProtocolTest, Precisions) {
  EXPECT_EQ(*ParsePrecision("", false), Precision::kNanos);
  EXPECT_EQ(*ParsePrecision("n", false), Precision::kNanos);
  EXPECT_EQ(*ParsePrecision("u", false), Precision::kMicros);
  EXPECT_EQ(*ParsePrecision("h", false), Precision::kHours);
  EXPECT_EQ(*ParsePrecision("us", true), Precision::kMicros);
  EXPECT_STATUS(ParsePrecision("h", true), absl::StatusCode::kInvalidArgument,
                "ns, us, ms, s");
  EXPECT_STATUS(ParsePrecision("x", false), absl::StatusCode::kInvalidArgument,
                "n, ns, u, us, ms, s, m, h");
}

}  // namespace
}  // namespace tsforecast::service::ingest
