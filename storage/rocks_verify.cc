// Verification of the store: SST block checksums file by file, and whole
// reads of every series (which also decode our own block format).
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "rocksdb/convenience.h"
#include "rocksdb/metadata.h"
#include "storage/rocks_series_store.h"
#include "storage/rocks_status.h"

namespace tsforecast::storage {
namespace {

// "000017.sst: Corruption: ..." or "" when the file checks out.
std::string CheckSstFile(const std::string& path) {
  rocksdb::Options options;
  rocksdb::Status s =
      rocksdb::VerifySstFileChecksum(options, rocksdb::EnvOptions(), path);
  if (s.ok()) return "";
  return absl::StrCat(std::filesystem::path(path).filename().string(), ": ",
                      s.ToString());
}

}  // namespace

absl::StatusOr<VerifyReport> VerifyDataDirFiles(const std::string& data_dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(data_dir, ec)) {
    return absl::NotFoundError(
        absl::StrCat("data_dir \"", data_dir, "\" is not a directory"));
  }
  VerifyReport report;
  for (const fs::directory_entry& entry : fs::directory_iterator(data_dir)) {
    if (entry.path().extension() != ".sst") continue;
    ++report.files_checked;
    std::string damage = CheckSstFile(entry.path().string());
    if (!damage.empty()) report.damaged_files.push_back(std::move(damage));
  }
  return report;
}

absl::StatusOr<VerifyReport> RocksSeriesStore::Verify() {
  VerifyReport report;
  std::vector<rocksdb::LiveFileMetaData> files;
  db_->GetLiveFilesMetaData(&files);
  for (const rocksdb::LiveFileMetaData& file : files) {
    ++report.files_checked;
    std::string damage = CheckSstFile(file.db_path + "/" + file.name);
    if (!damage.empty()) report.damaged_files.push_back(std::move(damage));
  }
  absl::StatusOr<std::vector<SeriesInfo>> series =
      ListSeries({}, "", std::numeric_limits<size_t>::max());
  if (!series.ok()) return series.status();
  for (const SeriesInfo& info : *series) {
    ++report.series_checked;
    absl::StatusOr<ReadResult> read = Read(info.definition.name, {}, 0);
    if (!read.ok() && read.status().code() == absl::StatusCode::kDataLoss) {
      report.damaged_series.push_back(std::string(read.status().message()));
    }
  }
  return report;
}

}  // namespace tsforecast::storage
