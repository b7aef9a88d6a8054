#pragma once
// Getting a Socket Mode connection URL: `apps.connections.open` (called with
// the app-level token, xapp-…) answers {"ok":true,"url":"wss://…"}. The URL
// is single-use and short-lived: fetch a fresh one for every (re)connect.
//
// Only wss:// is accepted, except ws:// to a loopback host (127.0.0.0/8,
// ::1, localhost), which the tests' fake Socket Mode server uses. The URL
// carries a ticket: log its host, never the whole URL.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "adapters/slack/slack_web_api.hpp"

namespace rolecall {

struct SocketModeUrl {
  bool tls = true;        // wss://
  std::string host;       // as in the URL; IPv6 without brackets
  std::string port;       // "443" / "80" when the URL has none
  std::string target;     // path and query, e.g. "/link/?ticket=…&app_id=…"
  bool loopback = false;  // host is a loopback address or "localhost"

  // The Host header value: host, bracketed when IPv6, with ":port" when the
  // port is not the scheme's default.
  std::string host_header() const;
};

struct SocketModeUrlCheck {
  std::optional<SocketModeUrl> url;  // set when acceptable
  std::string error;                 // why not (never contains the URL's query)
};

// Parses and checks a Socket Mode URL. Never throws.
SocketModeUrlCheck parse_socket_mode_url(std::string_view url) noexcept;

// True for "localhost", IPv4 127.0.0.0/8 and IPv6 ::1 (with or without brackets).
bool is_loopback_host(std::string_view host) noexcept;

struct ConnectionsOpenResult {
  std::optional<SocketModeUrl> url;  // set on success
  // On failure: Slack's error code ("invalid_auth", "not_allowed_token_type"),
  // "http_503", "network: …", or why the URL was refused.
  std::string error;
  // The token or app is refused (invalid_auth, token_revoked,
  // not_allowed_token_type, missing_scope, other 4xx): retrying will not help.
  bool permanent = false;
  std::int64_t retry_after = -1;  // seconds (Retry-After), -1 when not given
};

// POST apps.connections.open through `app_api` (a SlackWebApi whose token is
// the app-level token) and classifies the answer. Blocking (the API call's
// own timeout); never throws.
ConnectionsOpenResult open_socket_mode_connection(SlackWebApi& app_api) noexcept;

}  // namespace rolecall
