#include "service/auth/token_file.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace tsforecast::service::auth {
namespace {

using ::testing::HasSubstr;

TEST(TokenFileTest, RateAndSelectorRoundTrip) {
  for (const auto& [rate, selector] :
       std::vector<std::pair<double, std::string>>{
           {0, ""},
           {0, "{market=\"shanghai\", unit=\"t\"}"},
           {2.5, ""},
           {100, "price_ndpr"},
           {0.001, "{market=~\"lon.*\"}"}}) {
    absl::StatusOr<NewToken> token =
        MakeToken("desk", Role::kWrite, selector, rate);
    ASSERT_TRUE(token.ok()) << token.status();
    const std::string line = FormatTokenLine(token->record);
    absl::StatusOr<std::vector<TokenRecord>> parsed = ParseTokenFile(line);
    ASSERT_TRUE(parsed.ok()) << parsed.status() << " in " << line;
    ASSERT_EQ(parsed->size(), 1u);
    EXPECT_EQ((*parsed)[0].rate_per_s, rate) << line;
    EXPECT_EQ((*parsed)[0].selector, selector) << line;
    EXPECT_EQ((*parsed)[0].role, Role::kWrite);
    EXPECT_EQ(HashSecret((*parsed)[0].salt, token->secret),
              (*parsed)[0].hash_hex);
  }
}

TEST(TokenFileTest, BadRatesAreRefusedNamingTheLine) {
  absl::StatusOr<NewToken> token = MakeToken("desk", Role::kRead, "");
  ASSERT_TRUE(token.ok());
  const std::string base = FormatTokenLine(token->record);
  for (const char* rate : {"rate=0", "rate=-1", "rate=abc", "rate=inf",
                           "rate=nan", "rate=2e6", "rate="}) {
    absl::StatusOr<std::vector<TokenRecord>> parsed =
        ParseTokenFile(absl::StrCat("# tokens\n", base, " ", rate, "\n"));
    ASSERT_FALSE(parsed.ok()) << rate;
    EXPECT_THAT(parsed.status().message(), HasSubstr("line 2: rate:")) << rate;
  }
  EXPECT_FALSE(MakeToken("desk", Role::kRead, "", -3).ok());
}

}  // namespace
}  // namespace tsforecast::service::auth
