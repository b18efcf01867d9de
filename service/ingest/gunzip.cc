#include "service/ingest/gunzip.h"

#include <zlib.h>

#include "absl/strings/str_cat.h"

namespace tsforecast::service::ingest {

absl::StatusOr<std::string> Gunzip(absl::string_view body, size_t max_bytes) {
  z_stream z{};
  // 16 + MAX_WBITS: a gzip header and trailer, not raw deflate or zlib.
  if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK) {
    return absl::InternalError("gzip: cannot initialise zlib");
  }
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(body.data()));
  z.avail_in = static_cast<uInt>(body.size());
  std::string out;
  int rc = Z_OK;
  while (rc != Z_STREAM_END) {
    const size_t have = out.size();
    const size_t chunk = std::min<size_t>(64 << 10, max_bytes + 1 - have);
    if (chunk == 0) break;
    out.resize(have + chunk);
    z.next_out = reinterpret_cast<Bytef*>(out.data() + have);
    z.avail_out = static_cast<uInt>(chunk);
    rc = inflate(&z, Z_NO_FLUSH);
    out.resize(have + chunk - z.avail_out);
    if (rc != Z_OK && rc != Z_STREAM_END) {
      inflateEnd(&z);
      return absl::InvalidArgumentError(
          "Content-Encoding gzip: the body is not valid gzip");
    }
    if (rc == Z_OK && z.avail_in == 0 && z.avail_out != 0) {
      inflateEnd(&z);
      return absl::InvalidArgumentError(
          "Content-Encoding gzip: the body ends before the gzip stream does");
    }
  }
  inflateEnd(&z);
  if (rc != Z_STREAM_END || out.size() > max_bytes) {
    return absl::OutOfRangeError(absl::StrCat(
        "the body inflates past ", max_bytes,
        " bytes (server flag --line_protocol_max_decoded_bytes); send "
        "smaller batches"));
  }
  return out;
}

}  // namespace tsforecast::service::ingest
