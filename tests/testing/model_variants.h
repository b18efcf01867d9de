// The models the property tests run: every registered name, plus the
// interval kinds that are not a model's default (auto's own intervals,
// conformal ones around models that have their own).
#ifndef TSFORECAST_TESTS_TESTING_MODEL_VARIANTS_H_
#define TSFORECAST_TESTS_TESTING_MODEL_VARIANTS_H_

#include <string>
#include <vector>

#include "forecast/model_registry.h"

namespace tsforecast::forecast {

inline std::vector<std::string> ModelVariantsUnderTest() {
  std::vector<std::string> v = ModelNames();
  for (const char* extra :
       {"auto(intervals=model)", "theta(intervals=conformal)",
        "ets(intervals=conformal)"}) {
    v.push_back(extra);
  }
  return v;
}

}  // namespace tsforecast::forecast

#endif  // TSFORECAST_TESTS_TESTING_MODEL_VARIANTS_H_
