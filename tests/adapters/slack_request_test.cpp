#include "adapters/slack/slack_request.hpp"

#include <gtest/gtest.h>

#include <cstdint>

#include "adapters/slack/form_urlencoded.hpp"
#include "tests/support/test_helpers.hpp"

namespace rolecall {
namespace {

using testing::read_fixture;

HttpRequest request(std::string content_type, std::string body) {
  HttpRequest req;
  req.method = "POST";
  req.target = "/slack/events";
  if (!content_type.empty()) req.headers["content-type"] = std::move(content_type);
  req.body = std::move(body);
  return req;
}

HttpRequest json_request(std::string body) { return request("application/json", std::move(body)); }
HttpRequest form_request(std::string body) {
  return request("application/x-www-form-urlencoded", std::move(body));
}

// Returns a copy: callers pass temporaries.
template <class T>
T as(const SlackRequest& r) {
  const T* value = std::get_if<T>(&r);
  if (!value) {
    std::string what = "variant holds index " + std::to_string(r.index());
    if (auto* m = std::get_if<Malformed>(&r)) what += ": " + m->reason;
    ADD_FAILURE() << what;
    return T{};
  }
  return *value;
}

// --- form decoding

TEST(FormUrlencoded, DecodesPlusPercentAndEmptyValues) {
  auto form = parse_form_urlencoded("a=1&b=x+y%21&c=&d&&e=%e2%82%AC&a=2");
  ASSERT_TRUE(form);
  EXPECT_EQ(form->get("a"), "1");  // first wins
  EXPECT_EQ(form->get("b"), "x y!");
  EXPECT_EQ(form->get("c"), "");
  EXPECT_TRUE(form->contains("d"));
  EXPECT_EQ(form->get("e"), "\xe2\x82\xac");
  EXPECT_FALSE(form->contains("zz"));
  EXPECT_EQ(form->fields().size(), 6u);
  EXPECT_EQ(parse_form_urlencoded("")->fields().size(), 0u);
}

TEST(FormUrlencoded, MalformedPercentSequencesAreRejected) {
  for (const char* bad : {"a=%", "a=%4", "a=%zz", "a=%4g", "%=1", "a=1&b=%", "a=100%"}) {
    SCOPED_TRACE(bad);
    EXPECT_FALSE(parse_form_urlencoded(bad));
  }
  EXPECT_TRUE(parse_form_urlencoded("a=%25"));
  EXPECT_EQ(parse_form_urlencoded("a=%25")->get("a"), "%");
}

TEST(FormUrlencoded, EqualsInsideValueIsKept) {
  EXPECT_EQ(parse_form_urlencoded("text=a=b")->get("text"), "a=b");
}

TEST(FormUrlencoded, TakeMovesTheFirstValueOut) {
  auto form = parse_form_urlencoded("a=1&b=two+words&a=2");
  ASSERT_TRUE(form);
  EXPECT_EQ(form->take("b"), "two words");
  EXPECT_EQ(form->get("b"), "");
  EXPECT_TRUE(form->contains("b"));
  EXPECT_EQ(form->take("a"), "1");
  EXPECT_EQ(form->take("missing"), "");
}

TEST(FormUrlencoded, FindFormFieldDecodesOnlyTheFieldAsked) {
  EXPECT_EQ(find_form_field("a=1&ssl_check=1&b=2", "ssl_check"), "1");
  EXPECT_EQ(find_form_field("ssl%5Fcheck=1", "ssl_check"), "1");            // encoded name
  EXPECT_EQ(find_form_field("ssl_check=0&ssl_check=1", "ssl_check"), "0");  // first wins
  EXPECT_EQ(find_form_field("x=y&text=a+b%21", "text"), "a b!");
  EXPECT_EQ(find_form_field("flag&other=1", "flag"), "");
  EXPECT_EQ(find_form_field("sslXcheck=1&ssl_checks=1", "ssl_check"), std::nullopt);
  EXPECT_EQ(find_form_field("ssl%5Fchec=1&ssl+check=1", "ssl_check"), std::nullopt);
  EXPECT_EQ(find_form_field("a+b=1", "a b"), "1");
  EXPECT_EQ(find_form_field("", "ssl_check"), std::nullopt);
  // A body parse_form_urlencoded refuses has no fields here either.
  EXPECT_EQ(find_form_field("ssl_check=1&b=%zz", "ssl_check"), std::nullopt);
  EXPECT_EQ(find_form_field("ssl_check=1&b=10%", "ssl_check"), std::nullopt);
}

// --- Events API

TEST(SlackRequest, UrlVerificationFixture) {
  auto r = parse_slack_request(json_request(read_fixture("slack/events_url_verification.json")));
  EXPECT_EQ(as<UrlVerification>(r).challenge,
            "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P");
}

TEST(SlackRequest, AppMentionFixture) {
  auto req = json_request(read_fixture("slack/events_app_mention.json"));
  req.headers["x-slack-retry-num"] = "2";
  req.headers["x-slack-retry-reason"] = "http_timeout";
  const auto& cb = as<EventCallback>(parse_slack_request(req));
  EXPECT_EQ(cb.event_id, "Ev04SPP46R6J");
  EXPECT_EQ(cb.team_id, "T0G9PQBBK");
  EXPECT_EQ(cb.api_app_id, "A111");
  EXPECT_EQ(cb.event_time, 1678252212);
  EXPECT_EQ(cb.retry_num, 2);
  EXPECT_EQ(cb.retry_reason, "http_timeout");
  EXPECT_EQ(cb.authorized_user_id, "U111");
  EXPECT_EQ(cb.event.type, "app_mention");
  EXPECT_EQ(cb.event.text, "<@U111> hey");
  EXPECT_EQ(cb.event.user, "U222");
  EXPECT_EQ(cb.event.channel, "C111");
  EXPECT_EQ(cb.event.ts, "1678252212.229129");
  EXPECT_EQ(cb.event.event_ts, "1678252212.229129");
  EXPECT_TRUE(cb.event.thread_ts.empty());
  EXPECT_TRUE(slack_thread_root(cb.event).empty());
  EXPECT_FALSE(should_ignore_event(cb.event, "U111"));
  // In a thread: the root's ts; a root that has replies names itself.
  SlackEvent reply = cb.event;
  reply.thread_ts = "1678252200.000100";
  EXPECT_EQ(slack_thread_root(reply), "1678252200.000100");
  reply.thread_ts = reply.ts;
  EXPECT_TRUE(slack_thread_root(reply).empty());
}

TEST(SlackRequest, MessageImFixture) {
  const auto& cb = as<EventCallback>(
      parse_slack_request(json_request(read_fixture("slack/events_message_im.json"))));
  EXPECT_EQ(cb.retry_num, 0);
  EXPECT_EQ(cb.event.type, "message");
  EXPECT_EQ(cb.event.channel_type, "im");
  EXPECT_EQ(cb.event.channel, "D0442US94JD");
  EXPECT_EQ(cb.event.client_msg_id, "1efd76a1-5075-4c2c-ad38-1284820b429f");
  EXPECT_FALSE(should_ignore_event(cb.event, "U0442US8QGH"));
}

TEST(SlackRequest, MessageChannelsFixture) {
  const auto& cb = as<EventCallback>(
      parse_slack_request(json_request(read_fixture("slack/events_message_channels.json"))));
  EXPECT_EQ(cb.event.type, "message");
  EXPECT_FALSE(cb.event.channel.empty());
  EXPECT_FALSE(cb.event.ts.empty());
}

TEST(SlackRequest, OwnAndOtherBotPostsAreIgnored) {
  for (const char* fixture : {"slack/events_message_from_self_bot.json",
                              "slack/events_message_bot_other_app_no_subtype.json",
                              "slack/events_message_subtype_bot_message.json",
                              "slack/events_message_subtype_bot_message_classic.json"}) {
    SCOPED_TRACE(fixture);
    const auto& cb = as<EventCallback>(parse_slack_request(json_request(read_fixture(fixture))));
    EXPECT_TRUE(should_ignore_event(cb.event, "U0442US8QGH"));
  }
  // The self-post has no subtype: only bot_id / user betray it.
  const auto& self = as<EventCallback>(
      parse_slack_request(json_request(read_fixture("slack/events_message_from_self_bot.json"))));
  EXPECT_TRUE(self.event.subtype.empty());
  EXPECT_EQ(self.event.bot_id, "B0439P161B9");
  EXPECT_EQ(self.event.thread_ts, "1664216109.798919");
  SlackEvent no_bot_id = self.event;
  no_bot_id.bot_id.clear();
  EXPECT_TRUE(should_ignore_event(no_bot_id, "U0442US8QGH"));  // user == our bot user
  EXPECT_FALSE(should_ignore_event(no_bot_id, "UOTHER"));
}

TEST(SlackRequest, SubtypeFiltering) {
  SlackEvent e;
  e.type = "message";
  e.user = "U1";
  e.channel = "C1";
  EXPECT_FALSE(should_ignore_event(e, "UBOT"));
  for (const char* ok : {"thread_broadcast", "file_share"}) {
    e.subtype = ok;
    EXPECT_FALSE(should_ignore_event(e, "UBOT")) << ok;
  }
  for (const char* skip : {"message_changed", "message_deleted", "channel_join", "bot_message"}) {
    e.subtype = skip;
    EXPECT_TRUE(should_ignore_event(e, "UBOT")) << skip;
  }
  e.subtype.clear();
  e.user = "USLACKBOT";
  EXPECT_TRUE(should_ignore_event(e, "UBOT"));
  e.user = "U1";
  e.type = "reaction_added";
  EXPECT_TRUE(should_ignore_event(e, "UBOT"));
  e.type = "message";
  e.channel.clear();
  EXPECT_TRUE(should_ignore_event(e, "UBOT"));
}

TEST(SlackRequest, AppRateLimitedFixture) {
  const auto& rl = as<AppRateLimited>(
      parse_slack_request(json_request(read_fixture("slack/events_app_rate_limited.json"))));
  EXPECT_EQ(rl.team_id, "T123456");
  EXPECT_EQ(rl.api_app_id, "A123456");
  EXPECT_EQ(rl.minute_rate_limited, 1518467820);
}

TEST(SlackRequest, UnknownEnvelopeTypeIsUnknownPayload) {
  EXPECT_EQ(
      as<UnknownPayload>(parse_slack_request(json_request(R"({"type":"something_new"})"))).type,
      "something_new");
}

TEST(SlackRequest, MalformedJsonVariants) {
  for (const char* bad :
       {"", "{", "not json", "[]", "42", R"({"no":"type"})", R"({"type":7})",
        R"({"type":"url_verification"})", R"({"type":"url_verification","challenge":5})",
        R"({"type":"event_callback"})", R"({"type":"event_callback","event":"x"})",
        R"({"type":"event_callback","event":{"text":"no type"}})", "{\"type\":\"a\"} trailing"}) {
    SCOPED_TRACE(bad);
    auto r = parse_slack_request(json_request(bad));
    EXPECT_TRUE(std::holds_alternative<Malformed>(r)) << r.index();
  }
}

TEST(SlackRequest, WrongTypedFieldsBecomeEmptyNotExceptions) {
  auto r = parse_slack_request(json_request(
      R"({"type":"event_callback","event_id":5,"team_id":null,"event_time":"x",)"
      R"("authorizations":"nope","event":{"type":"message","user":["U1"],"text":{"a":1},)"
      R"("ts":1.5,"channel":"C1"}})"));
  const auto& cb = as<EventCallback>(r);
  EXPECT_EQ(cb.event_id, "");
  EXPECT_EQ(cb.event_time, 0);
  EXPECT_EQ(cb.event.user, "");
  EXPECT_EQ(cb.event.text, "");
  EXPECT_EQ(cb.event.ts, "");
  EXPECT_EQ(cb.event.channel, "C1");
  EXPECT_TRUE(should_ignore_event(cb.event, ""));  // no user
}

// Issue 13, defect 4: converting a double outside int64_t's range to an
// integer is undefined behaviour (UBSan found it fuzzing event_time).
// Numeric fields that hold integers take integers; a float is accepted only
// when it is exactly an integer in range (JSON writers may print 1e9 or
// 1700000000.0 for an integer); anything else makes the request malformed.
TEST(SlackRequest, NonIntegralOrOutOfRangeNumbersAreMalformed) {
  auto callback = [](const std::string& event_time) {
    return json_request(R"({"type":"event_callback","event_id":"Ev1","event_time":)" + event_time +
                        R"(,"event":{"type":"message","user":"U1","channel":"C1"}})");
  };
  auto rate_limited = [](const std::string& minute) {
    return json_request(R"({"type":"app_rate_limited","team_id":"T1","minute_rate_limited":)" +
                        minute + "}");
  };
  for (const char* bad : {"1.7e80", "-1e300", "3.5", "-0.5", "1e-7", "9223372036854775808.0",
                          "-9.3e18", "1e19", "18446744073709551615", "9223372036854775808"}) {
    SCOPED_TRACE(bad);
    const auto cb = parse_slack_request(callback(bad));
    ASSERT_TRUE(std::holds_alternative<Malformed>(cb)) << cb.index();
    EXPECT_NE(std::get<Malformed>(cb).reason.find("event_time"), std::string::npos);
    const auto rl = parse_slack_request(rate_limited(bad));
    ASSERT_TRUE(std::holds_alternative<Malformed>(rl)) << rl.index();
    EXPECT_NE(std::get<Malformed>(rl).reason.find("minute_rate_limited"), std::string::npos);
  }
  // JSON has no NaN or infinity, and numbers beyond a double are refused by
  // the JSON parser: such bodies are not JSON at all.
  for (const char* not_json : {"NaN", "nan", "Infinity", "-Infinity", "inf", "1e400", "-1e400"}) {
    SCOPED_TRACE(not_json);
    EXPECT_TRUE(std::holds_alternative<Malformed>(parse_slack_request(callback(not_json))));
    EXPECT_TRUE(std::holds_alternative<Malformed>(parse_slack_request(rate_limited(not_json))));
  }
}

TEST(SlackRequest, IntegralNumbersInRangeAreAcceptedAlsoWhenWrittenAsFloats) {
  auto event_time = [](const std::string& value) {
    return as<EventCallback>(parse_slack_request(json_request(
                                 R"({"type":"event_callback","event_time":)" + value +
                                 R"(,"event":{"type":"message","user":"U1","channel":"C1"}})")))
        .event_time;
  };
  EXPECT_EQ(event_time("1700000000"), 1700000000);
  EXPECT_EQ(event_time("1700000000.0"), 1700000000);
  EXPECT_EQ(event_time("1.7e9"), 1700000000);
  EXPECT_EQ(event_time("-0.0"), 0);
  EXPECT_EQ(event_time("-42"), -42);
  EXPECT_EQ(event_time("9223372036854775807"), INT64_MAX);
  EXPECT_EQ(event_time("-9223372036854775808"), INT64_MIN);
  EXPECT_EQ(event_time("-9223372036854775808.0"), INT64_MIN);           // -2^63 is a double exactly
  EXPECT_EQ(event_time("9223372036854774784.0"), 9223372036854774784);  // largest double < 2^63
  // Parses to -2^63: doubles of this size are 2048 apart.
  EXPECT_EQ(event_time("-9223372036854775809.0"), INT64_MIN);
  EXPECT_EQ(
      as<AppRateLimited>(parse_slack_request(json_request(
                             R"({"type":"app_rate_limited","minute_rate_limited":1518467820.0})")))
          .minute_rate_limited,
      1518467820);
}

TEST(SlackRequest, DeeplyNestedJsonDoesNotCrash) {
  std::string deep = R"({"type":"event_callback","event":{"type":"message","x":)" +
                     std::string(100000, '[') + std::string(100000, ']') + "}}";
  auto r = parse_slack_request(json_request(deep));
  EXPECT_TRUE(std::holds_alternative<EventCallback>(r) || std::holds_alternative<Malformed>(r));
}

TEST(SlackRequest, ContentTypeIsMatchedCaseInsensitivelyWithParameters) {
  auto r = parse_slack_request(
      request("Application/JSON; charset=utf-8", R"({"type":"url_verification","challenge":"c"})"));
  EXPECT_EQ(as<UrlVerification>(r).challenge, "c");
  EXPECT_TRUE(std::holds_alternative<Malformed>(parse_slack_request(request("", "{}"))));
  EXPECT_TRUE(std::holds_alternative<Malformed>(parse_slack_request(request("text/plain", "x=1"))));
  EXPECT_EQ(media_type(" application/x-www-form-urlencoded ;charset=x"),
            "application/x-www-form-urlencoded");
}

// --- slash commands

TEST(SlackRequest, SlashCommandDocsExample) {
  const auto& cmd = as<SlashCommand>(parse_slack_request(
      form_request(read_fixture("slack/slash_command_slack_docs_example.txt"))));
  EXPECT_EQ(cmd.command, "/webhook-collect");
  EXPECT_EQ(cmd.text, "");
  EXPECT_EQ(cmd.user_id, "U2CERLKJA");
  EXPECT_EQ(cmd.user_name, "roadrunner");
  EXPECT_EQ(cmd.channel_id, "G8PSS9T3V");
  EXPECT_EQ(cmd.channel_name, "foobar");
  EXPECT_EQ(cmd.team_id, "T1DC2JH3J");
  EXPECT_EQ(cmd.response_url,
            "https://hooks.slack.com/commands/T1DC2JH3J/397700885554/96rGlfmibIGlgcZRskXaIFfN");
  EXPECT_EQ(cmd.trigger_id, "398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c");
}

TEST(SlackRequest, SlashCommandBoltFixtureAndPlusDecoding) {
  const auto& cmd = as<SlashCommand>(
      parse_slack_request(form_request(read_fixture("slack/slash_command_bolt_python.txt"))));
  EXPECT_EQ(cmd.command, "/hello-world");
  EXPECT_EQ(cmd.text, "Hi");
  EXPECT_EQ(cmd.user_id, "W111");
  const auto& who = as<SlashCommand>(parse_slack_request(form_request(
      "command=%2Fwhoowns&text=who+owns+pricing%3F+%3C%40U1%7Cana%3E&user_id=U9&channel_id=C1")));
  EXPECT_EQ(who.command, "/whoowns");
  EXPECT_EQ(who.text, "who owns pricing? <@U1|ana>");
}

TEST(SlackRequest, SlashCommandTextIsValidUtf8) {
  auto cmd = as<SlashCommand>(
      parse_slack_request(form_request("command=%2Fdecision&text=caf%C3%A9+%FF%C3")));
  EXPECT_EQ(cmd.text, "caf\xC3\xA9 \xEF\xBF\xBD\xEF\xBF\xBD");
}

TEST(SlackRequest, FormWithoutCommandOrPayloadOrBadEncodingIsMalformed) {
  EXPECT_TRUE(std::holds_alternative<Malformed>(parse_slack_request(form_request("a=b"))));
  EXPECT_TRUE(std::holds_alternative<Malformed>(parse_slack_request(form_request("command="))));
  EXPECT_TRUE(
      std::holds_alternative<Malformed>(parse_slack_request(form_request("command=%2Fx&text=%"))));
  EXPECT_TRUE(std::holds_alternative<Malformed>(parse_slack_request(form_request(""))));
}

// --- ssl_check

TEST(SlackRequest, SslCheckFixture) {
  auto req = form_request(read_fixture("slack/slash_command_ssl_check.txt"));
  EXPECT_TRUE(is_ssl_check(req));
  EXPECT_TRUE(std::holds_alternative<SslCheck>(parse_slack_request(req)));
}

TEST(SlackRequest, SslCheckNeverDispatchesAnythingElseFromTheBody) {
  // The Bolt signature-bypass shape: ssl_check=1 next to a forged payload.
  std::string forged =
      "ssl_check=1&payload=" + std::string("%7B%22type%22%3A%22block_actions%22%7D") +
      "&command=%2Fdecision&text=forged";
  auto req = form_request(forged);
  EXPECT_TRUE(is_ssl_check(req));
  EXPECT_TRUE(std::holds_alternative<SslCheck>(parse_slack_request(req)));
  // Order in the body does not matter.
  auto req2 = form_request("command=%2Fdecision&text=forged&ssl_check=1");
  EXPECT_TRUE(is_ssl_check(req2));
  EXPECT_TRUE(std::holds_alternative<SslCheck>(parse_slack_request(req2)));
}

TEST(SlackRequest, OnlySslCheckExactlyOneCounts) {
  for (const char* body :
       {"ssl_check=0&command=%2Fx", "ssl_check=1+&command=%2Fx", "ssl_check=true&command=%2Fx",
        "ssl_check=&command=%2Fx", "xssl_check=1&command=%2Fx"}) {
    SCOPED_TRACE(body);
    auto req = form_request(body);
    EXPECT_FALSE(is_ssl_check(req));
    EXPECT_TRUE(std::holds_alternative<SlashCommand>(parse_slack_request(req)));
  }
  EXPECT_FALSE(is_ssl_check(json_request(R"({"ssl_check":"1"})")));
  EXPECT_FALSE(is_ssl_check(request("text/plain", "ssl_check=1")));
  EXPECT_FALSE(is_ssl_check(form_request("ssl_check=1&x=%zz")));  // malformed body: not a check
}

// --- interactivity

TEST(SlackRequest, BlockActionsFormBodyFixture) {
  const auto& ba = as<BlockActions>(parse_slack_request(
      form_request(read_fixture("slack/interactive_block_actions_form_body.txt"))));
  EXPECT_EQ(ba.user_id, "W111");
  EXPECT_EQ(ba.user_name, "primary-owner");
  EXPECT_EQ(ba.team_id, "T111");
  EXPECT_EQ(ba.api_app_id, "A111");
  EXPECT_EQ(ba.channel_id, "C111");
  EXPECT_EQ(ba.message_ts, "111.222");
  EXPECT_TRUE(ba.is_ephemeral);
  EXPECT_EQ(ba.response_url, "https://hooks.slack.com/actions/T111/111/random-value");
  EXPECT_EQ(ba.trigger_id, "111.222.valid");
  ASSERT_EQ(ba.actions.size(), 1u);
  EXPECT_EQ(ba.actions[0].action_id, "a");
  EXPECT_EQ(ba.actions[0].block_id, "b");
  EXPECT_EQ(ba.actions[0].value, "click_me_123");
  EXPECT_EQ(ba.actions[0].type, "button");
}

std::string form_encode(std::string_view text) {
  static constexpr char digits[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(digits[c >> 4]);
      out.push_back(digits[c & 0xF]);
    }
  }
  return out;
}

TEST(SlackRequest, BlockActionsMessageFixture) {
  std::string json = read_fixture("slack/interactive_block_actions_message.json");
  const auto& ba =
      as<BlockActions>(parse_slack_request(form_request("payload=" + form_encode(json))));
  EXPECT_FALSE(ba.user_id.empty());
  EXPECT_FALSE(ba.is_ephemeral);
  EXPECT_FALSE(ba.message_ts.empty());
  EXPECT_FALSE(ba.channel_id.empty());
  EXPECT_FALSE(ba.response_url.empty());
  ASSERT_FALSE(ba.actions.empty());
  EXPECT_FALSE(ba.actions[0].action_id.empty());
}

TEST(SlackRequest, OtherInteractivityTypesAreUnknownAndBadPayloadsMalformed) {
  auto r = parse_slack_request(
      form_request("payload=" + form_encode(R"({"type":"view_submission","user":{"id":"U1"}})")));
  EXPECT_EQ(as<UnknownPayload>(r).type, "view_submission");
  for (std::string bad : {std::string("payload=notjson"), "payload=" + form_encode("[1]"),
                          "payload=" + form_encode(R"({"type":"block_actions"})"),
                          "payload=" + form_encode(R"({"type":"block_actions","user":{"id":"U1"},)"
                                                   R"("actions":[]})"),
                          "payload=" + form_encode(R"({"user":{"id":"U1"}})")}) {
    SCOPED_TRACE(bad);
    EXPECT_TRUE(std::holds_alternative<Malformed>(parse_slack_request(form_request(bad))));
  }
}

TEST(SlackRequest, GarbageBytesNeverThrow) {
  std::string junk;
  for (int i = 0; i < 4096; ++i) junk.push_back(static_cast<char>((i * 131 + 7) % 256));
  for (const char* type : {"application/json", "application/x-www-form-urlencoded", "x/y"}) {
    auto r = parse_slack_request(request(type, junk));
    EXPECT_TRUE(std::holds_alternative<Malformed>(r)) << type;
    EXPECT_FALSE(is_ssl_check(request(type, junk)));
  }
}

}  // namespace
}  // namespace rolecall
