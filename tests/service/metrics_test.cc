#include "service/metrics.h"

#include "gtest/gtest.h"

namespace tsforecast::service {
namespace {

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(MetricsTest, CountersAndHistogramsInTextFormat) {
  Metrics metrics;
  metrics.grpc_requests.Add({"ForecastService/Forecast", "OK"});
  metrics.grpc_requests.Add({"ForecastService/Forecast", "OK"});
  metrics.grpc_requests.Add({"ForecastService/Forecast", "NOT_FOUND"});
  metrics.grpc_latency.Observe({"ForecastService/Forecast"}, 0.0003);
  metrics.grpc_latency.Observe({"ForecastService/Forecast"}, 2);
  metrics.AddGauge({"tsf_test_gauge", "A gauge.", "gauge", {"part"}, [] {
                      return std::vector<GaugeSample>{{{"a\"b"}, 1.5}};
                    }});
  const std::string text = metrics.Render();
  EXPECT_TRUE(Contains(text, "# TYPE tsf_grpc_requests_total counter\n"));
  EXPECT_TRUE(Contains(text,
                       "tsf_grpc_requests_total{method=\"ForecastService/"
                       "Forecast\",code=\"OK\"} 2\n"))
      << text;
  EXPECT_TRUE(Contains(text, "code=\"NOT_FOUND\"} 1\n"));
  // Buckets are cumulative and end in +Inf = count.
  EXPECT_TRUE(Contains(text,
                       "tsf_grpc_request_duration_seconds_bucket{method="
                       "\"ForecastService/Forecast\",le=\"0.00025\"} 0\n"));
  EXPECT_TRUE(Contains(text,
                       "tsf_grpc_request_duration_seconds_bucket{method="
                       "\"ForecastService/Forecast\",le=\"0.0005\"} 1\n"));
  EXPECT_TRUE(Contains(text,
                       "tsf_grpc_request_duration_seconds_bucket{method="
                       "\"ForecastService/Forecast\",le=\"+Inf\"} 2\n"));
  EXPECT_TRUE(Contains(text,
                       "tsf_grpc_request_duration_seconds_count{method="
                       "\"ForecastService/Forecast\"} 2\n"));
  EXPECT_TRUE(Contains(text, "tsf_test_gauge{part=\"a\\\"b\"} 1.5\n")) << text;
  EXPECT_EQ(metrics.grpc_latency.Count({"ForecastService/Forecast"}), 2u);
  EXPECT_EQ(metrics.grpc_requests.Value({"ForecastService/Forecast", "OK"}), 2);
}

// Gauges drawn from one costly source read it once per scrape, through a
// hook that runs before any of them.
TEST(MetricsTest, ScrapeHooksRunOnceBeforeTheGauges) {
  Metrics metrics;
  int reads = 0;
  double source = 0;
  metrics.AddScrapeHook([&] {
    ++reads;
    source += 10;
  });
  metrics.AddValue("tsf_test_a", "A.", "gauge", [&] { return source + 1; });
  metrics.AddValue("tsf_test_b", "B.", "gauge", [&] { return source + 2; });
  std::string text = metrics.Render();
  EXPECT_EQ(reads, 1);
  EXPECT_TRUE(Contains(text, "tsf_test_a 11\n")) << text;
  EXPECT_TRUE(Contains(text, "tsf_test_b 12\n")) << text;
  text = metrics.Render();
  EXPECT_EQ(reads, 2);
  EXPECT_TRUE(Contains(text, "tsf_test_a 21\n")) << text;
}

}  // namespace
}  // namespace tsforecast::service
