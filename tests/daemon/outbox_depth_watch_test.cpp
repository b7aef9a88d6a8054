// The outbox depth bound (outbox.max_depth, issue 13): a real SQLite store
// with many pending rows, a clock the test moves, and the log captured.
// Crossing the bound warns and counts; rows are still accepted beyond it.

#include "daemon/outbox_depth_watch.hpp"

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "daemon/metrics.hpp"
#include "storage/sqlite/sqlite_store.hpp"
#include "tests/support/test_helpers.hpp"

namespace rolecall {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

constexpr std::int64_t kNow = 1'700'000'000;

// Routes spdlog's default logger into a string for the test's lifetime.
class CapturedLog {
 public:
  CapturedLog() : previous_(spdlog::default_logger()) {
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(out_);
    sink->set_pattern("%l %v");
    auto logger = std::make_shared<spdlog::logger>("capture", sink);
    logger->set_level(spdlog::level::debug);
    spdlog::set_default_logger(logger);
  }
  ~CapturedLog() { spdlog::set_default_logger(previous_); }
  CapturedLog(const CapturedLog&) = delete;
  CapturedLog& operator=(const CapturedLog&) = delete;

  std::vector<std::string> lines() const {
    std::vector<std::string> out;
    std::istringstream in(out_.str());
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
  }

 private:
  std::ostringstream out_;
  std::shared_ptr<spdlog::logger> previous_;
};

class OutboxDepthWatchTest : public ::testing::Test {
 protected:
  OutboxDepthWatchTest() { declare_rolecall_metrics(metrics_, "test"); }

  // `n` pending rows, each its own enqueue (as the endpoints do), in a few
  // big commits to keep the test quick.
  void enqueue(int n) {
    std::vector<bool> accepted;
    store_.write_batch([&](Store& s) {
      for (int i = 0; i < n; ++i) {
        const std::string key = "row-" + std::to_string(next_key_++);
        accepted.push_back(s.enqueue(
            {"slack:chat.postMessage", "C0INTAKE", R"({"text":"who owns pricing?"})", key}, kNow));
      }
    });
    for (bool a : accepted) EXPECT_TRUE(a);
  }
  void deliver(int n) {
    for (const auto& row : store_.due_outbox(kNow, n)) store_.mark_delivered(row.id, kNow);
  }
  OutboxDepthWatch watch(std::int64_t max_depth, std::chrono::milliseconds min_interval = 0ms) {
    return OutboxDepthWatch(store_, max_depth, &metrics_, min_interval, 60s,
                            [this] { return now_; });
  }
  double exceeded() const { return metrics_.value("rolecall_outbox_depth_exceeded"); }

  testing::TempDir dir_;
  SqliteStore store_{dir_.file("rolecall.db")};
  Metrics metrics_;
  Clock::time_point now_ = Clock::time_point{} + 1000h;
  int next_key_ = 0;
};

TEST_F(OutboxDepthWatchTest, CrossingTheBoundWarnsOnceCountsAndRowsAreStillAccepted) {
  CapturedLog log;
  enqueue(1500);
  auto w = watch(1000);
  EXPECT_EQ(metrics_.value("rolecall_outbox_max_depth"), 1000);
  EXPECT_EQ(exceeded(), 0);

  EXPECT_EQ(w.check(), 1500);
  EXPECT_TRUE(w.over());
  EXPECT_EQ(exceeded(), 1);
  ASSERT_EQ(log.lines().size(), 1u);
  EXPECT_EQ(
      log.lines()[0].rfind("warning outbox: 1500 posts pending, over outbox.max_depth 1000", 0), 0u)
      << log.lines()[0];

  // Beyond the bound new rows are queued all the same: nothing is dropped.
  enqueue(100);
  EXPECT_EQ(store_.outbox_depth(), 1600);
  EXPECT_EQ(w.check(), 1600);
  now_ += 30s;
  EXPECT_EQ(w.check(), 1600);
  EXPECT_EQ(exceeded(), 1);           // still the same crossing
  EXPECT_EQ(log.lines().size(), 1u);  // and no new line within the minute
  now_ += 31s;
  EXPECT_EQ(w.check(), 1600);
  ASSERT_EQ(log.lines().size(), 2u);  // a reminder once a minute while it lasts
  EXPECT_NE(log.lines()[1].find("still 1600 posts pending"), std::string::npos) << log.lines()[1];
  EXPECT_EQ(exceeded(), 1);

  // Deliveries catch up: back within the bound, said once.
  deliver(600);
  EXPECT_EQ(w.check(), 1000);  // at the bound is within it
  EXPECT_FALSE(w.over());
  ASSERT_EQ(log.lines().size(), 3u);
  EXPECT_EQ(log.lines()[2].rfind("info outbox: 1000 posts pending, back within", 0), 0u)
      << log.lines()[2];
  EXPECT_EQ(w.check(), 1000);
  EXPECT_EQ(log.lines().size(), 3u);

  // A second crossing warns and counts again, without waiting for the minute.
  enqueue(1);
  EXPECT_EQ(w.check(), 1001);
  EXPECT_TRUE(w.over());
  EXPECT_EQ(exceeded(), 2);
  ASSERT_EQ(log.lines().size(), 4u);
  EXPECT_NE(log.lines()[3].find("1001 posts pending, over outbox.max_depth 1000"),
            std::string::npos);
}

TEST_F(OutboxDepthWatchTest, MeasuresAtMostOncePerInterval) {
  auto w = watch(10, 1s);
  enqueue(5);
  EXPECT_EQ(w.check(), 5);
  enqueue(20);
  EXPECT_EQ(w.check(), 5);  // the count is not run again within the interval
  EXPECT_FALSE(w.over());
  now_ += 1s;
  EXPECT_EQ(w.check(), 25);
  EXPECT_TRUE(w.over());
  EXPECT_EQ(w.depth(), 25);
}

TEST_F(OutboxDepthWatchTest, ZeroTurnsTheWatchOff) {
  CapturedLog log;
  enqueue(3);
  auto w = watch(0);
  EXPECT_EQ(w.check(), -1);
  EXPECT_FALSE(w.over());
  EXPECT_EQ(exceeded(), 0);
  EXPECT_TRUE(log.lines().empty());
}

}  // namespace
}  // namespace rolecall
