// Small facts about RocksDB's live table files, shared by verification
// (rocks_verify.cc) and quarantine (rocks_quarantine.cc).
#ifndef TSFORECAST_STORAGE_ROCKS_LIVE_FILES_H_
#define TSFORECAST_STORAGE_ROCKS_LIVE_FILES_H_

#include <filesystem>
#include <string>
#include <vector>

#include "rocksdb/db.h"
#include "rocksdb/metadata.h"

namespace tsforecast::storage {

// Where the file is on disk.
inline std::string LiveFilePath(const rocksdb::LiveFileMetaData& f) {
  return f.db_path + "/" + f.name;
}

// "000019.sst": RocksDB names live files "/000019.sst".
inline std::string LiveFileName(const rocksdb::LiveFileMetaData& f) {
  return std::filesystem::path(f.name).filename().string();
}

// Whether `name` (as LiveFileMetaData::name) is still part of the tree: a
// compaction may have replaced a file since it was listed.
inline bool IsLiveFile(rocksdb::DB* db, const std::string& name) {
  std::vector<rocksdb::LiveFileMetaData> files;
  db->GetLiveFilesMetaData(&files);
  for (const rocksdb::LiveFileMetaData& g : files) {
    if (g.name == name) return true;
  }
  return false;
}

}  // namespace tsforecast::storage

#endif  // TSFORECAST_STORAGE_ROCKS_LIVE_FILES_H_
