#include "adapters/chat_text.hpp"

#include "adapters/slack/slack_text.hpp"
#include "adapters/teams/teams_text.hpp"

namespace rolecall {

std::optional<ChatMarkup> chat_markup_from_string(std::string_view name) noexcept {
  if (name == "slack") return ChatMarkup::slack;
  if (name == "teams") return ChatMarkup::teams;
  return std::nullopt;
}

ChatMarkup detect_chat_markup(std::string_view text) noexcept {
  for (std::size_t i = text.find('<'); i != std::string_view::npos; i = text.find('<', i + 1)) {
    const std::string_view rest = text.substr(i + 1);
    if (rest.empty()) break;
    if (rest[0] == '@' || rest[0] == '#' || rest[0] == '!') return ChatMarkup::slack;
    for (std::string_view scheme : {"http://", "https://", "mailto:"}) {
      if (rest.substr(0, scheme.size()) == scheme) return ChatMarkup::slack;
    }
  }
  return ChatMarkup::teams;
}

std::string chat_text_to_plain(std::string_view text, ChatMarkup markup, PlainTextUse use) {
  return markup == ChatMarkup::slack ? slack_to_plain(text, use) : teams_to_plain(text, use);
}

std::string chat_text_to_plain(std::string_view text, PlainTextUse use) {
  return chat_text_to_plain(text, detect_chat_markup(text), use);
}

}  // namespace rolecall
