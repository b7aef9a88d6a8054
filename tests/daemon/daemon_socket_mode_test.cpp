// Integration tests of Slack over Socket Mode: the real daemon binary with
// an app-level token and no signing secret; our fake Web API answers
// apps.connections.open with the URL of our fake Socket Mode server, which
// delivers envelopes in the payload shapes of the fixtures and records the
// acks. Nothing here sleeps to wait: every wait is on observable state
// (connections, acks, the outbox depth in /metrics).

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include "tests/daemon/daemon_process.hpp"
#include "tests/support/fake_http_server.hpp"
#include "tests/support/fake_socket_mode_server.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/test_helpers.hpp"

namespace rolecall::testing {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

constexpr const char* kAppToken = "xapp-1-A0APP0001-42-SECRETAPPTOKEN";
constexpr const char* kBotToken = "xoxb-socket-BOTTOKEN-1234";

json mention_envelope(const std::string& envelope_id, const std::string& event_id,
                      const std::string& type, const std::string& channel, const std::string& text,
                      const std::string& ts) {
  json e = json::parse(read_fixture("slack/socket_mode_envelope_events_api_app_mention.json"));
  e["envelope_id"] = envelope_id;
  json& p = e["payload"];
  p["team_id"] = "T0TEAM001";
  p["api_app_id"] = "A0APP0001";
  p["event_id"] = event_id;
  p["event_time"] = std::time(nullptr);
  p["authorizations"][0]["user_id"] = "U0BOT0001";
  json& ev = p["event"];
  ev["type"] = type;
  ev["user"] = "U0USER001";
  ev["text"] = text;
  ev["channel"] = channel;
  ev["ts"] = ts;
  ev["event_ts"] = ts;
  ev.erase("blocks");
  if (type == "message") ev["channel_type"] = channel[0] == 'D' ? "im" : "channel";
  return e;
}

class SocketModeDaemonTest : public ::testing::Test {
 protected:
  void SetUp() override {
    api_.set_handler([this](const RecordedRequest& r) { return web_api(r); });
  }

  FakeReply web_api(const RecordedRequest& r) {
    // The outbox looks for its own post before resending an unfinished
    // attempt; this fake keeps no posts, so it finds none.
    if (r.target.find("conversations.") != std::string::npos) {
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
    if (r.target.find("apps.connections.open") != std::string::npos) {
      if (refuse_app_token_) {
        return {200, {}, R"({"ok":false,"error":"invalid_auth"})", 0ms};
      }
      return {200,
              {},
              json{{"ok", true}, {"url", url_server_->url(std::to_string(++opens_))}}.dump(),
              0ms};
    }
    return {200, {}, R"({"ok":true,"channel":"C0CHECK01","ts":"1700000000.000200"})", 0ms};
  }

  std::map<std::string, std::string> env(bool with_signing_secret = false) const {
    std::map<std::string, std::string> e{{"SLACK_APP_TOKEN", kAppToken},
                                         {"SLACK_BOT_TOKEN", kBotToken},
                                         {"SLACK_API_URL", api_.base_url()},
                                         {"ROLECALL_DB", dir_.file("rolecall.db")}};
    if (with_signing_secret) e["SLACK_SIGNING_SECRET"] = "8f742231b10e8888abcd99yyyzzz85a5";
    return e;
  }

  void start(const std::string& extra = {}, bool with_signing_secret = false,
             unsigned threads = 2) {
    daemon_ = std::make_unique<DaemonProcess>(dir_.path(), test_config_yaml(extra),
                                              env(with_signing_secret), threads);
  }

  std::vector<RecordedRequest> posts_to(const std::string& method) const {
    std::vector<RecordedRequest> out;
    for (auto& r : api_.requests())
      if (r.target.find(method) != std::string::npos) out.push_back(r);
    return out;
  }
  bool wait(const std::function<bool()>& condition, std::chrono::milliseconds t = 15s) {
    return socket_.wait_until(condition, t);
  }
  std::string metrics() { return http_request(daemon_->port(), "GET", "/metrics").body; }
  // Every ack is sent after the request's writes committed, so once every
  // delivered envelope is acked and the outbox is empty, everything rolecall
  // will ever post for them has been posted.
  bool settled(std::size_t acks) {
    return wait([&] {
      return socket_.ack_count() >= acks && socket_.unacked().empty() &&
             metrics().find("\nrolecall_outbox_depth 0\n") != std::string::npos;
    });
  }
  const FakeSocketModeServer::Ack* ack_of(const std::vector<FakeSocketModeServer::Ack>& acks,
                                          const std::string& id) {
    for (const auto& a : acks)
      if (a.envelope_id == id) return &a;
    return nullptr;
  }

  TempDir dir_;
  FakeHttpServer api_;
  FakeSocketModeServer socket_;
  FakeSocketModeServer* url_server_ = &socket_;  // whose URL apps.connections.open hands out
  std::atomic<int> opens_{0};
  std::atomic<bool> refuse_app_token_{false};
  std::unique_ptr<DaemonProcess> daemon_;
};

TEST_F(SocketModeDaemonTest, ConnectsWithTheAppTokenAndNeedsNoPublicUrl) {
  start();
  ASSERT_TRUE(socket_.wait_for_open(2, 15s)) << daemon_->log();
  ASSERT_TRUE(daemon_->wait_for_log("connected to Socket Mode"));
  for (const auto& r : posts_to("apps.connections.open")) {
    EXPECT_EQ(r.method, "POST");
    EXPECT_EQ(r.headers.at("authorization"), std::string("Bearer ") + kAppToken);
  }
  EXPECT_GE(posts_to("apps.connections.open").size(), 2u);
  // The bot token still goes where it belongs.
  EXPECT_EQ(posts_to("auth.test").at(0).headers.at("authorization"),
            std::string("Bearer ") + kBotToken);
  // No signing secret: no HTTP endpoint for Slack.
  EXPECT_EQ(http_request(daemon_->port(), "POST", "/slack/events", {}, "{}").status, 404);
  ASSERT_TRUE(wait([&] {
    return metrics().find("\nrolecall_slack_socket_connections 2\n") != std::string::npos;
  })) << metrics();
}

TEST_F(SocketModeDaemonTest, EveryEnvelopeTypeIsAnsweredAsOverHttpAndAckedInTime) {
  start();
  ASSERT_TRUE(socket_.wait_for_open(2, 15s)) << daemon_->log();

  // Events API: a mention, answered in its thread through the outbox.
  socket_.deliver(mention_envelope("env-mention", "Ev0SOCK001", "app_mention", "C0CHECK01",
                                   "<@U0BOT0001> who owns pricing?", "1700000100.000100"));
  // A slash command: the answer rides in the ack.
  json slash = json::parse(read_fixture("slack/socket_mode_envelope_slash_commands.json"));
  slash["envelope_id"] = "env-slash";
  slash["payload"]["command"] = "/whoowns";
  slash["payload"]["text"] = "who prioritises the roadmap for next quarter?";
  slash["payload"]["channel_id"] = "C0CHECK01";
  socket_.deliver(slash);
  json decision = slash;
  decision["envelope_id"] = "env-decision";
  decision["payload"]["command"] = "/decision";
  decision["payload"]["text"] = "we ship the new checkout in March";
  decision["payload"]["trigger_id"] = "222.333.xxx";
  socket_.deliver(decision);
  // An intake request, routed with buttons.
  socket_.deliver(mention_envelope("env-intake", "Ev0SOCK002", "message", "C0INTAKE1",
                                   "please update the acceptance criteria on the refund story",
                                   "1700000101.000100"));
  // app_rate_limited: acked, logged and counted.
  socket_.deliver(
      json{{"envelope_id", "env-limited"},
           {"type", "events_api"},
           {"accepts_response_payload", false},
           {"retry_attempt", 0},
           {"retry_reason", ""},
           {"payload", json::parse(read_fixture("slack/events_app_rate_limited.json"))}});
  ASSERT_TRUE(settled(5)) << daemon_->log();

  auto acks = socket_.acks();
  for (const auto& a : acks) EXPECT_LT(a.at - a.delivered_at, 3s) << a.envelope_id;
  ASSERT_NE(ack_of(acks, "env-mention"), nullptr);
  EXPECT_EQ(ack_of(acks, "env-mention")->frame, json({{"envelope_id", "env-mention"}}));
  const auto* slash_ack = ack_of(acks, "env-slash");
  ASSERT_NE(slash_ack, nullptr);
  EXPECT_EQ(slash_ack->frame["payload"]["response_type"], "ephemeral");
  EXPECT_NE(slash_ack->frame["payload"].dump().find("Product Manager"), std::string::npos)
      << slash_ack->frame.dump();
  const auto* decision_ack = ack_of(acks, "env-decision");
  ASSERT_NE(decision_ack, nullptr);
  EXPECT_NE(decision_ack->frame["payload"].dump().find("we ship the new checkout in March"),
            std::string::npos)
      << decision_ack->frame.dump();
  EXPECT_NE(ack_of(acks, "env-limited"), nullptr);

  auto posts = posts_to("chat.postMessage");
  ASSERT_EQ(posts.size(), 2u);
  std::string routing_id;
  for (const auto& p : posts) {
    json body = json::parse(p.body);
    if (body["thread_ts"] == "1700000100.000100") {
      EXPECT_EQ(body["channel"], "C0CHECK01");
    } else {
      EXPECT_EQ(body["thread_ts"], "1700000101.000100");
      for (auto& b : body["blocks"])
        if (b["type"] == "actions")
          for (auto& e : b["elements"])
            if (e["action_id"] == "rolecall_reassign") routing_id = e["value"];
    }
  }
  ASSERT_FALSE(routing_id.empty());

  // Interactivity: the reassign button, through an `interactive` envelope.
  json payload = json::parse(read_fixture("slack/interactive_block_actions_message.json"));
  payload["user"]["id"] = "U0PO00001";
  payload["container"]["channel_id"] = "C0INTAKE1";
  payload["channel"]["id"] = "C0INTAKE1";
  payload["response_url"] = api_.base_url() + "actions/T/1/abc";
  payload["actions"][0]["action_id"] = "rolecall_reassign";
  payload["actions"][0]["value"] = routing_id;
  socket_.deliver(json{{"envelope_id", "env-button"},
                       {"type", "interactive"},
                       {"accepts_response_payload", false},
                       {"payload", payload}});
  ASSERT_TRUE(settled(6));
  auto updates = posts_to("/actions/");
  ASSERT_EQ(updates.size(), 1u);
  auto update = json::parse(updates[0].body);
  EXPECT_EQ(update["replace_original"], true);
  EXPECT_NE(update.dump().find("<@U0PM00001>"), std::string::npos) << update.dump();
  EXPECT_FALSE(ack_of(socket_.acks(), "env-button")->frame.contains("payload"));

  const std::string m = metrics();
  EXPECT_NE(m.find("rolecall_slack_app_rate_limited_total 1"), std::string::npos) << m;
  EXPECT_NE(m.find(R"(rolecall_slack_socket_envelopes_total{type="events_api"} 3)"),
            std::string::npos)
      << m;
  EXPECT_NE(m.find(R"(rolecall_slack_socket_envelopes_total{type="slash_commands"} 2)"),
            std::string::npos);
  EXPECT_NE(m.find(R"(rolecall_slack_socket_envelopes_total{type="interactive"} 1)"),
            std::string::npos);
  EXPECT_NE(m.find("rolecall_slack_socket_ack_seconds_count 6"), std::string::npos) << m;
  EXPECT_TRUE(daemon_->wait_for_log("app_rate_limited"));
}

TEST_F(SocketModeDaemonTest, ABurstThroughARefreshAndASuddenCloseLosesNothingAndAnswersOnce) {
  start("slack:\n  post_interval_ms: 0\n");  // no per-channel pacing of the 60 replies
  ASSERT_TRUE(socket_.wait_for_open(2, 15s)) << daemon_->log();
  const auto first = socket_.open_connections();
  ASSERT_EQ(first.size(), 2u);
  const int n = 60;
  std::vector<json> sent;
  for (int i = 0; i < n; ++i) {
    const std::string ts = "17000002" + std::to_string(10 + i) + ".000100";
    sent.push_back(mention_envelope(
        "burst-" + std::to_string(i), "Ev0BURST" + std::to_string(i), "app_mention", "C0CHECK01",
        "<@U0BOT0001> who owns the roadmap? #" + std::to_string(i), ts));
    socket_.deliver(sent.back());
    if (i == 20) socket_.drop(first[0]);                                  // sudden close
    if (i == 40) socket_.send_disconnect(first[1], "refresh_requested");  // routine recycle
  }
  ASSERT_TRUE(settled(n)) << socket_.unacked().size() << " unacked\n" << daemon_->log();
  int redelivered = 0;
  for (const auto& d : socket_.deliveries()) redelivered += d.attempt > 0 ? 1 : 0;
  RecordProperty("redelivered_after_the_drop", redelivered);

  // Slack's own retries of delivered events (new envelope ids, same event
  // ids) are acknowledged and dropped as duplicates.
  for (int i = 0; i < 5; ++i) {
    json again = sent[static_cast<std::size_t>(i) * 7];
    again["envelope_id"] = "retry-" + std::to_string(i);
    again["retry_attempt"] = 1;
    again["retry_reason"] = "timeout";
    socket_.deliver(again);
  }
  ASSERT_TRUE(settled(n + 5));

  std::set<std::string> acked;
  for (const auto& a : socket_.acks()) acked.insert(a.envelope_id);
  EXPECT_EQ(acked.size(), static_cast<std::size_t>(n + 5));
  auto posts = posts_to("chat.postMessage");
  std::multiset<std::string> threads;
  for (const auto& p : posts) threads.insert(json::parse(p.body)["thread_ts"].get<std::string>());
  EXPECT_EQ(posts.size(), static_cast<std::size_t>(n));
  for (const auto& e : sent) {
    EXPECT_EQ(threads.count(e["payload"]["event"]["ts"].get<std::string>()), 1u)
        << e["envelope_id"];
  }
  ASSERT_TRUE(wait([&] {
    return metrics().find("\nrolecall_slack_socket_connections 2\n") != std::string::npos;
  }));
  const std::string m = metrics();
  EXPECT_NE(m.find(R"(rolecall_slack_socket_reconnects_total{reason="refresh_requested"} 1)"),
            std::string::npos)
      << m;
  EXPECT_NE(m.find(R"(rolecall_duplicate_events_total{platform="slack"})"), std::string::npos);
}

TEST_F(SocketModeDaemonTest, BothTransportsAtOnceWithASigningSecret) {
  start({}, /*with_signing_secret=*/true);
  ASSERT_TRUE(socket_.wait_for_open(2, 15s)) << daemon_->log();
  const std::string body =
      "token=x&team_id=T0TEAM001&channel_id=C0CHECK01&channel_name=checkout&user_id=U0USER001"
      "&user_name=sam&command=%2Fwhoowns&text=who+owns+pricing%3F&response_url=https%3A%2F%2F"
      "hooks.slack.com%2Fx&trigger_id=1.2.3";
  const std::string ts = std::to_string(std::time(nullptr));
  auto r = http_request(
      daemon_->port(), "POST", "/slack/events",
      {{"Content-Type", "application/x-www-form-urlencoded"},
       {"X-Slack-Request-Timestamp", ts},
       {"X-Slack-Signature", slack_sign("8f742231b10e8888abcd99yyyzzz85a5", ts, body)}},
      body);
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_NE(r.body.find("Product Manager"), std::string::npos) << r.body;
  json slash = json::parse(read_fixture("slack/socket_mode_envelope_slash_commands.json"));
  slash["payload"]["command"] = "/whoowns";
  slash["payload"]["text"] = "who owns pricing?";
  slash["payload"]["channel_id"] = "C0CHECK01";
  socket_.deliver(slash);
  ASSERT_TRUE(socket_.wait_for_acks(1, 10s));
  // The same application code answered both, word for word.
  EXPECT_EQ(socket_.acks().at(0).frame["payload"], json::parse(r.body));
}

TEST_F(SocketModeDaemonTest, WrongOrRefusedAppTokensStopTheStartWithoutShowingThem) {
  const std::string config = (dir_.path() / "rolecall.yaml").string();
  { std::ofstream(config) << test_config_yaml(); }
  auto with = [&](const std::string& token) {
    auto e = env();
    e["SLACK_APP_TOKEN"] = token;
    e["ROLECALL_LISTEN"] = "127.0.0.1:0";
    return e;
  };
  // Not an xapp- token: a configuration error, in serve and check-config.
  for (const std::string& token :
       {std::string("xoxb-WRONGKIND-SECRET"), std::string("garbage-SECRET")}) {
    auto serve = run_rolecall({"serve", "--config", config}, with(token));
    EXPECT_EQ(serve.status, 2) << serve.err;
    EXPECT_NE(serve.err.find("SLACK_APP_TOKEN is not an app-level token"), std::string::npos)
        << serve.err;
    auto check = run_rolecall({"check-config", "--config", config}, with(token));
    EXPECT_EQ(check.status, 1);
    EXPECT_NE(check.err.find("SLACK_APP_TOKEN"), std::string::npos) << check.err;
    for (const auto* text : {&serve.out, &serve.err, &check.out, &check.err}) {
      EXPECT_EQ(text->find("SECRET"), std::string::npos) << *text;
    }
  }
  // The right shape, refused by Slack: the start stops with a clear error.
  refuse_app_token_ = true;
  auto refused = run_rolecall({"serve", "--config", config}, with(kAppToken));
  EXPECT_EQ(refused.status, 1) << refused.err;
  EXPECT_NE(refused.err.find("apps.connections.open rejected the app-level token: invalid_auth"),
            std::string::npos)
      << refused.err;
  EXPECT_EQ((refused.out + refused.err).find("SECRETAPPTOKEN"), std::string::npos);
}

TEST_F(SocketModeDaemonTest, TheTokenNeverAppearsInLogsMetricsOrTheConsole) {
  start();
  ASSERT_TRUE(socket_.wait_for_open(2, 15s)) << daemon_->log();
  socket_.deliver(mention_envelope("env-secret", "Ev0SECRET", "app_mention", "C0CHECK01",
                                   "<@U0BOT0001> who owns the roadmap?", "1700000300.000100"));
  ASSERT_TRUE(settled(1));
  const std::string m = metrics();
  const std::string console = http_request(daemon_->port(), "GET", "/").body;
  socket_.send_disconnect(socket_.open_connections().at(0), "refresh_requested");
  ASSERT_TRUE(wait([&] { return opens_ >= 3; }));
  EXPECT_EQ(daemon_->stop(SIGTERM), 0);
  const std::string log = daemon_->log();
  for (const auto* text : {&m, &console, &log}) {
    EXPECT_EQ(text->find("SECRETAPPTOKEN"), std::string::npos);
    EXPECT_EQ(text->find("BOTTOKEN"), std::string::npos);
    EXPECT_EQ(text->find("ticket="), std::string::npos);  // the connection URL's credential
  }
  EXPECT_NE(log.find("slack.app_token = (set, from environment)"), std::string::npos);
}

// wss:// end to end: the daemon verifies the server's certificate against
// the system store, which OpenSSL's SSL_CERT_FILE points at our test CA.
TEST_F(SocketModeDaemonTest, WssWithTheTrustStoreFromSslCertFile) {
  const auto certs = make_test_certificates();
  FakeSocketModeServer::Options so;
  so.tls_cert_pem = certs.server_cert_pem;
  so.tls_key_pem = certs.server_key_pem;
  FakeSocketModeServer tls(so);
  url_server_ = &tls;
  const std::string ca = dir_.file("ca.pem");
  { std::ofstream(ca) << certs.ca_pem; }
  auto e = env();
  e["SSL_CERT_FILE"] = ca;
  daemon_ = std::make_unique<DaemonProcess>(dir_.path(), test_config_yaml(), e, 2);
  ASSERT_TRUE(tls.wait_for_open(2, 15s)) << daemon_->log();
  json slash = json::parse(read_fixture("slack/socket_mode_envelope_slash_commands.json"));
  slash["payload"]["command"] = "/whoowns";
  slash["payload"]["text"] = "who owns pricing?";
  tls.deliver(slash);
  ASSERT_TRUE(tls.wait_for_acks(1, 10s)) << daemon_->log();
  EXPECT_NE(tls.acks().at(0).frame["payload"].dump().find("Product Manager"), std::string::npos);
  EXPECT_EQ(daemon_->stop(SIGTERM), 0);
  daemon_.reset();
  url_server_ = &socket_;
}

TEST_F(SocketModeDaemonTest, SigtermClosesTheSocketsWithCloseFrames) {
  start();
  ASSERT_TRUE(socket_.wait_for_open(2, 15s)) << daemon_->log();
  const auto started = std::chrono::steady_clock::now();
  EXPECT_EQ(daemon_->stop(SIGTERM, 8s), 0) << daemon_->log();
  EXPECT_LT(std::chrono::steady_clock::now() - started, 6s);
  ASSERT_TRUE(wait([&] { return socket_.open_connections().empty(); }));
  for (const auto& c : socket_.connections()) EXPECT_TRUE(c.closed_by_client) << c.id;
}

// The bench/RESULTS.md row "Socket Mode": a measured run, not part of the
// suite (run it with --gtest_also_run_disabled_tests
// --gtest_filter='*SocketModeBench*'; ROLECALL_SOCKET_BENCH_N sets the burst
// size, ROLECALL_SOCKET_BENCH_THREADS the daemon's threads). One socket,
// log level info; ROLECALL_SOCKET_BENCH_KINDS picks "slash" and/or "mention".
// Latencies are measured by the fake Slack: from writing the envelope to
// reading its ack, over loopback.
struct LatencySummary {
  double p50_ms = 0, p99_ms = 0, max_ms = 0;
};

// CPU seconds (user + system) the process has used so far.
double cpu_seconds(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::istringstream fields(stat.substr(stat.rfind(')') + 2));
  std::string field;
  double ticks = 0;
  for (int i = 3; i <= 15 && fields >> field; ++i) {
    if (i == 14 || i == 15) ticks += std::stod(field);
  }
  return ticks / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

LatencySummary summarise(std::vector<double> ms) {
  LatencySummary out;
  if (ms.empty()) return out;
  std::sort(ms.begin(), ms.end());
  auto at = [&](double q) {
    return ms[std::min(ms.size() - 1,
                       static_cast<std::size_t>(q * static_cast<double>(ms.size())))];
  };
  out.p50_ms = at(0.50);
  out.p99_ms = at(0.99);
  out.max_ms = ms.back();
  return out;
}

TEST_F(SocketModeDaemonTest, DISABLED_SocketModeBench) {
  const char* n_env = std::getenv("ROLECALL_SOCKET_BENCH_N");
  const char* threads_env = std::getenv("ROLECALL_SOCKET_BENCH_THREADS");
  const int n = n_env ? std::atoi(n_env) : 5000;
  const unsigned threads = threads_env ? static_cast<unsigned>(std::atoi(threads_env)) : 1;
  std::string yaml = test_config_yaml("slack:\n  socket_connections: 1\n");
  yaml.replace(yaml.find("level: debug"), std::string("level: debug").size(), "level: info");
  daemon_ = std::make_unique<DaemonProcess>(dir_.path(), yaml, env(), threads);
  ASSERT_TRUE(socket_.wait_for_open(1, 15s)) << daemon_->log();
  ASSERT_TRUE(daemon_->wait_for_log("connected to Socket Mode"));

  json slash = json::parse(read_fixture("slack/socket_mode_envelope_slash_commands.json"));
  slash["payload"]["command"] = "/whoowns";
  slash["payload"]["text"] = "who prioritises the roadmap for next quarter?";
  slash["payload"]["channel_id"] = "C0CHECK01";
  int serial = 0;
  auto make = [&](const std::string& kind) {
    ++serial;
    if (kind == "slash") {
      json e = slash;
      e["envelope_id"] = "s-" + std::to_string(serial);
      return e;
    }
    const std::string ts = "1700" + std::to_string(100000 + serial) + ".000100";
    return mention_envelope("m-" + std::to_string(serial), "Ev0B" + std::to_string(serial),
                            "app_mention", "C0CHECK01", "<@U0BOT0001> who owns pricing?", ts);
  };
  auto latencies_since = [&](std::size_t from) {
    std::vector<double> ms;
    auto acks = socket_.acks();
    for (std::size_t i = from; i < acks.size(); ++i) {
      ms.push_back(
          std::chrono::duration<double, std::milli>(acks[i].at - acks[i].delivered_at).count());
    }
    return ms;
  };

  const char* kinds_env = std::getenv("ROLECALL_SOCKET_BENCH_KINDS");  // e.g. "slash"
  const std::string kinds = kinds_env ? kinds_env : "slash,mention";
  for (const std::string kind : {"slash", "mention"}) {
    if (kinds.find(kind) == std::string::npos) continue;
    // Warm up.
    for (int i = 0; i < 200; ++i) socket_.deliver(make(kind));
    ASSERT_TRUE(socket_.wait_until([&] { return socket_.unacked().empty(); }, 60s));

    // One at a time: the latency of a single envelope on a quiet link.
    std::size_t from = socket_.ack_count();
    for (int i = 0; i < 1000; ++i) {
      socket_.deliver(make(kind));
      ASSERT_TRUE(socket_.wait_for_acks(from + static_cast<std::size_t>(i) + 1, 10s));
    }
    const LatencySummary single = summarise(latencies_since(from));

    // A burst: every envelope written at once, acks counted as they come.
    from = socket_.ack_count();
    const double cpu_before = cpu_seconds(daemon_->pid());
    const auto started = std::chrono::steady_clock::now();
    for (int i = 0; i < n; ++i) socket_.deliver(make(kind));
    ASSERT_TRUE(socket_.wait_for_acks(from + static_cast<std::size_t>(n), 300s));
    const double cpu_us = (cpu_seconds(daemon_->pid()) - cpu_before) * 1e6 / n;
    const auto acks = socket_.acks();
    const double seconds = std::chrono::duration<double>(acks.back().at - started).count();
    const LatencySummary burst = summarise(latencies_since(from));
    std::printf(
        "SOCKET-BENCH %s threads=%u: single p50 %.3f ms p99 %.3f ms max %.3f ms | burst of %d: "
        "%.0f envelopes/s, ack p50 %.1f ms p99 %.1f ms max %.1f ms, daemon CPU %.0f us per "
        "envelope\n",
        kind.c_str(), threads, single.p50_ms, single.p99_ms, single.max_ms, n,
        static_cast<double>(n) / seconds, burst.p50_ms, burst.p99_ms, burst.max_ms, cpu_us);
  }
  const std::string m = metrics();
  for (const char* line :
       {"rolecall_slack_socket_ack_seconds_sum", "rolecall_slack_socket_ack_seconds_count"}) {
    auto at = m.find(line);
    if (at != std::string::npos)
      std::printf("SOCKET-BENCH %s\n", m.substr(at, m.find('\n', at) - at).c_str());
  }
}

}  // namespace
}  // namespace rolecall::testing
