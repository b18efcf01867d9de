#include "storage/point_codec.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "common/calendar_step.h"
#include "storage/bit_stream.h"

namespace tsforecast::storage {
namespace {

enum ValueMode : uint8_t { kDecimal = 1, kXor = 2 };
enum Predictor : uint8_t { kPrevious = 0, kMinimum = 1 };

constexpr int kMaxExponent = 9;
constexpr double kPow10[kMaxExponent + 1] = {1e0, 1e1, 1e2, 1e3, 1e4,
                                             1e5, 1e6, 1e7, 1e8, 1e9};
constexpr double kMaxExactInteger = 9007199254740992.0;  // 2^53
constexpr size_t kPartition = 64;
// Quotients of this size or more are written as an escape and 64 raw bits.
constexpr uint64_t kEscapeQuotient = 32;

absl::Status Corrupt(absl::string_view what) {
  return absl::DataLossError(absl::StrCat("corrupt point block: ", what));
}

bool SameBits(double a, double b) {
  return std::memcmp(&a, &b, sizeof(double)) == 0;
}

// Scales every value by 10^e for the smallest e that makes all of them exact
// integers. False when there is none.
bool ToDecimals(absl::Span<const Point> points, int* exponent,
                std::vector<int64_t>* ints) {
  for (int e = 0; e <= kMaxExponent; ++e) {
    ints->clear();
    bool ok = true;
    for (const Point& p : points) {
      const double scaled = p.value * kPow10[e];
      if (!(std::fabs(scaled) < kMaxExactInteger)) {
        ok = false;
        break;
      }
      const int64_t m = std::llround(scaled);
      if (!SameBits(static_cast<double>(m) / kPow10[e], p.value)) {
        ok = false;
        break;
      }
      ints->push_back(m);
    }
    if (ok) {
      *exponent = e;
      return true;
    }
    // Values that need more digits than e usually fail on the first point;
    // a value failing on a later point is rare, so retrying is cheap.
  }
  return false;
}

uint64_t RiceCost(absl::Span<const uint64_t> us, int k) {
  uint64_t bits = 0;
  for (uint64_t u : us) {
    const uint64_t q = u >> k;
    bits += q < kEscapeQuotient ? q + 1 + k : kEscapeQuotient + 64;
  }
  return bits;
}

int BestRiceParameter(absl::Span<const uint64_t> us, uint64_t* cost) {
  uint64_t sum = 0;
  for (uint64_t u : us) sum += std::min<uint64_t>(u, uint64_t{1} << 56);
  const uint64_t mean = us.empty() ? 0 : sum / us.size();
  const int guess = mean == 0 ? 0 : std::bit_width(mean) - 1;
  int best_k = 0;
  uint64_t best = UINT64_MAX;
  for (int k = std::max(0, guess - 3); k <= std::min(62, guess + 3); ++k) {
    const uint64_t c = RiceCost(us, k);
    if (c < best) {
      best = c;
      best_k = k;
    }
  }
  *cost = best;
  return best_k;
}

uint64_t TotalRiceCost(absl::Span<const uint64_t> us) {
  uint64_t total = 0;
  for (size_t i = 0; i < us.size(); i += kPartition) {
    uint64_t cost = 0;
    BestRiceParameter(us.subspan(i, std::min(kPartition, us.size() - i)),
                      &cost);
    total += cost + 6;
  }
  return total;
}

void WriteRice(absl::Span<const uint64_t> us, BitWriter* w) {
  for (size_t i = 0; i < us.size(); i += kPartition) {
    const auto part = us.subspan(i, std::min(kPartition, us.size() - i));
    uint64_t cost = 0;
    const int k = BestRiceParameter(part, &cost);
    w->Write(k, 6);
    for (uint64_t u : part) {
      const uint64_t q = u >> k;
      if (q < kEscapeQuotient) {
        w->WriteUnary(q);
        w->Write(u, k);
      } else {
        w->Write((uint64_t{1} << kEscapeQuotient) - 1, kEscapeQuotient);
        w->Write(u, 64);
      }
    }
  }
}

bool ReadRice(BitReader* r, size_t n, std::vector<uint64_t>* us) {
  for (size_t i = 0; i < n; i += kPartition) {
    const size_t len = std::min(kPartition, n - i);
    uint64_t k = 0;
    if (!r->Read(6, &k) || k > 62) return false;
    for (size_t j = 0; j < len; ++j) {
      int ones = 0;
      // Up to kEscapeQuotient ones; exactly that many means an escape.
      if (!r->ReadOnes(static_cast<int>(kEscapeQuotient), &ones)) return false;
      const uint64_t q = static_cast<uint64_t>(ones);
      uint64_t u = 0;
      if (q == kEscapeQuotient) {
        if (!r->Read(64, &u)) return false;
      } else {
        uint64_t low = 0;
        if (!r->Read(static_cast<int>(k), &low)) return false;
        u = (q << k) | low;
      }
      us->push_back(u);
    }
  }
  return true;
}

void EncodeTimestamps(absl::Span<const Point> points, std::string* out) {
  PutVarint(out, ZigZagEncode(points[0].timestamp_ms));
  if (points.size() < 2) return;
  int64_t prev_delta = points[1].timestamp_ms - points[0].timestamp_ms;
  PutVarint(out, ZigZagEncode(prev_delta));
  uint64_t zeros = 0;
  for (size_t i = 2; i < points.size(); ++i) {
    const int64_t delta = points[i].timestamp_ms - points[i - 1].timestamp_ms;
    const int64_t dod = delta - prev_delta;
    prev_delta = delta;
    if (dod == 0) {
      ++zeros;
      continue;
    }
    if (zeros > 0) {
      PutVarint(out, (zeros << 1) | 1);
      zeros = 0;
    }
    PutVarint(out, ZigZagEncode(dod) << 1);
  }
  if (zeros > 0) PutVarint(out, (zeros << 1) | 1);
}

// Damaged or hostile input can hold any deltas: sums are taken unsigned
// (wrapping, so defined), and what does not make sense is caught after.
int64_t WrapAdd(int64_t a, int64_t b) {
  return static_cast<int64_t>(static_cast<uint64_t>(a) +
                              static_cast<uint64_t>(b));
}

bool DecodeTimestamps(absl::string_view in, size_t* pos, size_t n,
                      std::vector<int64_t>* ts) {
  // Every timestamp must lie in the valid years, or the block is corrupt.
  auto push = [ts](int64_t t) {
    if (!IsValidTimestampMs(t)) return false;
    ts->push_back(t);
    return true;
  };
  uint64_t v = 0;
  if (!GetVarint(in, pos, &v) || !push(ZigZagDecode(v))) return false;
  if (n < 2) return true;
  if (!GetVarint(in, pos, &v)) return false;
  int64_t delta = ZigZagDecode(v);
  if (!push(WrapAdd(ts->back(), delta))) return false;
  while (ts->size() < n) {
    if (!GetVarint(in, pos, &v)) return false;
    if (v & 1) {
      const uint64_t run = v >> 1;
      if (run == 0 || run > n - ts->size()) return false;
      for (uint64_t i = 0; i < run; ++i) {
        if (!push(WrapAdd(ts->back(), delta))) return false;
      }
    } else {
      delta = WrapAdd(delta, ZigZagDecode(v >> 1));
      if (!push(WrapAdd(ts->back(), delta))) return false;
    }
  }
  return true;
}

void EncodeXor(absl::Span<const Point> points, std::string* out) {
  BitWriter w(out);
  uint64_t prev = std::bit_cast<uint64_t>(points[0].value);
  w.Write(prev, 64);
  int prev_lead = -1, prev_trail = 0;
  for (size_t i = 1; i < points.size(); ++i) {
    const uint64_t cur = std::bit_cast<uint64_t>(points[i].value);
    const uint64_t x = cur ^ prev;
    prev = cur;
    if (x == 0) {
      w.Write(0, 1);
      continue;
    }
    const int lead = std::min(std::countl_zero(x), 63);
    const int trail = std::countr_zero(x);
    if (prev_lead >= 0 && lead >= prev_lead && trail >= prev_trail) {
      w.Write(0b10, 2);
      w.Write(x >> prev_trail, 64 - prev_lead - prev_trail);
    } else {
      const int len = 64 - lead - trail;
      w.Write(0b11, 2);
      w.Write(lead, 6);
      w.Write(len - 1, 6);
      w.Write(x >> trail, len);
      prev_lead = lead;
      prev_trail = trail;
    }
  }
  w.Finish();
}

bool DecodeXor(absl::string_view in, size_t* pos, size_t n,
               std::vector<double>* values) {
  BitReader r(in.substr(*pos));
  uint64_t prev = 0;
  if (!r.Read(64, &prev)) return false;
  values->push_back(std::bit_cast<double>(prev));
  int lead = 0, trail = 0;
  for (size_t i = 1; i < n; ++i) {
    uint64_t bit = 0;
    if (!r.Read(1, &bit)) return false;
    if (bit == 1) {
      if (!r.Read(1, &bit)) return false;
      if (bit == 1) {
        uint64_t l = 0, len = 0;
        if (!r.Read(6, &l) || !r.Read(6, &len)) return false;
        lead = static_cast<int>(l);
        trail = 64 - lead - static_cast<int>(len + 1);
        if (trail < 0) return false;
      }
      uint64_t bits = 0;
      if (!r.Read(64 - lead - trail, &bits)) return false;
      prev ^= bits << trail;
    }
    values->push_back(std::bit_cast<double>(prev));
  }
  *pos += r.BytesConsumed();
  return true;
}

void EncodeDecimal(int exponent, const std::vector<int64_t>& ints,
                   std::string* out) {
  std::vector<uint64_t> from_previous, from_minimum;
  from_previous.reserve(ints.size());
  const int64_t min = *std::min_element(ints.begin(), ints.end());
  for (size_t i = 1; i < ints.size(); ++i) {
    from_previous.push_back(ZigZagEncode(ints[i] - ints[i - 1]));
  }
  for (int64_t m : ints) from_minimum.push_back(static_cast<uint64_t>(m - min));
  const bool use_min =
      TotalRiceCost(from_minimum) < TotalRiceCost(from_previous);
  out->push_back(static_cast<char>(exponent));
  out->push_back(static_cast<char>(use_min ? kMinimum : kPrevious));
  PutVarint(out, ZigZagEncode(use_min ? min : ints[0]));
  BitWriter w(out);
  WriteRice(use_min ? from_minimum : from_previous, &w);
  w.Finish();
}

bool DecodeDecimal(absl::string_view in, size_t* pos, size_t n,
                   std::vector<double>* values) {
  if (*pos + 2 > in.size()) return false;
  const int exponent = static_cast<uint8_t>(in[(*pos)++]);
  const uint8_t predictor = static_cast<uint8_t>(in[(*pos)++]);
  if (exponent > kMaxExponent || predictor > kMinimum) return false;
  uint64_t base_u = 0;
  if (!GetVarint(in, pos, &base_u)) return false;
  const int64_t base = ZigZagDecode(base_u);
  BitReader r(in.substr(*pos));
  std::vector<uint64_t> us;
  us.reserve(n);
  const size_t coded = predictor == kMinimum ? n : n - 1;
  if (!ReadRice(&r, coded, &us)) return false;
  *pos += r.BytesConsumed();
  const double scale = kPow10[exponent];
  if (predictor == kMinimum) {
    for (uint64_t u : us) {
      values->push_back(
          static_cast<double>(WrapAdd(base, static_cast<int64_t>(u))) / scale);
    }
  } else {
    int64_t m = base;
    values->push_back(static_cast<double>(m) / scale);
    for (uint64_t u : us) {
      m = WrapAdd(m, ZigZagDecode(u));
      values->push_back(static_cast<double>(m) / scale);
    }
  }
  return true;
}

}  // namespace

void EncodePoints(absl::Span<const Point> points, std::string* out) {
  PutVarint(out, points.size());
  if (points.empty()) return;
  EncodeTimestamps(points, out);
  int exponent = 0;
  std::vector<int64_t> ints;
  if (ToDecimals(points, &exponent, &ints)) {
    out->push_back(static_cast<char>(kDecimal));
    EncodeDecimal(exponent, ints, out);
  } else {
    out->push_back(static_cast<char>(kXor));
    EncodeXor(points, out);
  }
}

absl::Status DecodePoints(absl::string_view in, size_t* pos,
                          std::vector<Point>* points) {
  uint64_t n = 0;
  if (!GetVarint(in, pos, &n)) return Corrupt("truncated point count");
  if (n == 0) return absl::OkStatus();
  // Every point costs at least one bit, so a count above this is corrupt.
  if (n > (in.size() - *pos) * 8 + 2) return Corrupt("point count too large");
  std::vector<int64_t> ts;
  ts.reserve(n);
  if (!DecodeTimestamps(in, pos, n, &ts)) return Corrupt("bad timestamps");
  if (*pos >= in.size()) return Corrupt("missing value mode");
  const uint8_t mode = static_cast<uint8_t>(in[(*pos)++]);
  std::vector<double> values;
  values.reserve(n);
  bool ok = false;
  if (mode == kDecimal) {
    ok = DecodeDecimal(in, pos, n, &values);
  } else if (mode == kXor) {
    ok = DecodeXor(in, pos, n, &values);
  } else {
    return Corrupt(absl::StrCat("unknown value mode ", mode));
  }
  if (!ok || values.size() != n) return Corrupt("bad values");
  points->reserve(points->size() + n);
  for (size_t i = 0; i < n; ++i) points->push_back({ts[i], values[i]});
  return absl::OkStatus();
}

}  // namespace tsforecast::storage
