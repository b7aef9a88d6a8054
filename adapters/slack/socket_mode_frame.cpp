#include "adapters/slack/socket_mode_frame.hpp"

namespace rolecall {

namespace {

using nlohmann::json;

std::string str(const json& object, const char* key) {
  if (!object.is_object()) return {};
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::int64_t integer(const json& object, const char* key) {
  if (!object.is_object()) return 0;
  auto it = object.find(key);
  if (it == object.end()) return 0;
  if (it->is_number_integer()) return it->get<std::int64_t>();
  if (it->is_number_float()) return static_cast<std::int64_t>(it->get<double>());
  return 0;
}

const json& member(const json& object, const char* key) {
  static const json null_value;  // immutable; only ever read
  if (!object.is_object()) return null_value;
  auto it = object.find(key);
  return it == object.end() ? null_value : *it;
}

SocketModeEnvelopeType envelope_type(std::string_view name) {
  if (name == "events_api") return SocketModeEnvelopeType::events_api;
  if (name == "slash_commands") return SocketModeEnvelopeType::slash_commands;
  if (name == "interactive") return SocketModeEnvelopeType::interactive;
  return SocketModeEnvelopeType::other;
}

SocketModeFrame parse(std::string_view text) {
  json frame = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (frame.is_discarded()) return SocketModeMalformed{"frame is not valid JSON"};
  if (!frame.is_object()) return SocketModeMalformed{"frame is not a JSON object"};
  const std::string type = str(frame, "type");
  const std::string envelope_id = str(frame, "envelope_id");

  if (envelope_id.empty()) {
    if (type == "hello") {
      SocketModeHello hello;
      hello.num_connections = static_cast<int>(integer(frame, "num_connections"));
      hello.app_id = str(member(frame, "connection_info"), "app_id");
      const json& debug = member(frame, "debug_info");
      hello.host = str(debug, "host");
      hello.approximate_connection_time = integer(debug, "approximate_connection_time");
      return hello;
    }
    if (type == "disconnect") return SocketModeDisconnect{str(frame, "reason")};
    if (type.empty()) return SocketModeMalformed{"frame has neither a type nor an envelope_id"};
    return SocketModeUnknownFrame{type};
  }

  SocketModeEnvelope env;
  env.envelope_id = envelope_id;
  env.type_name = type;
  env.type = envelope_type(type);
  const json& accepts = member(frame, "accepts_response_payload");
  env.accepts_response_payload = accepts.is_boolean() && accepts.get<bool>();
  const std::int64_t retry = integer(frame, "retry_attempt");
  env.retry_attempt = retry < 0 ? 0 : retry > 1000 ? 1000 : static_cast<int>(retry);
  env.retry_reason = str(frame, "retry_reason");
  const json& payload = member(frame, "payload");
  switch (env.type) {
    case SocketModeEnvelopeType::events_api:
      env.request = parse_events_api_json(payload, env.retry_attempt, env.retry_reason);
      break;
    case SocketModeEnvelopeType::slash_commands:
      env.request = parse_slash_command_json(payload);
      break;
    case SocketModeEnvelopeType::interactive: env.request = parse_interactive_json(payload); break;
    case SocketModeEnvelopeType::other: env.request = UnknownPayload{type}; break;
  }
  return env;
}

}  // namespace

SocketModeFrame parse_socket_mode_frame(std::string_view text) noexcept {
  try {
    return parse(text);
  } catch (const std::exception& e) {
    // Only allocation failure can get here; still never escape an adapter.
    return SocketModeMalformed{std::string("internal error: ") + e.what()};
  } catch (...) {
    return SocketModeMalformed{"internal error"};
  }
}

std::string_view to_string(SocketModeEnvelopeType type) noexcept {
  switch (type) {
    case SocketModeEnvelopeType::events_api: return "events_api";
    case SocketModeEnvelopeType::slash_commands: return "slash_commands";
    case SocketModeEnvelopeType::interactive: return "interactive";
    case SocketModeEnvelopeType::other: return "other";
  }
  return "other";
}

std::string socket_mode_ack(std::string_view envelope_id, const nlohmann::json* payload) {
  json ack = json::object();
  ack["envelope_id"] = std::string(envelope_id);
  if (payload && !payload->is_null()) ack["payload"] = *payload;
  return ack.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace rolecall
