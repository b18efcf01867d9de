#include "tools/tsfctl/output.h"

#include <cmath>
#include <sstream>

#include "gtest/gtest.h"

namespace tsforecast::tsfctl {
namespace {

TEST(OutputTest, NumbersWithDeclaredDecimalsOrTheShortestForm) {
  // Declared places: fixed, rounded half away as printf does, no "-0.00".
  EXPECT_EQ(FormatNumber(79.5, 2, false), "79.50");
  EXPECT_EQ(FormatNumber(22127.699999999997, 1, true), "22127.7");
  EXPECT_EQ(FormatNumber(-0.001, 2, true), "0.00");
  EXPECT_EQ(FormatNumber(-1.5, 0, false), "-2");
  // Undeclared: stored values exactly, computed ones to 10 digits.
  EXPECT_EQ(FormatNumber(0.1 + 0.2, -1, false), "0.30000000000000004");
  EXPECT_EQ(FormatNumber(0.1 + 0.2, -1, true), "0.3");
  EXPECT_EQ(FormatNumber(NAN, 2, true), "nan");
}

TEST(OutputTest, JsonPointsAreNumbers) {
  std::ostringstream out;
  PrintPoints(out, Format::kJson, "p", {0}, {79.5}, /*epoch_ms=*/true, 2);
  EXPECT_EQ(out.str(),
            "{\"series\": \"p\", \"points\": [\n  {\"timestamp\": 0, "
            "\"value\": 79.50}]}\n");
}

}  // namespace
}  // namespace tsforecast::tsfctl
