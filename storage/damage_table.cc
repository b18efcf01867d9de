#include "storage/damage_table.h"

#include "storage/rocks_keys.h"

namespace tsforecast::storage {
namespace {

uint64_t Flip(int64_t window) {
  return static_cast<uint64_t>(window) ^ (uint64_t{1} << 63);
}
int64_t Unflip(uint64_t v) {
  return static_cast<int64_t>(v ^ (uint64_t{1} << 63));
}

}  // namespace

std::string DamageKeyPrefix(SeriesId id) {
  std::string key(1, kDamageKeyPrefix);
  PutFixed64BE(&key, id);
  return key;
}

std::string DamageKey(SeriesId id, int64_t first_window) {
  std::string key = DamageKeyPrefix(id);
  PutFixed64BE(&key, Flip(first_window));
  return key;
}

std::string EncodeDamage(const DamagedRange& range) {
  std::string value;
  PutFixed64BE(&value, Flip(range.last_window));
  value += range.file;
  return value;
}

absl::StatusOr<DamagedRange> DecodeDamage(absl::string_view key,
                                          absl::string_view value) {
  if (key.size() != 17 || key[0] != kDamageKeyPrefix || value.size() < 8) {
    return absl::DataLossError("damaged-range record: bad length");
  }
  DamagedRange range;
  range.id = GetFixed64BE(key.data() + 1);
  range.first_window = Unflip(GetFixed64BE(key.data() + 9));
  range.last_window = Unflip(GetFixed64BE(value.data()));
  range.file = std::string(value.substr(8));
  return range;
}

void DamageTable::Add(const DamagedRange& range) {
  absl::MutexLock lock(&mu_);
  for (auto [it, end] = ranges_.equal_range(range.id); it != end; ++it) {
    if (it->second == range) return;
  }
  ranges_.emplace(range.id, range);
  size_.store(ranges_.size());
}

void DamageTable::EraseSeries(SeriesId id) {
  absl::MutexLock lock(&mu_);
  ranges_.erase(id);
  size_.store(ranges_.size());
}

std::vector<DamagedRange> DamageTable::EraseWithin(SeriesId id, int64_t first,
                                                   int64_t last) {
  std::vector<DamagedRange> erased;
  if (size_.load() == 0) return erased;
  absl::MutexLock lock(&mu_);
  for (auto [it, end] = ranges_.equal_range(id); it != end;) {
    if (it->second.first_window >= first && it->second.last_window <= last) {
      erased.push_back(it->second);
      it = ranges_.erase(it);
    } else {
      ++it;
    }
  }
  size_.store(ranges_.size());
  return erased;
}

std::vector<DamagedRange> DamageTable::Overlapping(SeriesId id, int64_t first,
                                                   int64_t last) const {
  std::vector<DamagedRange> out;
  if (size_.load() == 0) return out;
  absl::MutexLock lock(&mu_);
  for (auto [it, end] = ranges_.equal_range(id); it != end; ++it) {
    if (it->second.first_window <= last && it->second.last_window >= first) {
      out.push_back(it->second);
    }
  }
  return out;
}

std::vector<DamagedRange> DamageTable::All() const {
  absl::MutexLock lock(&mu_);
  std::vector<DamagedRange> out;
  for (const auto& [id, range] : ranges_) out.push_back(range);
  return out;
}

}  // namespace tsforecast::storage
