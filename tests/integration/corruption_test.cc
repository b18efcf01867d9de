// Damaged table files on the real server. A flipped byte in an SST: reads
// of the damaged series answer DATA_LOSS naming the series and its time
// range, other series stay readable, and `tsfctl verify` (online and
// offline) reports the damage. Issue 19, corruption contained
// (docs/reliability.md): a flipped byte met by compaction (ordinary
// ingestion into the damaged series, then `tsfctl compact`) used to become
// a background error that stopped every write, which neither a restart nor
// deleting the series cleared, and Backup failed; a missing or truncated
// file stopped the start while offline verify said "no damage". Here each
// of them: writes to healthy series go on, the damage is quarantined and
// named, deleting the damaged series clears it, backups hold everything
// readable and name what they leave out, the server starts without a file,
// and a damaged MANIFEST is found offline and repaired.
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "httplib.h"
#include "tests/testing/flip_bytes.h"
#include "tests/testing/server_process.h"
#include "tests/testing/temp_dir.h"

namespace tsforecast {
namespace {

namespace fs = std::filesystem;
using testing::CommandResult;
using testing::RunCommand;

std::string HourlyCsv(const std::string& series, int hours, double base) {
  std::string csv;
  uint64_t x = 12345;
  for (int i = 0; i < hours; ++i) {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    csv += absl::StrCat(series, ",", 631152000 + int64_t{i} * 3600, ",",
                        base + static_cast<double>(x >> 40) / 1e6, "\n");
  }
  return csv;
}

size_t Lines(const std::string& text) {
  return static_cast<size_t>(std::count(text.begin(), text.end(), '\n'));
}

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
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
  const auto size = static_cast<std::streamoff>(fs::file_size(victim));
  testing::FlipBytes(victim, {size * 3 / 10, size * 7 / 20, size * 2 / 5});
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

class CorruptionContainmentTest : public ::testing::Test {
 protected:
  void SetUp() override {
    data_ = dir_.Sub("data");
    Start();
  }
  void Start() {
    std::string error;
    ASSERT_TRUE(server_.Start(data_, {}, &error)) << error;
  }
  CommandResult Tsfctl(std::vector<std::string> args,
                       const std::string& stdin_text = "") {
    args.insert(args.begin(), {testing::BuildBinary("tsfctl"),
                               "--server=" + server_.address()});
    return RunCommand(args, stdin_text);
  }
  CommandResult Offline(std::vector<std::string> args) {
    args.insert(args.begin(), testing::BuildBinary("tsfctl"));
    return RunCommand(args);
  }
  // alpha and beta, 20,000 hourly points each, compacted into one table
  // file (alpha's keys first); then gamma, flushed into a file of its own
  // when the server stops.
  void WriteCompactAndStop() {
    for (const char* series : {"alpha", "beta"}) {
      CommandResult r =
          Tsfctl({"write", "-", "--time-unit", "s", "--create-step", "1h"},
                 HourlyCsv(series, 20000, 100));
      ASSERT_EQ(r.exit_code, 0) << r.err;
    }
    ASSERT_EQ(Tsfctl({"compact"}).exit_code, 0);
    CommandResult r =
        Tsfctl({"write", "-", "--time-unit", "s", "--create-step", "1h"},
               HourlyCsv("gamma", 100, 7));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    server_.StopWith(SIGTERM);
  }
  fs::path LargestTableFile() {
    fs::path victim;
    for (const auto& e : fs::directory_iterator(data_)) {
      if (e.path().extension() == ".sst" &&
          (victim.empty() || fs::file_size(e.path()) > fs::file_size(victim))) {
        victim = e.path();
      }
    }
    return victim;
  }
  int ReadyStatus() {
    httplib::Client http("127.0.0.1", server_.http_port());
    httplib::Result r = http.Get("/readyz");
    return r ? r->status : -1;
  }

  testing::TempDir dir_;
  std::string data_;
  testing::ServerProcess server_;
};

TEST_F(CorruptionContainmentTest, AFlippedByteNeverStopsWrites) {
  ASSERT_NO_FATAL_FAILURE(WriteCompactAndStop());
  const fs::path victim = LargestTableFile();
  ASSERT_FALSE(victim.empty());
  // Flips in alpha's part of the file (its first half).
  const auto size = static_cast<std::streamoff>(fs::file_size(victim));
  testing::FlipBytes(victim, {size / 10, size * 3 / 20, size / 5});
  ASSERT_NO_FATAL_FAILURE(Start());
  // Ordinary ingestion into the damaged series and a healthy one, then the
  // compaction the runbook recommends: it meets the damage.
  CommandResult r =
      Tsfctl({"write", "-", "--series", "alpha"}, "2030-01-01T00:00:00Z,1\n");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  r = Tsfctl({"write", "-", "--series", "beta"}, "2030-01-01T00:00:00Z,2\n");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  r = Tsfctl({"compact"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  // Writes go on, to every series; the server says it is ready.
  for (const char* series : {"beta", "gamma", "alpha"}) {
    r = Tsfctl({"write", "-", "--series", series}, "2030-01-02T00:00:00Z,3\n");
    EXPECT_EQ(r.exit_code, 0) << series << ": " << r.err;
  }
  EXPECT_EQ(ReadyStatus(), 200);
  r = Tsfctl({"read", "beta", "-f", "csv"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(Lines(r.out), 20003u);  // header, 20,000 and two new points
  r = Tsfctl({"read", "gamma", "-f", "csv"});
  EXPECT_EQ(Lines(r.out), 102u);
  // The damage is named: reads of alpha's lost range and verify.
  r = Tsfctl({"read", "alpha", "-f", "csv"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(Contains(r.err, "DATA_LOSS")) << r.err;
  EXPECT_TRUE(Contains(r.err, "series \"alpha\", points from")) << r.err;
  EXPECT_TRUE(Contains(
      r.err, "lost with the damaged table file " + victim.filename().string()))
      << r.err;
  r = Tsfctl({"verify"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(Contains(r.out, "damaged series: series \"alpha\"")) << r.out;
  EXPECT_FALSE(Contains(r.out, "\"beta\"")) << r.out;
  EXPECT_TRUE(fs::exists(fs::path(data_) / "quarantine" / victim.filename()));
  // A backup holds everything readable and names what it leaves out.
  r = Tsfctl({"backup", "nightly"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(Contains(r.err,
                       "left out (lost to a damaged table file): "
                       "series \"alpha\""))
      << r.err;
  // Deleting the damaged series clears the damage; compaction completes.
  r = Tsfctl({"series", "delete", "alpha"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  r = Tsfctl({"compact"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  r = Tsfctl({"verify"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  // And so it stays after a restart.
  server_.StopWith(SIGTERM);
  ASSERT_NO_FATAL_FAILURE(Start());
  r = Tsfctl({"read", "beta", "-f", "csv"});
  EXPECT_EQ(Lines(r.out), 20003u);
  r = Tsfctl({"verify"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
}

TEST_F(CorruptionContainmentTest,
       AMissingOrTruncatedTableFileDoesNotStopTheStart) {
  for (const bool missing : {true, false}) {
    SCOPED_TRACE(missing ? "missing" : "truncated");
    if (!missing) {
      data_ = dir_.Sub("data2");
      ASSERT_NO_FATAL_FAILURE(Start());
    }
    ASSERT_NO_FATAL_FAILURE(WriteCompactAndStop());
    const fs::path victim = LargestTableFile();
    if (missing) {
      fs::remove(victim);
    } else {
      fs::resize_file(victim, fs::file_size(victim) / 2);
    }
    // Offline verify names the file (it said "no damage" before).
    CommandResult r = Offline({"verify", "--data_dir", data_});
    EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
    EXPECT_TRUE(Contains(r.out, "damaged file: " + victim.filename().string() +
                                    (missing ? ": missing" : ": ")))
        << r.out;
    const auto before = std::chrono::steady_clock::now();
    ASSERT_NO_FATAL_FAILURE(Start());
    std::printf("started with a %s table file in %.0f ms\n",
                missing ? "missing" : "truncated",
                std::chrono::duration<double, std::milli>(
                    std::chrono::steady_clock::now() - before)
                    .count());
    // The series of the lost file answer DATA_LOSS; the rest is served.
    for (const char* lost : {"alpha", "beta"}) {
      r = Tsfctl({"read", lost, "-f", "csv"});
      EXPECT_EQ(r.exit_code, 1) << lost;
      EXPECT_TRUE(Contains(r.err, "lost with the damaged table file")) << r.err;
    }
    r = Tsfctl({"read", "gamma", "-f", "csv"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(Lines(r.out), 101u);
    r = Tsfctl({"write", "-", "--series", "gamma"}, "2030-01-01T00:00:00Z,1\n");
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(ReadyStatus(), 200);
    server_.StopWith(SIGTERM);
  }
}

TEST_F(CorruptionContainmentTest, ADamagedManifestIsFoundOfflineAndRepaired) {
  ASSERT_NO_FATAL_FAILURE(WriteCompactAndStop());
  fs::path manifest;
  for (const auto& e : fs::directory_iterator(data_)) {
    if (e.path().filename().string().rfind("MANIFEST-", 0) == 0) {
      manifest = e.path();
    }
  }
  ASSERT_FALSE(manifest.empty());
  testing::FlipBytes(
      manifest, {20, static_cast<std::streamoff>(fs::file_size(manifest) / 2)});
  CommandResult r = Offline({"verify", "--data_dir", data_});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_TRUE(Contains(r.out, "damaged file: MANIFEST")) << r.out;
  // The server refuses to start on it, pointing at the runbook, rather
  // than start without the files the damaged records list.
  std::string error;
  EXPECT_FALSE(server_.Start(data_, {}, &error));
  std::ifstream log(data_ + ".log");
  const std::string logged((std::istreambuf_iterator<char>(log)),
                           std::istreambuf_iterator<char>());
  EXPECT_TRUE(Contains(logged, "Damaged MANIFEST")) << logged;
  // The runbook's recovery: repair, then verify, then start.
  r = Offline({"repair", "--data_dir", data_});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  r = Offline({"verify", "--data_dir", data_});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  ASSERT_NO_FATAL_FAILURE(Start());
  r = Tsfctl({"read", "beta", "-f", "csv"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(Lines(r.out), 20001u);
}

}  // namespace
}  // namespace tsforecast
