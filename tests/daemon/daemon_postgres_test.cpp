// Integration: real `rolecall serve` processes on one real PostgreSQL
// (tests/support/postgres_server.hpp): replicas answer one Slack event once
// whichever of them it reaches, and /readyz follows the database through an
// outage. Skipped, saying why, only when no PostgreSQL server is installed.

#include <gtest/gtest.h>
#include <libpq-fe.h>

#include <future>
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

constexpr const char* kSecret = "replica-test-signing-secret";

std::map<std::string, std::string> env_for(const std::string& url, const FakeSlackApi& slack) {
  return {{"SLACK_SIGNING_SECRET", kSecret},
          {"SLACK_BOT_TOKEN", "xoxb-test"},
          {"SLACK_API_URL", slack.api_url()},
          {"ROLECALL_DATABASE_URL", url}};
}

int post_mention(unsigned short port, const std::string& event_id, const std::string& ts,
                 int retry_num = 0) {
  return post_slack_mention(port, kSecret, event_id, ts, retry_num);
}

class DaemonPostgresTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string why_not;
    server_ = PostgresServer::shared(&why_not);
    if (server_ == nullptr) GTEST_SKIP() << why_not;
    url_ = server_->create_database();
  }
  PostgresServer* server_ = nullptr;
  std::string url_;
};

TEST_F(DaemonPostgresTest, OneEventSentToTwoReplicasAndRetriedIsAnsweredOnce) {
  FakeSlackApi slack;
  TempDir dir_a, dir_b;
  DaemonProcess a(dir_a.path(), test_config_yaml(), env_for(url_, slack));
  DaemonProcess b(dir_b.path(), test_config_yaml(), env_for(url_, slack));
  ASSERT_NE(a.log().find("PostgreSQL"), std::string::npos) << a.log();

  for (int i = 0; i < 10; ++i) {
    const std::string id = "Ev0REPL00" + std::to_string(i);
    const std::string ts = "1700000200.00010" + std::to_string(i);
    // The same delivery reaches both replicas at once (a load balancer
    // retrying, or Slack's retry racing the first attempt)...
    auto first = std::async(std::launch::async, [&] { return post_mention(a.port(), id, ts); });
    auto second = std::async(std::launch::async, [&] { return post_mention(b.port(), id, ts, 1); });
    EXPECT_EQ(first.get(), 200);
    EXPECT_EQ(second.get(), 200);
    // ...and a later retry reaches whichever replica.
    EXPECT_EQ(post_mention(i % 2 ? a.port() : b.port(), id, ts, 2), 200);
  }
  ASSERT_TRUE(wait_until([&] {
    return query(url_, "SELECT count(*) FROM outbox WHERE state = 'delivered'") == "10" &&
           query(url_, "SELECT count(*) FROM outbox") == "10";
  })) << a.log()
      << b.log();
  std::map<std::string, int> replies;
  for (const auto& m : slack.messages()) ++replies[m.thread_ts];
  EXPECT_EQ(replies.size(), 10u);
  for (const auto& [ts, n] : replies) EXPECT_EQ(n, 1) << "thread " << ts << " got " << n;
  EXPECT_EQ(query(url_, "SELECT count(*) FROM processed_events WHERE event_key LIKE '%Ev0REPL%'"),
            "10");
  EXPECT_EQ(a.stop(SIGTERM), 0);
  EXPECT_EQ(b.stop(SIGTERM), 0);
}

TEST_F(DaemonPostgresTest, ReadyzFollowsTheDatabaseThroughAnOutage) {
  FakeSlackApi slack;
  TempDir dir;
  DaemonProcess d(dir.path(), test_config_yaml(), env_for(url_, slack));
  EXPECT_EQ(http_request(d.port(), "GET", "/readyz", {}, "").status, 200);

  server_->stop();
  EXPECT_EQ(http_request(d.port(), "GET", "/readyz", {}, "").status, 503);
  EXPECT_EQ(post_mention(d.port(), "Ev0OUTAGE1", "1700000300.000100"), 503);
  EXPECT_EQ(d.log().find("s3cret"), std::string::npos);

  server_->start();
  // It recovers by itself, without a restart.
  ASSERT_TRUE(wait_until(
      [&] { return http_request(d.port(), "GET", "/readyz", {}, "").status == 200; }, 15s))
      << d.log();
  EXPECT_EQ(post_mention(d.port(), "Ev0OUTAGE1", "1700000300.000100", 1), 200);
  ASSERT_TRUE(wait_until([&] { return slack.messages().size() == 1; })) << d.log();
  EXPECT_EQ(d.stop(SIGTERM), 0);
}

TEST_F(DaemonPostgresTest, DbCopyMovesAnSqliteInstallationAndChecksCounts) {
  FakeSlackApi slack;
  TempDir dir;
  const std::string sqlite = dir.file("old.db");
  const std::string config = dir.file("rolecall.yaml");  // DaemonProcess writes it
  {
    // An SQLite installation with a routed mention and its delivered reply.
    DaemonProcess old(dir.path(), test_config_yaml(),
                      {{"SLACK_SIGNING_SECRET", kSecret},
                       {"SLACK_BOT_TOKEN", "xoxb-test"},
                       {"SLACK_API_URL", slack.api_url()},
                       {"ROLECALL_DB", sqlite}});
    ASSERT_EQ(post_mention(old.port(), "Ev0COPY001", "1700000400.000100"), 200);
    ASSERT_TRUE(wait_until([&] { return slack.messages().size() == 1; })) << old.log();
    EXPECT_EQ(old.stop(SIGTERM), 0);
  }
  const auto copy =
      run_rolecall({"db", "copy", "--to", url_, "--config", config}, {{"ROLECALL_DB", sqlite}});
  ASSERT_EQ(copy.status, 0) << copy.out << copy.err;
  EXPECT_NE(copy.out.find("row counts of both databases match"), std::string::npos) << copy.out;
  EXPECT_NE(query(url_, "SELECT count(*) FROM processed_events"), "0");
  EXPECT_EQ(query(url_, "SELECT state FROM outbox"), "delivered");
  // A second copy never merges into a filled database.
  const auto again =
      run_rolecall({"db", "copy", "--to", url_, "--config", config}, {{"ROLECALL_DB", sqlite}});
  EXPECT_EQ(again.status, 1);
  EXPECT_NE(again.err.find("already holds rows"), std::string::npos) << again.err;

  // The copied installation runs on PostgreSQL: the event stays answered.
  DaemonProcess moved(dir.path(), test_config_yaml(), env_for(url_, slack));
  EXPECT_EQ(post_mention(moved.port(), "Ev0COPY001", "1700000400.000100", 1), 200);
  EXPECT_EQ(post_mention(moved.port(), "Ev0COPY002", "1700000400.000200"), 200);
  ASSERT_TRUE(wait_until([&] { return slack.messages().size() == 2; })) << moved.log();
  EXPECT_EQ(query(url_, "SELECT count(*) FROM outbox"), "2");
  const auto migrate =
      run_rolecall({"db", "migrate", "--config", config}, {{"ROLECALL_DATABASE_URL", url_}});
  EXPECT_EQ(migrate.status, 0) << migrate.err;
  EXPECT_NE(migrate.out.find("PostgreSQL"), std::string::npos) << migrate.out;
  EXPECT_EQ(moved.stop(SIGTERM), 0);
}

}  // namespace
}  // namespace rolecall::testing
