#include "adapters/slack/slack_text.hpp"

#include <cstdint>

namespace rolecall {

namespace {

void append_unescaped(std::string& out, std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    if (text[i] == '&') {
      if (text.substr(i, 5) == "&amp;") {
        out.push_back('&');
        i += 5;
        continue;
      }
      if (text.substr(i, 4) == "&lt;") {
        out.push_back('<');
        i += 4;
        continue;
      }
      if (text.substr(i, 4) == "&gt;") {
        out.push_back('>');
        i += 4;
        continue;
      }
    }
    out.push_back(text[i++]);
  }
}

// `span` is what stood between '<' and '>'.
void append_span(std::string& out, std::string_view span) {
  std::string_view target = span;
  std::string_view label;
  bool has_label = false;
  if (auto bar = span.find('|'); bar != std::string_view::npos) {
    target = span.substr(0, bar);
    label = span.substr(bar + 1);
    has_label = true;
  }
  if (!target.empty() && (target.front() == '@' || target.front() == '#')) {
    out.push_back(target.front());
    // Labels of user mentions may already carry an '@' in some payloads.
    if (has_label && !label.empty() && label.front() == target.front()) label.remove_prefix(1);
    append_unescaped(out, has_label && !label.empty() ? label : target.substr(1));
    return;
  }
  if (!target.empty() && target.front() == '!') {
    if (has_label && !label.empty()) return append_unescaped(out, label);
    std::string_view name = target.substr(1);
    name = name.substr(0, name.find('^'));
    out.push_back('@');
    append_unescaped(out, name);
    return;
  }
  append_unescaped(out, has_label && !label.empty() ? label : target);
}

// Length of the valid UTF-8 sequence at text[i], or 0 when it is invalid.
std::size_t valid_sequence_length(std::string_view text, std::size_t i) {
  auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  unsigned char c = byte(i);
  if (c < 0x80) return 1;
  std::size_t len;
  std::uint32_t cp;
  if (c >= 0xC2 && c <= 0xDF) {
    len = 2;
    cp = c & 0x1F;
  } else if (c >= 0xE0 && c <= 0xEF) {
    len = 3;
    cp = c & 0x0F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    len = 4;
    cp = c & 0x07;
  } else {
    return 0;
  }
  if (i + len > text.size()) return 0;
  for (std::size_t k = 1; k < len; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (byte(i + k) & 0x3F);
  }
  if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10FFFF ||
      (cp >= 0xD800 && cp <= 0xDFFF)) {
    return 0;
  }
  return len;
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

}  // namespace

std::string slack_to_plain(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t open = text.find('<', i);
    if (open == std::string_view::npos) {
      append_unescaped(out, text.substr(i));
      break;
    }
    std::size_t close = text.find('>', open + 1);
    if (close == std::string_view::npos) {
      append_unescaped(out, text.substr(i));
      break;
    }
    append_unescaped(out, text.substr(i, open - i));
    append_span(out, text.substr(open + 1, close - open - 1));
    i = close + 1;
  }
  return out;
}

std::string strip_leading_mention(std::string_view text, std::string_view bot_user_id) {
  if (bot_user_id.empty()) return std::string(text);
  std::size_t i = 0;
  while (i < text.size() && is_space(text[i])) ++i;
  std::string_view rest = text.substr(i);
  if (rest.substr(0, 2) != "<@" || rest.substr(2, bot_user_id.size()) != bot_user_id) {
    return std::string(text);
  }
  std::size_t after_id = 2 + bot_user_id.size();
  std::size_t end;
  if (rest.substr(after_id, 1) == ">") {
    end = after_id + 1;
  } else if (rest.substr(after_id, 1) == "|") {
    std::size_t close = rest.find('>', after_id);
    if (close == std::string_view::npos) return std::string(text);
    end = close + 1;
  } else {
    return std::string(text);  // a longer id that merely starts with ours
  }
  rest.remove_prefix(end);
  if (!rest.empty() && (rest.front() == ':' || rest.front() == ',')) rest.remove_prefix(1);
  while (!rest.empty() && is_space(rest.front())) rest.remove_prefix(1);
  return std::string(rest);
}

std::string mrkdwn_escape(std::string_view text) {
  std::size_t special = text.find_first_of("&<>");
  if (special == std::string_view::npos) return std::string(text);
  std::string out;
  out.reserve(text.size() + 16);
  while (special != std::string_view::npos) {
    out.append(text.substr(0, special));
    switch (text[special]) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      default: out += "&gt;"; break;
    }
    text.remove_prefix(special + 1);
    special = text.find_first_of("&<>");
  }
  out.append(text);
  return out;
}

namespace {

// Index of the first byte that does not start a valid sequence, or size().
std::size_t first_invalid_utf8(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    // Runs of ASCII (nearly all chat text) skip the sequence decoder.
    if (static_cast<unsigned char>(text[i]) < 0x80) {
      ++i;
      continue;
    }
    const std::size_t len = valid_sequence_length(text, i);
    if (len == 0) return i;
    i += len;
  }
  return i;
}

}  // namespace

bool is_valid_utf8(std::string_view text) noexcept {
  return first_invalid_utf8(text) == text.size();
}

std::string sanitize_utf8(std::string_view text) {
  std::size_t start = first_invalid_utf8(text);
  if (start == text.size()) return std::string(text);
  std::string out;
  out.reserve(text.size() + 2);
  out.append(text, 0, start);
  for (std::size_t i = start; i < text.size();) {
    std::size_t len = valid_sequence_length(text, i);
    if (len == 0) {
      out += "\xEF\xBF\xBD";
      ++i;
    } else {
      out.append(text, i, len);
      i += len;
    }
  }
  return out;
}

}  // namespace rolecall
