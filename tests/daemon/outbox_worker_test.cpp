// The outbox worker delivers a row exactly once through crashes (issue 13,
// defect 1): the real SqliteStore on a file, the real Slack deliverer and
// cpprest client, and a fake Slack Web API that keeps what was posted.
//
// A "crash" is a deliverer wrapper that throws out of run_once at the chosen
// moment, so nothing after it runs (no mark_*); the "restart" is a new store
// on the same file and a new worker.

#include "daemon/outbox_worker.hpp"

#include <gtest/gtest.h>

#include <ctime>
#include <nlohmann/json.hpp>
#include <optional>

#include "adapters/slack/cpprest_slack_web_api.hpp"
#include "adapters/slack/slack_deliverer.hpp"
#include "storage/sqlite/sqlite_store.hpp"
#include "tests/support/fake_slack_api.hpp"
#include "tests/support/test_helpers.hpp"

namespace rolecall {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using testing::FakeSlackApi;
using testing::FakeSlackFault;
using testing::TempDir;
using Kind = FakeSlackFault::Kind;

// The worker's clock is milliseconds; these tests think in store seconds.
OutboxWorker::Millis at(std::int64_t unix_seconds) { return std::chrono::seconds(unix_seconds); }

struct ProcessDied : std::runtime_error {
  ProcessDied() : std::runtime_error("killed") {}
};

// Wraps a deliverer; dies before or after the real send.
class DyingDeliverer final : public Deliverer {
 public:
  enum class When { before_send, after_send };
  DyingDeliverer(std::shared_ptr<Deliverer> inner, When when)
      : inner_(std::move(inner)), when_(when) {}
  bool handles(const std::string& d) const override { return inner_->handles(d); }
  using Deliverer::deliver;
  DeliveryResult deliver(const OutboxMessage& m, std::int64_t id) override {
    if (when_ == When::before_send) throw ProcessDied();
    inner_->deliver(m, id);  // Slack has the message and answered
    throw ProcessDied();     // ... and we die before recording it
  }
  PostLookup find_post(const OutboxMessage& m, std::int64_t id, std::int64_t started) override {
    return inner_->find_post(m, id, started);
  }

 private:
  std::shared_ptr<Deliverer> inner_;
  When when_;
};

class OutboxWorkerTest : public ::testing::Test {
 protected:
  void SetUp() override { open(); }

  // A fresh process: store, Web API client, deliverer, worker; with `dying`,
  // its deliverer dies at that moment of its first send.
  void open(std::optional<DyingDeliverer::When> dying = std::nullopt) {
    worker_.reset();
    store_.reset();
    store_ = std::make_unique<SqliteStore>(dir_.file("rolecall.db"));
    api_ = std::make_shared<CpprestSlackWebApi>(
        CpprestSlackWebApiOptions{slack_.api_url(), "xoxb-test", 3000ms});
    SlackDelivererOptions options;
    options.channel_interval = 0ms;
    options.api_base_url = slack_.api_url();
    slack_deliverer_ = std::make_shared<SlackDeliverer>(api_, options);
    std::shared_ptr<Deliverer> d = slack_deliverer_;
    if (dying) d = std::make_shared<DyingDeliverer>(slack_deliverer_, *dying);
    OutboxOptions o;
    o.max_attempts = 5;
    o.base_backoff = 1000ms;
    o.max_backoff = 2000ms;
    worker_ = std::make_unique<OutboxWorker>(*store_, std::vector<std::shared_ptr<Deliverer>>{d}, o,
                                             nullptr, [this] { return at(now_); });
  }
  void open_dying(DyingDeliverer::When when) { open(when); }

  // A thread reply like the Slack endpoint enqueues for a mention.
  void enqueue_reply(const std::string& key = "slack:reply:C0CHECK01:1700000000.000100") {
    json payload = {{"channel", "C0CHECK01"},
                    {"thread_ts", "1700000000.000100"},
                    {"text", "The Product Manager owns pricing."}};
    ASSERT_TRUE(
        store_->enqueue({"slack:chat.postMessage", "C0CHECK01", payload.dump(), key}, now_));
  }
  std::size_t posts() const { return slack_.messages().size(); }
  std::size_t calls(const std::string& method) const {
    auto c = slack_.calls();
    return c.count(method) ? c.at(method) : 0;
  }
  OutboxRow only_row() {
    auto rows = store_->due_outbox(now_ + 100000, 10);
    EXPECT_EQ(rows.size(), 1u);
    return rows.empty() ? OutboxRow{} : rows[0];
  }

  std::int64_t now_ = std::time(nullptr);
  TempDir dir_;
  FakeSlackApi slack_;
  std::shared_ptr<SlackWebApi> api_;
  std::shared_ptr<SlackDeliverer> slack_deliverer_;
  std::unique_ptr<SqliteStore> store_;
  std::unique_ptr<OutboxWorker> worker_;
};

TEST_F(OutboxWorkerTest, DeliversOnceAndTagsThePostWithTheOutboxId) {
  enqueue_reply();
  EXPECT_EQ(worker_->run_once(at(now_)), 1);
  ASSERT_EQ(posts(), 1u);
  EXPECT_EQ(store_->outbox_depth(), 0);
  const auto m = slack_.messages()[0];
  EXPECT_EQ(m.metadata["event_type"], "rolecall_outbox");
  EXPECT_EQ(m.metadata["event_payload"]["outbox_id"], 1);
  EXPECT_EQ(m.metadata["event_payload"]["key"].get<std::string>().size(), 16u);
  EXPECT_EQ(m.thread_ts, "1700000000.000100");
  // A clean delivery never needs to look.
  EXPECT_EQ(calls("conversations.replies"), 0u);
}

// The defect: the process dies after Slack's 200 and before mark_delivered.
// Before the fix the next run posted the reply a second time.
TEST_F(OutboxWorkerTest, DiedAfterSlacksOkThenRestartFindsThePostAndDoesNotPostAgain) {
  enqueue_reply();
  open_dying(DyingDeliverer::When::after_send);
  EXPECT_THROW(worker_->run_once(at(now_)), ProcessDied);
  ASSERT_EQ(posts(), 1u);

  open();  // restart: a new store on the same file, a new worker
  now_ += 5;
  EXPECT_EQ(store_->outbox_depth(), 1);
  worker_->run_once(at(now_));
  EXPECT_EQ(posts(), 1u) << "the reply was posted twice";
  EXPECT_EQ(store_->outbox_depth(), 0);
  EXPECT_EQ(calls("conversations.replies"), 1u);
  const auto looks = slack_.server().requests();
  const auto& look = looks.back();
  EXPECT_EQ(look.method, "GET");
  EXPECT_NE(look.target.find("include_all_metadata=true"), std::string::npos) << look.target;
  EXPECT_NE(look.target.find("ts=1700000000.000100"), std::string::npos) << look.target;
  // Nothing is left to do on later runs either.
  worker_->run_once(at(now_ + 1000));
  EXPECT_EQ(posts(), 1u);
}

TEST_F(OutboxWorkerTest, DiedBeforeTheRequestLeftThenRestartPostsOnce) {
  enqueue_reply();
  open_dying(DyingDeliverer::When::before_send);
  EXPECT_THROW(worker_->run_once(at(now_)), ProcessDied);
  EXPECT_EQ(posts(), 0u);
  EXPECT_NE(only_row().attempt_started_at, 0);  // the attempt was recorded first

  open();
  worker_->run_once(at(now_));
  EXPECT_EQ(calls("conversations.replies"), 1u);  // looked, found nothing
  EXPECT_EQ(posts(), 1u);
  EXPECT_EQ(store_->outbox_depth(), 0);
  worker_->run_once(at(now_ + 1000));
  EXPECT_EQ(posts(), 1u);
}

TEST_F(OutboxWorkerTest, AFailedLookupDefersInsteadOfPosting) {
  enqueue_reply();
  open_dying(DyingDeliverer::When::before_send);
  EXPECT_THROW(worker_->run_once(at(now_)), ProcessDied);
  open();

  slack_.push_fault("conversations.replies", {Kind::server_error});
  slack_.push_fault("conversations.replies", {Kind::rate_limited, 7});
  worker_->run_once(at(now_));
  EXPECT_EQ(posts(), 0u) << "posted while unsure";
  auto row = only_row();
  EXPECT_EQ(row.attempts, 1);
  EXPECT_EQ(row.last_error, "lookup: http_500");
  EXPECT_NE(row.attempt_started_at, 0);  // still unsure: look again next time
  EXPECT_GT(row.next_attempt_at, now_);

  worker_->run_once(at(row.next_attempt_at));  // 429: Retry-After is honoured
  EXPECT_EQ(posts(), 0u);
  row = only_row();
  EXPECT_EQ(row.attempts, 2);
  EXPECT_EQ(row.next_attempt_at, now_ + 7);

  worker_->run_once(at(row.next_attempt_at));  // the look works: nothing there, post
  EXPECT_EQ(posts(), 1u);
  EXPECT_EQ(store_->outbox_depth(), 0);
}

TEST_F(OutboxWorkerTest, LookupsThatKeepFailingGiveUpWithoutPosting) {
  enqueue_reply();
  open_dying(DyingDeliverer::When::before_send);
  EXPECT_THROW(worker_->run_once(at(now_)), ProcessDied);
  open();
  for (int i = 0; i < 10; ++i) slack_.push_fault("conversations.replies", {Kind::server_error});
  for (int i = 0; i < 10; ++i) worker_->run_once(at(now_ + i * 1000));
  EXPECT_EQ(posts(), 0u);
  EXPECT_EQ(store_->outbox_depth(), 0);  // failed after max_attempts (5)
  EXPECT_EQ(calls("conversations.replies"), 5u);
}

TEST_F(OutboxWorkerTest, ALookupThatCanNeverWorkFailsTheRowWithoutPosting) {
  enqueue_reply();
  open_dying(DyingDeliverer::When::before_send);
  EXPECT_THROW(worker_->run_once(at(now_)), ProcessDied);
  open();
  slack_.server().push_reply({200, {}, R"({"ok":false,"error":"missing_scope"})"});
  worker_->run_once(at(now_));
  EXPECT_EQ(posts(), 0u);
  EXPECT_EQ(store_->outbox_depth(), 0);
}

// Slack answered 500 after posting ("may have partially succeeded"): the
// retry looks first and finds it. No crash needed.
TEST_F(OutboxWorkerTest, AServerErrorAfterPostingIsNotPostedAgain) {
  enqueue_reply();
  slack_.push_fault("chat.postMessage", {Kind::post_then_error});
  worker_->run_once(at(now_));
  EXPECT_EQ(posts(), 1u);
  auto row = only_row();
  EXPECT_EQ(row.last_error, "http_500");
  EXPECT_NE(row.attempt_started_at, 0);
  worker_->run_once(at(row.next_attempt_at));
  EXPECT_EQ(posts(), 1u);
  EXPECT_EQ(store_->outbox_depth(), 0);
  EXPECT_EQ(calls("conversations.replies"), 1u);
}

// 429: Slack did nothing, so the retry posts without looking.
TEST_F(OutboxWorkerTest, ARateLimitedPostIsRetriedWithoutALookup) {
  enqueue_reply();
  slack_.push_fault("chat.postMessage", {Kind::rate_limited, 3});
  worker_->run_once(at(now_));
  auto row = only_row();
  EXPECT_EQ(row.attempt_started_at, 0);
  EXPECT_EQ(row.next_attempt_at, now_ + 3);
  worker_->run_once(at(row.next_attempt_at));
  EXPECT_EQ(posts(), 1u);
  EXPECT_EQ(calls("conversations.replies"), 0u);
  EXPECT_EQ(calls("conversations.history"), 0u);
}

// A top-level post (a DM answer, a digest) is looked for in the channel's
// history; another row's tag, or another database's row with the same id,
// does not count.
TEST_F(OutboxWorkerTest, ATopLevelPostIsLookedForInHistoryByIdAndKey) {
  json payload = {{"channel", "C0CHECK01"}, {"text", "digest"}};
  ASSERT_TRUE(
      store_->enqueue({"slack:chat.postMessage", "C0CHECK01", payload.dump(), "digest:1"}, now_));
  // Same outbox id, different key (another rolecall database's row 1).
  slack_.add_message("C0CHECK01", "", "someone else's", outbox_metadata(1, "digest:other"));
  open_dying(DyingDeliverer::When::after_send);
  EXPECT_THROW(worker_->run_once(at(now_)), ProcessDied);
  ASSERT_EQ(posts(), 2u);
  open();
  worker_->run_once(at(now_));
  EXPECT_EQ(posts(), 2u);
  EXPECT_EQ(calls("conversations.history"), 1u);
  EXPECT_EQ(store_->outbox_depth(), 0);
}

// Teams Workflows cannot be asked: an unfinished attempt is sent again (at
// least once), and said so.
TEST_F(OutboxWorkerTest, ADestinationThatCannotBeAskedIsSentAgain) {
  struct Counting final : Deliverer {
    int sends = 0;
    bool handles(const std::string& d) const override { return d == "teams:workflow"; }
    using Deliverer::deliver;
    DeliveryResult deliver(const OutboxMessage&, std::int64_t) override {
      ++sends;
      return DeliveryResult::ok();
    }
  };
  auto counting = std::make_shared<Counting>();
  ASSERT_TRUE(store_->enqueue({"teams:workflow", "https://x.example/flow", "{}", "t1"}, now_));
  const auto id = store_->due_outbox(now_, 1).at(0).id;
  store_->mark_attempt_started(id, now_);  // as if we died mid-send
  OutboxWorker worker(*store_, {counting}, {}, nullptr, [this] { return at(now_); });
  worker.run_once(at(now_));
  EXPECT_EQ(counting->sends, 1);
  EXPECT_EQ(store_->outbox_depth(), 0);
}

}  // namespace
}  // namespace rolecall
