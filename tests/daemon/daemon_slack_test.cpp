// Integration tests: the real daemon binary on a loopback port, a fake Slack
// Web API of ours on another, signed requests built from the fixtures.

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <atomic>
#include <ctime>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>
#include <thread>

#include "tests/daemon/daemon_database.hpp"
#include "tests/daemon/daemon_process.hpp"
#include "tests/support/fake_http_server.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/test_helpers.hpp"

namespace rolecall::testing {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

constexpr const char* kSecret = "8f742231b10e8888abcd99yyyzzz85a5";
constexpr const char* kToken = "xoxb-test-token-1234567890";

std::string now_ts() { return std::to_string(std::time(nullptr)); }

// The fake Slack Web API: auth.test names our bot; chat.postMessage answers
// with a ts; the read methods find nothing (this fake keeps no posts; see
// tests/support/fake_slack_api.hpp for one that does); everything is recorded.
FakeReply slack_api(const RecordedRequest& r) {
  if (r.target.find("conversations.replies") != std::string::npos ||
      r.target.find("conversations.history") != std::string::npos) {
    return {200,
            {{"Content-Type", "application/json"}},
            R"({"ok":true,"messages":[],"has_more":false})",
            0ms};
  }
  if (r.target.find("auth.test") != std::string::npos) {
    return {
        200,
        {{"Content-Type", "application/json"}},
        R"({"ok":true,"url":"https://x.slack.com/","team":"T","user":"rolecall","team_id":"T0TEAM001","user_id":"U0BOT0001","bot_id":"B0BOT0001"})",
        0ms};
  }
  return {200,
          {{"Content-Type", "application/json"}},
          R"({"ok":true,"channel":"C0INTAKE1","ts":"1700000000.000200"})",
          0ms};
}

class SlackDaemonTest : public ::testing::Test {
 protected:
  void SetUp() override {
    slack_.set_handler(slack_api);
    start();
  }
  void start(unsigned threads = 2) {
    daemon_.reset();
    daemon_ = std::make_unique<DaemonProcess>(
        dir_.path(), test_config_yaml(),
        std::map<std::string, std::string>{{"SLACK_SIGNING_SECRET", kSecret},
                                           {"SLACK_BOT_TOKEN", kToken},
                                           {"SLACK_API_URL", slack_.base_url()},
                                           {"ROLECALL_DB", dir_.file("rolecall.db")}},
        threads);
  }

  // Several clients at once, and keep-alive: two requests on one
  // connection, the second asking to close; then HTTP/1.0.
  void expect_concurrent_and_keep_alive_answers() {
    std::atomic<int> good{0};
    std::vector<std::thread> clients;
    for (int c = 0; c < 4; ++c) {
      clients.emplace_back([&] {
        for (int i = 0; i < 10; ++i) {
          auto r = slash("/whoowns", "who prioritises the roadmap for next quarter?");
          if (r.status == 200 && r.body.find("Product Manager") != std::string::npos) ++good;
        }
      });
    }
    for (auto& t : clients) t.join();
    EXPECT_EQ(good.load(), 40);

    const std::string two =
        raw_exchange(daemon_->port(),
                     "GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n"
                     "GET /readyz HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
    const auto first = two.find("HTTP/1.1 200 OK\r\n");
    ASSERT_NE(first, std::string::npos) << two;
    const auto second = two.find("HTTP/1.1 200 OK\r\n", first + 1);
    ASSERT_NE(second, std::string::npos) << two;
    EXPECT_EQ(two.substr(first, second - first).find("Connection: close"), std::string::npos)
        << two;
    EXPECT_NE(two.find("Connection: close\r\n", second), std::string::npos) << two;
    EXPECT_NE(two.find("Content-Length: "), std::string::npos) << two;

    const std::string old = raw_exchange(daemon_->port(), "GET /healthz HTTP/1.0\r\n\r\n");
    EXPECT_EQ(old.rfind("HTTP/1.0 200 OK\r\n", 0), 0u) << old;
    EXPECT_EQ(old.find("Connection: keep-alive"), std::string::npos) << old;
  }

  HttpResult post_signed(const std::string& body, const std::string& content_type,
                         std::map<std::string, std::string> extra = {},
                         const std::string& ts = now_ts()) {
    extra["Content-Type"] = content_type;
    extra["X-Slack-Request-Timestamp"] = ts;
    extra["X-Slack-Signature"] = slack_sign(kSecret, ts, body);
    return http_request(daemon_->port(), "POST", "/slack/events", extra, body);
  }
  HttpResult post_event(const json& body, std::map<std::string, std::string> extra = {}) {
    return post_signed(body.dump(), "application/json", std::move(extra));
  }
  static std::string form_encode(const std::string& s) {
    std::string out;
    char buf[4];
    for (unsigned char c : s) {
      if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
        out += static_cast<char>(c);
      } else if (c == ' ') {
        out += '+';
      } else {
        std::snprintf(buf, sizeof buf, "%%%02X", c);
        out += buf;
      }
    }
    return out;
  }
  HttpResult slash(const std::string& command, const std::string& text,
                   const std::string& channel = "C0CHECK01") {
    std::string body =
        "token=x&team_id=T0TEAM001&channel_id=" + channel +
        "&channel_name=checkout&user_id=U0USER001&user_name=sam&command=" + form_encode(command) +
        "&text=" + form_encode(text) +
        "&response_url=" + form_encode(slack_.base_url() + "response/1") + "&trigger_id=1.2.3";
    return post_signed(body, "application/x-www-form-urlencoded");
  }
  static json message_event(const std::string& event_id, const std::string& type,
                            const std::string& channel, const std::string& text,
                            const std::string& ts, const std::string& user = "U0USER001") {
    json ev = {{"type", type}, {"user", user},       {"text", text},
               {"ts", ts},     {"channel", channel}, {"event_ts", ts}};
    if (type == "message") ev["channel_type"] = channel[0] == 'D' ? "im" : "channel";
    return {{"token", "x"},
            {"team_id", "T0TEAM001"},
            {"api_app_id", "A0APP0001"},
            {"event", ev},
            {"type", "event_callback"},
            {"event_id", event_id},
            {"event_time", std::time(nullptr)}};
  }
  std::vector<RecordedRequest> posts_to(const std::string& method) const {
    std::vector<RecordedRequest> out;
    for (auto& r : slack_.requests())
      if (r.target.find(method) != std::string::npos) out.push_back(r);
    return out;
  }
  // Waits until `n` requests to `method` arrived (or times out).
  bool wait_posts(const std::string& method, std::size_t n, std::chrono::milliseconds t = 10s) {
    const auto deadline = std::chrono::steady_clock::now() + t;
    while (std::chrono::steady_clock::now() < deadline) {
      if (posts_to(method).size() >= n) return true;
      std::this_thread::sleep_for(20ms);
    }
    return false;
  }

  TempDir dir_;
  FakeHttpServer slack_;
  std::unique_ptr<DaemonProcess> daemon_;
};

TEST_F(SlackDaemonTest, HealthAndReadiness) {
  EXPECT_EQ(http_request(daemon_->port(), "GET", "/healthz").status, 200);
  auto ready = http_request(daemon_->port(), "GET", "/readyz");
  EXPECT_EQ(ready.status, 200) << ready.body;
  EXPECT_EQ(http_request(daemon_->port(), "GET", "/nope").status, 404);
  EXPECT_EQ(http_request(daemon_->port(), "GET", "/slack/events").status, 405);
}

TEST_F(SlackDaemonTest, LearnsItsOwnIdsWithAuthTestAtStart) {
  ASSERT_TRUE(wait_posts("auth.test", 1));
  auto r = posts_to("auth.test").front();
  EXPECT_EQ(r.headers["authorization"], std::string("Bearer ") + kToken);
}

TEST_F(SlackDaemonTest, UrlVerificationAnswersTheChallenge) {
  const std::string body = read_fixture("slack/events_url_verification.json");
  auto r = post_signed(body, "application/json");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json::parse(r.body)["challenge"], json::parse(body)["challenge"]);
}

TEST_F(SlackDaemonTest, BadStaleAndMissingSignaturesGet401AndDoNothing) {
  json ev = message_event("Ev0BADSIG1", "app_mention", "C0CHECK01",
                          "<@U0BOT0001> who owns pricing?", "1700000001.000100");
  const std::string body = ev.dump();
  const std::string ts = now_ts();
  // Wrong secret.
  auto bad = http_request(daemon_->port(), "POST", "/slack/events",
                          {{"Content-Type", "application/json"},
                           {"X-Slack-Request-Timestamp", ts},
                           {"X-Slack-Signature", slack_sign("not-the-secret", ts, body)}},
                          body);
  EXPECT_EQ(bad.status, 401);
  // Stale: signed correctly but six minutes old.
  const std::string old_ts = std::to_string(std::time(nullptr) - 360);
  auto stale = post_signed(body, "application/json", {}, old_ts);
  EXPECT_EQ(stale.status, 401);
  // Missing headers.
  auto missing = http_request(daemon_->port(), "POST", "/slack/events",
                              {{"Content-Type", "application/json"}}, body);
  EXPECT_EQ(missing.status, 401);
  // A body re-serialised after signing.
  auto tampered = http_request(daemon_->port(), "POST", "/slack/events",
                               {{"Content-Type", "application/json"},
                                {"X-Slack-Request-Timestamp", ts},
                                {"X-Slack-Signature", slack_sign(kSecret, ts, body)}},
                               ev.dump(1));
  EXPECT_EQ(tampered.status, 401);
  EXPECT_EQ(outbox_rows(daemon_->db_path()), 0) << "a refused request queued a message";
  EXPECT_TRUE(daemon_->wait_for_log("signature"));
  auto metrics = http_request(daemon_->port(), "GET", "/metrics");
  EXPECT_NE(metrics.body.find(
                "rolecall_signature_failures_total{platform=\"slack\",reason=\"mismatch\"} 2"),
            std::string::npos)
      << metrics.body;
}

TEST_F(SlackDaemonTest, DocumentedSignatureVectorIsStaleTodayAndRejected) {
  // Slack's own example request (2018): valid MAC, but far outside the window.
  const std::string body = read_fixture("slack/slash_command_slack_docs_example.txt");
  auto r = http_request(daemon_->port(), "POST", "/slack/events",
                        {{"Content-Type", "application/x-www-form-urlencoded"},
                         {"X-Slack-Request-Timestamp", "1531420618"},
                         {"X-Slack-Signature",
                          "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"}},
                        body);
  EXPECT_EQ(r.status, 401);
}

TEST_F(SlackDaemonTest, SslCheckIsAnsweredUnsignedAndDispatchesNothing) {
  auto r = http_request(daemon_->port(), "POST", "/slack/events",
                        {{"Content-Type", "application/x-www-form-urlencoded"}},
                        read_fixture("slack/slash_command_ssl_check.txt"));
  EXPECT_EQ(r.status, 200);
  EXPECT_TRUE(r.body.empty());
  // The Bolt bypass: ssl_check=1 next to a forged payload must not act.
  const std::string forged =
      "ssl_check=1&command=%2Fdecision&text=forged+decision&channel_id=C0CHECK01&user_id=U0EVIL001";
  auto f = http_request(daemon_->port(), "POST", "/slack/events",
                        {{"Content-Type", "application/x-www-form-urlencoded"}}, forged);
  EXPECT_EQ(f.status, 200);
  auto list = run_rolecall({"decisions", "list", "--config",
                            (dir_.path() / "rolecall.yaml").string(), "--format", "json"},
                           {{"ROLECALL_DB", daemon_->db_path()}});
  EXPECT_EQ(list.status, 0) << list.err;
  EXPECT_EQ(json::parse(list.out).size(), 0u);
}

TEST_F(SlackDaemonTest, MalformedJsonAndFormsGet400) {
  auto j = post_signed("{\"type\":\"event_callback\",", "application/json");
  EXPECT_EQ(j.status, 400);
  auto f = post_signed("payload=%7B%22type%22%3A", "application/x-www-form-urlencoded");
  EXPECT_EQ(f.status, 400);
  auto bad_escape = post_signed("command=%2&text=%ZZ", "application/x-www-form-urlencoded");
  EXPECT_EQ(bad_escape.status, 400);
  // Still serving afterwards.
  EXPECT_EQ(http_request(daemon_->port(), "GET", "/healthz").status, 200);
}

// Issue 13, defect 4: a signed event whose event_time is not an integer
// within int64_t is malformed (converting 1.7e80 was undefined behaviour).
// It is refused before dedupe: the same event with a good event_time is
// still new and gets its answer.
TEST_F(SlackDaemonTest, SignedEventWithANonIntegerEventTimeGets400) {
  json ev = message_event("Ev0HUGE001", "app_mention", "C0CHECK01",
                          "<@U0BOT0001> who owns pricing?", "1700000030.000100");
  for (const double bad : {1.7e80, -1e300, 3.5}) {
    ev["event_time"] = bad;
    const auto r = post_event(ev);
    EXPECT_EQ(r.status, 400) << bad << ": " << r.body;
    EXPECT_NE(r.body.find("event_time"), std::string::npos) << r.body;
  }
  ev["event_time"] = 1700000030.0;  // written as a float, but an integer: accepted
  ASSERT_EQ(post_event(ev).status, 200);
  ASSERT_TRUE(wait_posts("chat.postMessage", 1));
  EXPECT_EQ(json::parse(posts_to("chat.postMessage").front().body)["thread_ts"],
            "1700000030.000100");
}

// stdout is a file here, so every line is one JSON object (time, level,
// message, and the request's id and platform while it is handled), with
// quotes and control characters of request data escaped.
TEST_F(SlackDaemonTest, LogLinesAreJsonWithRequestContext) {
  auto r = post_signed("a=1", "text/\"odd\"\tkind");
  EXPECT_EQ(r.status, 400);
  ASSERT_TRUE(daemon_->wait_for_log("unsupported Content-Type")) << daemon_->log();
  const std::regex time_format(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)");
  std::istringstream lines(daemon_->log());
  int parsed = 0;
  bool saw_malformed = false;
  for (std::string line; std::getline(lines, line);) {
    const json j = json::parse(line, nullptr, false);
    ASSERT_TRUE(j.is_object()) << line;
    ASSERT_TRUE(j["time"].is_string() && j["level"].is_string() && j["message"].is_string())
        << line;
    EXPECT_TRUE(std::regex_match(j["time"].get<std::string>(), time_format)) << line;
    ++parsed;
    const auto message = j["message"].get<std::string>();
    if (message.find("unsupported Content-Type") != std::string::npos) {
      saw_malformed = true;
      EXPECT_NE(message.find("text/\"odd\"\tkind"), std::string::npos) << line;
      EXPECT_EQ(j["level"], "warning") << line;
      EXPECT_EQ(j["platform"], "slack") << line;
      EXPECT_FALSE(j.value("request_id", "").empty()) << line;
    }
  }
  EXPECT_GT(parsed, 3);
  EXPECT_TRUE(saw_malformed);
}

TEST_F(SlackDaemonTest, OversizedBodyGets413) {
  std::string big(2 * 1024 * 1024, 'a');
  auto r = post_signed(big, "application/json");
  EXPECT_EQ(r.status, 413);
  EXPECT_EQ(http_request(daemon_->port(), "GET", "/healthz").status, 200);
}

TEST_F(SlackDaemonTest, ServesConcurrentAndKeepAliveRequests) {
  expect_concurrent_and_keep_alive_answers();
}

// One worker thread: connections run without a strand.
TEST_F(SlackDaemonTest, OneWorkerThreadServesConcurrentAndKeepAliveRequests) {
  start(1);
  ASSERT_TRUE(daemon_->wait_for_log("with 1 worker threads")) << daemon_->log();
  expect_concurrent_and_keep_alive_answers();
  std::string big(2 * 1024 * 1024, 'a');
  EXPECT_EQ(post_signed(big, "application/json").status, 413);
  EXPECT_EQ(daemon_->stop(), 0);
}

TEST_F(SlackDaemonTest, UnknownPayloadTypeGets200) {
  auto r = post_event({{"type", "some_future_envelope"}, {"team_id", "T0TEAM001"}});
  EXPECT_EQ(r.status, 200);
  json ev = message_event("Ev0REACT01", "reaction_added", "C0CHECK01", "", "1700000002.000100");
  EXPECT_EQ(post_event(ev).status, 200);
}

TEST_F(SlackDaemonTest, WhoownsAnswersEphemerallyInTheResponse) {
  auto r = slash("/whoowns", "who writes the acceptance criteria for the checkout story?");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_NE(r.headers["content-type"].find("application/json"), std::string::npos);
  auto j = json::parse(r.body);
  EXPECT_EQ(j["response_type"], "ephemeral");
  EXPECT_NE(j.dump().find("Product Owner"), std::string::npos) << j.dump();
  EXPECT_NE(j.dump().find("<@U0PO00001>"), std::string::npos) << j.dump();
}

TEST_F(SlackDaemonTest, EmptyOrUnknownCommandsGetHelp) {
  auto empty = slash("/whoowns", "");
  ASSERT_EQ(empty.status, 200);
  EXPECT_NE(empty.body.find("whoowns"), std::string::npos);
  auto unknown = slash("/whoknows", "pricing");
  ASSERT_EQ(unknown.status, 200);
  EXPECT_NE(unknown.body.find("/whoknows"), std::string::npos);
}

TEST_F(SlackDaemonTest, DecisionIsLoggedConfirmedAndListed) {
  auto r = slash("/decision", "We launch the pro tier pricing in March");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json::parse(r.body)["response_type"], "in_channel");
  auto list = slash("/decisions", "");
  ASSERT_EQ(list.status, 200);
  EXPECT_NE(list.body.find("pro tier pricing"), std::string::npos) << list.body;
  EXPECT_EQ(json::parse(list.body)["response_type"], "ephemeral");
  auto cli =
      run_rolecall({"decisions", "list", "--config", (dir_.path() / "rolecall.yaml").string(),
                    "--team", "checkout", "--format", "json"},
                   {{"ROLECALL_DB", daemon_->db_path()}});
  ASSERT_EQ(cli.status, 0) << cli.err;
  auto rows = json::parse(cli.out);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0]["role"], "product_manager");  // inferred by the classifier
  EXPECT_EQ(rows[0]["decided_by"], "U0USER001");
}

TEST_F(SlackDaemonTest, MentionIsAnsweredInAThreadThroughTheOutbox) {
  auto r = post_event(message_event("Ev0MENTION", "app_mention", "C0CHECK01",
                                    "<@U0BOT0001> who owns pricing?", "1700000010.000100"));
  EXPECT_EQ(r.status, 200);
  ASSERT_TRUE(wait_posts("chat.postMessage", 1));
  auto post = json::parse(posts_to("chat.postMessage").front().body);
  EXPECT_EQ(post["channel"], "C0CHECK01");
  EXPECT_EQ(post["thread_ts"], "1700000010.000100");
  EXPECT_NE(post.dump().find("<@U0PM00001>"), std::string::npos) << post.dump();
  EXPECT_EQ(posts_to("chat.postMessage").front().headers["authorization"],
            std::string("Bearer ") + kToken);
}

TEST_F(SlackDaemonTest, RetriesAndDoubleDeliveryAreAnsweredOnce) {
  auto ev = message_event("Ev0RETRY01", "app_mention", "C0INTAKE1",
                          "<@U0BOT0001> can we pull the login bug into this sprint?",
                          "1700000020.000100");
  EXPECT_EQ(post_event(ev).status, 200);
  EXPECT_EQ(
      post_event(ev, {{"X-Slack-Retry-Num", "1"}, {"X-Slack-Retry-Reason", "http_timeout"}}).status,
      200);
  // The same message also arrives as message.channels with another event id.
  auto as_message = message_event("Ev0RETRY02", "message", "C0INTAKE1",
                                  "<@U0BOT0001> can we pull the login bug into this sprint?",
                                  "1700000020.000100");
  EXPECT_EQ(post_event(as_message).status, 200);
  ASSERT_TRUE(wait_posts("chat.postMessage", 1));
  EXPECT_EQ(outbox_rows(daemon_->db_path()), 1) << "a retry or a second event type queued again";
  ASSERT_TRUE(wait_outbox_settled(daemon_->db_path()));
  EXPECT_EQ(posts_to("chat.postMessage").size(), 1u);
}

TEST_F(SlackDaemonTest, OwnBotAndOtherBotsAreIgnored) {
  auto own = json::parse(read_fixture("slack/events_message_from_self_bot.json"));
  own["event"]["channel"] = "C0INTAKE1";
  own["event"]["user"] = "U0BOT0001";
  own["event"]["bot_id"] = "B0BOT0001";
  own["event"]["text"] = "can we pull the login bug into this sprint?";
  EXPECT_EQ(post_event(own).status, 200);
  auto other = json::parse(read_fixture("slack/events_message_bot_other_app_no_subtype.json"));
  other["event"]["channel"] = "C0INTAKE1";
  other["event"]["text"] = "we should raise prices for the pro tier";
  EXPECT_EQ(post_event(other).status, 200);
  auto classic = json::parse(read_fixture("slack/events_message_subtype_bot_message.json"));
  EXPECT_EQ(post_event(classic).status, 200);
  EXPECT_EQ(outbox_rows(daemon_->db_path()), 0) << "a bot's message was answered";
  EXPECT_EQ(count_rows(daemon_->db_path(), "SELECT count(*) FROM routings"), 0);
  EXPECT_TRUE(posts_to("chat.postMessage").empty());
}

TEST_F(SlackDaemonTest, IntakeRequestIsRoutedWithButtonsAndChatterIgnored) {
  EXPECT_EQ(post_event(message_event("Ev0CHAT001", "message", "C0INTAKE1",
                                     "lunch anyone? :pizza:", "1700000030.000100"))
                .status,
            200);
  EXPECT_EQ(post_event(message_event("Ev0ROUTE01", "message", "C0INTAKE1",
                                     "can we pull the checkout bug into this sprint?",
                                     "1700000031.000100"))
                .status,
            200);
  ASSERT_TRUE(wait_posts("chat.postMessage", 1));
  EXPECT_EQ(outbox_rows(daemon_->db_path()), 1) << "the chatter was answered";
  ASSERT_TRUE(wait_outbox_settled(daemon_->db_path()));
  auto posts = posts_to("chat.postMessage");
  ASSERT_EQ(posts.size(), 1u);
  auto post = json::parse(posts[0].body);
  EXPECT_EQ(post["thread_ts"], "1700000031.000100");
  const std::string s = post.dump();
  EXPECT_NE(s.find("<@U0PO00001>"), std::string::npos) << s;
  EXPECT_NE(s.find("rolecall_ack"), std::string::npos);
  EXPECT_NE(s.find("rolecall_reassign"), std::string::npos);
  EXPECT_NE(s.find("rolecall_dismiss"), std::string::npos);
}

// An event's writes commit together: when one fails, the 503 leaves no
// dedupe key behind, so Slack's retry is handled as new, and answered once.
TEST_F(SlackDaemonTest, StoreFailureMidEventLeavesNothingAndTheRetryIsHandled) {
  const std::string db = daemon_->db_path();
  exec_sql(db,
           "CREATE TRIGGER test_fail_routing BEFORE INSERT ON routings "
           "BEGIN SELECT RAISE(ABORT, 'injected failure'); END;");
  const json event =
      message_event("Ev0ATOMIC1", "message", "C0INTAKE1",
                    "can we pull the refund bug into this sprint?", "1700000090.000100");
  EXPECT_EQ(post_event(event).status, 503);
  EXPECT_EQ(count_rows(db,
                       "SELECT count(*) FROM processed_events WHERE event_key LIKE "
                       "'%Ev0ATOMIC1%' OR event_key LIKE '%1700000090.000100%'"),
            0);
  EXPECT_EQ(count_rows(db, "SELECT count(*) FROM outbox"), 0);

  exec_sql(db, "DROP TRIGGER test_fail_routing;");
  EXPECT_EQ(post_event(event, {{"X-Slack-Retry-Num", "1"}, {"X-Slack-Retry-Reason", "http_error"}})
                .status,
            200);
  ASSERT_TRUE(wait_posts("chat.postMessage", 1));
  EXPECT_EQ(count_rows(db, "SELECT count(*) FROM routings"), 1);
  EXPECT_EQ(post_event(event, {{"X-Slack-Retry-Num", "2"}}).status, 200);  // now a duplicate
  EXPECT_EQ(outbox_rows(db), 1);
  ASSERT_TRUE(wait_outbox_settled(db));
  EXPECT_EQ(posts_to("chat.postMessage").size(), 1u);
}

TEST_F(SlackDaemonTest, ButtonsChangeTheRoutingAndUpdateTheMessage) {
  EXPECT_EQ(post_event(message_event("Ev0BUTTON1", "message", "C0INTAKE1",
                                     "please update the acceptance criteria on the refund story",
                                     "1700000040.000100"))
                .status,
            200);
  ASSERT_TRUE(wait_posts("chat.postMessage", 1));
  auto post = json::parse(posts_to("chat.postMessage").front().body);
  std::string routing_id;
  for (auto& b : post["blocks"])
    if (b["type"] == "actions")
      for (auto& e : b["elements"])
        if (e["action_id"] == "rolecall_reassign") routing_id = e["value"];
  ASSERT_FALSE(routing_id.empty()) << post.dump();

  json payload = json::parse(read_fixture("slack/interactive_block_actions_message.json"));
  payload["user"]["id"] = "U0PO00001";
  payload["container"]["channel_id"] = "C0INTAKE1";
  payload["channel"]["id"] = "C0INTAKE1";
  payload["response_url"] = slack_.base_url() + "actions/T/1/abc";
  payload["actions"][0]["action_id"] = "rolecall_reassign";
  payload["actions"][0]["value"] = routing_id;
  auto r =
      post_signed("payload=" + form_encode(payload.dump()), "application/x-www-form-urlencoded");
  EXPECT_EQ(r.status, 200) << r.body;
  ASSERT_TRUE(wait_posts("/actions/", 1));
  auto update = json::parse(posts_to("/actions/").front().body);
  EXPECT_EQ(update["replace_original"], true);
  EXPECT_NE(update.dump().find("<@U0PM00001>"), std::string::npos) << update.dump();

  auto routes = run_rolecall(
      {"routes", "list", "--config", (dir_.path() / "rolecall.yaml").string(), "--format", "json"},
      {{"ROLECALL_DB", daemon_->db_path()}});
  ASSERT_EQ(routes.status, 0) << routes.err;
  auto rows = json::parse(routes.out);
  bool found = false;
  for (auto& row : rows) {
    // The reassign button carries "<id>:<role it was drawn for>".
    if (std::to_string(row["id"].get<long long>()) + ":product_owner" == routing_id) {
      found = true;
      EXPECT_EQ(row["status"], "reassigned");
      EXPECT_EQ(row["role"], "product_manager");
      EXPECT_EQ(row["original_role"], "product_owner");
    }
  }
  EXPECT_TRUE(found);

  // Acknowledge by the new owner.
  payload["actions"][0]["action_id"] = "rolecall_ack";
  payload["user"]["id"] = "U0PM00001";
  EXPECT_EQ(
      post_signed("payload=" + form_encode(payload.dump()), "application/x-www-form-urlencoded")
          .status,
      200);
  ASSERT_TRUE(wait_posts("/actions/", 2));
  EXPECT_NE(posts_to("/actions/")[1].body.find("U0PM00001"), std::string::npos);
}

// A question in the thread of a request rolecall routed, as Slack sends it:
// an app_mention whose thread_ts is the request's ts. It is answered about
// that request in the thread, and logged as an answered question.
TEST_F(SlackDaemonTest, AQuestionInARoutedRequestsThreadIsAnsweredAboutTheRequest) {
  EXPECT_EQ(post_event(message_event("Ev0THREAD1", "message", "C0INTAKE1",
                                     "can we pull the checkout bug into this sprint?",
                                     "1700000050.000100"))
                .status,
            200);
  ASSERT_TRUE(wait_posts("chat.postMessage", 1));

  json mention = json::parse(read_fixture("slack/events_app_mention.json"));
  mention["team_id"] = "T0TEAM001";
  mention["event_id"] = "Ev0THREAD2";
  mention["event_time"] = std::time(nullptr);
  mention["authorizations"][0]["user_id"] = "U0BOT0001";
  json& ev = mention["event"];
  ev["channel"] = "C0INTAKE1";
  ev["user"] = "U0USER001";
  ev["text"] = "<@U0BOT0001> who owns this?";
  ev["blocks"][0]["elements"][0]["elements"][0]["user_id"] = "U0BOT0001";
  ev["blocks"][0]["elements"][0]["elements"][1]["text"] = " who owns this?";
  ev["ts"] = ev["event_ts"] = "1700000055.000200";
  ev["thread_ts"] = "1700000050.000100";
  ev["parent_user_id"] = "U0USER001";
  EXPECT_EQ(post_event(mention).status, 200);
  ASSERT_TRUE(wait_posts("chat.postMessage", 2));

  json answer;
  for (const auto& r : posts_to("chat.postMessage")) {
    const json posted = json::parse(r.body);
    if (posted.dump().find("This thread's request") != std::string::npos) answer = posted;
  }
  ASSERT_TRUE(answer.is_object()) << "no answer about the thread's request";
  EXPECT_EQ(answer["channel"], "C0INTAKE1");
  EXPECT_EQ(answer["thread_ts"], "1700000050.000100");
  const std::string s = answer.dump();
  EXPECT_NE(s.find("<@U0PO00001>"), std::string::npos) << s;
  EXPECT_NE(s.find("Product Owner"), std::string::npos) << s;
  EXPECT_EQ(s.find("rolecall_reassign"), std::string::npos) << "an answer, not a routing: " << s;

  const std::string db = daemon_->db_path();
  EXPECT_EQ(count_rows(db, "SELECT count(*) FROM routings"), 2);
  EXPECT_EQ(count_rows(db, "SELECT count(*) FROM routings WHERE intent = 'request'"), 1);
  EXPECT_EQ(count_rows(db,
                       "SELECT count(*) FROM routings WHERE intent = 'question' AND "
                       "message_id = '1700000055.000200' AND role = 'product_owner'"),
            1);
}

TEST_F(SlackDaemonTest, RateLimitIsHonouredAndTheMessageDeliveredOnce) {
  slack_.push_reply({429,
                     {{"Retry-After", "1"}, {"Content-Type", "application/json"}},
                     R"({"ok":false,"error":"ratelimited"})",
                     0ms});
  const auto started = std::chrono::steady_clock::now();
  // auth.test already consumed its reply at start, so the 429 goes to the post.
  EXPECT_EQ(post_event(message_event("Ev0RATE001", "app_mention", "C0CHECK01",
                                     "<@U0BOT0001> who owns the roadmap?", "1700000050.000100"))
                .status,
            200);
  ASSERT_TRUE(wait_posts("chat.postMessage", 2, 15s));
  const auto elapsed = std::chrono::steady_clock::now() - started;
  EXPECT_GE(elapsed, 900ms);  // waited for Retry-After
  ASSERT_TRUE(wait_outbox_settled(daemon_->db_path()));
  EXPECT_EQ(posts_to("chat.postMessage").size(), 2u);  // the 429 and one success
}

TEST_F(SlackDaemonTest, PermanentErrorIsNotRetried) {
  slack_.push_reply({200,
                     {{"Content-Type", "application/json"}},
                     read_fixture("slack/web_error_channel_not_found.json"),
                     0ms});
  EXPECT_EQ(post_event(message_event("Ev0PERM001", "app_mention", "C0CHECK01",
                                     "<@U0BOT0001> who owns pricing?", "1700000060.000100"))
                .status,
            200);
  ASSERT_TRUE(wait_posts("chat.postMessage", 1));
  ASSERT_TRUE(wait_outbox_settled(daemon_->db_path()));
  EXPECT_EQ(count_rows(daemon_->db_path(), "SELECT count(*) FROM outbox WHERE state = 'failed'"),
            1);
  EXPECT_EQ(posts_to("chat.postMessage").size(), 1u);
  EXPECT_TRUE(daemon_->wait_for_log("channel_not_found"));
  auto metrics = http_request(daemon_->port(), "GET", "/metrics").body;
  EXPECT_NE(metrics.find("rolecall_outbox_failures_total"), std::string::npos);
}

TEST_F(SlackDaemonTest, PendingOutboxIsDeliveredOnceAfterARestart) {
  // Slack is down: every post fails, so the reply stays in the outbox.
  slack_.set_handler([](const RecordedRequest& r) {
    if (r.target.find("auth.test") != std::string::npos) return slack_api(r);
    return FakeReply{503, {}, "down", 0ms};
  });
  EXPECT_EQ(post_event(message_event("Ev0RESTART", "app_mention", "C0CHECK01",
                                     "<@U0BOT0001> who owns sprint planning?", "1700000070.000100"))
                .status,
            200);
  ASSERT_TRUE(wait_posts("chat.postMessage", 1));
  EXPECT_EQ(daemon_->stop(SIGKILL), 128 + SIGKILL);
  slack_.clear();
  slack_.set_handler(slack_api);
  start();
  ASSERT_TRUE(wait_posts("chat.postMessage", 1, 15s));
  ASSERT_TRUE(wait_outbox_settled(daemon_->db_path()));
  EXPECT_EQ(posts_to("chat.postMessage").size(), 1u);
  // A 503 may have posted (Slack: "may have partially succeeded"), so the
  // daemon looked in the thread first, found nothing, then posted.
  EXPECT_EQ(posts_to("conversations.replies").size(), 1u);
  // The same event retried by Slack after the restart is still a duplicate.
  EXPECT_EQ(post_event(message_event("Ev0RESTART", "app_mention", "C0CHECK01",
                                     "<@U0BOT0001> who owns sprint planning?", "1700000070.000100"),
                       {{"X-Slack-Retry-Num", "2"}})
                .status,
            200);
  EXPECT_EQ(outbox_rows(daemon_->db_path()), 1);
  ASSERT_TRUE(wait_outbox_settled(daemon_->db_path()));
  EXPECT_EQ(posts_to("chat.postMessage").size(), 1u);
}

TEST_F(SlackDaemonTest, SigtermExitsZeroQuickly) {
  const auto started = std::chrono::steady_clock::now();
  EXPECT_EQ(daemon_->stop(SIGTERM, 8s), 0) << daemon_->log();
  EXPECT_LT(std::chrono::steady_clock::now() - started, 6s);
}

TEST_F(SlackDaemonTest, SecretsNeverAppearInTheLogs) {
  slash("/whoowns", "who owns pricing?");
  post_event(message_event("Ev0SECRET1", "app_mention", "C0CHECK01",
                           "<@U0BOT0001> who owns the roadmap?", "1700000080.000100"));
  wait_posts("chat.postMessage", 1);
  http_request(daemon_->port(), "GET", "/metrics");
  daemon_->stop(SIGTERM);
  const std::string log = daemon_->log();
  EXPECT_EQ(log.find(kSecret), std::string::npos);
  EXPECT_EQ(log.find(kToken), std::string::npos);
  EXPECT_EQ(log.find("test-token"), std::string::npos);
}

}  // namespace
}  // namespace rolecall::testing
