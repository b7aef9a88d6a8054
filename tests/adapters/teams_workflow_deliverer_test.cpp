#include "adapters/teams/teams_workflow_deliverer.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "adapters/teams/card_rules.hpp"
#include "adapters/teams/cpprest_teams_http_poster.hpp"
#include "adapters/teams/teams_cards.hpp"
#include "tests/support/fake_http_server.hpp"
#include "tests/support/test_helpers.hpp"

namespace rolecall {
namespace {

using testing::FakeHttpServer;
using testing::FakeReply;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;
using Outcome = DeliveryResult::Outcome;

constexpr const char* kSig = "s3cr3t-SIGNATURE-value";

class TeamsWorkflowDelivererTest : public ::testing::Test {
 protected:
  FakeHttpServer server;
  TeamsWorkflowDeliverer deliverer{std::make_shared<CpprestTeamsHttpPoster>(),
                                   std::chrono::seconds(5)};

  std::string workflow_url() const {
    return server.base_url() +
           "powerautomate/automations/direct/workflows/abc123/triggers/manual/paths/"
           "invoke?api-version=1&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=" +
           kSig;
  }

  OutboxMessage message(std::string payload) const {
    return {std::string(kTeamsWorkflowDestination), workflow_url(), std::move(payload), "k1"};
  }

  static std::string digest_payload() {
    return testing::read_fixture("teams/workflows-post.digest-card.json");
  }

  FakeReply reply(int status, std::map<std::string, std::string> headers = {},
                  std::string body = {}) {
    FakeReply r;
    r.status = status;
    r.headers = std::move(headers);
    r.body = std::move(body);
    return r;
  }
};

TEST_F(TeamsWorkflowDelivererTest, Accepted202IsDeliveredAndSendsTheExactEnvelope) {
  server.push_reply(reply(202));
  // A rendered notice with non-ASCII text: the bytes must arrive unchanged.
  TeamsRoutingNotice notice;
  notice.decision.kind = RoutingKind::assigned;
  notice.decision.role = Role::product_owner;
  notice.decision.topic_title = "Preisseite f\xc3\xbcr Zo\xc3\xab \xf0\x9f\x9a\x80";
  notice.routing_id = 9;
  const std::string payload = teams_compact_json(render_teams_routing_workflow_post(notice));

  const DeliveryResult r = deliverer.deliver(message(payload));
  EXPECT_EQ(r.outcome, Outcome::delivered) << r.error;

  ASSERT_EQ(server.request_count(), 1u);
  const auto req = server.requests().at(0);
  EXPECT_EQ(req.method, "POST");
  EXPECT_EQ(req.target,
            "/powerautomate/automations/direct/workflows/abc123/triggers/manual/paths/"
            "invoke?api-version=1&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=" +
                std::string(kSig));
  EXPECT_EQ(req.body, payload);
  ASSERT_TRUE(req.headers.count("content-type"));
  EXPECT_THAT(req.headers.at("content-type"), StartsWith("application/json"));
  EXPECT_THAT(req.headers.at("content-type"), HasSubstr("charset=utf-8"));
}

TEST_F(TeamsWorkflowDelivererTest, AnyTwoHundredIsDeliveredOnce) {
  server.push_reply(reply(200, {}, "1"));
  const DeliveryResult ok = deliverer.deliver(message(digest_payload()));
  EXPECT_EQ(ok.outcome, Outcome::delivered);
  EXPECT_EQ(ok.response_body, "1");
  EXPECT_EQ(server.requests().at(0).body, digest_payload());  // fixture bytes, as stored
  server.push_reply(reply(204));
  EXPECT_EQ(deliverer.deliver(message(digest_payload())).outcome, Outcome::delivered);
  EXPECT_EQ(server.request_count(), 2u);  // never retried by the deliverer itself
}

TEST_F(TeamsWorkflowDelivererTest, TooManyRequestsRetriesAfterRetryAfter) {
  server.push_reply(reply(429, {{"Retry-After", "7"}}, R"({"error":"throttled"})"));
  const DeliveryResult r = deliverer.deliver(message(digest_payload()));
  EXPECT_EQ(r.outcome, Outcome::retry);
  EXPECT_EQ(r.retry_after_seconds, 7);
  EXPECT_EQ(r.error, "http_429");
  EXPECT_EQ(server.request_count(), 1u);

  server.push_reply(reply(429));
  const DeliveryResult no_header = deliverer.deliver(message(digest_payload()));
  EXPECT_EQ(no_header.outcome, Outcome::retry);
  EXPECT_EQ(no_header.retry_after_seconds, -1);

  server.push_reply(reply(429, {{"Retry-After", "Wed, 21 Oct 2015 07:28:00 GMT"}}));
  const DeliveryResult date = deliverer.deliver(message(digest_payload()));
  EXPECT_EQ(date.outcome, Outcome::retry);
  EXPECT_EQ(date.retry_after_seconds, -1);
}

TEST_F(TeamsWorkflowDelivererTest, ServerErrorsRetry) {
  for (int status : {500, 502, 503, 408}) {
    server.push_reply(reply(status));
    const DeliveryResult r = deliverer.deliver(message(digest_payload()));
    EXPECT_EQ(r.outcome, Outcome::retry) << status;
    EXPECT_EQ(r.retry_after_seconds, -1);
    EXPECT_EQ(r.error, "http_" + std::to_string(status));
  }
}

TEST_F(TeamsWorkflowDelivererTest, ClientErrorsArePermanent) {
  for (int status : {400, 401, 403, 404, 413}) {
    server.push_reply(reply(status, {}, R"({"error":{"code":"InvalidTemplate"}})"));
    const DeliveryResult r = deliverer.deliver(message(digest_payload()));
    EXPECT_EQ(r.outcome, Outcome::permanent_failure) << status;
    EXPECT_EQ(r.error, "http_" + std::to_string(status));
  }
  EXPECT_EQ(server.request_count(), 5u);
}

TEST_F(TeamsWorkflowDelivererTest, NetworkFailuresRetryWithoutLeakingTheUrl) {
  const std::string dead = "http://127.0.0.1:" + std::to_string(testing::unused_port()) +
                           "/workflows/x/invoke?sig=" + kSig;
  const DeliveryResult refused =
      deliverer.deliver({std::string(kTeamsWorkflowDestination), dead, digest_payload(), "k"});
  EXPECT_EQ(refused.outcome, Outcome::retry);
  EXPECT_THAT(refused.error, StartsWith("network_error"));
  EXPECT_THAT(refused.error, Not(HasSubstr(kSig)));

  FakeReply drop;
  drop.close_without_reply = true;
  server.push_reply(drop);
  const DeliveryResult dropped = deliverer.deliver(message(digest_payload()));
  EXPECT_EQ(dropped.outcome, Outcome::retry);
  EXPECT_THAT(dropped.error, Not(HasSubstr(kSig)));
}

TEST_F(TeamsWorkflowDelivererTest, SlowServerTimesOutAndRetries) {
  TeamsWorkflowDeliverer quick{std::make_shared<CpprestTeamsHttpPoster>(),
                               std::chrono::milliseconds(300)};
  FakeReply slow = reply(202);
  slow.delay = std::chrono::seconds(5);
  server.push_reply(slow);
  const auto start = std::chrono::steady_clock::now();
  const DeliveryResult r = quick.deliver(message(digest_payload()));
  const auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(r.outcome, Outcome::retry);
  EXPECT_EQ(r.error, "timeout");
  EXPECT_LT(elapsed, std::chrono::seconds(3));
}

TEST_F(TeamsWorkflowDelivererTest, HopelessRowsFailWithoutARequest) {
  OutboxMessage m = message(digest_payload());
  m.target = "ftp://example.invalid/x?sig=abc";
  EXPECT_EQ(deliverer.deliver(m).outcome, Outcome::permanent_failure);
  EXPECT_EQ(deliverer.deliver(message("{not json")).error, "invalid_payload");
  std::string huge =
      R"({"type":"message","text":")" + std::string(kTeamsMaxMessageBytes, 'x') + "\"}";
  const DeliveryResult big = deliverer.deliver(message(huge));
  EXPECT_EQ(big.outcome, Outcome::permanent_failure);
  EXPECT_EQ(big.error, "payload_too_large");
  EXPECT_EQ(server.request_count(), 0u);
}

TEST_F(TeamsWorkflowDelivererTest, LogsNeverShowTheSignature) {
  ::testing::internal::CaptureStdout();
  ::testing::internal::CaptureStderr();
  server.push_reply(reply(500));
  deliverer.deliver(message(digest_payload()));
  server.push_reply(reply(400));
  deliverer.deliver(message(digest_payload()));
  server.push_reply(reply(429, {{"Retry-After", "1"}}));
  deliverer.deliver(message(digest_payload()));
  const std::string out = ::testing::internal::GetCapturedStdout();
  const std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_THAT(out + err, Not(HasSubstr(kSig)));
  EXPECT_THAT(out + err, Not(HasSubstr("sig=")));
  // Something was logged, with the redacted URL, so the check is not vacuous.
  EXPECT_THAT(out + err, HasSubstr("/triggers/manual/paths/invoke"));
}

TEST(TeamsWorkflowDeliverer, HandlesOnlyItsDestination) {
  TeamsWorkflowDeliverer d{std::make_shared<CpprestTeamsHttpPoster>()};
  EXPECT_TRUE(d.handles("teams:workflow"));
  EXPECT_FALSE(d.handles("teams:workflow2"));
  EXPECT_FALSE(d.handles("slack:chat.postMessage"));
  EXPECT_TRUE(make_teams_workflow_deliverer()->handles("teams:workflow"));
}

TEST(TeamsWorkflowDeliverer, RedactUrl) {
  EXPECT_EQ(redact_url("https://prod-01.westeurope.logic.azure.com:443/workflows/abc/triggers/"
                       "manual/paths/invoke?api-version=2016-06-01&sp=%2F&sv=1.0&sig=XYZ"),
            "https://prod-01.westeurope.logic.azure.com:443/workflows/abc/triggers/manual/paths/"
            "invoke");
  EXPECT_EQ(redact_url("https://h.example/p#frag"), "https://h.example/p");
  EXPECT_EQ(redact_url("https://user:pw@h.example/p?sig=1"), "https://h.example/p");
  EXPECT_EQ(redact_url("https://h.example/p@q"), "https://h.example/p@q");
  EXPECT_EQ(redact_url("no-scheme?sig=1"), "no-scheme");
  EXPECT_EQ(redact_url(""), "");
}

TEST(TeamsWorkflowDeliverer, RetryAfterParsing) {
  EXPECT_EQ(parse_retry_after_seconds("120"), 120);
  EXPECT_EQ(parse_retry_after_seconds(" 0 "), 0);
  EXPECT_FALSE(parse_retry_after_seconds("-1"));
  EXPECT_FALSE(parse_retry_after_seconds("1.5"));
  EXPECT_FALSE(parse_retry_after_seconds(""));
  EXPECT_FALSE(parse_retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT"));
  EXPECT_FALSE(parse_retry_after_seconds("99999999999999999999"));
}

}  // namespace
}  // namespace rolecall
