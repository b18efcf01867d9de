// Kills the real server with SIGKILL at random moments while a client
// streams batches, restarts it, and checks that every acknowledged point is
// there, and that every batch is either wholly present or wholly absent.
#include <signal.h>

#include <atomic>
#include <map>
#include <random>
#include <thread>

#include "absl/strings/str_cat.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "tests/testing/server_process.h"
#include "tests/testing/temp_dir.h"
#include "tsforecast/v1/points.grpc.pb.h"
#include "tsforecast/v1/series.grpc.pb.h"

namespace tsforecast {
namespace {

namespace v1 = ::tsforecast::v1;

constexpr int kSeries = 4;
constexpr int kPointsPerSeries = 250;  // per batch
constexpr int kKills = 20;

std::string SeriesName(int s) { return absl::StrCat("crash_", s); }

// Batch `b` of round `r` covers unique timestamps; values derive from them.
int64_t Timestamp(int round, uint64_t batch, int i) {
  return (static_cast<int64_t>(round) * 10000000 +
          static_cast<int64_t>(batch) * kPointsPerSeries + i) *
         1000;
}
double ValueOf(int series, int64_t ts) {
  return static_cast<double>(ts / 1000 % 100000) / 100 + series;
}

v1::StreamWritePointsRequest MakeBatch(int round, uint64_t batch) {
  v1::StreamWritePointsRequest req;
  req.set_sequence(batch);
  for (int s = 0; s < kSeries; ++s) {
    v1::SeriesPoints* sp = req.mutable_batch()->add_series();
    sp->set_series(SeriesName(s));
    sp->mutable_create_if_missing()->mutable_step()->set_unit(
        v1::STEP_UNIT_SECOND);
    for (int i = 0; i < kPointsPerSeries; ++i) {
      const int64_t ts = Timestamp(round, batch, i);
      sp->add_timestamps_ms(ts);
      sp->add_values(ValueOf(s, ts));
    }
  }
  return req;
}

struct RoundResult {
  int round;
  uint64_t acked_up_to = 0;  // batches 1..acked_up_to acknowledged
  uint64_t sent = 0;         // batches handed to the stream
};

TEST(CrashTest, AcknowledgedBatchesSurviveKillDashNine) {
  testing::TempDir dir;
  const std::string data = dir.Sub("data");
  std::mt19937 rng(20261128);
  std::vector<RoundResult> rounds;
  for (int round = 0; round < kKills; ++round) {
    testing::ServerProcess server;
    std::string error;
    // Both durability policies promise to survive a process kill.
    ASSERT_TRUE(server.Start(
        data, {round % 2 ? "--durability=process" : "--durability=sync"},
        &error))
        << error;
    auto channel = grpc::CreateChannel(server.address(),
                                       grpc::InsecureChannelCredentials());
    auto stub = v1::PointsService::NewStub(channel);
    grpc::ClientContext ctx;
    auto stream = stub->StreamWritePoints(&ctx);
    RoundResult result{round};
    std::atomic<bool> stop{false};
    std::thread writer([&] {
      for (uint64_t b = 1; !stop.load() && b < 100000; ++b) {
        if (!stream->Write(MakeBatch(round, b))) break;
        result.sent = b;
      }
    });
    std::thread reader([&] {
      v1::StreamWritePointsResponse ack;
      while (stream->Read(&ack)) {
        // Acks arrive in order on one stream.
        EXPECT_EQ(ack.sequence(), result.acked_up_to + 1);
        result.acked_up_to = ack.sequence();
      }
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(50 + rng() % 400));
    server.StopWith(SIGKILL);
    stop = true;
    reader.join();
    ctx.TryCancel();
    writer.join();
    (void)stream->Finish();
    rounds.push_back(result);
  }

  testing::ServerProcess server;
  std::string error;
  ASSERT_TRUE(server.Start(data, {}, &error)) << error;
  auto stub = v1::PointsService::NewStub(grpc::CreateChannel(
      server.address(), grpc::InsecureChannelCredentials()));
  uint64_t total_acked = 0;
  for (int s = 0; s < kSeries; ++s) {
    std::map<int64_t, double> stored;
    v1::StreamReadPointsRequest req;
    req.mutable_read()->set_series(SeriesName(s));
    grpc::ClientContext ctx;
    auto reader = stub->StreamReadPoints(&ctx, req);
    v1::StreamReadPointsResponse chunk;
    while (reader->Read(&chunk)) {
      for (int i = 0; i < chunk.values_size(); ++i) {
        stored[chunk.timestamps_ms(i)] = chunk.values(i);
      }
    }
    ASSERT_TRUE(reader->Finish().ok());
    for (const RoundResult& r : rounds) {
      for (uint64_t b = 1; b <= r.sent + 1; ++b) {
        int present = 0;
        for (int i = 0; i < kPointsPerSeries; ++i) {
          const int64_t ts = Timestamp(r.round, b, i);
          auto it = stored.find(ts);
          if (it == stored.end()) continue;
          ++present;
          EXPECT_EQ(it->second, ValueOf(s, ts));
        }
        if (b <= r.acked_up_to) {
          EXPECT_EQ(present, kPointsPerSeries)
              << "acknowledged batch " << b << " of round " << r.round
              << " lost points of " << SeriesName(s);
          total_acked += present;
        } else {
          EXPECT_TRUE(present == 0 || present == kPointsPerSeries)
              << "batch " << b << " of round " << r.round
              << " is partly stored: " << present;
        }
      }
    }
  }
  // The kills must have landed mid-stream for the test to mean anything.
  int rounds_with_acks = 0;
  for (const RoundResult& r : rounds) rounds_with_acks += r.acked_up_to > 0;
  EXPECT_GE(rounds_with_acks, kKills / 2);
  EXPECT_GT(total_acked, 0u);
}

}  // namespace
}  // namespace tsforecast
