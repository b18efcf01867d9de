// Compressed encoding of a sorted run of points (one block). See
// docs/storage_format.md for the byte layout.
//
// Timestamps: first timestamp, first delta, then delta-of-deltas with runs of
// zeros collapsed, so a regular step costs a few bytes per block whatever its
// length (Gorilla, Pelkonen et al. 2015, with run-length tokens instead of
// bit prefixes).
//
// Values: when every value is a decimal with at most 9 fraction digits that
// round-trips exactly (prices such as 1234.56, integer tonnages), the
// values become integers (scaled by 10^e, in the spirit of ALP, Afroozeh et
// al. 2023) coded as residuals from the previous value or from the block
// minimum, whichever is smaller, with Rice codes whose parameter adapts per
// partition of 64 values (as FLAC does). Otherwise Gorilla's XOR scheme.
#ifndef TSFORECAST_STORAGE_POINT_CODEC_H_
#define TSFORECAST_STORAGE_POINT_CODEC_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "storage/types.h"

namespace tsforecast::storage {

// Appends the encoding of `points` to `*out`. `points` must be sorted by
// timestamp with no duplicates and finite values.
void EncodePoints(absl::Span<const Point> points, std::string* out);

// Decodes what EncodePoints wrote, starting at `*pos`, appending to `*points`
// and advancing `*pos`. DATA_LOSS on malformed input.
absl::Status DecodePoints(absl::string_view in, size_t* pos,
                          std::vector<Point>* points);

}  // namespace tsforecast::storage

#endif  // TSFORECAST_STORAGE_POINT_CODEC_H_
