// The outbound half of the nth-failure matrix (issue 13). The real Slack
// deliverer posts to a fake Slack Web API that keeps what it got, and
//  - the store fails at its nth call, for every call one delivery makes
//    (read the due rows, record the attempt, record the outcome);
//  - Slack fails its nth call of each method the delivery uses, with each
//    kind of fault: 429, 500, "posted, then 500", a reset connection, and a
//    reply slower than the client's timeout;
// for a thread reply and for a digest (a top-level post). Whatever fails,
// the message reaches Slack exactly once: a failure before the post leaves
// the row pending, one after it is caught by the look-before-resend (the
// post carries the outbox id in its metadata).

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
  explicit OutboundRig(bool digest = false) {
    auto api = std::make_shared<CpprestSlackWebApi>(
        CpprestSlackWebApiOptions{slack.api_url(), "xoxb-test", 400ms});
    SlackDelivererOptions options;
    options.channel_interval = 0ms;
    options.api_base_url = slack.api_url();
    OutboxOptions o;
    o.max_attempts = 8;
    o.base_backoff = 1000ms;
    o.max_backoff = 2000ms;
    worker = std::make_unique<OutboxWorker>(
        store,
        std::vector<std::shared_ptr<Deliverer>>{std::make_shared<SlackDeliverer>(api, options)}, o,
        nullptr, [this] {
          return std::chrono::duration_cast<OutboxWorker::Millis>(std::chrono::seconds(now));
        });
    json payload = {{"channel", "C0CHECK01"}, {"text", "The Product Owner owns sprint scope."}};
    if (!digest) payload["thread_ts"] = "1700000000.000100";
    sqlite.enqueue({"slack:chat.postMessage", "C0CHECK01", payload.dump(), "slack:reply:1"}, now);
  }

  // Runs the worker until the row is gone or `rounds` runs passed; a store
  // failure ends a run the way it ends the worker's loop (logged, next run).
  void drain(int rounds = 10) {
    for (int i = 0; i < rounds && sqlite.outbox_depth() > 0; ++i) {
      try {
        worker->run_once(std::chrono::seconds(now));
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
    rig.worker->run_once(std::chrono::seconds(rig.now));
    n_calls = rig.store.calls();
    ASSERT_EQ(rig.slack.messages().size(), 1u);
  }
  ASSERT_GE(n_calls, 3) << "due rows, attempt started, delivered";
  for (int n = 1; n <= n_calls; ++n) {
    SCOPED_TRACE("failing call " + std::to_string(n));
    OutboundRig rig;
    rig.store.fail_call(n);
    EXPECT_THROW(rig.worker->run_once(std::chrono::seconds(rig.now)), StoreError);
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
    EXPECT_THROW(rig.worker->run_once(std::chrono::seconds(rig.now)), StoreError);
    rig.now += 60;
  }
  EXPECT_TRUE(rig.slack.messages().empty());
  rig.store.heal();
  rig.drain();
  EXPECT_EQ(rig.slack.messages().size(), 1u);
}

using Fault = testing::FakeSlackFault;

// Slack fails the first n calls of a method in a row with one kind of
// fault, then answers normally (n = 1..3). A lookup happens only after a
// post that may have gone through, so for the lookup methods the first post
// is "posted, then 500" and the lookups that follow are the ones that fail.
TEST(SlackFailsAtItsNthCall, AReplyAndADigestReachSlackExactlyOnce) {
  const std::pair<const char*, Fault> post_faults[] = {
      {"429", {Fault::Kind::rate_limited, 1, 0ms}},
      {"500", {Fault::Kind::server_error, 1, 0ms}},
      {"posted then 500", {Fault::Kind::post_then_error, 1, 0ms}},
      {"connection reset", {Fault::Kind::drop, 1, 0ms}},
      {"timeout", {Fault::Kind::post_then_delay, 1, 1200ms}},
  };
  const std::pair<const char*, Fault> lookup_faults[] = {
      {"429", {Fault::Kind::rate_limited, 1, 0ms}},
      {"500", {Fault::Kind::server_error, 1, 0ms}},
      {"connection reset", {Fault::Kind::drop, 1, 0ms}},
  };
  for (const bool digest : {false, true}) {
    const std::string lookup_method = digest ? "conversations.history" : "conversations.replies";
    for (const std::string& method : {std::string("chat.postMessage"), lookup_method}) {
      const bool lookup = method == lookup_method;
      for (const auto& [name, fault] :
           lookup ? std::vector(std::begin(lookup_faults), std::end(lookup_faults))
                  : std::vector(std::begin(post_faults), std::end(post_faults))) {
        for (std::size_t n = 1; n <= 3; ++n) {
          SCOPED_TRACE(std::string(digest ? "digest" : "reply") + ", first " + std::to_string(n) +
                       " " + method + " calls fail: " + name);
          OutboundRig rig(digest);
          if (lookup)
            rig.slack.push_fault("chat.postMessage", {Fault::Kind::post_then_error, 1, 0ms});
          for (std::size_t i = 0; i < n; ++i) rig.slack.push_fault(method, fault);
          rig.drain(20);
          EXPECT_EQ(rig.sqlite.outbox_depth(), 0);
          EXPECT_EQ(rig.slack.messages().size(), 1u);
          const auto served = rig.slack.faults_served();
          // A fault that kept the message (posted, then 500 / reset / too
          // slow) is found by the lookup: no second post, so no second fault.
          const bool kept = !lookup && fault.kind != Fault::Kind::rate_limited &&
                            fault.kind != Fault::Kind::server_error;
          EXPECT_EQ(served.count(method) ? served.at(method) : 0u, kept ? 1u : n);
          EXPECT_EQ(rig.sqlite.list_routings({}).size(), 0u);  // (the outbox is all there is)
        }
      }
    }
  }
}

}  // namespace
}  // namespace rolecall
