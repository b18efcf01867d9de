// Kills the real server with SIGKILL at random moments while a client
// streams batches, another sends small requests (one point for each of ten
// series), another writes and deletes ranges, and a fourth asks for
// forecasts; every fourth round pair runs with a small head, so that
// checkpoints happen mid-stream; restarts it, and checks that every
// acknowledged point is there, every acknowledged delete holds, and every batch
// and delete is either wholly applied or not at all. TSF_CRASH_CYCLES sets the
// number of kills (default 100); the figures are printed.
#include <signal.h>

#include <atomic>
#include <cstdlib>
#include <map>
#include <random>
#include <thread>

#include "absl/strings/str_cat.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "tests/testing/server_process.h"
#include "tests/testing/temp_dir.h"
#include "tsforecast/v1/forecast.grpc.pb.h"
#include "tsforecast/v1/points.grpc.pb.h"
#include "tsforecast/v1/series.grpc.pb.h"

namespace tsforecast {
namespace {

namespace v1 = ::tsforecast::v1;

constexpr int kSeries = 4;
constexpr int kPointsPerSeries = 250;  // per batch
constexpr int kDefaultKills = 100;
constexpr int kDeletePoints = 50;  // per range written then deleted
// Small requests, as an ingestion job pushing one day of many prices
// sends them: one point for each of kSmallSeries series per request.
constexpr int kSmallSeries = 10;

int Kills() {
  const char* env = std::getenv("TSF_CRASH_CYCLES");
  return env != nullptr && std::atoi(env) > 0 ? std::atoi(env) : kDefaultKills;
}

std::string SeriesName(int s) { return absl::StrCat("crash_", s); }
std::string SmallSeriesName(int s) { return absl::StrCat("crash_small_", s); }
// Small request `k` of round `r`: one timestamp for all its series.
int64_t SmallTimestamp(int round, int k) {
  return (static_cast<int64_t>(round) * 10000000 + k) * 1000;
}

// Every stored point of `series`, by timestamp.
std::map<int64_t, double> ReadAllPoints(v1::PointsService::Stub& stub,
                                        const std::string& series) {
  std::map<int64_t, double> stored;
  v1::StreamReadPointsRequest req;
  req.mutable_read()->set_series(series);
  grpc::ClientContext ctx;
  auto reader = stub.StreamReadPoints(&ctx, req);
  v1::StreamReadPointsResponse chunk;
  while (reader->Read(&chunk)) {
    for (int i = 0; i < chunk.values_size(); ++i) {
      stored[chunk.timestamps_ms(i)] = chunk.values(i);
    }
  }
  EXPECT_TRUE(reader->Finish().ok()) << "reading " << series;
  return stored;
}

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
  int small_acked = 0;       // small requests 0..small_acked-1 acknowledged
  // Ranges of "crash_del": 1 written (acknowledged), 2 then deleted
  // (acknowledged); an entry is added before its write is sent.
  std::vector<int> ranges = {};
};

// Range `k` of round `r` in "crash_del".
int64_t DeleteRangeStart(int round, int k) {
  return (static_cast<int64_t>(round) * 1000000 + k * kDeletePoints) * 1000;
}

TEST(CrashTest, AcknowledgedBatchesSurviveKillDashNine) {
  testing::TempDir dir;
  const std::string data = dir.Sub("data");
  std::mt19937 rng(20261128);
  std::vector<RoundResult> rounds;
  const int kills = Kills();
  for (int round = 0; round < kills; ++round) {
    testing::ServerProcess server;
    std::string error;
    // Both durability policies promise to survive a process kill.
    // Every other round checkpoints the head many times while it runs.
    std::vector<std::string> flags = {round % 2 ? "--durability=process"
                                                : "--durability=sync"};
    if (round % 4 >= 2) flags.push_back("--head_max_points=20000");
    ASSERT_TRUE(server.Start(data, flags, &error)) << error;
    auto channel = grpc::CreateChannel(server.address(),
                                       grpc::InsecureChannelCredentials());
    auto stub = v1::PointsService::NewStub(channel);
    auto forecasts = v1::ForecastService::NewStub(channel);
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
    // Writes then deletes ranges of another series, unary.
    std::thread deleter([&] {
      for (int k = 0; !stop.load() && k < 100000; ++k) {
        result.ranges.push_back(0);
        v1::WritePointsRequest write;
        v1::SeriesPoints* sp = write.add_series();
        sp->set_series("crash_del");
        sp->mutable_create_if_missing()->mutable_step()->set_unit(
            v1::STEP_UNIT_SECOND);
        for (int i = 0; i < kDeletePoints; ++i) {
          sp->add_timestamps_ms(DeleteRangeStart(round, k) + i * 1000);
          sp->add_values(i);
        }
        grpc::ClientContext wctx;
        v1::WritePointsResponse written;
        if (!stub->WritePoints(&wctx, write, &written).ok()) return;
        result.ranges.back() = 1;
        v1::DeletePointsRequest del;
        del.set_series("crash_del");
        del.set_start_ms(DeleteRangeStart(round, k));
        del.set_end_ms(DeleteRangeStart(round, k) + kDeletePoints * 1000);
        grpc::ClientContext dctx;
        v1::DeletePointsResponse deleted;
        if (!stub->DeletePoints(&dctx, del, &deleted).ok()) return;
        result.ranges.back() = 2;
      }
    });
    // Small unary requests, one after another.
    std::thread small_writer([&] {
      for (int k = 0; !stop.load() && k < 1000000; ++k) {
        v1::WritePointsRequest write;
        for (int s = 0; s < kSmallSeries; ++s) {
          v1::SeriesPoints* sp = write.add_series();
          sp->set_series(SmallSeriesName(s));
          sp->mutable_create_if_missing()->mutable_step()->set_unit(
              v1::STEP_UNIT_SECOND);
          sp->add_timestamps_ms(SmallTimestamp(round, k));
          sp->add_values(ValueOf(s, SmallTimestamp(round, k)));
        }
        grpc::ClientContext wctx;
        v1::WritePointsResponse written;
        if (!stub->WritePoints(&wctx, write, &written).ok()) return;
        result.small_acked = k + 1;
      }
    });
    // Forecasts read what the writers write.
    std::thread forecaster([&] {
      while (!stop.load()) {
        v1::ForecastRequest req;
        req.set_series(SeriesName(0));
        req.set_horizon(5);
        req.mutable_model()->set_name("naive");
        req.mutable_window()->set_last_points(500);
        grpc::ClientContext fctx;
        fctx.set_deadline(std::chrono::system_clock::now() +
                          std::chrono::seconds(2));
        v1::ForecastResponse resp;
        if (forecasts->Forecast(&fctx, req, &resp).error_code() ==
            grpc::StatusCode::UNAVAILABLE) {
          return;
        }
      }
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(80 + rng() % 420));
    server.StopWith(SIGKILL);
    stop = true;
    reader.join();
    deleter.join();
    small_writer.join();
    forecaster.join();
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
    const std::map<int64_t, double> stored =
        ReadAllPoints(*stub, SeriesName(s));
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
  // Deletes: acknowledged ones hold; every range is whole or gone.
  const std::map<int64_t, double> del_stored =
      ReadAllPoints(*stub, "crash_del");
  uint64_t deletes_acked = 0, ranges_checked = 0;
  for (const RoundResult& r : rounds) {
    for (size_t k = 0; k < r.ranges.size(); ++k) {
      int present = 0;
      for (int i = 0; i < kDeletePoints; ++i) {
        present += del_stored.count(
            DeleteRangeStart(r.round, static_cast<int>(k)) + i * 1000);
      }
      ++ranges_checked;
      if (r.ranges[k] == 2) {
        ++deletes_acked;
        EXPECT_EQ(present, 0) << "acknowledged delete " << k << " of round "
                              << r.round << " came back";
      } else if (r.ranges[k] == 1) {
        EXPECT_TRUE(present == 0 || present == kDeletePoints)
            << "range " << k << " of round " << r.round << " partly deleted";
      } else {
        EXPECT_TRUE(present == 0 || present == kDeletePoints)
            << "range " << k << " of round " << r.round << " partly written";
      }
    }
  }
  // Small requests: acknowledged ones whole; the one in flight whole or not
  // at all across its series.
  uint64_t small_acked = 0;
  {
    std::vector<std::map<int64_t, double>> small(kSmallSeries);
    for (int s = 0; s < kSmallSeries; ++s) {
      small[s] = ReadAllPoints(*stub, SmallSeriesName(s));
    }
    for (const RoundResult& r : rounds) {
      for (int k = 0; k <= r.small_acked; ++k) {
        const int64_t ts = SmallTimestamp(r.round, k);
        int present = 0;
        for (int s = 0; s < kSmallSeries; ++s) {
          auto it = small[s].find(ts);
          if (it == small[s].end()) continue;
          ++present;
          EXPECT_EQ(it->second, ValueOf(s, ts));
        }
        if (k < r.small_acked) {
          EXPECT_EQ(present, kSmallSeries)
              << "acknowledged small request " << k << " of round " << r.round
              << " lost points";
          small_acked += 1;
        } else {
          EXPECT_TRUE(present == 0 || present == kSmallSeries)
              << "small request " << k << " of round " << r.round
              << " is partly stored: " << present;
        }
      }
    }
  }
  EXPECT_GT(small_acked, 0u);
  // The kills must have landed mid-stream for the test to mean anything.
  int rounds_with_acks = 0;
  for (const RoundResult& r : rounds) rounds_with_acks += r.acked_up_to > 0;
  EXPECT_GE(rounds_with_acks, kills / 3);
  EXPECT_GT(total_acked, 0u);
  EXPECT_GT(deletes_acked, 0u);
  std::printf(
      "crash test: %d kill -9 cycles; %llu acknowledged points checked "
      "present, %llu acknowledged small requests whole, %llu ranges checked "
      "whole or absent (%llu acknowledged deletes held)\n",
      kills, static_cast<unsigned long long>(total_acked),
      static_cast<unsigned long long>(small_acked),
      static_cast<unsigned long long>(ranges_checked),
      static_cast<unsigned long long>(deletes_acked));
}

}  // namespace
}  // namespace tsforecast
