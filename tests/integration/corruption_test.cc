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
  uint64_t x = 12345;
  for (int i = 0; i < hours; ++i) {
    // 1990-01-01 onwards; pseudo-random values with six decimals, which
    // the codec cannot shrink much, so the series spans many blocks.
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    csv += absl::StrCat(series, ",", 631152000 + int64_t{i} * 3600, ",",
                        base + static_cast<double>(x >> 40) / 1e6, "\n");
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
  // Two series of 20,000 points in one compacted SST: keys sort by series,
  // so one fills the first half of the data blocks and the other the
  // second; the index and properties sit at the end. The flips land in the
  // newer part of the first one.
  ASSERT_TRUE(server.Start(data, {}, &error)) << error;
  for (const char* series : {"alpha", "beta"}) {
    CommandResult r =
        tsfctl({"write", "-", "--time-unit", "s", "--create-step", "1h"},
               HourlyCsv(series, 20000, 100));
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
    for (std::streamoff at : {size * 3 / 10, size * 7 / 20, size * 2 / 5}) {
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
  // Exactly one series is damaged; the other reads whole.
  CommandResult a = tsfctl({"read", "alpha", "-f", "csv"});
  CommandResult b = tsfctl({"read", "beta", "-f", "csv"});
  ASSERT_NE(a.exit_code == 0, b.exit_code == 0) << a.err << b.err;
  const std::string damaged = a.exit_code != 0 ? "alpha" : "beta";
  const std::string healthy = a.exit_code != 0 ? "beta" : "alpha";
  const CommandResult& bad = a.exit_code != 0 ? a : b;
  const CommandResult& good = a.exit_code != 0 ? b : a;
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.err.find("DATA_LOSS"), std::string::npos) << bad.err;
  EXPECT_NE(bad.err.find("series \"" + damaged + "\", points from"),
            std::string::npos)
      << bad.err;
  // A whole-series read has no ends: said in words, not as the years 1000
  // and 10000.
  EXPECT_NE(bad.err.find(" on are unreadable"), std::string::npos) << bad.err;
  EXPECT_EQ(bad.err.find("1000-01-01"), std::string::npos) << bad.err;
  EXPECT_EQ(bad.err.find("10000-"), std::string::npos) << bad.err;
  EXPECT_EQ(std::count(good.out.begin(), good.out.end(), '\n'), 20001);
  // One damaged series among several: the others are still answered.
  r = tsfctl({"latest", healthy, damaged, "--count", "10000", "-f", "csv"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find(healthy + ","), std::string::npos) << r.out;
  EXPECT_NE(r.err.find(damaged + ":"), std::string::npos) << r.err;
  r = tsfctl({"verify"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("damaged file: " + victim.filename().string()),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("damaged series: series \"" + damaged + "\""),
            std::string::npos)
      << r.out;
  EXPECT_EQ(r.out.find("series \"" + healthy + "\""), std::string::npos)
      << r.out;
  // Still serving, and writes to the healthy series go on.
  EXPECT_TRUE(server.Alive());
  r = tsfctl({"write", "-", "--series", healthy}, "2030-01-01,1\n");
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

}  // namespace
}  // namespace tsforecast
