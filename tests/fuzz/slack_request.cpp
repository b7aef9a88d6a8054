// Fuzz target: inbound Slack requests after the signature check
// (adapters/slack/slack_request: Events API JSON, slash-command forms,
// interactivity payloads) and the text helpers the endpoint runs on them
// (adapters/slack/slack_text).
//
// Input: one selector byte, then the body.
//   selector & 3: Content-Type 0 "application/json", 1 form, 2 form with a
//                 charset parameter in odd case, 3 a made-up type;
//   selector & 4: add X-Slack-Retry-Num / X-Slack-Retry-Reason headers.
// corpus/slack_request/ holds the fixtures with their selector byte
// (tests/fuzz/make_corpus.py).
//
// Properties: never throws (parse_slack_request is noexcept: a throw
// terminates); UBSan halts (JSON numbers in integer fields, defect 4 of
// issue 13); an ssl_check body is never dispatched as anything else; every
// string a request hands to the daemon is valid UTF-8 (it ends up in JSON
// replies and the store); slash commands have a command, block actions a
// user and an action; Malformed always says why; the text helpers keep
// valid UTF-8 valid.

#include "adapters/slack/slack_request.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

#include "adapters/slack/slack_text.hpp"
#include "fuzz_check.hpp"

namespace {

using namespace rolecall;
using rolecall::fuzz::utf8_ok;

void check_utf8(const std::string& s, const char* field) {
  FUZZ_CHECK(utf8_ok(s), std::string("invalid UTF-8 in ") + field);
}

void check_text_helpers(const std::string& text, const std::string& bot) {
  const std::string plain = slack_to_plain(text);
  const std::string stripped = strip_leading_mention(text, bot);
  const std::string escaped = mrkdwn_escape(text);
  if (utf8_ok(text)) {
    FUZZ_CHECK(utf8_ok(plain), "slack_to_plain broke valid UTF-8");
    FUZZ_CHECK(utf8_ok(stripped), "strip_leading_mention broke valid UTF-8");
    FUZZ_CHECK(utf8_ok(escaped), "mrkdwn_escape broke valid UTF-8");
  }
  FUZZ_CHECK(stripped.size() <= text.size(), "strip_leading_mention made the text longer");
  FUZZ_CHECK(escaped.find('<') == std::string::npos && escaped.find('>') == std::string::npos,
             "mrkdwn_escape left an angle bracket");
  FUZZ_CHECK(slack_to_plain(escaped) == text, "mrkdwn_escape does not round-trip");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::uint8_t selector = data[0];
  HttpRequest request;
  request.method = "POST";
  request.target = "/slack/events";
  static constexpr const char* kTypes[] = {"application/json", "application/x-www-form-urlencoded",
                                           "Application/X-WWW-Form-URLEncoded ; charset=UTF-8",
                                           "text/plain"};
  request.headers["content-type"] = kTypes[selector & 3];
  if (selector & 4) {
    request.headers["x-slack-retry-num"] = std::to_string(selector >> 3);
    request.headers["x-slack-retry-reason"] = "http_timeout";
  }
  request.body.assign(reinterpret_cast<const char*>(data) + 1, size - 1);

  const bool ssl_check = is_ssl_check(request);
  const SlackRequest parsed = parse_slack_request(request);
  if (ssl_check) {
    FUZZ_CHECK(std::holds_alternative<SslCheck>(parsed),
               "an ssl_check body was dispatched as something else");
  }

  if (const auto* m = std::get_if<Malformed>(&parsed)) {
    FUZZ_CHECK(!m->reason.empty(), "Malformed without a reason");
    check_utf8(m->reason, "Malformed::reason");
  } else if (const auto* v = std::get_if<UrlVerification>(&parsed)) {
    check_utf8(v->challenge, "challenge");
  } else if (const auto* cb = std::get_if<EventCallback>(&parsed)) {
    FUZZ_CHECK(!cb->event.type.empty(), "event_callback without an event type");
    FUZZ_CHECK(cb->retry_num >= 0, "negative retry number");
    for (const std::string* s : {&cb->event_id, &cb->team_id, &cb->event.text, &cb->event.user,
                                 &cb->event.channel, &cb->event.ts, &cb->event.thread_ts}) {
      check_utf8(*s, "event field");
    }
    (void)should_ignore_event(cb->event, cb->authorized_user_id);
    (void)should_ignore_event(cb->event, "");
    check_text_helpers(cb->event.text, cb->authorized_user_id);
  } else if (const auto* cmd = std::get_if<SlashCommand>(&parsed)) {
    FUZZ_CHECK(!cmd->command.empty(), "slash command without a command");
    for (const std::string* s : {&cmd->command, &cmd->text, &cmd->user_id, &cmd->user_name,
                                 &cmd->channel_id, &cmd->channel_name, &cmd->team_id,
                                 &cmd->api_app_id, &cmd->response_url, &cmd->trigger_id}) {
      check_utf8(*s, "slash command field");
    }
    check_text_helpers(cmd->text, cmd->user_id);
  } else if (const auto* ba = std::get_if<BlockActions>(&parsed)) {
    FUZZ_CHECK(!ba->user_id.empty(), "block_actions without a user");
    FUZZ_CHECK(!ba->actions.empty(), "block_actions without actions");
    for (const auto& a : ba->actions) {
      check_utf8(a.action_id, "action_id");
      check_utf8(a.value, "action value");
    }
  } else if (const auto* u = std::get_if<UnknownPayload>(&parsed)) {
    FUZZ_CHECK(!u->type.empty(), "UnknownPayload without a type");
  }

  // The helpers also meet raw bytes (the slash-command text is repaired to
  // UTF-8 first, but a test or a future caller may not be).
  check_text_helpers(request.body, "U0BOT");
  (void)media_type(request.body);
  return 0;
}
