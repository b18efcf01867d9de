// Status assertions for tests (Abseil 20220623 ships no matchers).
#ifndef TSFORECAST_TESTS_TESTING_STATUS_MATCHERS_H_
#define TSFORECAST_TESTS_TESTING_STATUS_MATCHERS_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "gtest/gtest.h"

namespace tsforecast::testing {

inline const absl::Status& GetStatus(const absl::Status& s) { return s; }
template <typename T>
const absl::Status& GetStatus(const absl::StatusOr<T>& s) {
  return s.status();
}

}  // namespace tsforecast::testing

#define EXPECT_OK(expr)                                    \
  EXPECT_TRUE(::tsforecast::testing::GetStatus(expr).ok()) \
      << ::tsforecast::testing::GetStatus(expr)
#define ASSERT_OK(expr)                                    \
  ASSERT_TRUE(::tsforecast::testing::GetStatus(expr).ok()) \
      << ::tsforecast::testing::GetStatus(expr)

#define TSF_TEST_CONCAT_INNER_(a, b) a##b
#define TSF_TEST_CONCAT_(a, b) TSF_TEST_CONCAT_INNER_(a, b)
#define ASSERT_OK_AND_ASSIGN(lhs, expr)                   \
  auto TSF_TEST_CONCAT_(statusor_, __LINE__) = (expr);    \
  ASSERT_TRUE(TSF_TEST_CONCAT_(statusor_, __LINE__).ok()) \
      << TSF_TEST_CONCAT_(statusor_, __LINE__).status();  \
  lhs = std::move(TSF_TEST_CONCAT_(statusor_, __LINE__)).value()

// Asserts the code and that the message contains `substring`.
#define EXPECT_STATUS(expr, expected_code, substring)                   \
  do {                                                                  \
    const absl::Status tsf_s_ = ::tsforecast::testing::GetStatus(expr); \
    EXPECT_EQ(tsf_s_.code(), expected_code) << tsf_s_;                  \
    EXPECT_NE(std::string(tsf_s_.message()).find(substring),            \
              std::string::npos)                                        \
        << "message: " << tsf_s_.message()                              \
        << "\nexpected to contain: " << substring;                      \
  } while (0)

#endif  // TSFORECAST_TESTS_TESTING_STATUS_MATCHERS_H_
