#include "forecast/bounds.h"

#include <cmath>

#include "forecast/model_registry.h"
#include "gtest/gtest.h"

namespace tsforecast::forecast {
namespace {

Prediction Band(double mean, double half_width) {
  Prediction p;
  p.mean = {mean};
  p.intervals.push_back({95, {mean - half_width}, {mean + half_width}});
  return p;
}

TEST(BoundsTest, InferredFromTheHistoryAndKind) {
  EXPECT_EQ(InferBounds(std::vector<double>{3, 1, 2}, false),
            Bounds::kPositive);
  EXPECT_EQ(InferBounds(std::vector<double>{3, 0, 2}, true),
            Bounds::kNonnegative);
  // A level with a zero (a spread) may go negative next.
  EXPECT_EQ(InferBounds(std::vector<double>{3, 0, 2}, false),
            Bounds::kUnbounded);
  EXPECT_EQ(InferBounds(std::vector<double>{3, -1, 2}, true),
            Bounds::kUnbounded);
}

TEST(BoundsTest, PositiveBandsAreLogSymmetricAndKeepTheUpperBound) {
  Prediction wide = Band(100, 150);  // [-50, 250] in levels
  ApplyBounds(Bounds::kPositive, wide);
  EXPECT_EQ(wide.mean[0], 100);
  EXPECT_EQ(wide.intervals[0].upper[0], 250);
  EXPECT_DOUBLE_EQ(wide.intervals[0].lower[0], 40);  // 100 * 100 / 250
  // Narrow bands barely move: the rule is first-order equal to levels.
  Prediction narrow = Band(100, 2);
  ApplyBounds(Bounds::kPositive, narrow);
  EXPECT_NEAR(narrow.intervals[0].lower[0], 98, 0.05);
  EXPECT_EQ(narrow.intervals[0].upper[0], 102);
}

TEST(BoundsTest, NonnegativeClipsAndAMeanBelowZeroIsClipped) {
  Prediction p = Band(-5, 10);
  ApplyBounds(Bounds::kNonnegative, p);
  EXPECT_EQ(p.mean[0], 0);
  EXPECT_EQ(p.intervals[0].lower[0], 0);
  EXPECT_EQ(p.intervals[0].upper[0], 5);
  Prediction q = Band(-5, 10);
  ApplyBounds(Bounds::kPositive, q);
  EXPECT_EQ(q.mean[0], 0);
  EXPECT_EQ(q.intervals[0].lower[0], 0);
  Prediction unbounded = Band(-5, 10);
  ApplyBounds(Bounds::kUnbounded, unbounded);
  EXPECT_EQ(unbounded.intervals[0].lower[0], -15);
}

TEST(BoundsTest, EveryModelOnAFallingPriceStaysAboveZero) {
  // A price that fell by 97 % with noise: level bands of most models
  // reach below zero here.
  std::vector<double> y;
  uint32_t state = 7;
  for (int i = 0; i < 60; ++i) {
    state = state * 1664525u + 1013904223u;
    const double noise = (state >> 8) / double(1 << 24) - 0.5;
    y.push_back(1000 * std::exp(-0.06 * i) * (1 + 0.3 * noise));
  }
  int checked = 0, crossed_without = 0;
  for (const ModelInfo& info : ListModels()) {
    absl::StatusOr<std::unique_ptr<Model>> model = MakeModel(info.name);
    ASSERT_TRUE(model.ok()) << info.name;
    absl::StatusOr<std::unique_ptr<FittedModel>> raw = (*model)->Fit({y, {12}});
    BoundedModel bounded(*MakeModel(info.name), Bounds::kPositive);
    absl::StatusOr<std::unique_ptr<FittedModel>> fit = bounded.Fit({y, {12}});
    if (!fit.ok()) continue;
    ASSERT_TRUE(raw.ok()) << info.name;
    const double levels[] = {80, 95, 99};
    absl::StatusOr<Prediction> p = (*fit)->Predict(36, levels);
    absl::StatusOr<Prediction> q = (*raw)->Predict(36, levels);
    ASSERT_TRUE(p.ok() && q.ok()) << info.name;
    ++checked;
    bool crossed = false;
    for (size_t i = 0; i < p->intervals.size(); ++i) {
      for (size_t h = 0; h < p->mean.size(); ++h) {
        EXPECT_GE(p->intervals[i].lower[h], 0) << info.name << " h=" << h;
        EXPECT_GE(p->mean[h], 0) << info.name;
        crossed = crossed || q->intervals[i].lower[h] < 0;
      }
    }
    crossed_without += crossed;
  }
  EXPECT_GE(checked, 15);
  // The test can fail: without bounds, bands do cross zero here.
  EXPECT_GE(crossed_without, 5);
}

}  // namespace
}  // namespace tsforecast::forecast
