// Damages a file the way the corruption tests need: XORs single bytes.
#ifndef TSFORECAST_TESTS_TESTING_FLIP_BYTES_H_
#define TSFORECAST_TESTS_TESTING_FLIP_BYTES_H_

#include <filesystem>
#include <fstream>
#include <vector>

namespace tsforecast::testing {

// XORs the byte at each of `offsets` of `path` with 0x5a.
inline void FlipBytes(const std::filesystem::path& path,
                      const std::vector<std::streamoff>& offsets) {
  std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
  for (std::streamoff at : offsets) {
    f.seekg(at);
    char c = 0;
    f.read(&c, 1);
    c = static_cast<char>(c ^ 0x5a);
    f.seekp(at);
    f.write(&c, 1);
  }
}

}  // namespace tsforecast::testing

#endif  // TSFORECAST_TESTS_TESTING_FLIP_BYTES_H_
