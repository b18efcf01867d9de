// A flipped byte in an SST file: reads of the damaged series answer
// DATA_LOSS naming the series and its time range, other series stay
// readable, the server keeps running, and `tsfctl verify` (online and
// offline) reports the damage.
#include <signal.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/testing/server_process.h"
#include "tests/testing/temp_dir.h"

namespace tsforecast {
namespace {

using testing::CommandResult;
using testing::RunCommand;

std::string HourlyCsv(const std::string& series, int hours, double base) {
  std::string csv;
  for (int i = 0; i < hours; ++i) {
    // 1990-01-01 onwards, values that do not compress.
    csv += absl::StrCat(series, ",", 631152000 + int64_t{i} * 3600, ",",
                        base + (i * 7919) % 1000 / 7.0, "\n");
  }
  return csv;
}

TEST(CorruptionTest, DamageIsReportedNotReturnedAndStaysContained) {
  testing::TempDir dir;
  const std::string data = dir.Sub("data");
  testing::ServerProcess server;
  std::string error;
  auto tsfctl = [&](std::vector<std::string> args,
                    const std::string& stdin_text = "") {
    args.insert(args.begin(), {testing::BuildBinary("tsfctl"),
                               "--server=" + server.address()});
    return RunCommand(args, stdin_text);
  };
  // Both series in one compacted SST: keys sort by series, so "damaged"
  // fills the first half of the data blocks and "healthy" the second; the
  // index and properties sit at the end.
  ASSERT_TRUE(server.Start(data, {}, &error)) << error;
  for (const char* series : {"damaged", "healthy"}) {
    CommandResult r =
        tsfctl({"write", "-", "--time-unit", "s", "--create-step", "1h"},
               HourlyCsv(series, 100000, 100));
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  ASSERT_EQ(tsfctl({"compact"}).exit_code, 0);
  server.StopWith(SIGTERM);
  std::filesystem::path victim;
  for (const auto& e : std::filesystem::directory_iterator(data)) {
    if (e.path().extension() == ".sst" &&
        (victim.empty() || std::filesystem::file_size(e.path()) >
                               std::filesystem::file_size(victim))) {
      victim = e.path();
    }
  }
  ASSERT_FALSE(victim.empty());
  {
    std::fstream f(victim, std::ios::in | std::ios::out | std::ios::binary);
    const auto size = std::filesystem::file_size(victim);
    for (std::streamoff at : {size / 8, size / 5, size / 4}) {
      f.seekg(at);
      char c = 0;
      f.read(&c, 1);
      c = static_cast<char>(c ^ 0x5a);
      f.seekp(at);
      f.write(&c, 1);
    }
  }
  // Offline first: the file is named.
  CommandResult r = RunCommand(
      {testing::BuildBinary("tsfctl"), "verify", "--data_dir", data});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("damaged file: " + victim.filename().string()),
            std::string::npos)
      << r.out;

  ASSERT_TRUE(server.Start(data, {}, &error)) << error;
  r = tsfctl({"read", "damaged", "-f", "csv"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("DATA_LOSS"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("series \"damaged\", points from"), std::string::npos)
      << r.err;
  r = tsfctl({"read", "healthy", "-f", "csv"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 100001);
  r = tsfctl({"verify"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("damaged file: " + victim.filename().string()),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("damaged series: series \"damaged\""), std::string::npos)
      << r.out;
  EXPECT_EQ(r.out.find("series \"healthy\""), std::string::npos) << r.out;
  // Still serving, and writes to the healthy series go on.
  EXPECT_TRUE(server.Alive());
  r = tsfctl({"write", "-", "--series", "healthy"}, "2030-01-01,1\n");
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

}  // namespace
}  // namespace tsforecast
