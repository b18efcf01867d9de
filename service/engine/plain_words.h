// A forecast in one paragraph a reader of a dashboard can act on: the last
// observation, the model in a sentence, and what the bands mean. The full
// description and parameters stay in the answer for whoever wants them.
#ifndef TSFORECAST_SERVICE_ENGINE_PLAIN_WORDS_H_
#define TSFORECAST_SERVICE_ENGINE_PLAIN_WORDS_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/types/span.h"

namespace tsforecast::service {

// "mean of Theta and damped trend, picked on 24 origins" for auto (from
// its weight.* and validation.origins parameters), "ARIMA" and so on for
// the others.
std::string ModelSentence(
    const std::string& model,
    const std::vector<std::pair<std::string, double>>& parameters);

// "Last observation 2024-07-31: 8859.8. Forecast: <model sentence>. The
// 80% and 95% bands hold the value 4 times in 5 and 19 times in 20 [when
// calibrated: as measured on its past errors]."
std::string PlainSummary(int64_t last_timestamp_ms, double last_value,
                         const std::string& model_sentence,
                         absl::Span<const double> levels, bool calibrated,
                         bool positive_bands);

}  // namespace tsforecast::service

#endif  // TSFORECAST_SERVICE_ENGINE_PLAIN_WORDS_H_
