// The real server on a small tmpfs that fills up: it never aborts, writes
// get RESOURCE_EXHAUSTED naming the cause, reads go on, /readyz says why,
// and once space is freed writes resume with nothing acknowledged lost and
// no restart. Needs root to mount the tmpfs; skipped (with the reason)
// otherwise.
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <thread>

#include "absl/strings/str_cat.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "httplib.h"
#include "tests/testing/server_process.h"
#include "tests/testing/temp_dir.h"
#include "tsforecast/v1/points.grpc.pb.h"

namespace tsforecast {
namespace {

namespace v1 = ::tsforecast::v1;

class DiskFullTest : public ::testing::TestWithParam<int> {
 protected:
  void SetUp() override {
    mount_ = dir_.Sub("small_disk");
    std::filesystem::create_directories(mount_);
    if (mount("tmpfs", mount_.c_str(), "tmpfs", 0, "size=48m") != 0) {
      GTEST_SKIP() << "cannot mount a 48 MiB tmpfs (" << std::strerror(errno)
                   << "); run the tests as root to check a full disk";
    }
    mounted_ = true;
  }
  void TearDown() override {
    if (server_.running()) server_.StopWith(SIGKILL);
    if (HasFailure()) {  // the server's log lives on the tmpfs
      std::ifstream log(dir_.Sub("server.log"));
      const std::string text((std::istreambuf_iterator<char>(log)),
                             std::istreambuf_iterator<char>());
      std::printf(
          "server log, last part:\n%s\n",
          text.substr(text.size() > 3000 ? text.size() - 3000 : 0).c_str());
    }
    if (mounted_) umount2(mount_.c_str(), MNT_DETACH);
  }

  testing::TempDir dir_;
  std::string mount_;
  bool mounted_ = false;
  testing::ServerProcess server_;
};

// Incompressible points (random values), `n` per request, starting at
// minute `first`.
v1::WritePointsRequest Batch(int64_t first, int n, std::mt19937_64& rng) {
  v1::WritePointsRequest req;
  v1::SeriesPoints* sp = req.add_series();
  sp->set_series("fill");
  sp->mutable_create_if_missing()->mutable_step()->set_unit(
      v1::STEP_UNIT_MINUTE);
  std::uniform_real_distribution<double> value(0, 1e6);
  for (int i = 0; i < n; ++i) {
    sp->add_timestamps_ms(int64_t{1704067200000} + (first + i) * 60000);
    sp->add_values(value(rng));
  }
  return req;
}

// With the reserve (4 MiB here, as the default 64 MiB would not fit this
// disk; 1 MiB is the least allowed, because RocksDB aborts when its
// write-ahead log meets a full disk) writes stop before the disk is full.
TEST_P(DiskFullTest, NeverAbortsAndResumesWhenSpaceIsFreed) {
  const std::string reserve = absl::StrCat("--min_free_disk_mb=", GetParam());
  // Ballast to delete later: the space that comes back.
  const std::string ballast = mount_ + "/ballast";
  {
    std::ofstream out(ballast, std::ios::binary);
    std::string mb(1 << 20, 'x');
    for (int i = 0; i < 12; ++i) out << mb;
  }
  // Default settings but a smaller reserve (the default 64 MiB would not
  // fit this disk at all).
  std::string error;
  server_.set_log_path(dir_.Sub("server.log"));  // not on the full disk
  ASSERT_TRUE(
      server_.Start(mount_ + "/data", {reserve, "--write_buffer_mb=4"}, &error))
      << error;
  auto points = v1::PointsService::NewStub(grpc::CreateChannel(
      server_.address(), grpc::InsecureChannelCredentials()));
  std::mt19937_64 rng(1);
  int64_t acknowledged = 0;
  grpc::Status refused;
  constexpr int kPerBatch = 20000;
  for (int b = 0; b < 2000 && refused.ok(); ++b) {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() +
                     std::chrono::seconds(30));
    v1::WritePointsResponse resp;
    refused =
        points->WritePoints(&ctx, Batch(acknowledged, kPerBatch, rng), &resp);
    if (refused.ok()) acknowledged += kPerBatch;
  }
  std::printf("disk full after %lld acknowledged points: %s\n",
              static_cast<long long>(acknowledged),
              refused.error_message().c_str());
  ASSERT_GT(acknowledged, 0);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED)
      << refused.error_message();
  EXPECT_NE(refused.error_message().find("free"), std::string::npos)
      << refused.error_message();
  ASSERT_TRUE(server_.Alive()) << "the server died on a full disk";
  // Reads go on; readiness says why writes stop.
  {
    grpc::ClientContext ctx;
    v1::ReadLatestRequest req;
    req.add_series("fill");
    v1::ReadLatestResponse resp;
    EXPECT_TRUE(points->ReadLatest(&ctx, req, &resp).ok());
  }
  httplib::Client http("127.0.0.1", server_.http_port());
  int ready_status = 0;
  std::string ready_body;
  for (int i = 0; i < 40 && ready_status != 503; ++i) {
    if (i > 0) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    if (httplib::Result r = http.Get("/readyz")) {
      ready_status = r->status;
      ready_body = r->body;
    }
  }
  EXPECT_EQ(ready_status, 503);
  EXPECT_NE(ready_body.find("writes refused"), std::string::npos) << ready_body;

  // Issue 19: a SIGTERM with 0 bytes free took 9.7 s. Take the reserve
  // too, stop the server, and check it stops cleanly and that a restart
  // (with the space back) has every acknowledged point; the time is
  // printed.
  const std::string last_bytes = mount_ + "/last_bytes";
  {
    std::ofstream out(last_bytes, std::ios::binary);
    std::string kb(1 << 10, 'x');
    while (out.write(kb.data(), kb.size())) {
    }
  }
  const auto stop_start = std::chrono::steady_clock::now();
  const int stop_status = server_.StopWith(SIGTERM);
  std::printf("SIGTERM with 0 bytes free: stopped in %.0f ms\n",
              std::chrono::duration<double, std::milli>(
                  std::chrono::steady_clock::now() - stop_start)
                  .count());
  EXPECT_TRUE(WIFEXITED(stop_status) && WEXITSTATUS(stop_status) == 0)
      << "wait status " << stop_status;
  std::filesystem::remove(last_bytes);
  ASSERT_TRUE(
      server_.Start(mount_ + "/data", {reserve, "--write_buffer_mb=4"}, &error))
      << error;
  points = v1::PointsService::NewStub(grpc::CreateChannel(
      server_.address(), grpc::InsecureChannelCredentials()));

  // Space comes back: writes resume without a restart.
  std::filesystem::remove(ballast);
  grpc::Status resumed;
  for (int i = 0; i < 100; ++i) {
    grpc::ClientContext ctx;
    v1::WritePointsResponse resp;
    resumed = points->WritePoints(&ctx, Batch(acknowledged, 10, rng), &resp);
    if (resumed.ok()) {
      acknowledged += 10;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  EXPECT_TRUE(resumed.ok()) << resumed.error_message();
  ASSERT_TRUE(server_.Alive());
  // Everything acknowledged is there, before and after a restart.
  for (int round = 0; round < 2; ++round) {
    grpc::ClientContext ctx;
    v1::StreamReadPointsRequest req;
    req.mutable_read()->set_series("fill");
    auto reader = points->StreamReadPoints(&ctx, req);
    v1::StreamReadPointsResponse chunk;
    int64_t read = 0;
    while (reader->Read(&chunk)) read += chunk.values_size();
    ASSERT_TRUE(reader->Finish().ok());
    EXPECT_EQ(read, acknowledged) << "round " << round;
    if (round == 0) {
      server_.StopWith(SIGTERM);
      ASSERT_TRUE(server_.Start(mount_ + "/data", {reserve}, &error)) << error;
      points = v1::PointsService::NewStub(grpc::CreateChannel(
          server_.address(), grpc::InsecureChannelCredentials()));
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Reserve, DiskFullTest, ::testing::Values(4));

}  // namespace
}  // namespace tsforecast
