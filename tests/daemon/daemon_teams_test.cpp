// Integration tests: Microsoft Teams outgoing webhooks against the real
// daemon, with the HMAC vectors and fixtures, and digest posts to a fake
// Workflows endpoint.

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "adapters/teams/card_rules.hpp"
#include "tests/daemon/daemon_process.hpp"
#include "tests/support/fake_http_server.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/test_helpers.hpp"

namespace rolecall::testing {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

// The sample key of the Microsoft docs (hmac-vectors.json V1/V2).
constexpr const char* kDocsKey = "vqF0En+Z0ucuRTM/01o2GuhMH3hKKk/N2bOmlM31zaA=";
constexpr const char* kGrowthKey = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

class TeamsDaemonTest : public ::testing::Test {
 protected:
  void SetUp() override {
    {
      std::ofstream key(dir_.file("growth.key"));
      key << kGrowthKey << "\n";
    }
    daemon_ = std::make_unique<DaemonProcess>(
        dir_.path(),
        test_config_yaml("teams:\n  webhooks:\n    - name: default\n      team: checkout\n"
                         "    - name: growth\n      team: growth\n      secret_file: " +
                         dir_.file("growth.key") + "\n"),
        std::map<std::string, std::string>{{"TEAMS_WEBHOOK_SECRET", kDocsKey}});
  }
  HttpResult post(const std::string& path, const std::string& body, const std::string& key) {
    return http_request(
        daemon_->port(), "POST", path,
        {{"Content-Type", "application/json"}, {"Authorization", teams_sign(key, body)}}, body);
  }
  static std::string activity(const std::string& id, const std::string& text) {
    json a = json::parse(read_fixture("teams/outgoing-webhook-request.json"));
    a["id"] = id;
    a["text"] = "<at>rolecall</at> " + text;
    a["entities"] = json::array({{{"type", "mention"},
                                  {"text", "<at>rolecall</at>"},
                                  {"mentioned", {{"id", "28:0000-bot"}, {"name", "rolecall"}}}}});
    return a.dump();
  }
  static void expect_valid_reply(const HttpResult& r) {
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_NE(r.headers.at("content-type").find("application/json"), std::string::npos);
    auto j = json::parse(r.body);
    EXPECT_EQ(j["type"], "message");
    EXPECT_TRUE(j["text"].is_string() && !j["text"].get<std::string>().empty());
    ASSERT_TRUE(j["attachments"].is_array() && j["attachments"].size() == 1u) << j.dump();
    EXPECT_EQ(j["attachments"][0]["contentType"], "application/vnd.microsoft.card.adaptive");
    const auto problems = check_adaptive_card_1_4(j["attachments"][0]["content"]);
    EXPECT_TRUE(problems.empty()) << problems.front();
  }

  TempDir dir_;
  std::unique_ptr<DaemonProcess> daemon_;
};

TEST_F(TeamsDaemonTest, FixtureSignedWithTheDocsKeyIsAnsweredWithTextAndCard) {
  const std::string body = read_fixture("teams/outgoing-webhook-request.json");
  auto r = http_request(daemon_->port(), "POST", "/teams/webhook",
                        {{"Content-Type", "application/json"},
                         {"Authorization", "HMAC vVUD1IPaAYf5w+eQYLerCgSTfsNNnwCy3mjJ820Q1tc="}},
                        body);
  expect_valid_reply(r);
  EXPECT_NE(r.body.find("Priya"), std::string::npos) << r.body;  // pricing-page copy: the PM
}

TEST_F(TeamsDaemonTest, BadMissingAndWrongKeySignaturesGet401) {
  const std::string body = activity("1001", "who owns pricing?");
  auto none = http_request(daemon_->port(), "POST", "/teams/webhook",
                           {{"Content-Type", "application/json"}}, body);
  EXPECT_EQ(none.status, 401);
  // Key used as ASCII instead of base64-decoded (hmac-vectors N1).
  auto n1 = http_request(daemon_->port(), "POST", "/teams/webhook",
                         {{"Content-Type", "application/json"},
                          {"Authorization", "HMAC Na89YGHAL938uydZe2IxDutLiQMeIogmK3JM2OG4sQk="}},
                         R"({"type":"message","text":"<at>OwnerBot</at> who owns pricing?"})");
  EXPECT_EQ(n1.status, 401);
  // Re-serialised body.
  auto reserialised = http_request(
      daemon_->port(), "POST", "/teams/webhook",
      {{"Content-Type", "application/json"}, {"Authorization", teams_sign(kDocsKey, body)}},
      json::parse(body).dump(2));
  EXPECT_EQ(reserialised.status, 401);
  // Another webhook's key.
  EXPECT_EQ(post("/teams/webhook", body, kGrowthKey).status, 401);
  EXPECT_EQ(http_request(daemon_->port(), "POST", "/teams/webhook",
                         {{"Authorization", "Bearer abc"}}, body)
                .status,
            401);
  EXPECT_TRUE(daemon_->wait_for_log("teams: rejected"));
}

TEST_F(TeamsDaemonTest, UnknownWebhookNameGets404) {
  EXPECT_EQ(post("/teams/webhook/nope", activity("1002", "hi"), kDocsKey).status, 404);
}

TEST_F(TeamsDaemonTest, MalformedAndOversizedBodiesAreRejected) {
  EXPECT_EQ(post("/teams/webhook", "{\"type\":\"message\",", kDocsKey).status, 400);
  EXPECT_EQ(post("/teams/webhook", "[1,2,3]", kDocsKey).status, 400);
  EXPECT_EQ(post("/teams/webhook", R"({"type":"message"})", kDocsKey).status, 400);
  std::string big = "{\"type\":\"message\",\"text\":\"" + std::string(2 * 1024 * 1024, 'x') + "\"}";
  EXPECT_EQ(post("/teams/webhook", big, kDocsKey).status, 413);
  EXPECT_EQ(http_request(daemon_->port(), "GET", "/healthz").status, 200);
}

TEST_F(TeamsDaemonTest, EachKindOfAnswer) {
  auto pm =
      post("/teams/webhook", activity("2001", "who owns the pricing for the pro tier?"), kDocsKey);
  expect_valid_reply(pm);
  EXPECT_NE(pm.body.find("Product Manager"), std::string::npos);
  auto po = post("/teams/webhook", activity("2002", "who writes acceptance criteria?"), kDocsKey);
  expect_valid_reply(po);
  EXPECT_NE(po.body.find("Tom"), std::string::npos);
  auto pjm = post("/teams/webhook",
                  activity("2003", "who owns the gantt chart and project deadlines?"), kDocsKey);
  expect_valid_reply(pjm);
  EXPECT_NE(pjm.body.find("Project Manager"), std::string::npos);
  auto none = post("/teams/webhook", activity("2004", "who owns the coffee machine?"), kDocsKey);
  expect_valid_reply(none);
  auto help = post("/teams/webhook", activity("2005", "help"), kDocsKey);
  expect_valid_reply(help);
  // The growth webhook belongs to a combined team: Ana wears both hats.
  auto combined =
      post("/teams/webhook/growth", activity("2006", "who decides sprint scope?"), kGrowthKey);
  expect_valid_reply(combined);
  EXPECT_NE(combined.body.find("Ana"), std::string::npos) << combined.body;
}

TEST_F(TeamsDaemonTest, RequestIsRoutedAndCorrectedByAFollowUpMention) {
  auto routed = post("/teams/webhook",
                     activity("3001", "please pull the refund bug into the next sprint"), kDocsKey);
  expect_valid_reply(routed);
  EXPECT_NE(routed.body.find("Tom"), std::string::npos) << routed.body;
  auto routes = run_rolecall(
      {"routes", "list", "--config", (dir_.path() / "rolecall.yaml").string(), "--format", "json"},
      {{"ROLECALL_DB", daemon_->db_path()}});
  ASSERT_EQ(routes.status, 0) << routes.err;
  auto rows = json::parse(routes.out);
  ASSERT_EQ(rows.size(), 1u);
  const auto id = rows[0]["id"].get<long long>();
  EXPECT_EQ(rows[0]["platform"], "teams");
  EXPECT_EQ(rows[0]["role"], "product_owner");

  auto moved =
      post("/teams/webhook", activity("3002", "reassign #" + std::to_string(id)), kDocsKey);
  expect_valid_reply(moved);
  auto after = run_rolecall(
      {"routes", "list", "--config", (dir_.path() / "rolecall.yaml").string(), "--format", "json"},
      {{"ROLECALL_DB", daemon_->db_path()}});
  auto rows2 = json::parse(after.out);
  ASSERT_EQ(rows2.size(), 1u);
  EXPECT_EQ(rows2[0]["status"], "reassigned");
  EXPECT_EQ(rows2[0]["role"], "product_manager");
}

// A reply in the thread of a request rolecall routed. Microsoft's own
// example activity is such a reply: its id (1485983408511) is not the
// thread's root named in conversation.id (";messageid=1485983194839"). The
// root, posted as a new message in that channel, was a request rolecall
// routed; the reply asks about it and is answered about that request.
TEST_F(TeamsDaemonTest, AQuestionInARoutedRequestsThreadIsAnsweredAboutTheRequest) {
  json reply = json::parse(read_fixture("teams/outgoing-webhook-request.docs-2017.json"));
  const std::string conversation = reply["conversation"]["id"];
  const std::string channel = conversation.substr(0, conversation.find(';'));
  ASSERT_EQ(conversation, channel + ";messageid=1485983194839");
  ASSERT_EQ(reply["id"], "1485983408511");

  json root =
      json::parse(activity("1485983194839", "please pull the refund bug into the next sprint"));
  root["conversation"] = {{"id", conversation}};  // a new post carries its own id there
  root["channelData"] = reply["channelData"];
  auto routed = post("/teams/webhook", root.dump(), kDocsKey);
  expect_valid_reply(routed);
  EXPECT_NE(routed.body.find("Tom"), std::string::npos) << routed.body;

  reply["text"] = "<at>MyCustomBot</at> whose call is this?";
  auto answer = post("/teams/webhook", reply.dump(), kDocsKey);
  expect_valid_reply(answer);
  EXPECT_NE(answer.body.find("This thread's request"), std::string::npos) << answer.body;
  EXPECT_NE(answer.body.find("Product Owner"), std::string::npos) << answer.body;
  EXPECT_NE(answer.body.find("Tom"), std::string::npos) << answer.body;

  auto routes = run_rolecall(
      {"routes", "list", "--config", (dir_.path() / "rolecall.yaml").string(), "--format", "json"},
      {{"ROLECALL_DB", daemon_->db_path()}});
  ASSERT_EQ(routes.status, 0) << routes.err;
  auto rows = json::parse(routes.out);
  ASSERT_EQ(rows.size(), 2u) << rows.dump();
  for (const auto& row : rows) {
    EXPECT_EQ(row["role"], "product_owner") << row.dump();
    EXPECT_EQ(row["channel"], channel) << row.dump();
    if (row["intent"] == "request") {
      EXPECT_EQ(row["message_id"], "1485983194839");
      EXPECT_NE(answer.body.find("#" + std::to_string(row["id"].get<long long>())),
                std::string::npos)
          << answer.body;
    } else {
      EXPECT_EQ(row["intent"], "question") << row.dump();
      EXPECT_EQ(row["message_id"], "1485983408511");
    }
  }
}

TEST_F(TeamsDaemonTest, DecisionsAreLoggedAndListed) {
  auto d = post("/teams/webhook", activity("4001", "decision We drop the legacy checkout in Q3"),
                kDocsKey);
  expect_valid_reply(d);
  auto list = post("/teams/webhook", activity("4002", "decisions"), kDocsKey);
  expect_valid_reply(list);
  EXPECT_NE(list.body.find("legacy checkout"), std::string::npos) << list.body;
}

TEST_F(TeamsDaemonTest, TokenNeverAppearsInTheLogs) {
  post("/teams/webhook", activity("5001", "who owns pricing?"), kDocsKey);
  daemon_->stop(SIGTERM);
  EXPECT_EQ(daemon_->log().find(kDocsKey), std::string::npos);
  EXPECT_EQ(daemon_->log().find(kGrowthKey), std::string::npos);
}

}  // namespace
}  // namespace rolecall::testing
