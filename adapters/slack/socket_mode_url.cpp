#include "adapters/slack/socket_mode_url.hpp"

#include <algorithm>
#include <cctype>
#include <vector>

namespace rolecall {

namespace {

bool lower_equals(std::string_view text, std::string_view lower) {
  if (text.size() != lower.size()) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(text[i])) != lower[i]) return false;
  }
  return true;
}

// A dotted quad whose first byte is 127.
bool is_ipv4_loopback(std::string_view host) {
  int parts = 0;
  std::size_t i = 0;
  int first = -1;
  while (i <= host.size()) {
    std::size_t end = host.find('.', i);
    if (end == std::string_view::npos) end = host.size();
    std::string_view part = host.substr(i, end - i);
    if (part.empty() || part.size() > 3) return false;
    int value = 0;
    for (char c : part) {
      if (c < '0' || c > '9') return false;
      value = value * 10 + (c - '0');
    }
    if (value > 255) return false;
    if (parts == 0) first = value;
    ++parts;
    i = end + 1;
    if (end == host.size()) break;
  }
  return parts == 4 && first == 127;
}

// Splits IPv6 groups ("a:b:c"); false when a group is not 1-4 hex digits.
bool ipv6_groups(std::string_view text, std::vector<unsigned>& out) {
  if (text.empty()) return true;
  std::size_t i = 0;
  while (true) {
    std::size_t end = text.find(':', i);
    if (end == std::string_view::npos) end = text.size();
    std::string_view g = text.substr(i, end - i);
    if (g.empty() || g.size() > 4) return false;
    unsigned value = 0;
    for (char c : g) {
      if (!std::isxdigit(static_cast<unsigned char>(c))) return false;
      value = value * 16 + static_cast<unsigned>(std::isdigit(static_cast<unsigned char>(c))
                                                     ? c - '0'
                                                     : std::tolower(c) - 'a' + 10);
    }
    out.push_back(value);
    if (end == text.size()) return true;
    i = end + 1;
  }
}

// ::1 in any spelling ("::1", "0:0:0:0:0:0:0:1", "::0001").
bool is_ipv6_loopback(std::string_view host) {
  std::vector<unsigned> head, tail;
  const auto gap = host.find("::");
  if (gap == std::string_view::npos) {
    if (!ipv6_groups(host, head) || head.size() != 8) return false;
  } else {
    if (!ipv6_groups(host.substr(0, gap), head) || !ipv6_groups(host.substr(gap + 2), tail) ||
        head.size() + tail.size() > 7) {
      return false;
    }
    head.resize(8 - tail.size(), 0);
    head.insert(head.end(), tail.begin(), tail.end());
  }
  for (std::size_t i = 0; i < 7; ++i)
    if (head[i] != 0) return false;
  return head[7] == 1;
}

SocketModeUrlCheck check(std::string_view url) {
  SocketModeUrlCheck out;
  SocketModeUrl u;
  std::string_view rest;
  if (url.size() > 6 && lower_equals(url.substr(0, 6), "wss://")) {
    u.tls = true;
    rest = url.substr(6);
  } else if (url.size() > 5 && lower_equals(url.substr(0, 5), "ws://")) {
    u.tls = false;
    rest = url.substr(5);
  } else {
    const auto colon = url.find(':');
    out.error = "the URL's scheme is not wss://" +
                (colon == std::string_view::npos || colon > 10
                     ? std::string()
                     : " (got " + std::string(url.substr(0, colon)) + "://)");
    return out;
  }
  if (std::any_of(url.begin(), url.end(), [](unsigned char c) { return c <= ' ' || c == 0x7f; })) {
    out.error = "the URL contains spaces or control characters";
    return out;
  }
  const std::size_t path_start = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, path_start);
  std::string_view target =
      path_start == std::string_view::npos ? std::string_view("/") : rest.substr(path_start);
  if (authority.find('@') != std::string_view::npos) {
    out.error = "the URL must not carry user information";
    return out;
  }
  std::string_view host, port;
  if (!authority.empty() && authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) {
      out.error = "the URL's IPv6 host has no closing ]";
      return out;
    }
    host = authority.substr(1, close - 1);
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') {
        out.error = "the URL's host is malformed";
        return out;
      }
      port = after.substr(1);
    }
  } else {
    const auto colon = authority.find(':');
    host = authority.substr(0, colon);
    if (colon != std::string_view::npos) port = authority.substr(colon + 1);
  }
  if (host.empty()) {
    out.error = "the URL has no host";
    return out;
  }
  if (!port.empty()) {
    if (port.size() > 5 ||
        !std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; }) ||
        std::stoul(std::string(port)) == 0 || std::stoul(std::string(port)) > 65535) {
      out.error = "the URL's port is not a number from 1 to 65535";
      return out;
    }
  }
  u.host = std::string(host);
  u.port = port.empty() ? (u.tls ? "443" : "80") : std::string(port);
  u.target = std::string(target);
  if (u.target.front() != '/') u.target.insert(0, "/");
  if (const auto hash = u.target.find('#'); hash != std::string::npos) u.target.erase(hash);
  u.loopback = is_loopback_host(u.host);
  if (!u.tls && !u.loopback) {
    out.error =
        "ws:// (without TLS) is accepted only for loopback hosts; " + u.host + " needs wss://";
    return out;
  }
  out.url = std::move(u);
  return out;
}

bool permanent_error(const std::string& code) {
  static constexpr std::string_view codes[] = {"invalid_auth",
                                               "not_authed",
                                               "account_inactive",
                                               "token_revoked",
                                               "token_expired",
                                               "no_permission",
                                               "missing_scope",
                                               "not_allowed_token_type",
                                               "invalid_token",
                                               "app_not_found",
                                               "org_login_required",
                                               "ekm_access_denied",
                                               "team_access_not_granted",
                                               "two_factor_setup_required"};
  return std::find(std::begin(codes), std::end(codes), code) != std::end(codes);
}

}  // namespace

std::string SocketModeUrl::host_header() const {
  std::string out = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  if (port != (tls ? "443" : "80")) out += ":" + port;
  return out;
}

bool is_loopback_host(std::string_view host) noexcept {
  if (!host.empty() && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  return lower_equals(host, "localhost") || is_ipv4_loopback(host) || is_ipv6_loopback(host);
}

SocketModeUrlCheck parse_socket_mode_url(std::string_view url) noexcept {
  try {
    return check(url);
  } catch (...) {
    SocketModeUrlCheck out;
    out.error = "internal error";
    return out;
  }
}

ConnectionsOpenResult open_socket_mode_connection(SlackWebApi& app_api) noexcept {
  ConnectionsOpenResult out;
  try {
    SlackApiResult r = app_api.call("apps.connections.open", nlohmann::json::object());
    out.retry_after = r.retry_after;
    if (r.http_status == 0) {
      out.error = "network: " + r.network_error;
      return out;
    }
    if (r.http_status == 429 || r.http_status >= 500) {
      out.error = r.error().empty() ? "http_" + std::to_string(r.http_status) : r.error();
      return out;
    }
    if (!r.ok()) {
      out.error = r.error();
      if (out.error.empty()) out.error = "http_" + std::to_string(r.http_status);
      out.permanent = permanent_error(out.error) ||
                      (r.http_status >= 400 && r.http_status < 500 && r.error().empty());
      return out;
    }
    auto it = r.body.find("url");
    if (it == r.body.end() || !it->is_string()) {
      out.error = "apps.connections.open returned no url";
      return out;
    }
    SocketModeUrlCheck url = parse_socket_mode_url(it->get_ref<const std::string&>());
    if (!url.url) {
      out.error = "apps.connections.open returned an unusable URL: " + url.error;
      return out;
    }
    out.url = std::move(url.url);
  } catch (const std::exception& e) {
    out = ConnectionsOpenResult{};
    out.error = std::string("internal error: ") + e.what();
  }
  return out;
}

}  // namespace rolecall
