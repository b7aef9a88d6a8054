// The outbound half of the nth-failure matrix (issue 13): the outbox worker
// meets a store that fails at its nth call, for every call one delivery
// makes (read the due rows, record the attempt, record the outcome). The
// real Slack deliverer posts to a fake Slack Web API that keeps what it got.
// Whatever call fails, the reply reaches Slack exactly once: a failure
// before the post leaves the row pending, one after it is caught by the
// look-before-resend (the post carries the outbox id in its metadata).

#include <gtest/gtest.h>

#include <memory>
#include <nlohmann/json.hpp>

#include "adapters/slack/cpprest_slack_web_api.hpp"
#include "adapters/slack/slack_deliverer.hpp"
#include "daemon/outbox_worker.hpp"
#include "storage/sqlite/sqlite_store.hpp"
#include "tests/support/failing_store.hpp"
#include "tests/support/fake_slack_api.hpp"
#include "tests/support/test_helpers.hpp"

namespace rolecall {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

struct OutboundRig {
  OutboundRig() {
    auto api = std::make_shared<CpprestSlackWebApi>(
        CpprestSlackWebApiOptions{slack.api_url(), "xoxb-test", 3000ms});
    SlackDelivererOptions options;
    options.channel_interval = 0ms;
    options.api_base_url = slack.api_url();
    OutboxOptions o;
    o.max_attempts = 5;
    o.base_backoff = 1000ms;
    o.max_backoff = 2000ms;
    worker = std::make_unique<OutboxWorker>(
        store,
        std::vector<std::shared_ptr<Deliverer>>{std::make_shared<SlackDeliverer>(api, options)}, o,
        nullptr, [this] { return now; });
    const json payload = {{"channel", "C0CHECK01"},
                          {"thread_ts", "1700000000.000100"},
                          {"text", "The Product Owner owns sprint scope."}};
    sqlite.enqueue({"slack:chat.postMessage", "C0CHECK01", payload.dump(), "slack:reply:1"}, now);
  }

  // Runs the worker until the row is gone or `rounds` runs passed; a store
  // failure ends a run the way it ends the worker's loop (logged, next run).
  void drain(int rounds = 10) {
    for (int i = 0; i < rounds && sqlite.outbox_depth() > 0; ++i) {
      try {
        worker->run_once(now);
      } catch (const StoreError&) {
      }
      now += 600;
    }
  }

  testing::TempDir dir;
  SqliteStore sqlite{dir.file("rolecall.db")};
  testing::FailingStore store{sqlite};
  testing::FakeSlackApi slack;
  std::unique_ptr<OutboxWorker> worker;
  std::int64_t now = 1'700'000'000;
};

TEST(OutboxStoreFailsAtEveryCall, TheReplyReachesSlackExactlyOnce) {
  int n_calls = 0;
  {
    OutboundRig rig;
    rig.store.fail_call(0);
    rig.worker->run_once(rig.now);
    n_calls = rig.store.calls();
    ASSERT_EQ(rig.slack.messages().size(), 1u);
  }
  ASSERT_GE(n_calls, 3) << "due rows, attempt started, delivered";
  for (int n = 1; n <= n_calls; ++n) {
    SCOPED_TRACE("failing call " + std::to_string(n));
    OutboundRig rig;
    rig.store.fail_call(n);
    EXPECT_THROW(rig.worker->run_once(rig.now), StoreError);
    EXPECT_TRUE(rig.store.failed());
    rig.store.heal();
    rig.now += 600;
    rig.drain();
    EXPECT_EQ(rig.sqlite.outbox_depth(), 0);
    EXPECT_EQ(rig.slack.messages().size(), 1u)
        << "posted " << rig.slack.messages().size() << " times";
  }
}

// The store is down for a while, then back: nothing is posted while it is
// down (no attempt can be recorded), and the reply goes out once after.
TEST(OutboxStoreFailsAtEveryCall, AStoreThatIsDownForAWhilePostsNothingThenOnce) {
  OutboundRig rig;
  rig.store.break_down();
  for (int i = 0; i < 3; ++i) {
    EXPECT_THROW(rig.worker->run_once(rig.now), StoreError);
    rig.now += 60;
  }
  EXPECT_TRUE(rig.slack.messages().empty());
  rig.store.heal();
  rig.drain();
  EXPECT_EQ(rig.slack.messages().size(), 1u);
}

}  // namespace
}  // namespace rolecall
