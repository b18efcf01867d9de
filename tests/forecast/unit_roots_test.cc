#include "forecast/ets/unit_roots.h"

#include <cmath>
#include <random>

#include "Eigen/Dense"
#include "gtest/gtest.h"

namespace tsforecast::forecast {
namespace {

// Largest root modulus via the companion matrix, as a second opinion.
double MaxRootModulus(const std::vector<double>& c) {
  const int d = static_cast<int>(c.size()) - 1;
  Eigen::MatrixXd companion = Eigen::MatrixXd::Zero(d, d);
  for (int i = 1; i < d; ++i) companion(i, i - 1) = 1;
  for (int i = 0; i < d; ++i) companion(i, d - 1) = -c[i] / c[d];
  return companion.eigenvalues().cwiseAbs().maxCoeff();
}

TEST(UnitRootsTest, KnownPolynomials) {
  EXPECT_TRUE(RootsInUnitDisk({-0.25, 0, 1}));  // z^2 - 1/4: +-0.5
  EXPECT_FALSE(RootsInUnitDisk({-4, 0, 1}));    // +-2
  EXPECT_TRUE(RootsInUnitDisk({0.5, 1}));       // -0.5
  EXPECT_FALSE(RootsInUnitDisk({1.5, 1}));      // -1.5
  // (z - 1)(z^2 - 0.25): a unit root is admitted, as R admits it.
  EXPECT_TRUE(RootsInUnitDisk({0.25, -0.25, -1, 1}));
  // (z - 1)(z - 2): the other root is outside.
  EXPECT_FALSE(RootsInUnitDisk({2, -3, 1}));
}

TEST(UnitRootsTest, AgreesWithEigenvaluesOnRandomPolynomials) {
  std::mt19937 rng(17);
  std::uniform_real_distribution<double> u(-1.5, 1.5);
  int inside = 0, outside = 0;
  for (int trial = 0; trial < 2000; ++trial) {
    const int degree = 1 + trial % 14;
    std::vector<double> c(degree + 1);
    for (double& v : c) v = u(rng) / std::sqrt(static_cast<double>(degree));
    c[degree] = 1;
    const double max_root = MaxRootModulus(c);
    if (std::fabs(max_root - 1) < 1e-6) continue;  // too close to call
    const bool expected = max_root < 1;
    EXPECT_EQ(RootsInUnitDisk(c), expected) << "trial " << trial;
    (expected ? inside : outside)++;
  }
  // Both answers must actually occur for the comparison to mean much.
  EXPECT_GT(inside, 100);
  EXPECT_GT(outside, 100);
}

}  // namespace
}  // namespace tsforecast::forecast
