#include "service/listen_address.h"

#include "gtest/gtest.h"

namespace tsforecast::service {
namespace {

TEST(ListenAddressTest, LoopbackOrNot) {
  EXPECT_EQ(HostOf("127.0.0.1:50051"), "127.0.0.1");
  EXPECT_EQ(HostOf("[::1]:50051"), "::1");
  EXPECT_EQ(HostOf("dns:///localhost:1"), "localhost");
  EXPECT_EQ(HostOf("0.0.0.0:50051"), "0.0.0.0");
  EXPECT_EQ(HostOf("unix:/tmp/s"), "unix");
  for (const char* host :
       {"127.0.0.1", "127.1.2.3", "localhost", "::1", "LOCALHOST", "unix"}) {
    EXPECT_TRUE(IsLoopbackHost(host)) << host;
  }
  for (const char* host :
       {"0.0.0.0", "::", "", "10.0.0.1", "example.com", "128.0.0.1"}) {
    EXPECT_FALSE(IsLoopbackHost(host)) << host;
  }
}

}  // namespace
}  // namespace tsforecast::service
