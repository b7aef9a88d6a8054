// Outbox workers of several replicas on one PostgreSQL database (real
// PostgresStore, real Slack deliverer, fake Slack Web API): each row is
// posted once however the workers race, and a replica that dies after
// posting leaves its row to another one when the claim's lease ends; that
// one finds the post (issue 13's lookup) instead of posting again.

#include <gtest/gtest.h>

#include <ctime>
#include <nlohmann/json.hpp>
#include <thread>

#include "adapters/slack/cpprest_slack_web_api.hpp"
#include "adapters/slack/slack_deliverer.hpp"
#include "daemon/outbox_worker.hpp"
#include "storage/postgres/postgres_store.hpp"
#include "tests/support/fake_slack_api.hpp"
#include "tests/support/postgres_server.hpp"

namespace rolecall {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

struct ReplicaDied : std::runtime_error {
  ReplicaDied() : std::runtime_error("SIGKILL") {}
};

// Posts for real, then dies before the outcome is recorded.
class DiesAfterPosting final : public Deliverer {
 public:
  explicit DiesAfterPosting(std::shared_ptr<Deliverer> inner) : inner_(std::move(inner)) {}
  bool handles(const std::string& d) const override { return inner_->handles(d); }
  using Deliverer::deliver;
  DeliveryResult deliver(const OutboxMessage& m, std::int64_t id) override {
    inner_->deliver(m, id);
    throw ReplicaDied();
  }
  PostLookup find_post(const OutboxMessage& m, std::int64_t id, std::int64_t started) override {
    return inner_->find_post(m, id, started);
  }

 private:
  std::shared_ptr<Deliverer> inner_;
};

class OutboxReplicasTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string why_not;
    auto* server = testing::PostgresServer::shared(&why_not);
    if (server == nullptr) GTEST_SKIP() << why_not;
    url_ = server->create_database();
  }

  std::shared_ptr<Deliverer> slack_deliverer() {
    auto api = std::make_shared<CpprestSlackWebApi>(
        CpprestSlackWebApiOptions{slack_.api_url(), "xoxb-test", 3000ms});
    SlackDelivererOptions options;
    options.channel_interval = 0ms;
    options.api_base_url = slack_.api_url();
    return std::make_shared<SlackDeliverer>(api, options);
  }

  OutboxOptions options(const std::string& owner) {
    OutboxOptions o;
    o.claim_owner = owner;
    o.claim_lease = 60s;
    return o;
  }

  void enqueue_reply(Store& store, int n) {
    const std::string ts = "1700000000.0001" + std::to_string(10 + n);
    json payload = {{"channel", "C0CHECK01"}, {"thread_ts", ts}, {"text", "The PM owns pricing."}};
    ASSERT_TRUE(store.enqueue(
        {"slack:chat.postMessage", "C0CHECK01", payload.dump(), "reply:" + ts}, now_));
  }

  std::int64_t now_ = std::time(nullptr);
  std::string url_;
  testing::FakeSlackApi slack_;
};

TEST_F(OutboxReplicasTest, ThreeWorkersRacingPostEachRowOnce) {
  PostgresStore a(url_), b(url_), c(url_);
  for (int i = 0; i < 30; ++i) enqueue_reply(a, i);
  std::vector<std::unique_ptr<OutboxWorker>> workers;
  int r = 0;
  for (Store* s : {static_cast<Store*>(&a), static_cast<Store*>(&b), static_cast<Store*>(&c)}) {
    auto o = options("replica-" + std::to_string(r++));
    o.batch = 4;
    workers.push_back(std::make_unique<OutboxWorker>(
        *s, std::vector<std::shared_ptr<Deliverer>>{slack_deliverer()}, o, nullptr,
        [this] { return OutboxWorker::Millis(std::chrono::seconds(now_)); }));
  }
  std::vector<std::thread> threads;
  for (auto& w : workers) {
    threads.emplace_back([&, w = w.get()] {
      while (w->run_once(std::chrono::seconds(now_)) > 0) {
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(a.outbox_depth(), 0);
  std::map<std::string, int> per_thread;
  for (const auto& m : slack_.messages()) ++per_thread[m.thread_ts];
  EXPECT_EQ(per_thread.size(), 30u);
  for (const auto& [ts, n] : per_thread) EXPECT_EQ(n, 1) << ts;
}

TEST_F(OutboxReplicasTest, ADeadReplicasRowIsTakenOverAfterTheLeaseAndNotPostedTwice) {
  PostgresStore a(url_), b(url_);
  enqueue_reply(a, 1);
  OutboxWorker dying(a, {std::make_shared<DiesAfterPosting>(slack_deliverer())},
                     options("replica-a"), nullptr,
                     [this] { return OutboxWorker::Millis(std::chrono::seconds(now_)); });
  EXPECT_THROW(dying.run_once(std::chrono::seconds(now_)), ReplicaDied);
  ASSERT_EQ(slack_.messages().size(), 1u);

  std::int64_t clock = now_;
  OutboxWorker other(b, {slack_deliverer()}, options("replica-b"), nullptr,
                     [&clock] { return OutboxWorker::Millis(std::chrono::seconds(clock)); });
  EXPECT_EQ(other.run_once(std::chrono::seconds(now_ + 10)), 0)
      << "taken while replica-a's lease runs";
  clock = now_ + 61;
  EXPECT_EQ(other.run_once(std::chrono::seconds(clock)), 1);
  EXPECT_EQ(b.outbox_depth(), 0);
  EXPECT_EQ(slack_.messages().size(), 1u) << "posted twice";
  EXPECT_EQ(slack_.calls()["conversations.replies"], 1u);
}

}  // namespace
}  // namespace rolecall
