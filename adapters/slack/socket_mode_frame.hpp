#pragma once
// Slack Socket Mode text frames (shared/platforms/slack.md §7), parsed into
// values, and the acknowledgements rolecall sends back. Bytes in, values
// out: no sockets here (the connection is daemon/slack_socket_mode_client).
//
// Frames Slack sends:
//   {"type":"hello", "num_connections":N, …}            -> SocketModeHello
//   {"type":"disconnect", "reason":"refresh_requested"}  -> SocketModeDisconnect
//   {"envelope_id":…, "type":"events_api" | "slash_commands" | "interactive",
//    "payload":{…}, "accepts_response_payload":b, "retry_attempt":n,
//    "retry_reason":"…"}                                 -> SocketModeEnvelope
// The envelope's payload is the JSON the HTTP endpoint would have received
// (for slash commands: the form's fields as JSON strings), parsed by the
// same code as the HTTP path (slack_request.hpp), so the application code
// above sees the same SlackRequest values whichever transport brought them.
//
// parse_socket_mode_frame never throws: bad input becomes
// SocketModeMalformed. Socket Mode frames are not signed; their
// authenticity comes from the app-level token and TLS.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "adapters/slack/slack_request.hpp"

namespace rolecall {

struct SocketModeHello {
  int num_connections = 0;                       // the app's open connections, as Slack counts them
  std::string app_id;                            // connection_info.app_id
  std::string host;                              // debug_info.host (which Slack server)
  std::int64_t approximate_connection_time = 0;  // seconds Slack expects to keep it
};

struct SocketModeDisconnect {
  // "refresh_requested" (routine recycle), "warning" (closing soon),
  // "link_disabled" (Socket Mode turned off for the app),
  // "too_many_websockets" (more than Slack allows per app), or another
  // reason Slack adds later.
  std::string reason;
};

enum class SocketModeEnvelopeType { events_api, slash_commands, interactive, other };

struct SocketModeEnvelope {
  std::string envelope_id;  // echoed in the ack; never empty
  SocketModeEnvelopeType type = SocketModeEnvelopeType::other;
  std::string type_name;                  // as sent ("events_api", or an unknown type)
  bool accepts_response_payload = false;  // the ack may carry a reply (slash commands)
  int retry_attempt = 0;                  // 0 on the first delivery
  std::string retry_reason;               // "timeout", … ("" on the first delivery)
  // The payload parsed like the HTTP body: EventCallback, AppRateLimited,
  // SlashCommand, BlockActions, UnknownPayload (other types) or Malformed.
  SlackRequest request;
};

struct SocketModeMalformed {
  std::string reason;
};

// A well-formed frame of a type rolecall does not know and that carries no
// envelope_id (nothing to acknowledge).
struct SocketModeUnknownFrame {
  std::string type;
};

using SocketModeFrame = std::variant<SocketModeHello, SocketModeDisconnect, SocketModeEnvelope,
                                     SocketModeUnknownFrame, SocketModeMalformed>;

// Parses one text frame. Never throws.
SocketModeFrame parse_socket_mode_frame(std::string_view text) noexcept;

std::string_view to_string(SocketModeEnvelopeType type) noexcept;

// The acknowledgement of an envelope: {"envelope_id":"…"}, plus
// "payload":{…} when `payload` is given (the immediate reply to a slash
// command, only for envelopes with accepts_response_payload). Invalid UTF-8
// in the payload is replaced, never thrown on.
std::string socket_mode_ack(std::string_view envelope_id, const nlohmann::json* payload = nullptr);

}  // namespace rolecall
