#include "adapters/slack/slack_request.hpp"

#include <cmath>
#include <cstdint>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>

#include "adapters/slack/form_urlencoded.hpp"
#include "adapters/slack/slack_text.hpp"
#include "core/utf8.hpp"

namespace rolecall {

namespace {

using nlohmann::json;

std::string str(const json& object, const char* key) {
  if (!object.is_object()) return {};
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// A field that holds an integer. Absent or not a number: 0, as other
// wrong-typed fields become empty. A number that is not an integer within
// int64_t (3.5, 1.7e80, 2^63 and up): nullopt, and the caller answers
// Malformed. Casting such a double to int64_t is undefined behaviour (issue
// 13, defect 4). A float that is exactly an integer in range (1700000000.0,
// 1.7e9) is taken as that integer: JSON does not tell the two apart, and
// writers differ.
std::optional<std::int64_t> integer(const json& object, const char* key) {
  if (!object.is_object()) return 0;
  auto it = object.find(key);
  if (it == object.end()) return 0;
  if (it->is_number_unsigned()) {
    const auto value = it->get<std::uint64_t>();
    if (value > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
      return std::nullopt;
    }
    return static_cast<std::int64_t>(value);
  }
  if (it->is_number_integer()) return it->get<std::int64_t>();
  if (it->is_number_float()) {
    const double value = it->get<double>();
    // [-2^63, 2^63): both bounds are exact doubles. NaN fails every comparison.
    constexpr double kTwoTo63 = 9223372036854775808.0;
    if (!(value >= -kTwoTo63 && value < kTwoTo63) || std::trunc(value) != value) {
      return std::nullopt;
    }
    return static_cast<std::int64_t>(value);
  }
  return 0;
}

const json& member(const json& object, const char* key) {
  static const json null_value;  // immutable; only ever read
  if (!object.is_object()) return null_value;
  auto it = object.find(key);
  return it == object.end() ? null_value : *it;
}

int small_number(std::string_view text) {
  if (text.empty() || text.size() > 6) return 0;
  int value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return 0;
    value = value * 10 + (c - '0');
  }
  return value;
}

SlackEvent parse_event(const json& e) {
  SlackEvent ev;
  ev.type = str(e, "type");
  ev.subtype = str(e, "subtype");
  ev.user = str(e, "user");
  ev.bot_id = str(e, "bot_id");
  ev.app_id = str(e, "app_id");
  ev.text = str(e, "text");
  ev.channel = str(e, "channel");
  ev.channel_type = str(e, "channel_type");
  ev.ts = str(e, "ts");
  ev.thread_ts = str(e, "thread_ts");
  ev.event_ts = str(e, "event_ts");
  ev.client_msg_id = str(e, "client_msg_id");
  return ev;
}

SlackRequest events_body(const json& body, int retry_num, std::string retry_reason) {
  if (!body.is_object()) return Malformed{"JSON body is not an object"};
  std::string type = str(body, "type");
  if (type.empty()) return Malformed{"JSON body has no type"};

  if (type == "url_verification") {
    const json& challenge = member(body, "challenge");
    if (!challenge.is_string()) return Malformed{"url_verification without a challenge"};
    return UrlVerification{challenge.get<std::string>()};
  }
  if (type == "event_callback") {
    const json& event = member(body, "event");
    if (!event.is_object() || str(event, "type").empty()) {
      return Malformed{"event_callback without an event type"};
    }
    EventCallback cb;
    cb.event_id = str(body, "event_id");
    cb.team_id = str(body, "team_id");
    cb.api_app_id = str(body, "api_app_id");
    const auto event_time = integer(body, "event_time");
    if (!event_time) return Malformed{"event_time is not an integer"};
    cb.event_time = *event_time;
    cb.retry_num = retry_num;
    cb.retry_reason = std::move(retry_reason);
    const json& auths = member(body, "authorizations");
    if (auths.is_array() && !auths.empty()) cb.authorized_user_id = str(auths.front(), "user_id");
    cb.event = parse_event(event);
    return cb;
  }
  if (type == "app_rate_limited") {
    const auto minute = integer(body, "minute_rate_limited");
    if (!minute) return Malformed{"minute_rate_limited is not an integer"};
    return AppRateLimited{str(body, "team_id"), str(body, "api_app_id"), *minute};
  }
  return UnknownPayload{type};
}

SlackRequest parse_events_json(const HttpRequest& request) {
  json body = json::parse(request.body, nullptr, /*allow_exceptions=*/false);
  if (body.is_discarded()) return Malformed{"body is not valid JSON"};
  return events_body(body, small_number(request.header("x-slack-retry-num")),
                     std::string(request.header("x-slack-retry-reason")));
}

SlackRequest interactivity(const json& payload) {
  if (!payload.is_object()) return Malformed{"payload is not an object"};
  std::string type = str(payload, "type");
  if (type.empty()) return Malformed{"payload has no type"};
  if (type != "block_actions") return UnknownPayload{type};

  BlockActions ba;
  const json& user = member(payload, "user");
  ba.user_id = str(user, "id");
  ba.user_name = str(user, "username");
  if (ba.user_name.empty()) ba.user_name = str(user, "name");
  ba.team_id = str(member(payload, "team"), "id");
  if (ba.team_id.empty()) ba.team_id = str(user, "team_id");
  ba.api_app_id = str(payload, "api_app_id");
  const json& container = member(payload, "container");
  ba.channel_id = str(container, "channel_id");
  if (ba.channel_id.empty()) ba.channel_id = str(member(payload, "channel"), "id");
  ba.message_ts = str(container, "message_ts");
  if (ba.message_ts.empty()) ba.message_ts = str(member(payload, "message"), "ts");
  const json& ephemeral = member(container, "is_ephemeral");
  ba.is_ephemeral = ephemeral.is_boolean() && ephemeral.get<bool>();
  ba.response_url = str(payload, "response_url");
  ba.trigger_id = str(payload, "trigger_id");
  const json& actions = member(payload, "actions");
  if (actions.is_array()) {
    for (const json& a : actions) {
      if (!a.is_object()) continue;
      ba.actions.push_back(
          {str(a, "action_id"), str(a, "value"), str(a, "block_id"), str(a, "type")});
    }
  }
  if (ba.user_id.empty()) return Malformed{"block_actions without a user"};
  if (ba.actions.empty()) return Malformed{"block_actions without actions"};
  return ba;
}

SlackRequest parse_interactivity(std::string_view payload_text) {
  json payload = json::parse(payload_text, nullptr, /*allow_exceptions=*/false);
  if (payload.is_discarded()) return Malformed{"payload is not valid JSON"};
  return interactivity(payload);
}

SlashCommand to_slash_command(FormFields& form) {
  // %-decoding can produce any bytes; everything downstream (JSON replies,
  // the store) expects valid UTF-8.
  auto get = [&](const char* name) {
    std::string value = form.take(name);
    return is_valid_utf8(value) ? value : valid_utf8(value);
  };
  SlashCommand cmd;
  cmd.command = get("command");
  cmd.text = get("text");
  cmd.user_id = get("user_id");
  cmd.user_name = get("user_name");
  cmd.channel_id = get("channel_id");
  cmd.channel_name = get("channel_name");
  cmd.team_id = get("team_id");
  cmd.api_app_id = get("api_app_id");
  cmd.response_url = get("response_url");
  cmd.trigger_id = get("trigger_id");
  return cmd;
}

SlackRequest parse_form(const HttpRequest& request) {
  auto form = parse_form_urlencoded(request.body);
  if (!form) return Malformed{"malformed percent-encoding in form body"};
  // Nothing else from an ssl_check body may be dispatched.
  if (form->find("ssl_check") == std::string_view{"1"}) return SslCheck{};
  if (auto payload = form->find("payload")) return parse_interactivity(*payload);
  if (form->contains("command")) {
    SlashCommand cmd = to_slash_command(*form);
    if (cmd.command.empty()) return Malformed{"empty command"};
    return cmd;
  }
  return Malformed{"form body has neither payload nor command"};
}

}  // namespace

namespace {

// The media type of a Content-Type value, trimmed, case kept.
std::string_view media_type_view(std::string_view content_type) {
  std::string_view type = content_type.substr(0, content_type.find(';'));
  while (!type.empty() && (type.front() == ' ' || type.front() == '\t')) type.remove_prefix(1);
  while (!type.empty() && (type.back() == ' ' || type.back() == '\t')) type.remove_suffix(1);
  return type;
}

// `text` equals the lower-case `lower`, ignoring ASCII case.
bool equals_ignoring_case(std::string_view text, std::string_view lower) {
  if (text.size() != lower.size()) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != lower[i]) return false;
  }
  return true;
}

constexpr std::string_view kFormType = "application/x-www-form-urlencoded";

}  // namespace

std::string media_type(std::string_view content_type) {
  std::string out(media_type_view(content_type));
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

bool is_ssl_check(const HttpRequest& request) noexcept {
  try {
    if (!equals_ignoring_case(media_type_view(request.header("content-type")), kFormType)) {
      return false;
    }
    return find_form_field(request.body, "ssl_check") == std::string_view{"1"};
  } catch (...) {
    return false;
  }
}

SlackRequest parse_slack_request(const HttpRequest& request) noexcept {
  try {
    const std::string_view content_type = request.header("content-type");
    const std::string_view type = media_type_view(content_type);
    if (equals_ignoring_case(type, "application/json")) return parse_events_json(request);
    if (equals_ignoring_case(type, kFormType)) return parse_form(request);
    if (type.empty()) return Malformed{"missing Content-Type"};
    return Malformed{"unsupported Content-Type " + media_type(content_type)};
  } catch (const std::exception& e) {
    // Only allocation failure can get here; still never escape an adapter.
    return Malformed{std::string("internal error: ") + e.what()};
  } catch (...) {
    return Malformed{"internal error"};
  }
}

SlackRequest parse_events_api_json(const nlohmann::json& body, int retry_num,
                                   std::string retry_reason) noexcept {
  try {
    return events_body(body, retry_num, std::move(retry_reason));
  } catch (...) {
    return Malformed{"internal error"};
  }
}

SlackRequest parse_interactive_json(const nlohmann::json& payload) noexcept {
  try {
    return interactivity(payload);
  } catch (...) {
    return Malformed{"internal error"};
  }
}

SlackRequest parse_slash_command_json(const nlohmann::json& payload) noexcept {
  try {
    if (!payload.is_object()) return Malformed{"slash command payload is not an object"};
    // JSON strings are valid UTF-8 already (the parser checks).
    SlashCommand cmd;
    cmd.command = str(payload, "command");
    cmd.text = str(payload, "text");
    cmd.user_id = str(payload, "user_id");
    cmd.user_name = str(payload, "user_name");
    cmd.channel_id = str(payload, "channel_id");
    cmd.channel_name = str(payload, "channel_name");
    cmd.team_id = str(payload, "team_id");
    cmd.api_app_id = str(payload, "api_app_id");
    cmd.response_url = str(payload, "response_url");
    cmd.trigger_id = str(payload, "trigger_id");
    if (cmd.command.empty()) return Malformed{"empty command"};
    return cmd;
  } catch (...) {
    return Malformed{"internal error"};
  }
}

std::string_view slack_thread_root(const SlackEvent& event) noexcept {
  if (event.thread_ts.empty() || event.thread_ts == event.ts) return {};
  return event.thread_ts;
}

bool should_ignore_event(const SlackEvent& event, std::string_view bot_user_id) noexcept {
  if (event.type != "message" && event.type != "app_mention") return true;
  if (!event.bot_id.empty() || event.subtype == "bot_message") return true;
  if (event.user.empty() || event.channel.empty()) return true;
  if (!bot_user_id.empty() && event.user == bot_user_id) return true;
  if (event.user == "USLACKBOT") return true;
  return !(event.subtype.empty() || event.subtype == "thread_broadcast" ||
           event.subtype == "file_share");
}

}  // namespace rolecall
