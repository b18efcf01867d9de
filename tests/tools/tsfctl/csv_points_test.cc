// The CSV reader's bounds (issue 19: every parser of untrusted text has a
// size limit): lines are read into a bounded buffer, so a file with no
// newline is refused by line number instead of being held whole.
#include "tools/tsfctl/csv_points.h"

#include <sstream>

#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace tsforecast::tsfctl {
namespace {

absl::StatusOr<CsvPoints> Read(const std::string& text) {
  std::istringstream in(text);
  return ReadCsvPoints(in, "s");
}

TEST(CsvPointsTest, LinesEndingsAndTheLastLineWithoutANewline) {
  ASSERT_OK_AND_ASSIGN(CsvPoints p,
                       Read("timestamp,value\r\n2024-01-01,1\n\n2024-01-02,2"));
  ASSERT_EQ(p.points.size(), 2u);
  EXPECT_EQ(p.points[1].value, 2);
  ASSERT_OK_AND_ASSIGN(p, Read("2024-01-01,1\n2024-01-02,2\n"));
  EXPECT_EQ(p.points.size(), 2u);
  EXPECT_STATUS(Read("2024-01-01,1\n2024-01-02\n"),
                absl::StatusCode::kInvalidArgument, "line 2: expected 2");
}

TEST(CsvPointsTest, LinesAreBoundedAtTheLimit) {
  // A value padded with spaces to exactly the limit is read.
  std::string at_limit = "2024-01-01,1";
  at_limit.append(kMaxCsvLineBytes - at_limit.size(), ' ');
  ASSERT_EQ(at_limit.size(), kMaxCsvLineBytes);
  EXPECT_OK(Read("2024-01-01,0\n" + at_limit + "\n"));
  EXPECT_OK(Read("2024-01-01,0\n" + at_limit));
  EXPECT_STATUS(Read("2024-01-01,0\n" + at_limit + " \n"),
                absl::StatusCode::kInvalidArgument,
                "line 2: longer than 65536 bytes");
  EXPECT_STATUS(Read("2024-01-01,0\n" + at_limit + " "),
                absl::StatusCode::kInvalidArgument,
                "line 2: longer than 65536 bytes");
  // Ten megabytes without a newline: refused at the first line.
  EXPECT_STATUS(Read(std::string(10 << 20, '1')),
                absl::StatusCode::kInvalidArgument,
                "line 1: longer than 65536 bytes");
}

}  // namespace
}  // namespace tsforecast::tsfctl
