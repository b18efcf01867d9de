// CRC-32C (Castagnoli), the checksum of the head log's records. Debian's
// RocksDB keeps its own CRC32C internal, and Abseil 20220623 has none.
#ifndef TSFORECAST_STORAGE_CRC32C_H_
#define TSFORECAST_STORAGE_CRC32C_H_

#include <cstdint>

#include "absl/strings/string_view.h"

namespace tsforecast::storage {

// The CRC-32C of `data`, continuing from `crc` (0 to start).
uint32_t Crc32c(absl::string_view data, uint32_t crc = 0);

}  // namespace tsforecast::storage

#endif  // TSFORECAST_STORAGE_CRC32C_H_
