// tsfctl and tsforecastd as a user runs them: real binaries, loopback.
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <atomic>
#include <fstream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "tests/testing/server_process.h"
#include "tests/testing/temp_dir.h"
#include "tests/testing/test_certs.h"

namespace tsforecast {
namespace {

using testing::CommandResult;
using testing::RunCommand;

class TsfctlTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string error;
    ASSERT_TRUE(server_.Start(dir_.Sub("data"), {}, &error)) << error;
  }
  CommandResult Tsfctl(std::vector<std::string> args,
                       const std::string& stdin_text = "") {
    args.insert(args.begin(), {testing::BuildBinary("tsfctl"),
                               "--server=" + server_.address()});
    return RunCommand(args, stdin_text);
  }
  std::string WriteFile(const std::string& name, const std::string& text) {
    const std::string path = dir_.Sub(name);
    std::ofstream(path) << text;
    return path;
  }

  testing::TempDir dir_;
  testing::ServerProcess server_;
};

TEST_F(TsfctlTest, SeriesCommands) {
  CommandResult r = Tsfctl({"series", "create", "ndpr", "--step", "1d",
                            "--label", "market=shanghai", "--unit", "CNY/t"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("market=shanghai"), std::string::npos) << r.out;
  r = Tsfctl({"series", "create", "ndpr", "--step", "1d"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("ALREADY_EXISTS: series \"ndpr\" already exists"),
            std::string::npos)
      << r.err;
  r = Tsfctl({"series", "create", "x", "--step", "0d"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--step"), std::string::npos) << r.err;
  r = Tsfctl({"series", "update", "ndpr", "--description", "NdPr oxide",
              "--retention", "3650d"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = Tsfctl({"series", "list", "{market=\"shanghai\"}", "--format", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("\"description\":\"NdPr oxide\""), std::string::npos)
      << r.out;
  r = Tsfctl({"series", "show", "nope"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("NOT_FOUND"), std::string::npos);
  r = Tsfctl({"series", "delete", "ndpr"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  r = Tsfctl({"frobnicate"});
  EXPECT_EQ(r.exit_code, 2);
}

TEST_F(TsfctlTest, WriteCsvReadBackInEveryFormat) {
  const std::string csv = WriteFile("points.csv",
                                    "series,timestamp,value\n"
                                    "copper,2024-01-01,8500.5\r\n"
                                    "copper,2024-02-01T00:00:00Z,8600\n"
                                    "\n"
                                    "exports_cn,1704067200000,1200\n"
                                    "copper,2024-03-01,8700.25\n");
  CommandResult r =
      Tsfctl({"write", csv, "--create-step", "1mo", "--create-label",
              "source=test", "--time-unit", "ms"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("wrote 4 points to 2 series"), std::string::npos)
      << r.err;
  r = Tsfctl({"read", "copper", "--format", "csv"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out,
            "timestamp,value\n2024-01-01T00:00:00Z,8500.5\n"
            "2024-02-01T00:00:00Z,8600\n2024-03-01T00:00:00Z,8700.25\n");
  r = Tsfctl(
      {"read", "copper", "--format", "json", "--epoch-ms", "--limit", "1"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("{\"timestamp\": 1704067200000, \"value\": 8500.5}"),
            std::string::npos)
      << r.out;
  r = Tsfctl({"read", "copper", "--start", "2024-02-01"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(std::vector<std::string>(absl::StrSplit(r.out, '\n')).size(), 4u)
      << r.out;
  r = Tsfctl({"read", "copper", "--agg", "sum", "--step", "1y", "-f", "csv"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "timestamp,value\n2024-01-01T00:00:00Z,25800.75\n");
  // Aggregates print rounded to 10 significant digits: 0.1 + 0.2 is 0.3,
  // not 0.30000000000000004; stored points print exactly.
  ASSERT_EQ(Tsfctl({"series", "create", "fracs", "--step", "1d"}).exit_code, 0);
  ASSERT_EQ(Tsfctl({"write", "-", "--series", "fracs"},
                   "2024-01-01,0.1\n2024-01-02,0.2\n")
                .exit_code,
            0);
  r = Tsfctl({"read", "fracs", "--agg", "sum", "--step", "1y", "-f", "csv"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "timestamp,value\n2024-01-01T00:00:00Z,0.3\n");
  r = Tsfctl({"read", "fracs", "--agg", "sum", "--step", "1y", "-f", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("\"value\": 0.3}"), std::string::npos) << r.out;
  r = Tsfctl({"latest", "copper", "exports_cn"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("8700.25"), std::string::npos);
  EXPECT_NE(r.out.find("1200"), std::string::npos);
  r = Tsfctl(
      {"delete", "copper", "--start", "2024-02-01", "--end", "2024-03-01"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = Tsfctl({"read", "copper", "-f", "csv", "--epoch-ms"});
  EXPECT_EQ(r.out,
            "timestamp,value\n1704067200000,8500.5\n1709251200000,8700.25\n");
}

TEST_F(TsfctlTest, TwoColumnCsvFromStdin) {
  ASSERT_EQ(Tsfctl({"series", "create", "brent", "--step", "1d"}).exit_code, 0);
  std::string csv = "Date,Price\n";
  for (int d = 1; d <= 28; ++d) {
    csv += absl::StrCat("2024-02-", d < 10 ? "0" : "", d, ",", 80 + d * 0.01,
                        "\n");
  }
  CommandResult r =
      Tsfctl({"write", "-", "--series", "brent", "--batch-size", "5"}, csv);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("wrote 28 points"), std::string::npos) << r.err;
  r = Tsfctl({"read", "brent", "-f", "csv"});
  EXPECT_NE(r.out.find("2024-02-28T00:00:00Z,80.28"), std::string::npos)
      << r.out;
}

// The README's Brent example on a business-day series: weekdays only in,
// weekdays only out (2024-03-01 is a Friday).
TEST_F(TsfctlTest, BusinessDaySeriesForecastsOnWeekdays) {
  ASSERT_EQ(Tsfctl({"series", "create", "brent", "--step", "1bd"}).exit_code,
            0);
  CommandResult r = Tsfctl({"series", "show", "brent"});
  EXPECT_NE(r.out.find("1bd"), std::string::npos) << r.out;
  std::string csv = "Date,Price\n";
  const int days_in[] = {29, 31};  // Feb 2024, Mar 2024
  for (int month : {2, 3}) {
    for (int d = 1; d <= days_in[month - 2]; ++d) {
      // Weekdays of Feb-Mar 2024: 2024-02-01 was a Thursday.
      const int weekday = (3 + d - 1 + (month == 3 ? 29 : 0)) % 7;
      if (weekday >= 5) continue;
      csv += absl::StrCat("2024-0", month, "-", d < 10 ? "0" : "", d, ",",
                          80 + d * 0.1 + (d % 3), "\n");
    }
  }
  r = Tsfctl({"write", "-", "--series", "brent"}, csv);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = Tsfctl({"forecast", "brent", "-H", "3", "-m", "ets", "--transform", "log",
              "-f", "csv"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // After Friday 2024-03-29: Monday, Tuesday, Wednesday.
  for (const char* day : {"2024-04-01T", "2024-04-02T", "2024-04-03T"}) {
    EXPECT_NE(r.out.find(day), std::string::npos) << day << "\n" << r.out;
  }
  EXPECT_EQ(r.out.find("2024-03-30T"), std::string::npos) << r.out;
}

// Exchange holidays from the command line: Good Friday 2024 (March 29) is
// closed on the NYSE, so the forecast after Thursday the 28th starts on
// Monday April 1; declared decimals shape every printed value.
TEST_F(TsfctlTest, HolidaysAndDecimalsFromTheCommandLine) {
  CommandResult r =
      Tsfctl({"series", "create", "wti", "--step", "1bd", "--holiday-calendar",
              "us_nyse", "--holidays", "2024-03-27", "--decimals", "2"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("1bd/us_nyse+1"), std::string::npos) << r.out;
  std::string csv;
  for (int d : {18, 19, 20, 21, 22, 25, 26, 28}) {
    csv += absl::StrCat("2024-03-", d, ",", 60.5 + d, "\n");
  }
  r = Tsfctl({"write", "-", "--series", "wti"}, csv);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = Tsfctl({"write", "-", "--series", "wti"}, "2024-03-29,81\n");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("2024-03-29 is one of its holidays"), std::string::npos)
      << r.err;
  r = Tsfctl({"read", "wti", "-f", "csv"});
  EXPECT_NE(r.out.find("2024-03-19T00:00:00Z,79.50\n"), std::string::npos)
      << r.out;
  r = Tsfctl({"forecast", "wti", "-H", "2", "-m", "naive", "-f", "csv"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("2024-04-01T00:00:00Z,88.50,"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("2024-04-02T"), std::string::npos) << r.out;
  // The series' own date goes; the calendar stays; decimals cleared.
  r = Tsfctl({"series", "update", "wti", "--holidays", "", "--decimals", "-1"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("1bd/us_nyse "), std::string::npos) << r.out;
  r = Tsfctl({"read", "wti", "-f", "csv"});
  EXPECT_NE(r.out.find("2024-03-19T00:00:00Z,79.5\n"), std::string::npos)
      << r.out;
  r = Tsfctl({"series", "update", "wti", "--holiday-calendar", "tse"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("INVALID_ARGUMENT"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("known: uk_lse, us_nyse"), std::string::npos) << r.err;
}

// A mid-month date in a monthly series: rejected by default, with what
// would accept it; snapped when the series says so.
TEST_F(TsfctlTest, OffGridPolicyFromTheCommandLine) {
  ASSERT_EQ(Tsfctl({"series", "create", "m", "--step", "1mo"}).exit_code, 0);
  CommandResult r = Tsfctl({"write", "-", "--series", "m"}, "2024-01-15,1\n");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("2024-01-15T00:00:00Z is not a step start of series "
                       "\"m\""),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("set off_grid to snap_start or snap_end"),
            std::string::npos)
      << r.err;
  ASSERT_EQ(Tsfctl({"series", "create", "m_end", "--step", "1mo", "--off-grid",
                    "snap_end"})
                .exit_code,
            0);
  r = Tsfctl({"write", "-", "--series", "m_end"}, "2024-01-31,1\n");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = Tsfctl({"read", "m_end", "-f", "csv"});
  EXPECT_EQ(r.out, "timestamp,value\n2024-01-01T00:00:00Z,1\n");
  // The policy can change; points stored before stay where they are.
  ASSERT_EQ(
      Tsfctl({"series", "update", "m", "--off-grid", "snap_start"}).exit_code,
      0);
  r = Tsfctl({"write", "-", "--series", "m"}, "2024-01-15,1\n");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = Tsfctl({"read", "m", "-f", "csv"});
  EXPECT_EQ(r.out, "timestamp,value\n2024-01-01T00:00:00Z,1\n");
  r = Tsfctl({"series", "create", "x", "--step", "1d", "--off-grid", "round"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("expected reject, snap_start, snap_end or accept"),
            std::string::npos)
      << r.err;
}

// --create-* flags that an existing series contradicts are an error (with
// --force, a warning), never silently ignored.
TEST_F(TsfctlTest, CreateFlagsThatDisagreeWithASeriesAreAnError) {
  ASSERT_EQ(Tsfctl({"series", "create", "prices", "--step", "1d", "--label",
                    "source=lme"})
                .exit_code,
            0);
  const std::string csv = WriteFile("p.csv", "prices,2024-01-01,1\n");
  CommandResult r =
      Tsfctl({"write", csv, "--create-step", "1mo", "--create-kind", "flow",
              "--create-label", "source=cme"});
  EXPECT_EQ(r.exit_code, 2);
  for (const char* part :
       {"series \"prices\" exists and keeps its definition",
        "its step is 1d, not --create-step 1mo",
        "its kind is level, not --create-kind flow",
        "its label source is \"lme\", not --create-label source=cme",
        "nothing was written"}) {
    EXPECT_NE(r.err.find(part), std::string::npos) << part << "\n" << r.err;
  }
  r = Tsfctl({"read", "prices", "-f", "csv"});
  EXPECT_EQ(r.out, "timestamp,value\n");
  // Agreeing flags are fine; --force writes with a warning.
  r = Tsfctl({"write", csv, "--create-step", "1d"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  r = Tsfctl({"write", csv, "--create-step", "1mo", "--force"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("warning: series \"prices\" exists"), std::string::npos)
      << r.err;
}

TEST_F(TsfctlTest, MalformedCsvIsRejectedBeforeAnythingIsWritten) {
  ASSERT_EQ(Tsfctl({"series", "create", "s", "--step", "1d"}).exit_code, 0);
  const std::string csv = WriteFile(
      "bad.csv", "s,2024-01-01,1\ns,2024-01-02,2\ns,2024-01-03,abc\n");
  CommandResult r = Tsfctl({"write", csv});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(
      r.err.find("line 3: value \"abc\" is not a number; nothing was written"),
      std::string::npos)
      << r.err;
  const std::string bad_ts = WriteFile("bad_ts.csv", "s,2024-13-45,1\n");
  r = Tsfctl({"write", bad_ts});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("line 1: timestamp \"2024-13-45\""), std::string::npos)
      << r.err;
  // A bare number is never guessed at: 20230401 reads as a date and as
  // epoch milliseconds, and the message gives both.
  const std::string ambiguous =
      WriteFile("ambiguous.csv", "s,2024-01-04,1\ns,20230401,8800\n");
  r = Tsfctl({"write", ambiguous});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("line 2: timestamp \"20230401\" is ambiguous: as a "
                       "date it is 2023-04-01, as epoch milliseconds "
                       "1970-01-01T05:37:10.401Z"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("--time-unit ms or s"), std::string::npos) << r.err;
  const std::string epoch = WriteFile("epoch.csv", "s,1704067200,5\n");
  r = Tsfctl({"write", epoch});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("is a bare number: give its epoch unit"),
            std::string::npos)
      << r.err;
  r = Tsfctl({"write", epoch, "--time-unit", "s"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = Tsfctl({"read", "s", "-f", "csv"});
  EXPECT_EQ(r.out, "timestamp,value\n2024-01-01T00:00:00Z,5\n");
  r = Tsfctl({"write", epoch, "--time-unit", "minutes"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--time-unit \"minutes\": expected s or ms"),
            std::string::npos)
      << r.err;
  const std::string columns = WriteFile("cols.csv", "s,2024-01-01\n");
  r = Tsfctl({"write", columns});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("expected 3 columns"), std::string::npos) << r.err;
  // Unknown series without --create-step: the server refuses, exit 1.
  const std::string unknown = WriteFile("unknown.csv", "zz,2024-01-01,1\n");
  r = Tsfctl({"write", unknown});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("series \"zz\" not found"), std::string::npos) << r.err;
}

TEST_F(TsfctlTest, BackupThenRestoreIntoAFreshServer) {
  ASSERT_EQ(Tsfctl({"series", "create", "g", "--step", "1d"}).exit_code, 0);
  ASSERT_EQ(
      Tsfctl({"write", "-", "--series", "g"}, "2024-01-01,1\n2024-01-02,2\n")
          .exit_code,
      0);
  // The server's backup root is set by the fixture (ServerProcess).
  CommandResult r = Tsfctl({"backup", "nightly"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("--restore_from="), std::string::npos);
  const std::string backup = dir_.Sub("data") + ".backups/nightly";
  EXPECT_NE(r.out.find(backup), std::string::npos) << r.out;
  r = Tsfctl({"backup", "/etc/x"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("PERMISSION_DENIED"), std::string::npos) << r.err;

  testing::ServerProcess restored;
  std::string error;
  ASSERT_TRUE(restored.Start(dir_.Sub("restored"), {"--restore_from=" + backup},
                             &error))
      << error;
  r = RunCommand({testing::BuildBinary("tsfctl"),
                  "--server=" + restored.address(), "read", "g", "-f", "csv",
                  "--epoch-ms"});
  EXPECT_EQ(r.out, "timestamp,value\n1704067200000,1\n1704153600000,2\n");
  // Restoring over existing data is refused.
  restored.StopWith(SIGTERM);
  testing::ServerProcess again;
  EXPECT_FALSE(
      again.Start(dir_.Sub("restored"), {"--restore_from=" + backup}, &error));
  EXPECT_NE(error.find("not empty"), std::string::npos) << error;
}

TEST_F(TsfctlTest, ForecastBacktestAndModels) {
  std::string csv;
  for (int i = 0; i < 48; ++i) {
    csv += absl::StrCat("sales,", 2020 + i / 12, "-",
                        (i % 12) + 1 < 10 ? "0" : "", (i % 12) + 1, "-01,",
                        100 + i + (i % 12 == 11 ? 30 : 0), "\n");
  }
  ASSERT_EQ(Tsfctl({"write", "-", "--create-step", "1mo"}, csv).exit_code, 0);
  CommandResult r =
      Tsfctl({"forecast", "sales", "-H", "3", "-f", "csv", "--level", "90"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::vector<std::string> lines = absl::StrSplit(r.out, '\n');
  ASSERT_GE(lines.size(), 4u) << r.out;
  EXPECT_EQ(lines[0], "timestamp,mean,lo90,hi90");
  EXPECT_EQ(lines[1].substr(0, 20), "2024-01-01T00:00:00Z");
  EXPECT_NE(r.err.find("auto"), std::string::npos) << r.err;
  r = Tsfctl({"forecast", "sales", "-H", "0"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("INVALID_ARGUMENT: horizon: 0"), std::string::npos);
  r = Tsfctl({"forecast", "sales", "-H", "3", "-m", "nope"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("unknown model \"nope\""), std::string::npos);
  r = Tsfctl({"backtest", "sales", "-H", "3", "-m", "naive", "-m", "snaive"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("best by mase (the default): "), std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("(5 origins; MSIS at 95%)"), std::string::npos) << r.err;
  // Every row shows what was measured.
  for (const char* column : {"mase", "smape", "msis95", "cov80", "cov95"}) {
    EXPECT_NE(r.out.find(column), std::string::npos) << column << r.out;
  }
  r = Tsfctl({"backtest", "sales", "-H", "3", "-m", "naive", "--metric", "rmse",
              "--level", "80", "--windows", "2"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("best by rmse: naive (2 origins; MSIS at 80%)"),
            std::string::npos)
      << r.err;
  r = Tsfctl({"forecast", "sales", "-H", "3", "--step", "1y"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--step and --agg go together"), std::string::npos)
      << r.err;
  // JSON numbers are numbers, not strings.
  r = Tsfctl({"forecast", "sales", "-H", "3", "-f", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("\"mean\": "), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("\"mean\": \""), std::string::npos) << r.out;
  r = Tsfctl({"forecast", "sales", "-H", "3", "--save-vintage"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("saved as vintage "), std::string::npos) << r.err;
  r = Tsfctl({"vintages", "sales", "-f", "csv"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::vector<std::string> vintage_lines = absl::StrSplit(r.out, '\n');
  ASSERT_GE(vintage_lines.size(), 2u) << r.out;
  EXPECT_EQ(vintage_lines[0], "vintage,made,revision,model");
  const std::string id = vintage_lines[1].substr(0, vintage_lines[1].find(','));
  r = Tsfctl({"vintages", "sales", "--id", id, "-f", "csv"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("2024-01-01T00:00:00Z"), std::string::npos) << r.out;
  r = Tsfctl({"vintages", "sales", "--id", "999999"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("NOT_FOUND"), std::string::npos) << r.err;
  // Two of the vintage's three months have happened since.
  ASSERT_EQ(Tsfctl({"write", "-", "--series", "sales"},
                   "2024-01-01,100\n2024-02-01,101\n")
                .exit_code,
            0);
  r = Tsfctl({"vintages", "sales", "--compare", "-f", "csv"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::vector<std::string> compared = absl::StrSplit(r.out, '\n');
  ASSERT_GE(compared.size(), 2u) << r.out;
  EXPECT_EQ(compared[0], "vintage,made,due,pending,mae,mase,coverage,model");
  const std::vector<std::string> cells = absl::StrSplit(compared[1], ',');
  ASSERT_GE(cells.size(), 8u) << compared[1];
  EXPECT_EQ(cells[0], id);
  EXPECT_EQ(cells[2], "2");  // due
  EXPECT_EQ(cells[3], "1");  // pending
  EXPECT_NE(cells[6].find("95%: "), std::string::npos) << compared[1];
  r = Tsfctl({"models", "-f", "csv"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("ets,model=ZZZ{ANN|"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("arima,order="), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("ic=aicc{aicc|aic|bic}"), std::string::npos) << r.out;
}

TEST_F(TsfctlTest, ForecastPlotsAndWatchFollowsWrites) {
  std::string csv;
  for (int i = 0; i < 36; ++i) {
    csv +=
        absl::StrCat("sales,", 2020 + i / 12, "-", (i % 12) + 1 < 10 ? "0" : "",
                     (i % 12) + 1, "-01,", 100 + i, "\n");
  }
  ASSERT_EQ(Tsfctl({"write", "-", "--create-step", "1mo", "--unit", "USD/t",
                    "--create-label", "source=lme"},
                   csv)
                .exit_code,
            0);
  const std::string svg = dir_.Sub("chart.svg");
  CommandResult r = Tsfctl({"forecast", "sales", "-H", "6", "--plot", svg});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::ifstream svg_in(svg);
  const std::string svg_text((std::istreambuf_iterator<char>(svg_in)),
                             std::istreambuf_iterator<char>());
  EXPECT_NE(svg_text.find("<polyline id=\"history\""), std::string::npos);
  EXPECT_NE(svg_text.find("<polygon id=\"band-95\""), std::string::npos);
  EXPECT_NE(svg_text.find("<polyline id=\"forecast-mean\""), std::string::npos);
  // A short title, what it is as of and from where, the unit, a legend, a
  // marked last observation, and ticks on calendar boundaries (36 months
  // and 6 ahead: years).
  for (const char* part :
       {">sales: auto, 6 steps of 1mo ahead</text>",
        ">as of 2022-12-01 · source: lme</text>", ">USD/t</text>",
        "<g id=\"legend\">", ">history</text>", ">forecast</text>",
        ">80%</text>", ">95%</text>", "<g id=\"last-observation\">",
        ">2022-12-01</text>", "class=\"x-tick\"", ">2021</text>",
        ">2022</text>", ">2023</text>"}) {
    EXPECT_NE(svg_text.find(part), std::string::npos) << part;
  }
  const std::string png = dir_.Sub("chart.png");
  r = Tsfctl({"forecast", "sales", "-H", "6", "--plot", png});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::ifstream png_in(png, std::ios::binary);
  std::string header(24, '\0');
  png_in.read(header.data(), 24);
  EXPECT_EQ(header.substr(0, 8), "\x89PNG\r\n\x1a\n");
  // IHDR: width and height, big-endian, at bytes 16 and 20.
  auto be32 = [&](size_t at) {
    return (static_cast<uint8_t>(header[at]) << 24) |
           (static_cast<uint8_t>(header[at + 1]) << 16) |
           (static_cast<uint8_t>(header[at + 2]) << 8) |
           static_cast<uint8_t>(header[at + 3]);
  };
  EXPECT_EQ(be32(16), 1000);
  EXPECT_EQ(be32(20), 450);
  // With declared decimals the y labels carry them.
  ASSERT_EQ(Tsfctl({"series", "update", "sales", "--decimals", "1"}).exit_code,
            0);
  r = Tsfctl({"forecast", "sales", "-H", "6", "--plot", svg});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::ifstream again(svg);
  const std::string with_places((std::istreambuf_iterator<char>(again)),
                                std::istreambuf_iterator<char>());
  // Each y label: digits, one decimal place. (No std::regex: GCC 12 warns
  // inside it under the sanitizers.)
  const std::string y_label = "text-anchor=\"end\" fill=\"#555\">";
  int labels = 0;
  for (size_t at = with_places.find(y_label); at != std::string::npos;
       at = with_places.find(y_label, at + 1), ++labels) {
    const size_t begin = at + y_label.size();
    const std::string label =
        with_places.substr(begin, with_places.find('<', begin) - begin);
    const size_t dot = label.find('.');
    ASSERT_NE(dot, std::string::npos) << label;
    EXPECT_EQ(label.size() - dot - 1, 1u) << label;
  }
  EXPECT_GE(labels, 3);
  r = Tsfctl({"forecast", "sales", "-H", "6", "--plot", dir_.Sub("x.pdf")});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("must end in .svg or .png"), std::string::npos);

  // watch prints a forecast now and one per change; writes keep coming
  // until it has seen three.
  std::atomic<bool> done{false};
  std::thread writer([&] {
    for (int i = 0; !done && i < 200; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(250));
      Tsfctl({"write", "-"}, absl::StrCat("sales,2023-01-01,", 200 + i, "\n"));
    }
  });
  r = RunCommand({"/usr/bin/timeout", "60", testing::BuildBinary("tsfctl"),
                  "--server=" + server_.address(), "watch", "sales", "-H", "2",
                  "-m", "naive", "--updates", "3", "-f", "csv"});
  done = true;
  writer.join();
  ASSERT_EQ(r.exit_code, 0) << r.err;
  size_t headers = 0;
  for (size_t at = 0;
       (at = r.out.find("timestamp,mean", at)) != std::string::npos; ++at) {
    ++headers;
  }
  EXPECT_EQ(headers, 3u) << r.out;
  EXPECT_NE(r.out.find("2023-02-01T00:00:00Z"), std::string::npos) << r.out;
}

TEST_F(TsfctlTest, SigtermDrainsAndExitsCleanly) {
  const int status = server_.StopWith(SIGTERM);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  // The data dir reopens fine afterwards.
  testing::ServerProcess again;
  std::string error;
  EXPECT_TRUE(again.Start(dir_.Sub("data"), {}, &error)) << error;
}

TEST(TsforecastdTest, BadFlagsExitWithUsageError) {
  CommandResult r =
      RunCommand({testing::BuildBinary("tsforecastd"), "--durability=maybe"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("expected \"sync\" or \"process\""), std::string::npos)
      << r.err;
  r = RunCommand({testing::BuildBinary("tsforecastd"), "--help"});
  EXPECT_NE(r.out.find("--max_points_per_request"), std::string::npos);
}

}  // namespace
}  // namespace tsforecast

namespace tsforecast {
namespace {

// Tokens and TLS from the command line: `token add` prints the secret as
// its last line; a refused call names its gRPC code and exits 1.
TEST(TsfctlAuthTest, TokensRolesAndTls) {
  testing::TempDir dir;
  const testing::TestCerts certs = testing::MakeTestCerts();
  testing::WriteTextFile(dir.Sub("server.pem"), certs.server_cert_pem);
  testing::WriteTextFile(dir.Sub("server.key"), certs.server_key_pem);
  testing::WriteTextFile(dir.Sub("ca.pem"), certs.ca_pem);
  const std::string tokens = dir.Sub("tokens");
  const std::string tsfctl = testing::BuildBinary("tsfctl");
  auto add = [&](const std::string& name, const std::string& role) {
    CommandResult r = RunCommand({tsfctl, "token", "add", name, "--role", role,
                                  "--tokens_file", tokens});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    std::vector<std::string> lines =
        absl::StrSplit(r.out, '\n', absl::SkipEmpty());
    return lines.empty() ? std::string() : lines.back();
  };
  const std::string reader = add("dashboard", "read");
  const std::string writer = add("ingest", "write");
  EXPECT_EQ(reader.rfind("tsf_", 0), 0u) << reader;
  EXPECT_NE(reader, writer);
  CommandResult r = RunCommand({tsfctl, "token", "add", "ingest", "--role",
                                "read", "--tokens_file", tokens});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("already in"), std::string::npos) << r.err;
  r = RunCommand(
      {tsfctl, "token", "add", "x", "--role", "root", "--tokens_file", tokens});
  EXPECT_EQ(r.exit_code, 2);
  // A rate-limited token: one call per 1,000 s, used up by the first call.
  r = RunCommand({tsfctl, "token", "add", "poller", "--rate", "0.001",
                  "--tokens_file", tokens});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("0.001 calls/s"), std::string::npos) << r.err;
  const std::string poller = r.out.substr(0, r.out.find('\n'));
  // The file holds hashes, not secrets, and only its owner may read it.
  std::ifstream in(tokens);
  const std::string text((std::istreambuf_iterator<char>(in)),
                         std::istreambuf_iterator<char>());
  EXPECT_EQ(text.find(reader.substr(21)), std::string::npos);
  struct stat st;
  ASSERT_EQ(stat(tokens.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600);
  testing::WriteTextFile(dir.Sub("writer.token"), writer + "\n");

  testing::ServerProcess server;
  std::string error;
  ASSERT_TRUE(server.Start(
      dir.Sub("data"),
      {"--tokens_file=" + tokens, "--tls_cert_file=" + dir.Sub("server.pem"),
       "--tls_key_file=" + dir.Sub("server.key")},
      &error))
      << error;
  auto run = [&](std::vector<std::string> args,
                 const std::string& stdin_text = "") {
    args.insert(args.begin(), {tsfctl, "--server=" + server.address(),
                               "--tls_ca", dir.Sub("ca.pem")});
    return RunCommand(args, stdin_text);
  };
  r = run({"series", "list"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("UNAUTHENTICATED"), std::string::npos) << r.err;
  setenv("TSF_TOKEN", reader.c_str(), 1);
  r = run({"series", "create", "p", "--step", "1d"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("PERMISSION_DENIED"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("role write"), std::string::npos) << r.err;
  r = run({"--token_file", dir.Sub("writer.token"), "write", "-", "--series",
           "p", "--create-step", "1d"},
          "2024-01-01,1\n2024-01-02,2\n");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  r = run({"read", "p", "-f", "csv"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("2024-01-02T00:00:00Z,2"), std::string::npos) << r.out;
  setenv("TSF_TOKEN", poller.c_str(), 1);
  EXPECT_EQ(run({"series", "list"}).exit_code, 0);
  r = run({"series", "list"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("RESOURCE_EXHAUSTED"), std::string::npos) << r.err;
  unsetenv("TSF_TOKEN");
  // Plaintext against the TLS port does not get through.
  r = RunCommand({tsfctl, "--server=" + server.address(), "--timeout", "3",
                  "series", "list"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("UNAVAILABLE"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace tsforecast
