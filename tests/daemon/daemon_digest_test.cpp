// Integration: the daemon posts a team's weekly digest at its scheduled time
// to a fake Slack and a fake Teams Workflows endpoint, once, across restarts.

#include <gtest/gtest.h>

#include <ctime>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "adapters/teams/card_rules.hpp"
#include "tests/daemon/daemon_database.hpp"
#include "tests/daemon/daemon_postgres_helpers.hpp"
#include "tests/daemon/daemon_process.hpp"
#include "tests/support/fake_http_server.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/test_helpers.hpp"

namespace rolecall::testing {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

constexpr const char* kSecret = "digest-test-signing-secret";

std::string digest_config(const std::string& workflow_url, bool routing_notices = false) {
  std::ostringstream y;
  y << "taxonomy:\n  path: " << ROLECALL_SOURCE_DIR << "/config/taxonomy.yaml\n"
    << "log:\n  level: debug\n  format: json\n"
    << "slack:\n  post_interval_ms: 10\n"
    << "product_teams:\n  - id: checkout\n    name: Checkout\n"
    << "    slack_channels: [C0CHECK01]\n    intake_channels: [C0INTAKE1]\n"
    << "    teams_workflow_urls: [\"" << workflow_url << "\"]\n"
    << "    teams_routing_notices: " << (routing_notices ? "true" : "false") << "\n"
    << "    product_managers: [{name: Priya, slack: U0PM00001}]\n"
    << "    product_owners: [{name: Tom, slack: U0PO00001}]\n"
    << "    digest: " << due_schedule_yaml() << "\n"
    << "default_team: checkout\n";
  return y.str();
}

TEST(DigestDaemonTest, PostsOnceToSlackAndTeamsAndNotAgainAfterRestart) {
  TempDir dir;
  FakeHttpServer slack, teams;
  slack.set_handler([](const RecordedRequest& r) {
    if (r.target.find("auth.test") != std::string::npos)
      return FakeReply{200, {}, R"({"ok":true,"user_id":"U0BOT0001","bot_id":"B0BOT0001"})", 0ms};
    return FakeReply{200, {}, R"({"ok":true,"ts":"1.2"})", 0ms};
  });
  // Workflows answers 202 with an empty body; the first call gets a 500 to
  // show it is retried and still delivered exactly once.
  teams.set_handler([](const RecordedRequest&) { return FakeReply{202, {}, "", 0ms}; });
  teams.push_reply({500, {}, "flow failed", 0ms});
  const std::string workflow_url =
      teams.base_url() + "workflows/abc/triggers/manual/paths/invoke?sig=SECRETSIG";
  const std::map<std::string, std::string> env{{"SLACK_SIGNING_SECRET", kSecret},
                                               {"SLACK_BOT_TOKEN", "xoxb-digest"},
                                               {"SLACK_API_URL", slack.base_url()},
                                               {"ROLECALL_DB", dir.file("d.db")}};
  auto posts = [&] {
    std::size_t n = 0;
    for (auto& r : slack.requests())
      if (r.target.find("chat.postMessage") != std::string::npos) ++n;
    return n;
  };
  {
    DaemonProcess d(dir.path(), digest_config(workflow_url), env);
    ASSERT_TRUE(teams.wait_for_requests(2, 15s)) << d.log();  // 500, then 202
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (posts() < 1 && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(20ms);
    ASSERT_EQ(posts(), 1u) << d.log();
    ASSERT_TRUE(wait_outbox_settled(dir.file("d.db"))) << d.log();
    EXPECT_EQ(outbox_rows(dir.file("d.db")), 2) << "one digest per destination";
    EXPECT_EQ(teams.request_count(), 2u);
    EXPECT_EQ(posts(), 1u);
    EXPECT_EQ(d.log().find("SECRETSIG"), std::string::npos);
    EXPECT_EQ(d.stop(SIGTERM), 0);
  }
  // The Slack post is a Block Kit digest to the team's channel.
  for (auto& r : slack.requests()) {
    if (r.target.find("chat.postMessage") == std::string::npos) continue;
    auto body = json::parse(r.body);
    EXPECT_EQ(body["channel"], "C0CHECK01");
    ASSERT_TRUE(body["blocks"].is_array());
    EXPECT_LE(body["blocks"].size(), 50u);
    EXPECT_FALSE(body["text"].get<std::string>().empty());
  }
  // The Teams post is the Workflows envelope with a valid 1.4 card.
  auto envelope = json::parse(teams.requests().back().body);
  EXPECT_EQ(envelope["type"], "message");
  auto problems = check_adaptive_card_1_4(envelope["attachments"][0]["content"]);
  EXPECT_TRUE(problems.empty()) << problems.front();
  EXPECT_LT(teams.requests().back().body.size(), 28u * 1024u);

  // A restart on the same day posts nothing more.
  {
    DaemonProcess d(dir.path(), digest_config(workflow_url), env);
    EXPECT_TRUE(d.wait_for_log("listening on"));
    ASSERT_TRUE(d.wait_for_log("catch-up check at start done (0 digest post(s) queued)"))
        << d.log();
    EXPECT_EQ(outbox_rows(dir.file("d.db")), 2);
    ASSERT_TRUE(wait_outbox_settled(dir.file("d.db")));
    EXPECT_EQ(posts(), 1u);
    EXPECT_EQ(teams.request_count(), 2u);
  }
  // And `rolecall digest --post` says it was already sent.
  auto again = run_rolecall({"digest", "--team", "checkout", "--post", "--config",
                             (dir.path() / "rolecall.yaml").string()},
                            env);
  EXPECT_EQ(again.status, 0) << again.err;
  EXPECT_NE(again.out.find("already sent"), std::string::npos) << again.out;
}

TEST(TeamsRoutingNoticeTest, SlackRoutingIsAlsoPostedToTheTeamsChannelWhenConfigured) {
  TempDir dir;
  FakeHttpServer slack, teams;
  slack.set_handler([](const RecordedRequest& r) {
    if (r.target.find("auth.test") != std::string::npos)
      return FakeReply{200, {}, R"({"ok":true,"user_id":"U0BOT0001","bot_id":"B0BOT0001"})", 0ms};
    return FakeReply{200, {}, R"({"ok":true,"ts":"1.2"})", 0ms};
  });
  teams.set_handler([](const RecordedRequest&) { return FakeReply{202, {}, "", 0ms}; });
  // A schedule far from now, so only the routing notice goes to Teams.
  std::string config = digest_config(teams.base_url() + "wf?sig=S", true);
  const auto pos = config.find("digest: {");
  config = config.substr(0, pos) + "digest: {enabled: false}\n" +
           config.substr(config.find('\n', pos) + 1);
  DaemonProcess d(dir.path(), config,
                  {{"SLACK_SIGNING_SECRET", kSecret},
                   {"SLACK_BOT_TOKEN", "xoxb-notice"},
                   {"SLACK_API_URL", slack.base_url()},
                   {"ROLECALL_DB", dir.file("n.db")}});
  json ev = {{"type", "event_callback"},
             {"team_id", "T1"},
             {"api_app_id", "A1"},
             {"event_id", "Ev0NOTICE1"},
             {"event_time", std::time(nullptr)},
             {"event",
              {{"type", "message"},
               {"channel_type", "channel"},
               {"user", "U0USER001"},
               {"text", "can we pull the refund bug into this sprint?"},
               {"ts", "1700000100.000100"},
               {"channel", "C0INTAKE1"}}}};
  const std::string body = ev.dump();
  const std::string ts = std::to_string(std::time(nullptr));
  auto r = http_request(d.port(), "POST", "/slack/events",
                        {{"Content-Type", "application/json"},
                         {"X-Slack-Request-Timestamp", ts},
                         {"X-Slack-Signature", slack_sign(kSecret, ts, body)}},
                        body);
  ASSERT_EQ(r.status, 200);
  ASSERT_TRUE(teams.wait_for_requests(1, 10s)) << d.log();
  auto envelope = json::parse(teams.requests().front().body);
  EXPECT_EQ(envelope["type"], "message");
  auto problems = check_adaptive_card_1_4(envelope["attachments"][0]["content"]);
  EXPECT_TRUE(problems.empty()) << problems.front();
  EXPECT_NE(envelope.dump().find("Tom"), std::string::npos) << envelope.dump();
  ASSERT_TRUE(wait_outbox_settled(dir.file("n.db"))) << d.log();
  EXPECT_EQ(teams.request_count(), 1u);
}

}  // namespace
}  // namespace rolecall::testing
