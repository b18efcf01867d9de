// The storage block decoder and point codec on arbitrary bytes: a damaged
// or hostile value must decode to an error, never crash or overrun.
#include <cstddef>
#include <cstdint>
#include <string>

#include "storage/block_record.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  tsforecast::storage::BlockRecord block;
  if (tsforecast::storage::DecodeBlockRecord(bytes, &block).ok()) {
    // What decodes must encode again and decode to the same points.
    const std::string again = tsforecast::storage::EncodeBlockRecord(block);
    tsforecast::storage::BlockRecord round;
    if (!tsforecast::storage::DecodeBlockRecord(again, &round).ok() ||
        round.points.size() != block.points.size()) {
      __builtin_trap();
    }
  }
  return 0;
}
