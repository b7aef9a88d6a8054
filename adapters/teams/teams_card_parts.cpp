#include "adapters/teams/teams_card_parts.hpp"

#include "core/utc_date.hpp"
#include "core/utf8.hpp"

namespace rolecall {

nlohmann::json teams_card_skeleton() {
  return {{"type", "AdaptiveCard"},
          {"$schema", "http://adaptivecards.io/schemas/adaptive-card.json"},
          {"version", "1.4"},
          {"body", nlohmann::json::array()}};
}

nlohmann::json teams_reply_envelope(std::string text, nlohmann::json card) {
  return {{"type", "message"},
          {"text", std::move(text)},
          {"attachments", nlohmann::json::array({{{"contentType", kTeamsAdaptiveContentType},
                                                  {"content", std::move(card)}}})}};
}

nlohmann::json teams_workflow_envelope(nlohmann::json card) {
  return {{"type", "message"},
          {"attachments", nlohmann::json::array({{{"contentType", kTeamsAdaptiveContentType},
                                                  {"contentUrl", nullptr},
                                                  {"content", std::move(card)}}})}};
}

const nlohmann::json* teams_card_of(const nlohmann::json& envelope) {
  if (!envelope.is_object()) return nullptr;
  const auto attachments = envelope.find("attachments");
  if (attachments == envelope.end() || !attachments->is_array() || attachments->empty())
    return nullptr;
  const auto& first = (*attachments)[0];
  if (!first.is_object() || !first.contains("content")) return nullptr;
  return &first["content"];
}

std::string escape_teams_markdown(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 8);
  for (char c : text) {
    switch (c) {
      case '\\':
      case '*':
      case '_':
      case '[':
      case ']':
      case '`':
      case '~':
      case '<':
      case '>':
        out += '\\';
        out += c;
        break;
      case '\r':
      case '\n': out += ' '; break;
      default: out += c;
    }
  }
  return out;
}

std::string teams_markdown_link(std::string_view url, std::string_view label) {
  const std::string escaped = escape_teams_markdown(valid_utf8(label));
  const bool web = url.rfind("https://", 0) == 0 || url.rfind("http://", 0) == 0;
  if (!web) return escaped;
  std::string target;
  for (char c : valid_utf8(url)) {
    switch (c) {
      case ' ': target += "%20"; break;
      case '(': target += "%28"; break;
      case ')': target += "%29"; break;
      case '\n':
      case '\r':
      case '\t': break;
      default: target += c;
    }
  }
  return "[" + escaped + "](" + target + ")";
}

std::string truncate_utf8(std::string_view text, std::size_t max_bytes) {
  if (text.size() <= max_bytes) return std::string(text);
  constexpr std::string_view ellipsis = "\xe2\x80\xa6";
  std::size_t cut = max_bytes > ellipsis.size() ? max_bytes - ellipsis.size() : 0;
  // Back off continuation bytes so a character is never split.
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  std::string out(text.substr(0, cut));
  while (!out.empty() && out.back() == ' ') out.pop_back();
  out += ellipsis;
  return out;
}

std::string teams_format_date(std::int64_t epoch_seconds) {
  return epoch_seconds == 0 ? std::string() : utc_date(epoch_seconds);
}

bool is_web_url(std::string_view url) noexcept {
  const auto has_host_after = [&](std::string_view scheme) {
    return url.size() > scheme.size() && url.substr(0, scheme.size()) == scheme;
  };
  if (url.find_first_of(" \t\r\n\"<>") != std::string_view::npos) return false;
  return has_host_after("https://") || has_host_after("http://");
}

nlohmann::json text_block(std::string text, bool wrap) {
  nlohmann::json tb = {{"type", "TextBlock"}, {"text", std::move(text)}};
  if (wrap) tb["wrap"] = true;
  return tb;
}

nlohmann::json fact(std::string title, std::string value) {
  return {{"title", std::move(title)}, {"value", std::move(value)}};
}

}  // namespace rolecall
