#include "storage/point_codec.h"

#include <cmath>
#include <cstring>
#include <limits>
#include <random>

#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace tsforecast::storage {
namespace {

constexpr int64_t kDay = 86400000;

std::vector<Point> RoundTrip(const std::vector<Point>& points,
                             size_t* bytes = nullptr) {
  std::string encoded;
  EncodePoints(points, &encoded);
  if (bytes) *bytes = encoded.size();
  std::vector<Point> decoded;
  size_t pos = 0;
  absl::Status s = DecodePoints(encoded, &pos, &decoded);
  EXPECT_OK(s);
  EXPECT_EQ(pos, encoded.size());
  return decoded;
}

void ExpectBitIdentical(const std::vector<Point>& a,
                        const std::vector<Point>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].timestamp_ms, b[i].timestamp_ms) << i;
    EXPECT_EQ(std::memcmp(&a[i].value, &b[i].value, sizeof(double)), 0)
        << i << ": " << a[i].value << " vs " << b[i].value;
  }
}

TEST(PointCodecTest, EmptyAndSingle) {
  ExpectBitIdentical(RoundTrip({}), {});
  ExpectBitIdentical(RoundTrip({{-5, 1.5}}), {{-5, 1.5}});
}

TEST(PointCodecTest, DecimalPricesRoundTripExactlyAndCompactly) {
  std::mt19937_64 rng(7);
  std::normal_distribution<double> step(0, 0.015);
  std::vector<Point> points;
  double price = 850.0;
  for (int i = 0; i < 1024; ++i) {
    price *= std::exp(step(rng));
    points.push_back({i * kDay, std::round(price * 100) / 100});
  }
  size_t bytes = 0;
  ExpectBitIdentical(RoundTrip(points, &bytes), points);
  // Daily moves of ~1.5% on ~850 are ~1300 cents: about 13 bits of
  // entropy; the Rice code must stay within 2 bytes a point.
  EXPECT_LT(bytes, 2 * points.size());
}

TEST(PointCodecTest, RegularTimestampsCostAlmostNothing) {
  std::vector<Point> points;
  for (int i = 0; i < 1000; ++i) points.push_back({i * kDay, 42.0});
  size_t bytes = 0;
  ExpectBitIdentical(RoundTrip(points, &bytes), points);
  // Constant values cost one bit each; timestamps a few bytes in all.
  EXPECT_LT(bytes, 1000 / 8 + 40);
}

TEST(PointCodecTest, ArbitraryDoublesFallBackToXor) {
  std::mt19937_64 rng(11);
  std::uniform_real_distribution<double> u(-1e6, 1e6);
  std::vector<Point> points;
  int64_t ts = -1000000;
  for (int i = 0; i < 500; ++i) {
    ts += 1 + static_cast<int64_t>(rng() % 100000);
    points.push_back({ts, u(rng)});
  }
  points.push_back({ts + 1, -0.0});
  points.push_back({ts + 2, std::numeric_limits<double>::max()});
  points.push_back({ts + 3, std::numeric_limits<double>::denorm_min()});
  ExpectBitIdentical(RoundTrip(points), points);
}

TEST(PointCodecTest, LargeIntegersAndJumps) {
  std::vector<Point> points = {{0, 0},
                               {1, 9007199254740991.0},
                               {2, -9007199254740991.0},
                               {kMaxTimestampMs, 3},
                               {kMaxTimestampMs + 0, 4}};
  points.pop_back();
  ExpectBitIdentical(RoundTrip(points), points);
}

TEST(PointCodecTest, RandomMixturesRoundTrip) {
  std::mt19937_64 rng(3);
  for (int trial = 0; trial < 200; ++trial) {
    std::vector<Point> points;
    int64_t ts = static_cast<int64_t>(rng() % 1000000000) - 500000000;
    const int n = 1 + static_cast<int>(rng() % 300);
    const int decimals = static_cast<int>(rng() % 4);
    for (int i = 0; i < n; ++i) {
      ts += 1 + static_cast<int64_t>(rng() % (trial % 2 ? 1000 : 1));
      double v =
          static_cast<double>(static_cast<int64_t>(rng() % 2000000) - 1000000) /
          std::pow(10.0, decimals);
      if (trial % 7 == 0 && i % 13 == 0) v = std::sqrt(static_cast<double>(i));
      points.push_back({ts, v});
    }
    ExpectBitIdentical(RoundTrip(points), points);
  }
}

TEST(PointCodecTest, TruncatedInputIsDataLoss) {
  std::vector<Point> points;
  for (int i = 0; i < 100; ++i) points.push_back({i * 1000, i * 1.25});
  std::string encoded;
  EncodePoints(points, &encoded);
  for (size_t cut = 0; cut < encoded.size(); cut += 3) {
    std::vector<Point> out;
    size_t pos = 0;
    absl::Status s = DecodePoints(encoded.substr(0, cut), &pos, &out);
    EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss) << "cut at " << cut;
  }
}

}  // namespace
}  // namespace tsforecast::storage
