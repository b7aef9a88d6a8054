#pragma once
// Parsing of inbound Slack HTTP requests (Events API, slash commands,
// interactivity — all on one URL) into values, told apart by Content-Type
// and body the way Slack's SDKs do:
//   application/json                          -> Events API envelope
//   x-www-form-urlencoded, ssl_check == "1"   -> SslCheck (nothing else is read)
//   x-www-form-urlencoded with `payload`      -> interactivity (JSON inside)
//   x-www-form-urlencoded with `command`      -> slash command
//
// Order of use in the daemon:
//   1. is_ssl_check(req)  -> answer 200 "" and stop (these arrive unsigned);
//   2. verify_slack_request(req, secret, now) (slack_signature.hpp) -> 401 on failure;
//   3. parse_slack_request(req) -> dispatch on the variant.
// parse_slack_request never throws: bad input becomes Malformed{reason}.
// Integer fields (event_time, minute_rate_limited) are 0 when absent or not a
// number; a number that is not an integer within int64_t (3.5, 1.7e80, 2^63)
// makes the whole request Malformed; a float that is exactly such an integer
// (1700000000.0, 1.7e9) is taken as it.
// All Slack timestamps (ts, thread_ts, message_ts) are opaque strings.

#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "adapters/common/http_message.hpp"

namespace rolecall {

// The inner `event` of an event_callback. Absent or non-string fields are "".
struct SlackEvent {
  std::string type;     // "app_mention", "message", …
  std::string subtype;  // "" for ordinary user messages
  std::string user;     // author user id (bots have one too)
  std::string bot_id;   // set for posts made by bots / apps (including our own)
  std::string app_id;
  std::string text;  // raw mrkdwn as Slack sent it (see slack_text.hpp)
  std::string channel;
  std::string channel_type;  // "channel", "group", "im", "mpim"; absent on app_mention
  std::string ts;
  std::string thread_ts;  // set when the message is in a thread
  std::string event_ts;
  std::string client_msg_id;
};

struct UrlVerification {
  std::string challenge;  // echo back as the response body
};

struct SslCheck {};

struct EventCallback {
  std::string event_id;  // stable across Slack's retries: the dedupe key
  std::string team_id;
  std::string api_app_id;
  std::int64_t event_time = 0;
  int retry_num = 0;               // X-Slack-Retry-Num (0 on the first delivery)
  std::string retry_reason;        // X-Slack-Retry-Reason
  std::string authorized_user_id;  // authorizations[0].user_id (our bot user), may be ""
  SlackEvent event;
};

struct AppRateLimited {
  std::string team_id;
  std::string api_app_id;
  std::int64_t minute_rate_limited = 0;
};

struct SlashCommand {
  std::string command;  // "/whoowns" (decoded)
  std::string text;     // everything after the command, decoded ('+' -> space)
  // (all fields are valid UTF-8: invalid decoded bytes become U+FFFD)
  std::string user_id;
  std::string user_name;
  std::string channel_id;
  std::string channel_name;
  std::string team_id;
  std::string api_app_id;
  std::string response_url;
  std::string trigger_id;
};

struct BlockAction {
  std::string action_id;  // e.g. "rolecall_ack"
  std::string value;
  std::string block_id;
  std::string type;  // "button", …
};

struct BlockActions {
  std::string user_id;
  std::string user_name;  // user.username, else user.name
  std::string team_id;
  std::string api_app_id;
  std::string channel_id;  // container.channel_id, else channel.id
  std::string message_ts;  // container.message_ts, else message.ts
  std::string response_url;
  std::string trigger_id;
  bool is_ephemeral = false;  // container.is_ephemeral
  std::vector<BlockAction> actions;
};

// A well-formed payload of a type rolecall does not handle (view_submission,
// shortcut, a new event envelope type, …): answer 200 and ignore it.
struct UnknownPayload {
  std::string type;
};

// Unparseable input: answer 400 and ignore it.
struct Malformed {
  std::string reason;
};

using SlackRequest = std::variant<UrlVerification, SslCheck, EventCallback, AppRateLimited,
                                  SlashCommand, BlockActions, UnknownPayload, Malformed>;

// True only for a form body whose `ssl_check` field is exactly "1". Such a
// request is unsigned; answer it 200 with an empty body and never dispatch
// anything else from that body (a forged `payload` next to ssl_check=1 was a
// signature bypass in Bolt).
bool is_ssl_check(const HttpRequest& request) noexcept;

// Parses a request whose signature has been verified. Never throws.
SlackRequest parse_slack_request(const HttpRequest& request) noexcept;

// The same parsers for payloads that arrive already decoded to JSON (Socket
// Mode envelopes, adapters/slack/socket_mode_frame.hpp). They give the same
// values as the HTTP path for the same content, and never throw.
//   - an Events API body (event_callback, app_rate_limited, …); `retry_num`
//     and `retry_reason` are the delivery's retry attempt and reason;
//   - an interactivity payload (block_actions, …);
//   - a slash command: an object whose string fields are the form's fields.
SlackRequest parse_events_api_json(const nlohmann::json& body, int retry_num,
                                   std::string retry_reason) noexcept;
SlackRequest parse_interactive_json(const nlohmann::json& payload) noexcept;
SlackRequest parse_slash_command_json(const nlohmann::json& payload) noexcept;

// Loop prevention and noise filtering for Events API messages. True when the
// event must not be answered or routed:
//   - types other than "message" and "app_mention";
//   - anything posted by a bot or app: bot_id set, subtype "bot_message",
//     user == bot_user_id (our own posts carry no subtype), or USLACKBOT;
//   - message subtypes other than "" / "thread_broadcast" / "file_share"
//     (edits, deletions, joins, …);
//   - events without a user or channel.
// `bot_user_id` comes from auth.test at startup ("" when unknown).
bool should_ignore_event(const SlackEvent& event, std::string_view bot_user_id) noexcept;

// The ts of the thread's root when the event is a reply in a thread: its
// thread_ts when that differs from its ts (a thread's root carries its own
// ts as thread_ts once it has replies). Empty for a top-level message.
std::string_view slack_thread_root(const SlackEvent& event) noexcept;

// The media type of a Content-Type value, lower-cased, without parameters:
// "Application/JSON; charset=utf-8" -> "application/json".
std::string media_type(std::string_view content_type);

}  // namespace rolecall
