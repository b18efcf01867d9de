// tsfctl: command-line client of tsforecastd. The commands live by group
// in *_commands.cc; the admin commands, which are one call each, live here.
// Exit codes: see client.h.
#include <iostream>
#include <string>

#include "CLI/CLI.hpp"
#include "absl/strings/str_cat.h"
#include "storage/series_store.h"
#include "tools/tsfctl/client.h"
#include "tools/tsfctl/forecast_commands.h"
#include "tools/tsfctl/points_commands.h"
#include "tools/tsfctl/series_commands.h"
#include "tools/tsfctl/token_commands.h"

namespace tsforecast::tsfctl {
namespace {

void Backup(const Client& c, const std::string& dir) {
  v1::BackupRequest req;
  req.set_directory(dir);
  v1::BackupResponse resp;
  Check(c.admin->Backup(c.Context().get(), req, &resp), "backup");
  std::cout << "backup written to " << resp.directory() << " (" << resp.bytes()
            << " bytes); restore with tsforecastd --restore_from="
            << resp.directory() << " --data_dir=NEW_DIR\n";
  for (const std::string& lost : resp.left_out()) {
    std::cerr << "left out (lost to a damaged table file): " << lost << "\n";
  }
}

void Compact(const Client& c) {
  v1::CompactResponse resp;
  auto ctx = c.Context(/*streaming=*/true);  // may take long: no deadline
  Check(c.admin->Compact(ctx.get(), v1::CompactRequest(), &resp), "compact");
  std::cerr << "compacted\n";
}

void Stats(const Client& c) {
  v1::GetStorageStatsResponse resp;
  Check(c.admin->GetStorageStats(c.Context().get(),
                                 v1::GetStorageStatsRequest(), &resp),
        "stats");
  PrintRows(
      std::cout, c.format(),
      {"series", "points_sst_bytes", "meta_sst_bytes", "wal_bytes",
       "memtable_bytes", "points_written", "head_points", "head_bytes",
       "head_log_bytes", "head_checkpoints"},
      {{absl::StrCat(resp.series_count()),
        absl::StrCat(resp.points_sst_bytes()),
        absl::StrCat(resp.meta_sst_bytes()), absl::StrCat(resp.wal_bytes()),
        absl::StrCat(resp.memtable_bytes()),
        absl::StrCat(resp.points_written()), absl::StrCat(resp.head_points()),
        absl::StrCat(resp.head_bytes()), absl::StrCat(resp.head_log_bytes()),
        absl::StrCat(resp.head_checkpoints())}});
}

// Prints what a verification found; exits 1 when anything is damaged.
void PrintVerify(uint64_t files, uint64_t series,
                 const std::vector<std::string>& damaged_files,
                 const std::vector<std::string>& damaged_series) {
  for (const std::string& d : damaged_files) {
    std::cout << "damaged file: " << d << "\n";
  }
  for (const std::string& d : damaged_series) {
    std::cout << "damaged series: " << d << "\n";
  }
  std::cerr << "checked " << files << " files and " << series << " series: "
            << (damaged_files.empty() && damaged_series.empty()
                    ? "no damage"
                    : absl::StrCat(damaged_files.size(), " damaged files, ",
                                   damaged_series.size(),
                                   " series with unreadable ranges"))
            << "\n";
  if (!damaged_files.empty() || !damaged_series.empty()) {
    throw Exit{kExitServerError};
  }
}

// Online through the server, or offline (server stopped) on a data dir.
void Verify(const Client* c, const std::string& data_dir) {
  if (!data_dir.empty()) {
    absl::StatusOr<storage::VerifyReport> report =
        storage::VerifyDataDirFiles(data_dir);
    if (!report.ok()) Usage(std::string(report.status().message()));
    PrintVerify(report->files_checked, 0, report->damaged_files, {});
    return;
  }
  v1::VerifyResponse resp;
  auto ctx = c->Context(/*streaming=*/true);  // reads everything: no deadline
  Check(c->admin->Verify(ctx.get(), v1::VerifyRequest(), &resp), "verify");
  PrintVerify(resp.files_checked(), resp.series_checked(),
              {resp.damaged_files().begin(), resp.damaged_files().end()},
              {resp.damaged_series().begin(), resp.damaged_series().end()});
}

int Run(int argc, char** argv) {
  CLI::App app{"tsfctl: command-line client of the tsforecast server"};
  app.require_subcommand(1);
  // Global options may come after the subcommand too (inherited setting).
  app.fallthrough();
  Globals g;
  app.add_option("-s,--server", g.server, "server address host:port")
      ->capture_default_str();
  app.add_option("--timeout", g.timeout_s,
                 "deadline per call, seconds (0: none)")
      ->capture_default_str();
  app.add_option("-f,--format", g.format, "output: table, csv or json")
      ->capture_default_str();
  app.add_flag("--epoch-ms", g.epoch_ms,
               "print timestamps as epoch milliseconds, not ISO-8601");
  app.add_option("--token_file", g.token_file,
                 "file holding the bearer token (default: $TSF_TOKEN)");
  app.add_flag("--tls", g.tls, "use TLS, trusting the system's CAs");
  app.add_option("--tls_ca", g.tls_ca,
                 "use TLS, trusting this PEM CA (implies --tls)");
  app.add_option("--tls_cert", g.tls_cert,
                 "client certificate for mTLS (PEM, with --tls_key)");
  app.add_option("--tls_key", g.tls_key, "client key for mTLS (PEM)");

  const auto run_series = AddSeriesCommands(app);
  const auto run_points = AddPointsCommands(app);
  const auto run_forecasts = AddForecastCommands(app);
  const auto run_tokens = AddTokenCommands(app);

  std::string backup_dir;
  CLI::App* backup = app.add_subcommand(
      "backup", "online backup into a directory on the server");
  backup
      ->add_option("directory", backup_dir,
                   "absolute path that does not exist yet")
      ->required();
  CLI::App* compact =
      app.add_subcommand("compact", "flush and fully compact the store");
  CLI::App* stats = app.add_subcommand("stats", "storage statistics");
  std::string verify_dir;
  CLI::App* verify = app.add_subcommand(
      "verify",
      "check checksums and read every series; exit 1 if anything is damaged");
  verify->add_option("--data_dir", verify_dir,
                     "check the SST files of a stopped server's data dir "
                     "instead of asking the server");

  std::string repair_dir;
  CLI::App* repair = app.add_subcommand(
      "repair",
      "rebuild a stopped server's damaged MANIFEST from its table files "
      "(deploy/runbook.md); run verify --data_dir after it");
  repair->add_option("--data_dir", repair_dir, "the stopped server's data dir")
      ->required();

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : kExitUsage;
  }
  try {
    // Token commands work on a file, not the server; so do an offline
    // verify and a repair.
    if (run_tokens()) return 0;
    if (verify->parsed() && !verify_dir.empty()) {
      Verify(nullptr, verify_dir);
      return 0;
    }
    if (repair->parsed()) {
      const absl::Status s = storage::RepairDataDir(repair_dir);
      if (!s.ok()) {
        std::cerr << "tsfctl: repair failed: " << s << "\n";
        return kExitServerError;
      }
      std::cerr << "repaired " << repair_dir
                << "; now run tsfctl verify --data_dir " << repair_dir << "\n";
      return 0;
    }
    Client client(g);
    run_series(client);
    run_points(client);
    run_forecasts(client);
    if (backup->parsed()) Backup(client, backup_dir);
    if (compact->parsed()) Compact(client);
    if (stats->parsed()) Stats(client);
    if (verify->parsed()) Verify(&client, "");
  } catch (const Exit& e) {
    return e.code;
  }
  return 0;
}

}  // namespace
}  // namespace tsforecast::tsfctl

#if defined(__SANITIZE_ADDRESS__)
// For the ASan build: fontconfig, which librsvg loads to draw the text of
// --plot PNGs, keeps its font cache until exit by design.
extern "C" const char* __lsan_default_suppressions() {
  return "leak:libfontconfig.so\n";
}
#endif

int main(int argc, char** argv) { return tsforecast::tsfctl::Run(argc, argv); }
