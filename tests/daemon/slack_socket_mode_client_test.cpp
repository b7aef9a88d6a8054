// daemon/slack_socket_mode_client: the Socket Mode client on a real
// io_context against our fake Socket Mode server on loopback (ws://, and
// wss:// with a test certificate made at run time). The receiver here is a
// recording stub; the whole daemon is tested in daemon_socket_mode_test.

#include "daemon/slack_socket_mode_client.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "daemon/metrics.hpp"
#include "tests/support/fake_socket_mode_server.hpp"
#include "tests/support/test_helpers.hpp"

namespace rolecall {
namespace {

using nlohmann::json;
using testing::FakeSocketModeServer;
using testing::read_fixture;
using namespace std::chrono_literals;

json envelope(const std::string& id, const std::string& type = "events_api") {
  json e = json::parse(read_fixture("slack/socket_mode_envelope_events_api_app_mention.json"));
  e["envelope_id"] = id;
  e["type"] = type;
  e["payload"]["event_id"] = "Ev" + id;
  return e;
}

SocketModeClientOptions fast_options(unsigned connections) {
  SocketModeClientOptions o;
  o.connections = connections;
  o.connect_timeout = 5s;
  o.hello_timeout = 5s;
  o.ping_interval = 10s;
  o.pong_timeout = 5s;
  o.close_timeout = 2s;
  o.backoff_initial = 20ms;
  o.backoff_max = 200ms;
  return o;
}

class SocketModeClientTest : public ::testing::Test {
 protected:
  SocketModeClientTest() { declare_rolecall_metrics(metrics_, "test"); }

  void TearDown() override { shut_down(); }

  void start(SocketModeClientOptions options, FakeSocketModeServer* server = nullptr) {
    server_in_use_ = server ? server : &server_;
    client_ = std::make_unique<SlackSocketModeClient>(
        ioc_, options,
        [this] {
          ++opens_;
          ConnectionsOpenResult r;
          if (refuse_token_) {
            r.error = "invalid_auth";
            r.permanent = true;
            return r;
          }
          auto check = parse_socket_mode_url(server_in_use_->url(std::to_string(opens_.load())));
          r.url = check.url;
          r.error = check.error;
          return r;
        },
        [this](const SocketModeEnvelope& env, std::string_view) { return receive(env); },
        &metrics_);
    client_->start();
    for (int i = 0; i < 2; ++i) threads_.emplace_back([this] { ioc_.run(); });
  }

  SocketModeAck receive(const SocketModeEnvelope& env) {
    std::function<SocketModeAck(const SocketModeEnvelope&)> behaviour;
    {
      std::lock_guard lock(mu_);
      ++handled_[env.envelope_id];
      order_.push_back(env.envelope_id);
      behaviour = behaviour_;
    }
    if (behaviour) return behaviour(env);
    SocketModeAck ack;
    if (env.type == SocketModeEnvelopeType::slash_commands) {
      ack.payload = {{"response_type", "ephemeral"}, {"text", "answered " + env.envelope_id}};
    }
    return ack;
  }

  void shut_down() {
    if (!client_) return;
    client_->stop();
    EXPECT_TRUE(server_.wait_until([&] { return client_->idle(); }, 10s));
    work_.reset();
    ioc_.stop();
    for (auto& t : threads_) t.join();
    threads_.clear();
    client_.reset();
  }

  void set_behaviour(std::function<SocketModeAck(const SocketModeEnvelope&)> b) {
    std::lock_guard lock(mu_);
    behaviour_ = std::move(b);
  }
  std::map<std::string, int> handled() {
    std::lock_guard lock(mu_);
    return handled_;
  }
  double metric(std::string_view name, std::string_view label, std::string_view value) {
    return metrics_.value(name, {{label, value}});
  }
  bool wait(const std::function<bool()>& condition, std::chrono::milliseconds t = 10s) {
    return server_.wait_until(condition, t);
  }

  FakeSocketModeServer server_;
  FakeSocketModeServer* server_in_use_ = &server_;
  boost::asio::io_context ioc_;
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_{
      boost::asio::make_work_guard(ioc_)};
  std::vector<std::thread> threads_;
  Metrics metrics_;
  std::unique_ptr<SlackSocketModeClient> client_;
  std::atomic<int> opens_{0};
  std::atomic<bool> refuse_token_{false};
  std::mutex mu_;
  std::map<std::string, int> handled_;
  std::vector<std::string> order_;
  std::function<SocketModeAck(const SocketModeEnvelope&)> behaviour_;
};

TEST(SocketModeBackoff, DoublesWithJitterUpToTheCap) {
  using std::chrono::milliseconds;
  EXPECT_EQ(socket_mode_backoff(0, 1000ms, 60000ms, 0.5), 0ms);
  EXPECT_EQ(socket_mode_backoff(1, 1000ms, 60000ms, 0.0), 500ms);
  EXPECT_EQ(socket_mode_backoff(1, 1000ms, 60000ms, 0.999), 999ms);
  EXPECT_EQ(socket_mode_backoff(2, 1000ms, 60000ms, 0.0), 1000ms);
  EXPECT_EQ(socket_mode_backoff(3, 1000ms, 60000ms, 0.0), 2000ms);
  EXPECT_EQ(socket_mode_backoff(7, 1000ms, 60000ms, 0.0), 30000ms);
  EXPECT_EQ(socket_mode_backoff(8, 1000ms, 60000ms, 0.0), 30000ms);
  EXPECT_EQ(socket_mode_backoff(500, 1000ms, 60000ms, 1.0), 60000ms);
  for (unsigned f = 1; f < 40; ++f) {
    auto d = socket_mode_backoff(f, 1000ms, 60000ms, 0.3);
    EXPECT_GE(d, 500ms);
    EXPECT_LE(d, 60000ms);
  }
}

TEST_F(SocketModeClientTest, WaitsForHelloThenAcksEveryEnvelopeTypeWellWithinThreeSeconds) {
  server_.hold_hello(true);
  start(fast_options(1));
  ASSERT_TRUE(server_.wait_for_open(1, 10s));
  EXPECT_EQ(client_->connected(), 0u);  // not before hello
  ASSERT_TRUE(server_.send_hello(1));
  ASSERT_TRUE(wait([&] { return client_->connected() == 1; }));
  EXPECT_EQ(metrics_.value("rolecall_slack_socket_connections"), 1);

  json slash = json::parse(read_fixture("slack/socket_mode_envelope_slash_commands.json"));
  json interactive = {
      {"envelope_id", "i-1"},
      {"type", "interactive"},
      {"accepts_response_payload", false},
      {"payload", json::parse(read_fixture("slack/interactive_block_actions_message.json"))}};
  json message = json::parse(read_fixture("slack/socket_mode_envelope_events_api_message.json"));
  server_.deliver(
      json::parse(read_fixture("slack/socket_mode_envelope_events_api_app_mention.json")));
  server_.deliver(message);
  server_.deliver(slash);
  server_.deliver(interactive);
  server_.deliver(json{{"envelope_id", "o-1"}, {"type", "brand_new_type"}, {"payload", {}}});
  ASSERT_TRUE(server_.wait_for_acks(5, 10s)) << server_.ack_count();

  std::map<std::string, json> acks;
  for (const auto& a : server_.acks()) {
    acks[a.envelope_id] = a.frame;
    EXPECT_LT(a.at - a.delivered_at, 3s) << a.envelope_id;
  }
  EXPECT_EQ(acks["cda4159a-72a5-4744-aba3-4d66eb52682b"],
            json::parse(read_fixture("slack/socket_mode_ack.json")));
  EXPECT_EQ(acks["ac2cfd40-6f8c-4d5e-a1ad-646e532baa19"],
            json({{"envelope_id", "ac2cfd40-6f8c-4d5e-a1ad-646e532baa19"}}));
  // The slash command's reply rides in the ack.
  EXPECT_EQ(acks["1d3c79ab-0ffb-41f3-a080-d19e85f53649"]["payload"]["text"],
            "answered 1d3c79ab-0ffb-41f3-a080-d19e85f53649");
  EXPECT_FALSE(acks["i-1"].contains("payload"));
  EXPECT_TRUE(acks.count("o-1"));

  EXPECT_EQ(metric("rolecall_slack_socket_envelopes", "type", "events_api"), 2);
  EXPECT_EQ(metric("rolecall_slack_socket_envelopes", "type", "slash_commands"), 1);
  EXPECT_EQ(metric("rolecall_slack_socket_envelopes", "type", "interactive"), 1);
  EXPECT_EQ(metric("rolecall_slack_socket_envelopes", "type", "other"), 1);
  // The latency is observed once the ack's write completes, which can be
  // just after the server has read it.
  EXPECT_TRUE(wait([&] {
    return metrics_.render().find("rolecall_slack_socket_ack_seconds_count 5") != std::string::npos;
  })) << metrics_.render();
  EXPECT_EQ(server_.connections().at(0).target, "/link/?ticket=1&app_id=A0APP0001");
}

TEST_F(SocketModeClientTest, KeepsRedundantConnections) {
  start(fast_options(3));
  ASSERT_TRUE(wait([&] { return client_->connected() == 3; }));
  EXPECT_EQ(server_.open_connections().size(), 3u);
  EXPECT_EQ(metrics_.value("rolecall_slack_socket_connections"), 3);
  // Slack spreads envelopes over them; each is answered where it came from.
  for (int i = 0; i < 30; ++i) server_.deliver(envelope("r-" + std::to_string(i)));
  ASSERT_TRUE(server_.wait_for_acks(30, 10s));
  std::map<int, int> per_connection;
  for (const auto& a : server_.acks()) {
    ++per_connection[a.connection];
    bool delivered_there = false;
    for (const auto& d : server_.deliveries())
      if (d.envelope_id == a.envelope_id && d.connection == a.connection) delivered_there = true;
    EXPECT_TRUE(delivered_there) << a.envelope_id;
  }
  EXPECT_EQ(per_connection.size(), 3u);
}

TEST_F(SocketModeClientTest, RefreshOpensTheNewConnectionBeforeClosingTheOld) {
  start(fast_options(1));
  ASSERT_TRUE(wait([&] { return client_->connected() == 1; }));
  server_.hold_hello(true);
  ASSERT_TRUE(server_.send_disconnect(1, "refresh_requested"));
  ASSERT_TRUE(server_.wait_for_open(2, 10s));  // the new one is open (no hello yet)
  // The old one still serves meanwhile.
  server_.deliver(envelope("during-refresh"), 1);
  ASSERT_TRUE(server_.wait_for_acks(1, 10s));
  EXPECT_EQ(server_.acks().at(0).connection, 1);
  EXPECT_TRUE(server_.connections().at(0).open);

  ASSERT_TRUE(server_.send_hello(2));
  ASSERT_TRUE(wait([&] { return !server_.connections().at(0).open; }));
  const auto c = server_.connections();
  EXPECT_TRUE(c.at(0).closed_by_client);  // a close frame, not a dropped socket
  EXPECT_LT(c.at(1).opened_at, c.at(0).closed_at);
  EXPECT_TRUE(c.at(1).open);
  // The old one counts as connected until its close handshake is over.
  EXPECT_TRUE(wait([&] { return client_->connected() == 1; }));
  EXPECT_EQ(metric("rolecall_slack_socket_reconnects", "reason", "refresh_requested"), 1);
  EXPECT_EQ(opens_.load(), 2);

  server_.deliver(envelope("after-refresh"));
  ASSERT_TRUE(server_.wait_for_acks(2, 10s));
  EXPECT_EQ(server_.acks().at(1).connection, 2);
}

TEST_F(SocketModeClientTest, WarningAlsoRecyclesAndClosedConnectionsComeBack) {
  start(fast_options(1));
  ASSERT_TRUE(wait([&] { return client_->connected() == 1; }));
  ASSERT_TRUE(server_.send_disconnect(1, "warning"));
  ASSERT_TRUE(wait([&] {
    auto c = server_.connections();
    return c.size() == 2 && !c[0].open && c[1].open && client_->connected() == 1;
  }));
  EXPECT_EQ(metric("rolecall_slack_socket_reconnects", "reason", "warning"), 1);

  // Slack closing a socket with a close frame, and dropping one.
  ASSERT_TRUE(server_.close(2));
  ASSERT_TRUE(wait([&] { return server_.connections().size() == 3 && client_->connected() == 1; }));
  EXPECT_EQ(metric("rolecall_slack_socket_reconnects", "reason", "closed"), 1);
  ASSERT_TRUE(server_.drop(3));
  ASSERT_TRUE(wait([&] { return server_.connections().size() == 4 && client_->connected() == 1; }));
  EXPECT_EQ(metric("rolecall_slack_socket_reconnects", "reason", "closed") +
                metric("rolecall_slack_socket_reconnects", "reason", "error"),
            2);
}

TEST_F(SocketModeClientTest, SuddenCloseAndRefreshInABurstLoseNothingAndAnswerNothingTwice) {
  start(fast_options(2));
  ASSERT_TRUE(wait([&] { return client_->connected() == 2; }));
  set_behaviour([](const SocketModeEnvelope&) {
    std::this_thread::sleep_for(1ms);  // handling takes a moment: acks are in flight
    return SocketModeAck{};
  });
  std::vector<std::string> ids;
  for (int i = 0; i < 300; ++i) {
    ids.push_back("b-" + std::to_string(i));
    server_.deliver(envelope(ids.back()));
    if (i == 100) server_.drop(1);  // sudden close: no close frame
    if (i == 180) server_.send_disconnect(2, "refresh_requested");
  }
  ASSERT_TRUE(wait([&] { return server_.unacked().empty(); }, 20s))
      << server_.unacked().size() << " unacked";
  const auto counts = handled();
  for (const auto& id : ids) {
    auto it = counts.find(id);
    ASSERT_NE(it, counts.end()) << id << " never handled";
    EXPECT_EQ(it->second, 1) << id << " handled twice";
  }
  std::set<std::string> acked;
  for (const auto& a : server_.acks()) acked.insert(a.envelope_id);
  EXPECT_EQ(acked.size(), ids.size());
  ASSERT_TRUE(wait([&] { return client_->connected() == 2; }));
  EXPECT_EQ(metric("rolecall_slack_socket_reconnects", "reason", "refresh_requested"), 1);
}

TEST_F(SocketModeClientTest, ARedeliveredEnvelopeGetsTheSameAckWithoutBeingHandledAgain) {
  start(fast_options(1));
  ASSERT_TRUE(wait([&] { return client_->connected() == 1; }));
  json slash = json::parse(read_fixture("slack/socket_mode_envelope_slash_commands.json"));
  server_.deliver(slash);
  ASSERT_TRUE(server_.wait_for_acks(1, 10s));
  slash["retry_attempt"] = 1;
  slash["retry_reason"] = "timeout";
  server_.deliver(slash);
  ASSERT_TRUE(server_.wait_for_acks(2, 10s));
  const auto acks = server_.acks();
  EXPECT_EQ(acks[0].frame, acks[1].frame);
  EXPECT_EQ(handled()["1d3c79ab-0ffb-41f3-a080-d19e85f53649"], 1);
  EXPECT_EQ(metrics_.value("rolecall_duplicate_events", {{"platform", "slack"}}), 1);
}

TEST_F(SocketModeClientTest, AnEnvelopeLeftUnacknowledgedIsHandledAgainWhenSlackRetries) {
  FakeSocketModeServer::Options o;
  o.ack_timeout = 300ms;
  FakeSocketModeServer retrying(o);
  std::atomic<int> calls{0};
  set_behaviour([&](const SocketModeEnvelope&) {
    SocketModeAck ack;
    ack.send = ++calls > 1;  // the first time the store is "unavailable"
    return ack;
  });
  start(fast_options(1), &retrying);
  ASSERT_TRUE(retrying.wait_until([&] { return client_->connected() == 1; }, 10s));
  retrying.deliver(envelope("u-1"));
  ASSERT_TRUE(retrying.wait_for_acks(1, 10s));
  EXPECT_EQ(calls.load(), 2);
  EXPECT_EQ(retrying.acks().at(0).frame, json({{"envelope_id", "u-1"}}));
  auto d = retrying.deliveries();
  ASSERT_GE(d.size(), 2u);
  EXPECT_EQ(d[1].attempt, 1);
  shut_down();  // before `retrying` goes away
}

TEST_F(SocketModeClientTest, LinkDisabledStopsEveryConnectionWithAClearError) {
  start(fast_options(2));
  ASSERT_TRUE(wait([&] { return client_->connected() == 2; }));
  ASSERT_TRUE(server_.send_disconnect(1, "link_disabled"));
  ASSERT_TRUE(wait([&] { return client_->idle(); }));
  EXPECT_NE(client_->fatal_error().find("link_disabled"), std::string::npos);
  EXPECT_NE(client_->fatal_error().find("Socket Mode"), std::string::npos);
  ASSERT_TRUE(wait([&] { return server_.open_connections().empty(); }));
  EXPECT_EQ(opens_.load(), 2);  // nothing reconnects (idle: no timer is left)
  EXPECT_EQ(client_->connected(), 0u);
  EXPECT_EQ(metrics_.value("rolecall_slack_socket_connections"), 0);
  EXPECT_EQ(metric("rolecall_slack_socket_reconnects", "reason", "link_disabled"), 1);
}

TEST_F(SocketModeClientTest, ARefusedTokenStops) {
  refuse_token_ = true;
  start(fast_options(2));
  ASSERT_TRUE(wait([&] { return client_->idle(); }));
  EXPECT_NE(client_->fatal_error().find("invalid_auth"), std::string::npos);
  EXPECT_NE(client_->fatal_error().find("SLACK_APP_TOKEN"), std::string::npos);
  EXPECT_TRUE(server_.connections().empty());
}

TEST_F(SocketModeClientTest, TooManyWebsocketsGivesTheSocketUpAndRetriesLater) {
  start(fast_options(1));
  ASSERT_TRUE(wait([&] { return client_->connected() == 1; }));
  ASSERT_TRUE(server_.send_disconnect(1, "too_many_websockets"));
  ASSERT_TRUE(wait([&] {
    auto c = server_.connections();
    return c.size() == 2 && !c[0].open && client_->connected() == 1;
  }));
  EXPECT_TRUE(server_.connections().at(0).closed_by_client);
  EXPECT_EQ(metric("rolecall_slack_socket_reconnects", "reason", "too_many_websockets"), 1);
}

TEST_F(SocketModeClientTest, AnUnansweredPingReconnectsAQuietHealthyLinkStays) {
  auto o = fast_options(1);
  // Generous for a loaded CI machine under ASan, where a pong that misses a
  // short timeout makes every new link churn too (seen at load average 10).
  o.ping_interval = 200ms;
  o.pong_timeout = 1500ms;
  start(o);
  ASSERT_TRUE(wait([&] { return client_->connected() == 1; }));
  // Quiet but alive: pings are answered (Beast answers them on the server).
  ASSERT_TRUE(wait([&] { return server_.pings_received() >= 3; }));
  EXPECT_EQ(server_.connections().size(), 1u);
  EXPECT_EQ(metric("rolecall_slack_socket_reconnects", "reason", "ping_timeout"), 0);

  ASSERT_TRUE(server_.mute(1));  // the link dies silently
  // On a loaded machine a pong of the new link can also miss its 300 ms, so
  // this asserts "it came back", not "it came back exactly once".
  ASSERT_TRUE(
      wait([&] { return server_.connections().size() >= 2 && client_->connected() == 1; }, 30s));
  EXPECT_GE(metric("rolecall_slack_socket_reconnects", "reason", "ping_timeout"), 1);
}

TEST_F(SocketModeClientTest, NoHelloInTimeReconnects) {
  server_.hold_hello(true);
  auto o = fast_options(1);
  o.hello_timeout = 200ms;
  start(o);
  ASSERT_TRUE(wait([&] { return server_.connections().size() >= 2; }));
  EXPECT_GE(metric("rolecall_slack_socket_reconnects", "reason", "hello_timeout"), 1);
  EXPECT_EQ(client_->connected(), 0u);
  server_.hold_hello(false);
  for (int id : server_.open_connections()) server_.send_hello(id);
  ASSERT_TRUE(wait([&] { return client_->connected() == 1; }));
}

TEST_F(SocketModeClientTest, AServerThatDeliversWithoutHelloIsServedAnyway) {
  FakeSocketModeServer::Options o;
  o.send_hello = false;
  FakeSocketModeServer silent(o);
  start(fast_options(1), &silent);
  ASSERT_TRUE(silent.wait_for_open(1, 10s));
  silent.deliver(envelope("no-hello"), 1);
  ASSERT_TRUE(silent.wait_for_acks(1, 10s));
  EXPECT_EQ(silent.acks().at(0).frame, json({{"envelope_id", "no-hello"}}));
  EXPECT_EQ(client_->connected(), 1u);
  shut_down();
}

TEST_F(SocketModeClientTest, StopSendsTheAcksInHandThenCloses) {
  start(fast_options(1));
  ASSERT_TRUE(wait([&] { return client_->connected() == 1; }));
  std::atomic<bool> release{false};
  set_behaviour([&](const SocketModeEnvelope&) {
    while (!release) std::this_thread::yield();
    return SocketModeAck{};
  });
  server_.deliver(envelope("in-hand"));
  ASSERT_TRUE(wait([&] { return handled().count("in-hand") == 1; }));
  client_->stop();
  release = true;
  ASSERT_TRUE(wait([&] { return client_->idle(); }));
  ASSERT_EQ(server_.ack_count(), 1u);
  EXPECT_TRUE(wait([&] { return server_.connections().at(0).closed_by_client; }));
}

// --- TLS: a loopback wss:// server with a certificate made for this test.

class SocketModeTlsTest : public SocketModeClientTest {
 protected:
  std::string write_ca(const testing::TestCertificates& certs) {
    const std::string path = dir_.file("ca.pem");
    std::ofstream(path) << certs.ca_pem;
    return path;
  }
  testing::TempDir dir_;
};

TEST_F(SocketModeTlsTest, HandshakeWithATrustedCertificate) {
  const auto certs = testing::make_test_certificates();
  FakeSocketModeServer::Options so;
  so.tls_cert_pem = certs.server_cert_pem;
  so.tls_key_pem = certs.server_key_pem;
  FakeSocketModeServer tls(so);
  ASSERT_EQ(tls.url("1").rfind("wss://localhost:", 0), 0u);
  auto o = fast_options(1);
  o.extra_ca_file = write_ca(certs);
  start(o, &tls);
  ASSERT_TRUE(tls.wait_until([&] { return client_->connected() == 1; }, 10s));
  tls.deliver(envelope("tls-1"));
  ASSERT_TRUE(tls.wait_for_acks(1, 10s));
  EXPECT_EQ(tls.acks().at(0).frame, json({{"envelope_id", "tls-1"}}));
  shut_down();
}

TEST_F(SocketModeTlsTest, AnUntrustedCertificateIsRefused) {
  const auto certs = testing::make_test_certificates();
  FakeSocketModeServer::Options so;
  so.tls_cert_pem = certs.server_cert_pem;
  so.tls_key_pem = certs.server_key_pem;
  FakeSocketModeServer tls(so);
  start(fast_options(1), &tls);  // the system store does not know our test CA
  ASSERT_TRUE(tls.wait_until(
      [&] { return metric("rolecall_slack_socket_reconnects", "reason", "connect_failed") >= 2; },
      10s));
  EXPECT_TRUE(tls.open_connections().empty());
  EXPECT_EQ(client_->connected(), 0u);
  shut_down();
}

TEST_F(SocketModeTlsTest, ACertificateForAnotherNameIsRefused) {
  const auto certs = testing::make_test_certificates("rolecall.invalid");
  FakeSocketModeServer::Options so;
  so.tls_cert_pem = certs.server_cert_pem;
  so.tls_key_pem = certs.server_key_pem;
  FakeSocketModeServer tls(so);
  auto o = fast_options(1);
  o.extra_ca_file = write_ca(certs);  // trusted CA, wrong name (we dial "localhost")
  start(o, &tls);
  ASSERT_TRUE(tls.wait_until(
      [&] { return metric("rolecall_slack_socket_reconnects", "reason", "connect_failed") >= 2; },
      10s));
  EXPECT_TRUE(tls.open_connections().empty());
  shut_down();
}

}  // namespace
}  // namespace rolecall
