// Gzip-encoded request bodies (Content-Encoding: gzip, as InfluxDB clients
// and Telegraf send line protocol), inflated within a size limit that is
// checked as the output grows, so a small bomb cannot exhaust memory.
#ifndef TSFORECAST_SERVICE_INGEST_GUNZIP_H_
#define TSFORECAST_SERVICE_INGEST_GUNZIP_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace tsforecast::service::ingest {

// The inflated body. OUT_OF_RANGE past `max_bytes` of output,
// INVALID_ARGUMENT when `body` is not gzip.
absl::StatusOr<std::string> Gunzip(absl::string_view body, size_t max_bytes);

}  // namespace tsforecast::service::ingest

#endif  // TSFORECAST_SERVICE_INGEST_GUNZIP_H_
