#include "service/ingest/gunzip.h"

#include <zlib.h>

#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace tsforecast::service::ingest {
namespace {

std::string Gzip(const std::string& text) {
  z_stream z{};
  deflateInit2(&z, Z_BEST_COMPRESSION, Z_DEFLATED, 16 + MAX_WBITS, 8,
               Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&z, text.size()) + 32, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  z.avail_in = static_cast<uInt>(text.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

TEST(GunzipTest, InflatesWithinTheLimit) {
  const std::string text(100000, 'x');
  ASSERT_OK_AND_ASSIGN(std::string out, Gunzip(Gzip(text), 100000));
  EXPECT_EQ(out, text);
}

TEST(GunzipTest, ABombStopsAtTheLimit) {
  const std::string gz = Gzip(std::string(10 << 20, '\0'));
  EXPECT_LT(gz.size(), 20000u);
  EXPECT_STATUS(Gunzip(gz, 1 << 20), absl::StatusCode::kOutOfRange,
                "--line_protocol_max_decoded_bytes");
}

TEST(GunzipTest, NotGzipOrCutShortIsInvalid) {
  EXPECT_STATUS(Gunzip("plain text", 1000), absl::StatusCode::kInvalidArgument,
                "not valid gzip");
  const std::string gz = Gzip("some line protocol");
  EXPECT_STATUS(Gunzip(gz.substr(0, gz.size() - 6), 1000),
                absl::StatusCode::kInvalidArgument, "ends before");
}

}  // namespace
}  // namespace tsforecast::service::ingest
