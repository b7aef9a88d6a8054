// The cpprest Web API client against a real loopback server.
#include <gtest/gtest.h>

#include "adapters/slack/cpprest_slack_web_api.hpp"
#include "tests/support/fake_http_server.hpp"
#include "tests/support/test_helpers.hpp"

namespace rolecall {
namespace {

using namespace std::chrono_literals;
using testing::FakeHttpServer;
using testing::FakeReply;
using testing::read_fixture;

CpprestSlackWebApi make_api(const FakeHttpServer& server, std::string token = "xoxb-test-token",
                            std::chrono::milliseconds timeout = 5000ms) {
  return CpprestSlackWebApi({server.base_url() + "api/", std::move(token), timeout});
}

TEST(SlackWebApi, CallSendsBearerTokenJsonWithCharsetAndParsesReply) {
  FakeHttpServer server;
  server.push_reply({200, {}, read_fixture("slack/web_chat_postMessage_ok.json")});
  auto api = make_api(server);
  SlackApiResult r = api.call("chat.postMessage", {{"channel", "C1"}, {"text", "héllo"}});
  EXPECT_EQ(r.http_status, 200);
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r.body["ts"], "1503435956.000247");
  EXPECT_EQ(r.retry_after, -1);

  ASSERT_EQ(server.request_count(), 1u);
  auto req = server.requests()[0];
  EXPECT_EQ(req.method, "POST");
  EXPECT_EQ(req.target, "/api/chat.postMessage");
  EXPECT_EQ(req.headers["authorization"], "Bearer xoxb-test-token");
  EXPECT_EQ(req.headers["content-type"], "application/json; charset=utf-8");
  auto sent = nlohmann::json::parse(req.body);
  EXPECT_EQ(sent["channel"], "C1");
  EXPECT_EQ(sent["text"], "héllo");
}

TEST(SlackWebApi, GetSendsTheArgumentsInTheQueryWithTheToken) {
  FakeHttpServer server;
  server.push_reply({200, {}, R"({"ok":true,"messages":[]})"});
  auto api = make_api(server);
  SlackApiResult r =
      api.get("conversations.replies", {{"channel", "C1"}, {"ts", "1.5"}, {"cursor", "a b&c=d/é"}});
  EXPECT_TRUE(r.ok());
  auto req = server.requests().at(0);
  EXPECT_EQ(req.method, "GET");
  EXPECT_EQ(req.target,
            "/api/conversations.replies?channel=C1&ts=1.5&cursor=a%20b%26c%3Dd%2F%C3%A9");
  EXPECT_EQ(req.headers["authorization"], "Bearer xoxb-test-token");
  EXPECT_EQ(req.body, "");
}

// A POST is never sent twice by the HTTP client itself: cpprest resends a
// request when a reused keep-alive connection closes before the reply, which
// for chat.postMessage posts the message twice (issue 13). Every POST gets
// a connection of its own, so a dropped one is a network error for the
// outbox worker to classify, and Slack sees one request.
TEST(SlackWebApi, APostWhoseConnectionDropsIsNotResentBehindOurBack) {
  FakeHttpServer server;
  auto api = make_api(server);
  EXPECT_TRUE(api.call("auth.test", nlohmann::json::object()).ok());
  FakeReply drop;
  drop.close_without_reply = true;
  server.push_reply(drop);
  SlackApiResult r = api.call("chat.postMessage", {{"channel", "C1"}, {"text", "once"}});
  EXPECT_EQ(r.http_status, 0);
  EXPECT_FALSE(r.network_error.empty());
  EXPECT_EQ(server.request_count(), 2u) << "the post was sent twice";
}

TEST(SlackWebApi, BaseUrlWithoutTrailingSlashIsAccepted) {
  FakeHttpServer server;
  CpprestSlackWebApi api({server.base_url() + "api", "t", 5000ms});
  EXPECT_TRUE(api.call("auth.test", nlohmann::json::object()).ok());
  EXPECT_EQ(server.requests()[0].target, "/api/auth.test");
  EXPECT_THROW(CpprestSlackWebApi({"ftp://x/", "t", 1000ms}), std::invalid_argument);
}

TEST(SlackWebApi, ErrorBodiesAndRetryAfterAreReported) {
  FakeHttpServer server;
  server.push_reply({429,
                     {{"Retry-After", "7"}, {"Content-Type", "application/json;charset=utf-8"}},
                     read_fixture("slack/web_429_ratelimited_body.json")});
  server.push_reply({200, {}, read_fixture("slack/web_error_channel_not_found.json")});
  server.push_reply({503, {{"Content-Type", "text/html"}}, "<html>down</html>"});
  auto api = make_api(server);

  auto limited = api.call("chat.postMessage", {});
  EXPECT_EQ(limited.http_status, 429);
  EXPECT_EQ(limited.retry_after, 7);
  EXPECT_EQ(limited.error(), "ratelimited");
  EXPECT_FALSE(limited.ok());

  auto missing = api.call("chat.postMessage", {});
  EXPECT_EQ(missing.http_status, 200);
  EXPECT_EQ(missing.error(), "channel_not_found");
  EXPECT_FALSE(missing.ok());

  auto down = api.call("chat.postMessage", {});
  EXPECT_EQ(down.http_status, 503);
  EXPECT_TRUE(down.body.is_null());
  EXPECT_EQ(down.raw_body, "<html>down</html>");
}

TEST(SlackWebApi, ConnectionRefusedIsANetworkError) {
  CpprestSlackWebApi api(
      {"http://127.0.0.1:" + std::to_string(testing::unused_port()) + "/api/", "t", 2000ms});
  auto r = api.call("auth.test", {});
  EXPECT_EQ(r.http_status, 0);
  EXPECT_FALSE(r.network_error.empty());
  EXPECT_FALSE(r.ok());
}

TEST(SlackWebApi, TimeoutIsANetworkError) {
  FakeHttpServer server;
  server.push_reply({200, {}, R"({"ok":true})", 3000ms});
  auto api = make_api(server, "t", 300ms);
  auto start = std::chrono::steady_clock::now();
  auto r = api.call("auth.test", {});
  EXPECT_EQ(r.http_status, 0);
  EXPECT_FALSE(r.network_error.empty());
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2500ms);
}

TEST(SlackWebApi, DroppedConnectionIsANetworkError) {
  FakeHttpServer server;
  FakeReply drop;
  drop.close_without_reply = true;
  server.push_reply(drop);
  server.push_reply(drop);  // a client may retry once on a reused connection
  auto api = make_api(server);
  auto r = api.call("auth.test", {});
  EXPECT_EQ(r.http_status, 0);
}

TEST(SlackWebApi, RedirectsAreNotFollowed) {
  FakeHttpServer server;
  server.push_reply({302, {{"Location", server.base_url() + "elsewhere"}}, ""});
  auto api = make_api(server);
  auto r = api.call("chat.postMessage", {});
  EXPECT_EQ(r.http_status, 302);
  EXPECT_FALSE(server.wait_for_requests(2, 300ms));
  EXPECT_EQ(server.request_count(), 1u);
}

TEST(SlackWebApi, PostUrlSendsNoTokenAndKeepsPathAndQuery) {
  FakeHttpServer server;
  server.push_reply({200, {{"Content-Type", "text/html"}}, "ok"});
  auto api = make_api(server);
  auto r = api.post_url(server.base_url() + "commands/T1/123/abc?x=1", {{"text", "hi"}});
  EXPECT_EQ(r.http_status, 200);
  EXPECT_EQ(r.raw_body, "ok");
  auto req = server.requests()[0];
  EXPECT_EQ(req.target, "/commands/T1/123/abc?x=1");
  EXPECT_EQ(req.headers.count("authorization"), 0u);
  EXPECT_EQ(req.headers["content-type"], "application/json; charset=utf-8");
  EXPECT_EQ(nlohmann::json::parse(req.body)["text"], "hi");
}

TEST(SlackWebApi, PostUrlReadsRetryAfterFromTheBody) {
  FakeHttpServer server;
  server.push_reply({429, {}, read_fixture("slack/webhook_429_rate_limited_body.json")});
  auto api = make_api(server);
  auto r = api.post_url(server.base_url() + "hook", {});
  EXPECT_EQ(r.http_status, 429);
  EXPECT_EQ(r.retry_after, 1);
  EXPECT_EQ(api.post_url("not a url", {}).http_status, 0);
}

TEST(SlackWebApi, InvalidUtf8InTheBodyIsReplacedNotThrown) {
  FakeHttpServer server;
  auto api = make_api(server);
  auto r = api.call("chat.postMessage", {{"text", std::string("bad \xff byte")}});
  EXPECT_TRUE(r.ok());
  auto sent = nlohmann::json::parse(server.requests()[0].body);
  EXPECT_EQ(sent["text"], "bad \xEF\xBF\xBD byte");
}

TEST(SlackWebApi, ManyCallsInARowAllArrive) {
  FakeHttpServer server;
  auto api = make_api(server);
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(api.call("auth.test", {}).ok());
  for (int i = 0; i < 5; ++i)
    EXPECT_TRUE(api.get("conversations.history", {{"channel", "C1"}}).ok());
  EXPECT_EQ(server.request_count(), 10u);
}

TEST(SlackAuthTest, ReturnsTheBotIdentity) {
  FakeHttpServer server;
  server.push_reply({200, {}, read_fixture("slack/web_auth_test_ok_bot_token.json")});
  auto api = make_api(server);
  SlackAuthResult r = slack_auth_test(api);
  ASSERT_TRUE(r.identity);
  EXPECT_EQ(r.identity->user_id, "W23456789");
  EXPECT_EQ(r.identity->bot_id, "BZYBOTHED");
  EXPECT_EQ(r.identity->team_id, "T0G9PQBBK");
  EXPECT_EQ(r.identity->team, "Subarachnoid Workspace");
  EXPECT_EQ(server.requests()[0].target, "/api/auth.test");
  EXPECT_EQ(server.requests()[0].headers["authorization"], "Bearer xoxb-test-token");
}

TEST(SlackAuthTest, InvalidAuthIsPermanentAndOutagesTransient) {
  FakeHttpServer server;
  server.push_reply({200, {}, read_fixture("slack/web_auth_test_error_invalid_auth.json")});
  server.push_reply({503, {}, ""});
  server.push_reply({429, {{"Retry-After", "3"}}, R"({"ok":false,"error":"ratelimited"})"});
  auto api = make_api(server);
  auto invalid = slack_auth_test(api);
  EXPECT_FALSE(invalid.identity);
  EXPECT_EQ(invalid.error, "invalid_auth");
  EXPECT_FALSE(invalid.transient);
  auto down = slack_auth_test(api);
  EXPECT_EQ(down.error, "http_503");
  EXPECT_TRUE(down.transient);
  EXPECT_TRUE(slack_auth_test(api).transient);

  CpprestSlackWebApi closed(
      {"http://127.0.0.1:" + std::to_string(testing::unused_port()) + "/", "t", 2000ms});
  auto refused = slack_auth_test(closed);
  EXPECT_TRUE(refused.transient);
  EXPECT_EQ(refused.error.rfind("network: ", 0), 0u);
}

}  // namespace
}  // namespace rolecall
