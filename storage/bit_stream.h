// Bit-level and varint writers/readers for the block encodings. Bits are
// written most significant first within each byte.
#ifndef TSFORECAST_STORAGE_BIT_STREAM_H_
#define TSFORECAST_STORAGE_BIT_STREAM_H_

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"

namespace tsforecast::storage {

inline uint64_t ZigZagEncode(int64_t v) {
  return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
}
inline int64_t ZigZagDecode(uint64_t u) {
  return static_cast<int64_t>(u >> 1) ^ -static_cast<int64_t>(u & 1);
}

void PutVarint(std::string* out, uint64_t v);
// Reads a varint at `*pos` and advances it. False on truncation or overflow.
bool GetVarint(absl::string_view in, size_t* pos, uint64_t* v);

class BitWriter {
 public:
  explicit BitWriter(std::string* out) : out_(out) {}
  // Writes the low `n` bits of `v`, n in [0, 64].
  void Write(uint64_t v, int n);
  // Writes `n` one bits then a zero bit.
  void WriteUnary(uint64_t n);
  // Pads the last byte with zeros and appends it.
  void Finish();

 private:
  std::string* out_;
  uint64_t acc_ = 0;
  int bits_ = 0;  // bits pending in acc_, < 8 between calls
};

class BitReader {
 public:
  explicit BitReader(absl::string_view in) : in_(in) {}
  // Reads `n` bits (n in [0, 64]) into `*v`. False past the end.
  bool Read(int n, uint64_t* v);
  // Reads ones up to a zero bit; at most `max` ones. False past the end.
  bool ReadUnary(uint64_t max, uint64_t* n);
  // Bytes consumed so far, counting a partly read byte.
  size_t BytesConsumed() const { return (bit_pos_ + 7) / 8; }

 private:
  absl::string_view in_;
  size_t bit_pos_ = 0;
};

}  // namespace tsforecast::storage

#endif  // TSFORECAST_STORAGE_BIT_STREAM_H_
