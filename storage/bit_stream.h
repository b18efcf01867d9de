// Bit-level and varint writers/readers for the block encodings. Bits are
// written most significant first within each byte.
#ifndef TSFORECAST_STORAGE_BIT_STREAM_H_
#define TSFORECAST_STORAGE_BIT_STREAM_H_

#include <bit>
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

// Reads through a 64-bit window refilled a byte at a time, so that runs of
// bits cost a shift rather than a loop per bit (decoding is on the read path
// of every query).
class BitReader {
 public:
  explicit BitReader(absl::string_view in)
      : begin_(reinterpret_cast<const uint8_t*>(in.data())),
        next_(begin_),
        end_(begin_ + in.size()) {}

  // Reads `n` bits (n in [0, 64]) into `*v`. False past the end.
  bool Read(int n, uint64_t* v) {
    if (n > 56) {
      uint64_t high = 0, low = 0;
      if (!Read(n - 32, &high) || !Read(32, &low)) return false;
      *v = (high << 32) | low;
      return true;
    }
    if (n == 0) {
      *v = 0;
      return true;
    }
    if (avail_ < n) {
      Refill();
      if (avail_ < n) return false;
    }
    *v = window_ >> (64 - n);
    window_ <<= n;
    avail_ -= n;
    return true;
  }

  // Counts one bits up to `max`. When a zero comes first it is consumed too;
  // when `max` ones come first, nothing after them is. False past the end.
  bool ReadOnes(int max, int* count) {
    int ones = 0;
    while (true) {
      if (avail_ == 0) {
        Refill();
        if (avail_ == 0) return false;
      }
      int run = std::countl_one(window_);
      if (run > avail_) run = avail_;
      if (run > max - ones) run = max - ones;
      window_ <<= run;
      avail_ -= run;
      ones += run;
      if (ones == max) break;
      if (avail_ > 0) {  // the next bit is the terminating zero
        window_ <<= 1;
        --avail_;
        break;
      }
    }
    *count = ones;
    return true;
  }

  // Bytes consumed so far, counting a partly read byte.
  size_t BytesConsumed() const {
    return static_cast<size_t>(next_ - begin_) -
           static_cast<size_t>(avail_ / 8);
  }

 private:
  void Refill() {
    while (avail_ <= 56 && next_ < end_) {
      window_ |= static_cast<uint64_t>(*next_++) << (56 - avail_);
      avail_ += 8;
    }
  }

  const uint8_t* begin_;
  const uint8_t* next_;
  const uint8_t* end_;
  uint64_t window_ = 0;  // unread bits, most significant first
  int avail_ = 0;        // number of valid bits in window_
};

}  // namespace tsforecast::storage

#endif  // TSFORECAST_STORAGE_BIT_STREAM_H_
