// SlackDeliverer: outcome classification (slack.md §5), destinations, and
// the pacing slot it names, over the real cpprest client and a loopback server.
#include "adapters/slack/slack_deliverer.hpp"

#include <gtest/gtest.h>

#include "adapters/slack/cpprest_slack_web_api.hpp"
#include "tests/support/fake_http_server.hpp"
#include "tests/support/test_helpers.hpp"

namespace rolecall {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using Outcome = DeliveryResult::Outcome;
using testing::FakeHttpServer;
using testing::FakeReply;
using testing::read_fixture;

struct Fixture {
  FakeHttpServer server;
  std::shared_ptr<SlackWebApi> api;
  std::unique_ptr<SlackDeliverer> deliverer;

  explicit Fixture(std::chrono::milliseconds interval = 0ms) {
    api = std::make_shared<CpprestSlackWebApi>(
        CpprestSlackWebApiOptions{server.base_url() + "api/", "xoxb-1", 3000ms});
    SlackDelivererOptions options;
    options.channel_interval = interval;
    options.api_base_url = server.base_url() + "api/";
    deliverer = std::make_unique<SlackDeliverer>(api, options);
  }

  DeliveryResult post(const std::string& channel, const std::string& text = "hi") {
    return deliverer->deliver(
        {"slack:chat.postMessage", channel, json{{"text", text}}.dump(), "k"});
  }
};

TEST(SlackDeliverer, HandlesOnlySlackDestinations) {
  Fixture f;
  for (const char* d : {"slack:chat.postMessage", "slack:chat.update", "slack:response_url",
                        "slack:conversations.open+post", "slack:chat.postEphemeral"}) {
    EXPECT_TRUE(f.deliverer->handles(d)) << d;
  }
  EXPECT_FALSE(f.deliverer->handles("teams:workflow"));
  EXPECT_FALSE(f.deliverer->handles("slack:users.delete"));
}

TEST(SlackDeliverer, PostMessageSuccessReturnsSlacksReply) {
  Fixture f;
  f.server.push_reply({200, {}, read_fixture("slack/web_chat_postMessage_ok.json")});
  auto r = f.post("C123", "hello");
  EXPECT_EQ(r.outcome, Outcome::delivered);
  EXPECT_EQ(json::parse(r.response_body)["ts"], "1503435956.000247");
  auto req = f.server.requests().at(0);
  EXPECT_EQ(req.target, "/api/chat.postMessage");
  EXPECT_EQ(req.headers["authorization"], "Bearer xoxb-1");
  EXPECT_EQ(req.headers["content-type"], "application/json; charset=utf-8");
  auto body = json::parse(req.body);
  EXPECT_EQ(body["channel"], "C123");  // from the target
  EXPECT_EQ(body["text"], "hello");
}

TEST(SlackDeliverer, RateLimitIsRetriedAfterRetryAfter) {
  Fixture f;
  f.server.push_reply(
      {429, {{"Retry-After", "30"}}, read_fixture("slack/web_429_ratelimited_body.json")});
  auto r = f.post("C1");
  EXPECT_EQ(r.outcome, Outcome::retry);
  EXPECT_EQ(r.retry_after_seconds, 30);
  EXPECT_EQ(r.error, "ratelimited");
}

TEST(SlackDeliverer, ServerErrorsAreRetried) {
  Fixture f;
  f.server.push_reply({500, {}, "oops"});
  f.server.push_reply({503, {{"Retry-After", "2"}}, ""});
  auto r500 = f.post("C1");
  EXPECT_EQ(r500.outcome, Outcome::retry);
  EXPECT_EQ(r500.error, "http_500");
  EXPECT_EQ(r500.retry_after_seconds, -1);
  auto r503 = f.post("C1");
  EXPECT_EQ(r503.outcome, Outcome::retry);
  EXPECT_EQ(r503.retry_after_seconds, 2);
}

TEST(SlackDeliverer, ChannelNotFoundIsPermanent) {
  Fixture f;
  f.server.push_reply({200, {}, read_fixture("slack/web_error_channel_not_found.json")});
  auto r = f.post("CNOPE");
  EXPECT_EQ(r.outcome, Outcome::permanent_failure);
  EXPECT_EQ(r.error, "channel_not_found");
}

TEST(SlackDeliverer, RatelimitedBodyCodeIsRetried) {
  Fixture f;
  f.server.push_reply({200, {}, R"({"ok":false,"error":"ratelimited"})"});
  f.server.push_reply({200, {}, R"({"ok":false,"error":"rate_limited"})"});
  EXPECT_EQ(f.post("C1").outcome, Outcome::retry);
  EXPECT_EQ(f.post("C1").outcome, Outcome::retry);
}

TEST(SlackDeliverer, NetworkErrorIsRetried) {
  auto api = std::make_shared<CpprestSlackWebApi>(CpprestSlackWebApiOptions{
      "http://127.0.0.1:" + std::to_string(testing::unused_port()) + "/api/", "t", 2000ms});
  SlackDeliverer deliverer(api, {});
  auto r = deliverer.deliver({"slack:chat.postMessage", "C1", R"({"text":"x"})", "k"});
  EXPECT_EQ(r.outcome, Outcome::retry);
  EXPECT_EQ(r.error.rfind("network: ", 0), 0u);
}

TEST(SlackDeliverer, ResponseUrlPost) {
  Fixture f;
  f.server.push_reply({200, {{"Content-Type", "text/html"}}, "ok"});
  std::string url = f.server.base_url() + "actions/T111/111/random-value";
  json payload = json::parse(read_fixture("slack/response_url_replace_original.json"));
  auto r = f.deliverer->deliver({"slack:response_url", url, payload.dump(), "k"});
  EXPECT_EQ(r.outcome, Outcome::delivered);
  auto req = f.server.requests().at(0);
  EXPECT_EQ(req.target, "/actions/T111/111/random-value");
  EXPECT_EQ(req.headers.count("authorization"), 0u);  // the URL is the credential
  EXPECT_EQ(json::parse(req.body), payload);
}

TEST(SlackDeliverer, ResponseUrlOutcomes) {
  Fixture f;
  std::string url = f.server.base_url() + "commands/x";
  f.server.push_reply({404, {}, "expired_url"});
  f.server.push_reply({410, {}, ""});
  f.server.push_reply({429, {}, read_fixture("slack/webhook_429_rate_limited_body.json")});
  f.server.push_reply({502, {}, ""});
  f.server.push_reply({200, {}, R"({"ok":false,"error":"invalid_blocks"})"});
  f.server.push_reply({200, {}, R"({"ok":true})"});
  auto send = [&] { return f.deliverer->deliver({"slack:response_url", url, "{}", "k"}); };
  auto expired = send();
  EXPECT_EQ(expired.outcome, Outcome::permanent_failure);
  EXPECT_EQ(expired.error, "expired_url");
  EXPECT_EQ(send().outcome, Outcome::permanent_failure);
  auto limited = send();
  EXPECT_EQ(limited.outcome, Outcome::retry);
  EXPECT_EQ(limited.retry_after_seconds, 1);
  EXPECT_EQ(send().outcome, Outcome::retry);
  auto refused = send();
  EXPECT_EQ(refused.outcome, Outcome::permanent_failure);
  EXPECT_EQ(refused.error, "invalid_blocks");
  EXPECT_EQ(send().outcome, Outcome::delivered);
}

TEST(SlackDeliverer, ResponseUrlOutsideAllowedHostsIsRefusedWithoutARequest) {
  Fixture f;
  auto r = f.deliverer->deliver({"slack:response_url", "https://evil.example/x", "{}", "k"});
  EXPECT_EQ(r.outcome, Outcome::permanent_failure);
  EXPECT_EQ(r.error, "response_url_not_allowed");
  EXPECT_EQ(f.server.request_count(), 0u);
}

TEST(SlackDeliverer, DirectMessageOpensThenPosts) {
  Fixture f;
  f.server.push_reply({200, {}, read_fixture("slack/web_conversations_open_ok.json")});
  f.server.push_reply({200, {}, read_fixture("slack/web_chat_postMessage_ok.json")});
  auto r = f.deliverer->deliver(
      {"slack:conversations.open+post", "U42", R"({"text":"your digest"})", "k"});
  EXPECT_EQ(r.outcome, Outcome::delivered);
  auto reqs = f.server.requests();
  ASSERT_EQ(reqs.size(), 2u);
  EXPECT_EQ(reqs[0].target, "/api/conversations.open");
  EXPECT_EQ(json::parse(reqs[0].body)["users"], "U42");
  EXPECT_EQ(reqs[1].target, "/api/chat.postMessage");
  auto post = json::parse(reqs[1].body);
  EXPECT_EQ(post["channel"], "D069C7QFK");
  EXPECT_EQ(post["text"], "your digest");
}

TEST(SlackDeliverer, DirectMessageOpenFailureStopsBeforePosting) {
  Fixture f;
  f.server.push_reply({200, {}, read_fixture("slack/web_error_missing_scope.json")});
  auto r = f.deliverer->deliver({"slack:conversations.open+post", "U42", R"({"text":"x"})", "k"});
  EXPECT_EQ(r.outcome, Outcome::permanent_failure);
  EXPECT_EQ(r.error, "missing_scope");
  EXPECT_EQ(f.server.request_count(), 1u);
}

TEST(SlackDeliverer, ChatUpdateUsesTargetChannel) {
  Fixture f;
  f.server.push_reply({200, {}, read_fixture("slack/web_chat_update_ok.json")});
  auto r = f.deliverer->deliver({"slack:chat.update", "C9", R"({"ts":"1.2","text":"x"})", "k"});
  EXPECT_EQ(r.outcome, Outcome::delivered);
  auto req = f.server.requests().at(0);
  EXPECT_EQ(req.target, "/api/chat.update");
  EXPECT_EQ(json::parse(req.body)["channel"], "C9");
  EXPECT_EQ(json::parse(req.body)["ts"], "1.2");
}

TEST(SlackDeliverer, BadPayloadsAndUnknownDestinationsArePermanent) {
  Fixture f;
  EXPECT_EQ(f.deliverer->deliver({"slack:chat.postMessage", "C1", "not json", "k"}).error,
            "bad_payload");
  EXPECT_EQ(f.deliverer->deliver({"slack:chat.postMessage", "C1", "[1]", "k"}).error,
            "bad_payload");
  EXPECT_EQ(f.deliverer->deliver({"slack:chat.postMessage", "", R"({"text":"x"})", "k"}).error,
            "channel_not_found");
  EXPECT_EQ(f.deliverer->deliver({"slack:chat.postMessage", "", R"({"channel":5})", "k"}).outcome,
            Outcome::permanent_failure);
  EXPECT_EQ(f.deliverer->deliver({"teams:workflow", "x", "{}", "k"}).error, "unknown_destination");
  EXPECT_EQ(f.server.request_count(), 0u);
}

// Pacing is the outbox worker's (tests/daemon/outbox_pacing_test.cpp); the
// deliverer names the slot and the interval, and posts at once.
TEST(SlackDeliverer, PacingNamesTheChannelAndDeliverNeverWaits) {
  Fixture f(60s);
  OutboxMessage post{"slack:chat.postMessage", "C1", R"({"text":"x"})", "k"};
  auto p = f.deliverer->pacing(post);
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->destination, (Destination{Platform::slack, "C1"}));
  EXPECT_EQ(p->interval, 60s);
  // The channel from the payload when the row has no target, as deliver() does.
  p = f.deliverer->pacing({"slack:chat.postEphemeral", "", R"({"channel":"C2","user":"U1"})", "k"});
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->destination.channel, "C2");
  // A DM is keyed by its user.
  p = f.deliverer->pacing({"slack:conversations.open+post", "U7", R"({"text":"x"})", "k"});
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->destination.channel, "U7");
  // Updates and response_url posts are not paced; neither is a row deliver() refuses.
  EXPECT_FALSE(f.deliverer->pacing({"slack:chat.update", "C1", R"({"ts":"1"})", "k"}));
  EXPECT_FALSE(f.deliverer->pacing({"slack:response_url", "https://hooks.slack.com/x", "{}", "k"}));
  EXPECT_FALSE(f.deliverer->pacing({"slack:chat.postMessage", "", R"({"text":"x"})", "k"}));

  // Three posts to one channel with a 60 s interval: all three leave now.
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 3; ++i) ASSERT_EQ(f.deliverer->deliver(post).outcome, Outcome::delivered);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 30s);
  EXPECT_EQ(f.server.request_count(), 3u);
}

// ---- tagging and finding our own posts (issue 13)

TEST(SlackDeliverer, PostsCarryTheOutboxIdAsMetadata) {
  Fixture f;
  OutboxMessage m{"slack:chat.postMessage", "C1", R"({"text":"x","thread_ts":"1.5"})", "key-1"};
  ASSERT_EQ(f.deliverer->deliver(m, 42).outcome, Outcome::delivered);
  auto body = json::parse(f.server.requests().at(0).body);
  EXPECT_EQ(body["metadata"]["event_type"], "rolecall_outbox");
  EXPECT_EQ(body["metadata"]["event_payload"]["outbox_id"], 42);
  EXPECT_EQ(body["metadata"]["event_payload"]["key"],
            outbox_metadata(42, "key-1")["event_payload"]["key"]);
  EXPECT_TRUE(has_outbox_metadata({{"metadata", body["metadata"]}}, 42, "key-1"));
  EXPECT_FALSE(has_outbox_metadata({{"metadata", body["metadata"]}}, 43, "key-1"));
  EXPECT_FALSE(has_outbox_metadata({{"metadata", body["metadata"]}}, 42, "key-2"));
  EXPECT_FALSE(has_outbox_metadata({{"text", "no metadata"}}, 42, "key-1"));
  EXPECT_FALSE(has_outbox_metadata(json::array(), 42, "key-1"));

  // DM posts too; untagged sends, updates and ephemeral messages not.
  f.server.push_reply({200, {}, read_fixture("slack/web_conversations_open_ok.json")});
  ASSERT_EQ(
      f.deliverer->deliver({"slack:conversations.open+post", "U42", R"({"text":"x"})", "k"}, 7)
          .outcome,
      Outcome::delivered);
  EXPECT_EQ(json::parse(f.server.requests().at(2).body)["metadata"]["event_payload"]["outbox_id"],
            7);
  f.deliverer->deliver(m);
  f.deliverer->deliver({"slack:chat.update", "C1", R"({"ts":"1","text":"x"})", "k"}, 8);
  f.deliverer->deliver({"slack:chat.postEphemeral", "C1", R"({"user":"U1","text":"x"})", "k"}, 9);
  auto reqs = f.server.requests();
  ASSERT_EQ(reqs.size(), 6u);
  for (std::size_t i = 3; i < 6; ++i) EXPECT_FALSE(json::parse(reqs[i].body).contains("metadata"));
}

std::string page(const json& messages, const std::string& next = "", bool has_more = false) {
  return json{{"ok", true},
              {"messages", messages},
              {"has_more", has_more},
              {"response_metadata", {{"next_cursor", next}}}}
      .dump();
}

TEST(SlackDeliverer, FindPostReadsTheThreadWithMetadata) {
  Fixture f;
  OutboxMessage m{"slack:chat.postMessage", "C1", R"({"text":"x","thread_ts":"1700000000.000100"})",
                  "key-1"};
  f.server.push_reply(
      {200,
       {},
       page(json::array({{{"ts", "1.1"}, {"text", "a person"}},
                         {{"ts", "1.2"}, {"metadata", outbox_metadata(5, "key-1")}}}))});
  auto found = f.deliverer->find_post(m, 5, 1700000100);
  EXPECT_EQ(found.outcome, PostLookup::Outcome::found);
  EXPECT_EQ(json::parse(found.found)["ts"], "1.2");
  auto req = f.server.requests().at(0);
  EXPECT_EQ(req.method, "GET");
  EXPECT_EQ(req.headers["authorization"], "Bearer xoxb-1");
  EXPECT_EQ(req.target.rfind("/api/conversations.replies?", 0), 0u) << req.target;
  for (const char* arg : {"channel=C1", "include_all_metadata=true", "ts=1700000000.000100",
                          "oldest=1699999800", "limit=100"}) {
    EXPECT_NE(req.target.find(arg), std::string::npos) << arg << " in " << req.target;
  }

  f.server.push_reply(
      {200, {}, page(json::array({{{"ts", "1.2"}, {"metadata", outbox_metadata(6, "key-1")}}}))});
  EXPECT_EQ(f.deliverer->find_post(m, 5, 1700000100).outcome, PostLookup::Outcome::not_found);
}

TEST(SlackDeliverer, FindPostReadsChannelHistoryForATopLevelPostAndFollowsCursors) {
  Fixture f;
  OutboxMessage m{"slack:chat.postMessage", "C9", R"({"text":"digest"})", "digest:1"};
  f.server.push_reply({200, {}, page(json::array({{{"ts", "2.1"}}}), "cur1", true)});
  f.server.push_reply(
      {200,
       {},
       page(json::array({{{"ts", "2.0"}, {"metadata", outbox_metadata(3, "digest:1")}}}))});
  EXPECT_EQ(f.deliverer->find_post(m, 3, 1000).outcome, PostLookup::Outcome::found);
  auto reqs = f.server.requests();
  ASSERT_EQ(reqs.size(), 2u);
  EXPECT_EQ(reqs[0].target.rfind("/api/conversations.history?", 0), 0u) << reqs[0].target;
  EXPECT_EQ(reqs[0].target.find("ts="), std::string::npos);
  EXPECT_NE(reqs[1].target.find("cursor=cur1"), std::string::npos) << reqs[1].target;

  // More pages than allowed: unsure, not "absent".
  for (int i = 0; i < 5; ++i) {
    f.server.push_reply({200, {}, page(json::array(), "c" + std::to_string(i), true)});
  }
  auto many = f.deliverer->find_post(m, 3, 1000);
  EXPECT_EQ(many.outcome, PostLookup::Outcome::failed);
  EXPECT_FALSE(many.permanent);
  // has_more without a cursor: unsure as well.
  f.server.push_reply({200, {}, page(json::array(), "", true)});
  EXPECT_EQ(f.deliverer->find_post(m, 3, 1000).outcome, PostLookup::Outcome::failed);
}

TEST(SlackDeliverer, FindPostOfADirectMessageOpensTheConversationFirst) {
  Fixture f;
  f.server.push_reply({200, {}, read_fixture("slack/web_conversations_open_ok.json")});
  f.server.push_reply({200, {}, page(json::array())});
  EXPECT_EQ(
      f.deliverer
          ->find_post({"slack:conversations.open+post", "U42", R"({"text":"x"})", "k"}, 4, 1000)
          .outcome,
      PostLookup::Outcome::not_found);
  auto reqs = f.server.requests();
  ASSERT_EQ(reqs.size(), 2u);
  EXPECT_EQ(reqs[0].target, "/api/conversations.open");
  EXPECT_NE(reqs[1].target.find("channel=D069C7QFK"), std::string::npos) << reqs[1].target;
}

TEST(SlackDeliverer, FindPostFailuresSayWhetherToTryAgain) {
  Fixture f;
  OutboxMessage m{"slack:chat.postMessage", "C1", R"({"text":"x","thread_ts":"1.1"})", "k"};
  f.server.push_reply({500, {}, ""});
  f.server.push_reply({429, {{"Retry-After", "9"}}, R"({"ok":false,"error":"ratelimited"})"});
  f.server.push_reply({200, {}, "<html>"});
  f.server.push_reply({200, {}, R"({"ok":false,"error":"internal_error"})"});
  f.server.push_reply({200, {}, R"({"ok":true})"});  // no messages array
  f.server.push_reply({200, {}, R"({"ok":false,"error":"missing_scope"})"});
  f.server.push_reply({200, {}, R"({"ok":false,"error":"thread_not_found"})"});
  f.server.push_reply({403, {}, ""});
  struct Expect {
    std::string error;
    bool permanent;
    std::int64_t after;
  };
  for (const Expect& e :
       {Expect{"lookup: http_500", false, -1}, Expect{"lookup: ratelimited", false, 9},
        Expect{"lookup: bad_response", false, -1}, Expect{"lookup: internal_error", false, -1},
        Expect{"lookup: bad_response", false, -1}, Expect{"lookup: missing_scope", true, -1},
        Expect{"lookup: thread_not_found", true, -1}, Expect{"lookup: http_403", true, -1}}) {
    auto r = f.deliverer->find_post(m, 1, 1000);
    EXPECT_EQ(r.outcome, PostLookup::Outcome::failed) << e.error;
    EXPECT_EQ(r.error, e.error);
    EXPECT_EQ(r.permanent, e.permanent) << e.error;
    EXPECT_EQ(r.retry_after_seconds, e.after) << e.error;
  }
  auto api = std::make_shared<CpprestSlackWebApi>(CpprestSlackWebApiOptions{
      "http://127.0.0.1:" + std::to_string(testing::unused_port()) + "/api/", "t", 2000ms});
  auto down = SlackDeliverer(api, {}).find_post(m, 1, 1000);
  EXPECT_EQ(down.outcome, PostLookup::Outcome::failed);
  EXPECT_FALSE(down.permanent);
}

TEST(SlackDeliverer, FindPostIsUnsupportedWhereNothingCanBeReadBack) {
  Fixture f;
  for (const OutboxMessage& m :
       {OutboxMessage{"slack:chat.postEphemeral", "C1", R"({"user":"U1","text":"x"})", "k"},
        OutboxMessage{"slack:chat.update", "C1", R"({"ts":"1","text":"x"})", "k"},
        OutboxMessage{"slack:response_url", f.server.base_url() + "r", "{}", "k"}}) {
    EXPECT_EQ(f.deliverer->find_post(m, 1, 1000).outcome, PostLookup::Outcome::unsupported)
        << m.destination;
  }
  // Never sendable, so never sent: nothing to find.
  EXPECT_EQ(
      f.deliverer->find_post({"slack:chat.postMessage", "C1", "not json", "k"}, 1, 1000).outcome,
      PostLookup::Outcome::not_found);
  EXPECT_EQ(f.server.request_count(), 0u);
}

// ---- classification, exhaustively per code

SlackApiResult reply(int status, std::string body, std::int64_t retry_after = -1) {
  SlackApiResult r;
  r.http_status = status;
  r.raw_body = body;
  r.body = json::parse(body, nullptr, false);
  if (r.body.is_discarded()) r.body = nullptr;
  r.retry_after = retry_after;
  return r;
}

TEST(SlackDeliveryClassification, PermanentCodes) {
  for (const char* code : {"invalid_auth", "not_authed", "account_inactive", "token_revoked",
                           "token_expired", "missing_scope", "channel_not_found", "not_in_channel",
                           "is_archived", "msg_too_long", "msg_blocks_too_long", "invalid_blocks",
                           "no_text", "too_many_attachments", "unknown", "some_new_code"}) {
    auto r =
        classify_web_api_result(reply(200, std::string(R"({"ok":false,"error":")") + code + "\"}"));
    EXPECT_EQ(r.outcome, Outcome::permanent_failure) << code;
    EXPECT_EQ(r.error, code);
  }
}

TEST(SlackDeliveryClassification, TransientCodes) {
  for (const char* code : {"ratelimited", "rate_limited", "fatal_error", "internal_error",
                           "request_timeout", "service_unavailable"}) {
    auto r =
        classify_web_api_result(reply(200, std::string(R"({"ok":false,"error":")") + code + "\"}"));
    EXPECT_EQ(r.outcome, Outcome::retry) << code;
    EXPECT_EQ(r.error, code);
  }
}

// Which retries may have posted (issue 13): only a refusal is known not to.
TEST(SlackDeliveryClassification, SentStateOfRetries) {
  EXPECT_EQ(classify_web_api_result(reply(429, "")).sent, SentState::not_sent);
  EXPECT_EQ(classify_web_api_result(reply(200, R"({"ok":false,"error":"ratelimited"})")).sent,
            SentState::not_sent);
  EXPECT_EQ(classify_web_api_result(reply(200, R"({"ok":false,"error":"rate_limited"})")).sent,
            SentState::not_sent);
  EXPECT_EQ(classify_web_api_result(reply(500, "")).sent, SentState::maybe_sent);
  EXPECT_EQ(classify_web_api_result(reply(200, "<html>")).sent, SentState::maybe_sent);
  EXPECT_EQ(classify_web_api_result(reply(200, R"({"ok":false,"error":"internal_error"})")).sent,
            SentState::maybe_sent);
  SlackApiResult network;
  network.network_error = "timeout";
  EXPECT_EQ(classify_web_api_result(network).sent, SentState::maybe_sent);
  EXPECT_EQ(classify_response_url_result(reply(429, "")).sent, SentState::not_sent);
}

TEST(SlackDeliveryClassification, HttpLevel) {
  EXPECT_EQ(classify_web_api_result(reply(429, "", 12)).retry_after_seconds, 12);
  EXPECT_EQ(classify_web_api_result(reply(429, "")).outcome, Outcome::retry);
  EXPECT_EQ(classify_web_api_result(reply(500, "")).outcome, Outcome::retry);
  EXPECT_EQ(classify_web_api_result(reply(504, "")).outcome, Outcome::retry);
  EXPECT_EQ(classify_web_api_result(reply(408, "")).outcome, Outcome::retry);
  EXPECT_EQ(classify_web_api_result(reply(404, "")).outcome, Outcome::permanent_failure);
  EXPECT_EQ(classify_web_api_result(reply(302, "")).outcome, Outcome::permanent_failure);
  EXPECT_EQ(classify_web_api_result(reply(200, "<html>")).outcome, Outcome::retry);
  EXPECT_EQ(classify_web_api_result(reply(200, R"({"ok":false})")).error, "unknown");
  EXPECT_EQ(classify_web_api_result(reply(200, R"({"ok":true})")).outcome, Outcome::delivered);
  EXPECT_EQ(classify_web_api_result(
                reply(200, read_fixture("slack/web_api_ok_with_missing_charset_warning.json")))
                .outcome,
            Outcome::delivered);
  SlackApiResult network;
  network.network_error = "refused";
  EXPECT_EQ(classify_web_api_result(network).outcome, Outcome::retry);
  EXPECT_EQ(classify_response_url_result(network).outcome, Outcome::retry);
  EXPECT_EQ(classify_response_url_result(reply(200, "ok")).outcome, Outcome::delivered);
  EXPECT_EQ(classify_response_url_result(reply(204, "")).outcome, Outcome::delivered);
  EXPECT_EQ(classify_response_url_result(reply(400, "invalid_payload")).outcome,
            Outcome::permanent_failure);
}

}  // namespace
}  // namespace rolecall
