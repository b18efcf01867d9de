// Verification of the store: the MANIFEST, SST files against it and their
// block checksums file by file, and whole reads of every series (which
// also decode our own block format); and the offline repair of a damaged
// MANIFEST.
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "rocksdb/convenience.h"
#include "rocksdb/db.h"
#include "rocksdb/metadata.h"
#include "storage/rocks_keys.h"
#include "storage/rocks_live_files.h"
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

// As CheckSstFile, and a file missing or of another size than the
// MANIFEST records is named as such.
std::string CheckLiveFile(const rocksdb::LiveFileMetaData& file) {
  const std::string path = LiveFilePath(file);
  const std::string name = LiveFileName(file);
  std::error_code ec;
  const uintmax_t size = std::filesystem::file_size(path, ec);
  if (ec) return absl::StrCat(name, ": missing (", ec.message(), ")");
  if (size != file.size) {
    return absl::StrCat(name, ": ", size, " bytes, the MANIFEST records ",
                        file.size, " (truncated or overwritten)");
  }
  return CheckSstFile(path);
}

// Every live file of `db` through CheckLiveFile, into `report`. A file a
// compaction replaced meanwhile is not damage: only one still live after
// its check is reported.
void CheckLiveFiles(rocksdb::DB* db, VerifyReport* report) {
  std::vector<rocksdb::LiveFileMetaData> files;
  db->GetLiveFilesMetaData(&files);
  for (const rocksdb::LiveFileMetaData& file : files) {
    ++report->files_checked;
    std::string damage = CheckLiveFile(file);
    if (!damage.empty() && IsLiveFile(db, file.name)) {
      report->damaged_files.push_back(std::move(damage));
    }
  }
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
  // The MANIFEST lists the live files with their sizes: a read-only open
  // reads it (a damaged MANIFEST fails here) without taking the lock of a
  // running server.
  std::vector<std::string> families;
  rocksdb::Status s = rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(),
                                                      data_dir, &families);
  std::unique_ptr<rocksdb::DB> db;
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  if (s.ok()) {
    std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
    for (const std::string& name : families)
      descriptors.emplace_back(name, rocksdb::ColumnFamilyOptions());
    rocksdb::DB* raw = nullptr;
    rocksdb::DBOptions options;
    options.paranoid_checks = false;
    options.max_open_files = 16;
    s = rocksdb::DB::OpenForReadOnly(options, data_dir, descriptors, &handles,
                                     &raw);
    db.reset(raw);
  }
  if (!s.ok()) {
    report.damaged_files.push_back(
        absl::StrCat("MANIFEST: ", s.ToString(),
                     " (see deploy/runbook.md, \"Damaged MANIFEST\")"));
  } else {
    CheckLiveFiles(db.get(), &report);
    for (rocksdb::ColumnFamilyHandle* h : handles) {
      db->DestroyColumnFamilyHandle(h).PermitUncheckedError();
    }
    db->Close().PermitUncheckedError();
  }
  return report;
}

absl::Status RepairDataDir(const std::string& data_dir) {
  std::error_code ec;
  if (!std::filesystem::is_directory(data_dir, ec)) {
    return absl::NotFoundError(
        absl::StrCat("data_dir \"", data_dir, "\" is not a directory"));
  }
  std::vector<rocksdb::ColumnFamilyDescriptor> families;
  for (const char* name :
       {rocksdb::kDefaultColumnFamilyName.c_str(), kPointsFamily,
        kRevisionsFamily, kAttachmentsFamily}) {
    families.emplace_back(name, rocksdb::ColumnFamilyOptions());
  }
  rocksdb::DBOptions options;
  options.paranoid_checks = false;
  return FromRocks(rocksdb::RepairDB(data_dir, options, families));
}

absl::StatusOr<VerifyReport> RocksSeriesStore::Verify() {
  VerifyReport report;
  CheckLiveFiles(db_.get(), &report);
  // Ranges already quarantined are damage too, until deleted.
  for (std::string& d : DescribeDamage()) {
    report.damaged_series.push_back(std::move(d));
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
