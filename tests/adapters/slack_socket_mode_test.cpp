// adapters/slack/socket_mode_frame and socket_mode_url: Socket Mode frames
// from the fixtures (copied from Slack's SDK tests) parse into the same
// values as the HTTP path; acks match the fixtures; connection URLs are
// checked.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "adapters/slack/socket_mode_frame.hpp"
#include "adapters/slack/socket_mode_url.hpp"
#include "tests/support/test_helpers.hpp"

namespace rolecall {
namespace {

using nlohmann::json;
using testing::read_fixture;

TEST(SocketModeFrame, HelloFromTheFixture) {
  auto frame = parse_socket_mode_frame(read_fixture("slack/socket_mode_hello.json"));
  auto* hello = std::get_if<SocketModeHello>(&frame);
  ASSERT_NE(hello, nullptr);
  EXPECT_EQ(hello->num_connections, 2);
  EXPECT_EQ(hello->app_id, "A111");
  EXPECT_EQ(hello->host, "applink-111-xxx");
  EXPECT_EQ(hello->approximate_connection_time, 18060);
}

TEST(SocketModeFrame, DisconnectReasons) {
  auto frame = parse_socket_mode_frame(read_fixture("slack/socket_mode_disconnect.json"));
  auto* d = std::get_if<SocketModeDisconnect>(&frame);
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->reason, "too_many_websockets");
  for (const char* reason : {"refresh_requested", "warning", "link_disabled"}) {
    auto f = parse_socket_mode_frame(json{{"type", "disconnect"}, {"reason", reason}}.dump());
    ASSERT_TRUE(std::holds_alternative<SocketModeDisconnect>(f)) << reason;
    EXPECT_EQ(std::get<SocketModeDisconnect>(f).reason, reason);
  }
}

TEST(SocketModeFrame, EventsApiEnvelopeCarriesTheSameEventAsHttp) {
  const std::string text = read_fixture("slack/socket_mode_envelope_events_api_app_mention.json");
  auto frame = parse_socket_mode_frame(text);
  auto* env = std::get_if<SocketModeEnvelope>(&frame);
  ASSERT_NE(env, nullptr);
  EXPECT_EQ(env->envelope_id, "cda4159a-72a5-4744-aba3-4d66eb52682b");
  EXPECT_EQ(env->type, SocketModeEnvelopeType::events_api);
  EXPECT_FALSE(env->accepts_response_payload);
  EXPECT_EQ(env->retry_attempt, 0);
  auto* cb = std::get_if<EventCallback>(&env->request);
  ASSERT_NE(cb, nullptr);
  EXPECT_EQ(cb->event_id, "Ev111");
  EXPECT_EQ(cb->team_id, "T111");
  EXPECT_EQ(cb->event.type, "app_mention");
  EXPECT_EQ(cb->event.channel, "C111");
  EXPECT_EQ(cb->event.ts, "1610241741.000200");
  EXPECT_EQ(cb->authorized_user_id, "U222");

  // The payload posted over HTTP gives the same value.
  HttpRequest http;
  http.headers["content-type"] = "application/json";
  http.body = json::parse(text)["payload"].dump();
  auto over_http = parse_slack_request(http);
  auto* http_cb = std::get_if<EventCallback>(&over_http);
  ASSERT_NE(http_cb, nullptr);
  EXPECT_EQ(http_cb->event_id, cb->event_id);
  EXPECT_EQ(http_cb->event.text, cb->event.text);
  EXPECT_EQ(http_cb->event.user, cb->event.user);
}

TEST(SocketModeFrame, RetriesCarryTheirAttemptIntoTheEvent) {
  json envelope = json::parse(read_fixture("slack/socket_mode_envelope_events_api_message.json"));
  envelope["retry_attempt"] = 2;
  envelope["retry_reason"] = "timeout";
  auto frame = parse_socket_mode_frame(envelope.dump());
  auto& env = std::get<SocketModeEnvelope>(frame);
  EXPECT_EQ(env.retry_attempt, 2);
  EXPECT_EQ(env.retry_reason, "timeout");
  auto& cb = std::get<EventCallback>(env.request);
  EXPECT_EQ(cb.retry_num, 2);
  EXPECT_EQ(cb.retry_reason, "timeout");
  EXPECT_EQ(cb.event.channel_type, "channel");
}

TEST(SocketModeFrame, SlashCommandEnvelopeIsTheFormAsJson) {
  auto frame =
      parse_socket_mode_frame(read_fixture("slack/socket_mode_envelope_slash_commands.json"));
  auto& env = std::get<SocketModeEnvelope>(frame);
  EXPECT_EQ(env.type, SocketModeEnvelopeType::slash_commands);
  EXPECT_TRUE(env.accepts_response_payload);
  auto* cmd = std::get_if<SlashCommand>(&env.request);
  ASSERT_NE(cmd, nullptr);
  EXPECT_EQ(cmd->command, "/hello-socket-mode");
  EXPECT_EQ(cmd->text, "");
  EXPECT_EQ(cmd->user_id, "U111");
  EXPECT_EQ(cmd->channel_id, "C111");
  EXPECT_EQ(cmd->response_url, "https://hooks.slack.com/commands/T111/111/xxx");
  EXPECT_EQ(cmd->trigger_id, "111.222.xxx");

  json no_command = json::parse(read_fixture("slack/socket_mode_envelope_slash_commands.json"));
  no_command["payload"].erase("command");
  auto bad = parse_socket_mode_frame(no_command.dump());
  EXPECT_TRUE(std::holds_alternative<Malformed>(std::get<SocketModeEnvelope>(bad).request));
}

TEST(SocketModeFrame, InteractiveEnvelopeIsTheBlockActionsPayload) {
  json envelope = {
      {"envelope_id", "57d6a792-4d35-4d0b-b6aa-3361493e1caf"},
      {"type", "interactive"},
      {"accepts_response_payload", false},
      {"payload", json::parse(read_fixture("slack/interactive_block_actions_message.json"))}};
  auto frame = parse_socket_mode_frame(envelope.dump());
  auto& env = std::get<SocketModeEnvelope>(frame);
  EXPECT_EQ(env.type, SocketModeEnvelopeType::interactive);
  auto* ba = std::get_if<BlockActions>(&env.request);
  ASSERT_NE(ba, nullptr);
  EXPECT_FALSE(ba->actions.empty());
  EXPECT_FALSE(ba->user_id.empty());

  // The same JSON through the HTTP form path.
  HttpRequest http;
  http.headers["content-type"] = "application/x-www-form-urlencoded";
  http.body = read_fixture("slack/interactive_block_actions_form_body.txt");
  auto form = parse_slack_request(http);
  ASSERT_TRUE(std::holds_alternative<BlockActions>(form));
  json ephemeral = json::parse(read_fixture("slack/interactive_block_actions_ephemeral.json"));
  envelope["payload"] = ephemeral;
  auto from_socket = std::get<BlockActions>(
      std::get<SocketModeEnvelope>(parse_socket_mode_frame(envelope.dump())).request);
  const auto& from_form = std::get<BlockActions>(form);
  EXPECT_EQ(from_socket.user_id, from_form.user_id);
  EXPECT_EQ(from_socket.response_url, from_form.response_url);
  ASSERT_EQ(from_socket.actions.size(), from_form.actions.size());
  EXPECT_EQ(from_socket.actions[0].action_id, from_form.actions[0].action_id);
}

TEST(SocketModeFrame, AppRateLimitedAndUnknownTypes) {
  json envelope = {{"envelope_id", "e-1"},
                   {"type", "events_api"},
                   {"payload", json::parse(read_fixture("slack/events_app_rate_limited.json"))}};
  auto limited = std::get<SocketModeEnvelope>(parse_socket_mode_frame(envelope.dump()));
  auto* r = std::get_if<AppRateLimited>(&limited.request);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->minute_rate_limited, 1518467820);

  // A new envelope type still has an id to acknowledge.
  auto other = parse_socket_mode_frame(R"({"envelope_id":"e-2","type":"shiny_new","payload":{}})");
  auto& env = std::get<SocketModeEnvelope>(other);
  EXPECT_EQ(env.type, SocketModeEnvelopeType::other);
  EXPECT_EQ(env.type_name, "shiny_new");
  EXPECT_TRUE(std::holds_alternative<UnknownPayload>(env.request));

  EXPECT_TRUE(std::holds_alternative<SocketModeUnknownFrame>(
      parse_socket_mode_frame(R"({"type":"something_else"})")));
}

TEST(SocketModeFrame, HostileFramesNeverThrow) {
  for (
      const char* text :
      {"", "{", "[]", "42", R"("hello")", R"({"type":7})", R"({})", "\xff\xfe",
       R"({"envelope_id":"x","type":"events_api","payload":"not an object"})",
       R"({"envelope_id":"x","type":"interactive","payload":[1,2]})",
       R"({"envelope_id":"x","type":"slash_commands"})",
       R"({"envelope_id":"x","type":"events_api","retry_attempt":-5,"payload":{"type":"event_callback"}})"}) {
    SocketModeFrame frame = parse_socket_mode_frame(text);
    if (auto* env = std::get_if<SocketModeEnvelope>(&frame)) {
      EXPECT_GE(env->retry_attempt, 0) << text;
      EXPECT_TRUE(std::holds_alternative<Malformed>(env->request)) << text;
    } else {
      EXPECT_TRUE(std::holds_alternative<SocketModeMalformed>(frame)) << text;
    }
  }
}

TEST(SocketModeAck, MatchesTheFixtures) {
  EXPECT_EQ(json::parse(socket_mode_ack("cda4159a-72a5-4744-aba3-4d66eb52682b")),
            json::parse(read_fixture("slack/socket_mode_ack.json")));
  const json expected = json::parse(read_fixture("slack/socket_mode_ack_with_payload.json"));
  const json payload = expected["payload"];
  EXPECT_EQ(json::parse(socket_mode_ack("1d3c79ab-0ffb-41f3-a080-d19e85f53649", &payload)),
            expected);
  // Invalid UTF-8 in a reply is replaced, not thrown on.
  const json bad = {{"text", std::string("caf\xe9")}};
  EXPECT_NO_THROW(json::parse(socket_mode_ack("x", &bad)));
}

TEST(SocketModeUrl, WssIsAcceptedAndSplit) {
  auto check = parse_socket_mode_url(
      json::parse(read_fixture("slack/web_apps_connections_open_ok.json"))["url"]
          .get<std::string>());
  ASSERT_TRUE(check.url) << check.error;
  EXPECT_TRUE(check.url->tls);
  EXPECT_EQ(check.url->host, "wss-somethiing.slack.com");
  EXPECT_EQ(check.url->port, "443");
  EXPECT_EQ(check.url->target, "/link/?ticket=12348&app_id=5678");
  EXPECT_EQ(check.url->host_header(), "wss-somethiing.slack.com");
  EXPECT_FALSE(check.url->loopback);

  auto with_port = parse_socket_mode_url("WSS://example.com:8443?ticket=1");
  ASSERT_TRUE(with_port.url) << with_port.error;
  EXPECT_EQ(with_port.url->port, "8443");
  EXPECT_EQ(with_port.url->target, "/?ticket=1");
  EXPECT_EQ(with_port.url->host_header(), "example.com:8443");
}

TEST(SocketModeUrl, PlainWsOnlyForLoopback) {
  for (const char* ok : {"ws://127.0.0.1:9000/link/?ticket=1", "ws://localhost:1/x",
                         "ws://127.1.2.3/", "ws://[::1]:9000/link", "ws://LOCALHOST/"}) {
    auto check = parse_socket_mode_url(ok);
    ASSERT_TRUE(check.url) << ok << ": " << check.error;
    EXPECT_FALSE(check.url->tls);
    EXPECT_TRUE(check.url->loopback);
  }
  EXPECT_EQ(parse_socket_mode_url("ws://[::1]:9000/").url->host_header(), "[::1]:9000");
  for (const char* bad : {"ws://example.com/link", "ws://10.0.0.1/", "ws://128.0.0.1/",
                          "ws://127.0.0.1.evil.com/", "ws://[::2]/", "ws://0.0.0.0/"}) {
    auto check = parse_socket_mode_url(bad);
    EXPECT_FALSE(check.url) << bad;
    EXPECT_NE(check.error.find("loopback"), std::string::npos) << bad << ": " << check.error;
  }
}

TEST(SocketModeUrl, MalformedUrlsAreRefusedWithoutEchoingTheTicket) {
  for (const char* bad : {"https://slack.com/link?ticket=SECRET", "wss://", "wss://:443/",
                          "wss://host:0/?ticket=SECRET", "wss://host:99999/", "wss://host:ab/",
                          "wss://user@host/?ticket=SECRET", "wss://ho st/?ticket=SECRET",
                          "wss://[::1/", "", "SECRET"}) {
    auto check = parse_socket_mode_url(bad);
    EXPECT_FALSE(check.url) << bad;
    EXPECT_FALSE(check.error.empty()) << bad;
    EXPECT_EQ(check.error.find("SECRET"), std::string::npos) << check.error;
  }
  EXPECT_TRUE(is_loopback_host("[::1]"));
  EXPECT_TRUE(is_loopback_host("0:0:0:0:0:0:0:1"));
  EXPECT_FALSE(is_loopback_host("::"));
  EXPECT_FALSE(is_loopback_host("127.0.0"));
  EXPECT_FALSE(is_loopback_host("127.0.0.256"));
}

// A SlackWebApi that answers apps.connections.open with one scripted result.
class ScriptedApi : public SlackWebApi {
 public:
  explicit ScriptedApi(SlackApiResult r) : result_(std::move(r)) {}
  SlackApiResult call(const std::string& method, const json& body) override {
    method_ = method;
    body_ = body;
    return result_;
  }
  SlackApiResult get(const std::string&,
                     const std::vector<std::pair<std::string, std::string>>&) override {
    return {};
  }
  SlackApiResult post_url(const std::string&, const json&) override { return {}; }
  std::string method_;
  json body_;

 private:
  SlackApiResult result_;
};

SlackApiResult api_result(int status, const std::string& body, std::int64_t retry_after = -1) {
  SlackApiResult r;
  r.http_status = status;
  r.raw_body = body;
  r.body = json::parse(body, nullptr, false);
  if (r.body.is_discarded()) r.body = nullptr;
  r.retry_after = retry_after;
  return r;
}

TEST(ConnectionsOpen, SuccessGivesTheUrl) {
  ScriptedApi api(api_result(200, read_fixture("slack/web_apps_connections_open_ok.json")));
  auto r = open_socket_mode_connection(api);
  EXPECT_EQ(api.method_, "apps.connections.open");
  ASSERT_TRUE(r.url) << r.error;
  EXPECT_EQ(r.url->host, "wss-somethiing.slack.com");
}

TEST(ConnectionsOpen, RefusedTokensArePermanentOutagesAreNot) {
  for (const char* code : {"invalid_auth", "not_authed", "token_revoked", "not_allowed_token_type",
                           "missing_scope", "account_inactive"}) {
    ScriptedApi api(api_result(200, json{{"ok", false}, {"error", code}}.dump()));
    auto r = open_socket_mode_connection(api);
    EXPECT_FALSE(r.url);
    EXPECT_TRUE(r.permanent) << code;
    EXPECT_EQ(r.error, code);
  }
  ScriptedApi limited(api_result(429, R"({"ok":false,"error":"ratelimited"})", 7));
  auto r = open_socket_mode_connection(limited);
  EXPECT_FALSE(r.permanent);
  EXPECT_EQ(r.retry_after, 7);
  ScriptedApi down(api_result(503, "<html>down</html>"));
  r = open_socket_mode_connection(down);
  EXPECT_FALSE(r.permanent);
  EXPECT_EQ(r.error, "http_503");
  SlackApiResult network;
  network.network_error = "connection refused";
  ScriptedApi offline(network);
  r = open_socket_mode_connection(offline);
  EXPECT_FALSE(r.permanent);
  EXPECT_EQ(r.error, "network: connection refused");
  ScriptedApi internal(api_result(200, R"({"ok":false,"error":"internal_error"})"));
  EXPECT_FALSE(open_socket_mode_connection(internal).permanent);
  ScriptedApi not_found(api_result(404, "not found"));
  EXPECT_TRUE(open_socket_mode_connection(not_found).permanent);
}

TEST(ConnectionsOpen, AnUnusableUrlIsAnError) {
  for (const char* body : {R"({"ok":true})", R"({"ok":true,"url":42})",
                           R"({"ok":true,"url":"ws://example.com/link?ticket=1"})",
                           R"({"ok":true,"url":"https://example.com/"})"}) {
    ScriptedApi api(api_result(200, body));
    auto r = open_socket_mode_connection(api);
    EXPECT_FALSE(r.url) << body;
    EXPECT_FALSE(r.permanent) << body;
    EXPECT_FALSE(r.error.empty()) << body;
  }
}

}  // namespace
}  // namespace rolecall
