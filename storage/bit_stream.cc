#include "storage/bit_stream.h"

namespace tsforecast::storage {

void PutVarint(std::string* out, uint64_t v) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

bool GetVarint(absl::string_view in, size_t* pos, uint64_t* v) {
  uint64_t result = 0;
  for (int shift = 0; shift <= 63 && *pos < in.size(); shift += 7) {
    const uint8_t byte = static_cast<uint8_t>(in[(*pos)++]);
    result |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) {
      *v = result;
      return true;
    }
  }
  return false;
}

void BitWriter::Write(uint64_t v, int n) {
  // Split so that acc_ (holding < 8 pending bits) never overflows.
  while (n > 0) {
    const int take = n > 32 ? 32 : n;
    n -= take;
    const uint64_t chunk = (v >> n) & ((uint64_t{1} << take) - 1);
    acc_ = (acc_ << take) | chunk;
    bits_ += take;
    while (bits_ >= 8) {
      bits_ -= 8;
      out_->push_back(static_cast<char>((acc_ >> bits_) & 0xff));
    }
    acc_ &= (uint64_t{1} << bits_) - 1;
  }
}

void BitWriter::WriteUnary(uint64_t n) {
  while (n >= 32) {
    Write(0xffffffffu, 32);
    n -= 32;
  }
  Write(((uint64_t{1} << n) - 1) << 1, static_cast<int>(n) + 1);
}

void BitWriter::Finish() {
  if (bits_ > 0) {
    out_->push_back(static_cast<char>((acc_ << (8 - bits_)) & 0xff));
    acc_ = 0;
    bits_ = 0;
  }
}

}  // namespace tsforecast::storage
