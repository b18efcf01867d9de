#include "service/engine/plain_words.h"

#include "forecast/auto/candidates.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace tsforecast::service {
namespace {

using ::testing::HasSubstr;

// Every candidate auto can combine is named in words, whatever pool a
// series gets (a new candidate without words would show its code name).
TEST(PlainWordsTest, EveryAutoCandidateHasWords) {
  for (const std::vector<double>& seasons :
       std::vector<std::vector<double>>{{}, {4}, {12}, {24, 168}}) {
    for (const forecast::Candidate& c :
         forecast::AutoCandidates(seasons, /*intermittent=*/true)) {
      EXPECT_NE(ModelSentence(c.name, {}), c.name) << c.name;
    }
  }
}

TEST(PlainWordsTest, AutoSaysItsMembersAndEvidence) {
  EXPECT_EQ(ModelSentence("auto", {{"weight.ets_seasonal", 0.5},
                                   {"weight.airline", 0.5},
                                   {"validation.origins", 3}}),
            "the mean of seasonal exponential smoothing and the airline "
            "model, picked on 3 past origins");
  EXPECT_THAT(ModelSentence("auto", {{"weight.theta", 1}}),
              HasSubstr("too short to compare models"));
}

}  // namespace
}  // namespace tsforecast::service
