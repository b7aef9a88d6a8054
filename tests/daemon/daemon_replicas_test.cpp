// Three real `rolecall serve` replicas on one real PostgreSQL
// (tests/support/postgres_server.hpp) and one fake Slack Web API
// (tests/support/fake_slack_api.hpp), driven the way an operator would try
// them: the replicas start while the database is down, signed events arrive
// round-robin, Slack's retries reach a different replica than the first
// attempt, one replica is killed with SIGKILL during a burst, PostgreSQL is
// restarted mid-run, and the weekly digest falls due with all three up.
// Every reply and post is counted at the end: each event Slack was told 200
// for has exactly one thread reply, the digest went out once, and posts to
// one channel kept its pace whichever replica sent them.
//
// A sender that gets no 200 retries as Slack does (X-Slack-Retry-Num), on the
// next replica. Skipped, saying why, only when no PostgreSQL is installed.

#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <cctype>
#include <ctime>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include "tests/daemon/daemon_postgres_helpers.hpp"
#include "tests/daemon/daemon_process.hpp"
#include "tests/support/fake_slack_api.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/postgres_server.hpp"
#include "tests/support/test_helpers.hpp"

namespace rolecall::testing {
namespace {

using namespace std::chrono_literals;

constexpr const char* kSecret = "replicas-e2e-signing-secret";
constexpr int kPaceMs = 100;  // slack.post_interval_ms

std::string replica_config() {
  std::ostringstream y;
  y << "taxonomy:\n  path: " << ROLECALL_SOURCE_DIR << "/config/taxonomy.yaml\n"
    << "log:\n  level: debug\n  format: json\n"
    << "slack:\n  post_interval_ms: " << kPaceMs << "\n  request_timeout_ms: 2000\n"
    << "digest:\n  check_interval_seconds: 1\n"
    << "outbox:\n  base_backoff_ms: 200\n  max_backoff_ms: 1000\n  max_attempts: 20\n"
    << "storage:\n  pool_timeout_ms: 1000\n"
    << "product_teams:\n  - id: checkout\n    name: Checkout\n"
    << "    slack_channels: [C0CHECK01]\n    intake_channels: [C0INTAKE1]\n"
    << "    product_managers: [{name: Priya, slack: U0PM00001}]\n"
    << "    product_owners: [{name: Tom, slack: U0PO00001}]\n"
    << "    digest: " << due_schedule_yaml() << "\n"
    << "default_team: checkout\n";
  return y.str();
}

class DaemonReplicasTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string why_not;
    server_ = PostgresServer::shared(&why_not);
    if (server_ == nullptr) GTEST_SKIP() << why_not;
    url_ = server_->create_database();
  }
  void TearDown() override {
    if (server_ != nullptr && !server_->running()) server_->start();
  }

  std::unique_ptr<DaemonProcess> start_replica(const FakeSlackApi& slack) {
    dirs_.push_back(std::make_unique<TempDir>());
    return std::make_unique<DaemonProcess>(
        dirs_.back()->path(), replica_config(),
        std::map<std::string, std::string>{{"SLACK_SIGNING_SECRET", kSecret},
                                           {"SLACK_BOT_TOKEN", "xoxb-test"},
                                           {"SLACK_API_URL", slack.api_url()},
                                           {"ROLECALL_DATABASE_URL", url_},
                                           {"ROLECALL_OUTBOX_LEASE_SECONDS", "5"}});
  }

  PostgresServer* server_ = nullptr;
  std::string url_;
  std::vector<std::unique_ptr<TempDir>> dirs_;
};

struct Event {
  std::string id;
  std::string ts;
  bool acknowledged = false;  // some replica answered 200
};

int status_of(DaemonProcess& d, const std::string& path) {
  return http_request(d.port(), "GET", path, {}, "").status;
}

TEST_F(DaemonReplicasTest, ThreeReplicasThroughKillsAndADatabaseRestartLoseAndDuplicateNothing) {
  FakeSlackApi slack;

  // 1. The database is down when the replicas start: they start all the
  // same, are alive but not ready, and turn requests away with a 503.
  server_->stop();
  std::vector<std::unique_ptr<DaemonProcess>> replicas;
  for (int i = 0; i < 3; ++i) replicas.push_back(start_replica(slack));
  for (auto& r : replicas) {
    EXPECT_EQ(status_of(*r, "/healthz"), 200) << r->log();
    EXPECT_EQ(status_of(*r, "/readyz"), 503) << r->log();
  }
  EXPECT_EQ(post_slack_mention(replicas[0]->port(), kSecret, "Ev0DOWN001", "1700000900.000100"),
            503);

  std::vector<Event> events;
  auto live = [&](std::size_t i) -> DaemonProcess* {
    for (std::size_t k = 0; k < replicas.size(); ++k) {
      auto& r = replicas[(i + k) % replicas.size()];
      if (r && r->running()) return r.get();
    }
    return nullptr;
  };
  // Sends event `e` to replica i (round-robin), then retries as Slack does,
  // on the next live replica each time, until one says 200 or time runs out.
  auto deliver = [&](Event& e, std::size_t i, std::chrono::milliseconds patience) {
    const auto deadline = std::chrono::steady_clock::now() + patience;
    for (int attempt = 0;; ++attempt) {
      DaemonProcess* r = live(i + attempt);
      if (r == nullptr) return;
      if (post_slack_mention(r->port(), kSecret, e.id, e.ts, attempt) == 200) {
        e.acknowledged = true;
        return;
      }
      if (std::chrono::steady_clock::now() > deadline) return;
      std::this_thread::sleep_for(100ms);
    }
  };
  auto new_event = [&](int n) {
    char ts[32];
    std::snprintf(ts, sizeof ts, "1700001000.%06d", n);
    events.push_back({"Ev0RPL" + std::to_string(100000 + n), ts, false});
  };

  // 2. The database comes up: every replica is ready within seconds,
  // without a restart (migrations ran on the way).
  server_->start();
  for (auto& r : replicas) {
    ASSERT_TRUE(wait_until([&] { return status_of(*r, "/readyz") == 200; }, 10s)) << r->log();
  }

  // 3. A burst round-robin; each event's retry reaches a different replica
  // than its first attempt (Slack's retry behind a load balancer).
  for (int n = 0; n < 15; ++n) {
    new_event(n);
    deliver(events.back(), n, 5s);
    ASSERT_TRUE(events.back().acknowledged) << n;
    EXPECT_EQ(post_slack_mention(replicas[(n + 1) % 3]->port(), kSecret, events.back().id,
                                 events.back().ts, 1),
              200);
  }

  // 4. A burst during which replica 2 is killed with SIGKILL: its rows
  // (claimed, maybe posted) go to the others when its lease ends (5 s).
  for (int n = 15; n < 30; ++n) {
    new_event(n);
    if (n == 20) replicas[2]->signal(SIGKILL);
    deliver(events.back(), n, 5s);
  }

  // 5. PostgreSQL restarted mid-burst (pg_ctl stop, then start): requests in
  // between get a 503 and are retried, as Slack would, until accepted.
  std::thread restart([&] {
    std::this_thread::sleep_for(300ms);
    server_->stop();
    std::this_thread::sleep_for(1s);
    server_->start();
  });
  for (int n = 30; n < 45; ++n) {
    new_event(n);
    deliver(events.back(), n, 15s);
    std::this_thread::sleep_for(50ms);
  }
  restart.join();

  // Everything that was accepted is delivered, by the live replicas.
  ASSERT_TRUE(wait_until(
      [&] {
        return query(url_, "SELECT count(*) FROM outbox WHERE state <> 'delivered'") == "0" &&
               query(url_, "SELECT count(*) FROM digests_sent") == "1";
      },
      30s))
      << "now " << std::time(nullptr) << "; not delivered: "
      << query(url_,
               "SELECT string_agg(id || ':' || state || ':' || attempts || ':' || next_attempt_at "
               "|| ':' || claimed_by || ':' || claimed_until || ':' || "
               "coalesce(attempt_started_at, 0) || ':' || last_error, ' ') FROM outbox "
               "WHERE state <> 'delivered'")
      << "; digests_sent " << query(url_, "SELECT count(*) FROM digests_sent") << "\n"
      << replicas[0]->log() << replicas[1]->log();

  // 6. Count every reply and post.
  std::set<std::string> acknowledged;
  for (const auto& e : events) {
    EXPECT_TRUE(e.acknowledged) << e.id << " was never accepted";
    if (e.acknowledged) acknowledged.insert(e.ts);
  }
  std::map<std::string, int> replies;
  int digests = 0;
  std::vector<std::chrono::steady_clock::time_point> channel_posts;
  for (const auto& m : slack.messages()) {
    if (m.channel != "C0CHECK01") continue;
    channel_posts.push_back(m.received_at);
    if (m.thread_ts.empty()) {
      ++digests;
    } else {
      ++replies[m.thread_ts];
    }
  }
  EXPECT_EQ(digests, 1) << "exactly one digest for (checkout, week, slack:C0CHECK01)";
  for (const auto& ts : acknowledged) {
    EXPECT_EQ(replies[ts], 1) << "thread " << ts << " got " << replies[ts] << " replies";
  }
  for (const auto& [ts, n] : replies) {
    EXPECT_TRUE(acknowledged.count(ts)) << "a reply to " << ts << ", which was never accepted";
  }
  EXPECT_EQ(query(url_, "SELECT count(*) FROM outbox"), std::to_string(acknowledged.size() + 1));

  // Pacing held across replicas: posts to the one channel about the interval
  // apart. The slot is booked before the request leaves, so the gaps seen
  // here also carry each request's way to the fake server (a loaded machine
  // delays some): the bound is half the interval. Pacing kept per process
  // only would let two replicas post to it at nearly the same moment.
  std::sort(channel_posts.begin(), channel_posts.end());
  int too_close = 0;
  for (std::size_t i = 1; i < channel_posts.size(); ++i) {
    if (channel_posts[i] - channel_posts[i - 1] < std::chrono::milliseconds(kPaceMs / 2)) {
      ++too_close;
    }
  }
  EXPECT_EQ(too_close, 0) << "of " << channel_posts.size() << " posts to C0CHECK01";
  auto min_gap = std::chrono::milliseconds::max();
  for (std::size_t i = 1; i < channel_posts.size(); ++i) {
    min_gap = std::min(min_gap, std::chrono::duration_cast<std::chrono::milliseconds>(
                                    channel_posts[i] - channel_posts[i - 1]));
  }
  std::printf(
      "replicas: %zu events accepted, %zu thread replies, %d digest(s), %zu posts to "
      "C0CHECK01, smallest gap %lld ms (interval %d ms)\n",
      acknowledged.size(), replies.size(), digests, channel_posts.size(),
      static_cast<long long>(min_gap.count()), kPaceMs);

  // The replicas' metrics: the digest lease is held by exactly one of them.
  int digest_holders = 0;
  for (auto& r : replicas) {
    if (!r->running()) continue;
    const auto metrics = http_request(r->port(), "GET", "/metrics", {}, "").body;
    if (metrics.find("rolecall_leases_held{lease=\"digest\"} 1") != std::string::npos) {
      ++digest_holders;
    }
    EXPECT_NE(metrics.find("rolecall_db_pool_in_use"), std::string::npos);
    EXPECT_NE(metrics.find("rolecall_outbox_claims_total"), std::string::npos);
  }
  EXPECT_EQ(digest_holders, 1);
  for (auto& r : replicas) {
    if (r->running()) {
      EXPECT_EQ(r->stop(SIGTERM), 0) << r->log();
    }
  }
}

// A signed `/whoowns TEXT` in C0CHECK01, answered in the HTTP reply.
HttpResult ask_whoowns(DaemonProcess& d, const std::string& text) {
  std::string encoded;
  for (unsigned char c : text) {
    char buf[4];
    if (std::isalnum(c) != 0) {
      encoded += static_cast<char>(c);
    } else {
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      encoded += buf;
    }
  }
  const std::string body =
      "token=x&team_id=T0TEAM001&channel_id=C0CHECK01&channel_name=checkout&user_id=U0USER001"
      "&user_name=sam&command=%2Fwhoowns&text=" +
      encoded + "&response_url=http%3A%2F%2F127.0.0.1%3A9%2Fr&trigger_id=1.2.3";
  const std::string ts = std::to_string(std::time(nullptr));
  return http_request(d.port(), "POST", "/slack/events",
                      {{"Content-Type", "application/x-www-form-urlencoded"},
                       {"X-Slack-Request-Timestamp", ts},
                       {"X-Slack-Signature", slack_sign(kSecret, ts, body)}},
                      body);
}

// SIGHUP works on each replica: each re-reads its own config file (here a
// new Product Manager for the team) while it keeps serving from the shared
// database, and a file broken on one replica leaves that one on its old
// config without touching the others.
TEST_F(DaemonReplicasTest, SighupReloadsEachReplicaOnTheSharedDatabase) {
  FakeSlackApi slack;
  std::vector<std::unique_ptr<DaemonProcess>> replicas;
  for (int i = 0; i < 2; ++i) replicas.push_back(start_replica(slack));
  for (auto& r : replicas) {
    ASSERT_TRUE(wait_until([&] { return status_of(*r, "/readyz") == 200; })) << r->log();
    const auto before = ask_whoowns(*r, "who owns pricing?");
    EXPECT_EQ(before.status, 200) << r->log();
    EXPECT_NE(before.body.find("Priya"), std::string::npos) << before.body;
  }
  std::string renamed = replica_config();
  renamed.replace(renamed.find("name: Priya"), 11, "name: Asha");
  std::ofstream(dirs_[0]->file("rolecall.yaml")) << renamed;
  std::ofstream(dirs_[1]->file("rolecall.yaml")) << "server: [\n";
  for (auto& r : replicas) r->signal(SIGHUP);
  ASSERT_TRUE(replicas[0]->wait_for_log("reloaded:")) << replicas[0]->log();
  ASSERT_TRUE(replicas[1]->wait_for_log("reload failed")) << replicas[1]->log();
  const auto first = ask_whoowns(*replicas[0], "who owns pricing?");
  EXPECT_NE(first.body.find("Asha"), std::string::npos) << first.body;
  const auto second = ask_whoowns(*replicas[1], "who owns pricing?");
  EXPECT_NE(second.body.find("Priya"), std::string::npos) << second.body;
  // The second replica's file is fixed: SIGHUP brings it to the new config too.
  std::ofstream(dirs_[1]->file("rolecall.yaml")) << renamed;
  replicas[1]->signal(SIGHUP);
  ASSERT_TRUE(replicas[1]->wait_for_log("reloaded:")) << replicas[1]->log();
  EXPECT_NE(ask_whoowns(*replicas[1], "who owns pricing?").body.find("Asha"), std::string::npos);
  for (auto& r : replicas) {
    EXPECT_EQ(status_of(*r, "/readyz"), 200);
    EXPECT_EQ(r->stop(SIGTERM), 0) << r->log();
  }
}

}  // namespace
}  // namespace rolecall::testing
