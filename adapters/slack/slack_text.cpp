#include "adapters/slack/slack_text.hpp"

#include <cstdint>

#include "core/utf8.hpp"

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

bool is_link_target(std::string_view target) {
  for (std::string_view scheme : {"http://", "https://", "mailto:", "tel:", "ftp://"}) {
    if (target.substr(0, scheme.size()) == scheme) return true;
  }
  return false;
}

// `span` is what stood between '<' and '>'.
void append_span(std::string& out, std::string_view span, PlainTextUse use) {
  std::string_view target = span;
  std::string_view label;
  bool has_label = false;
  if (auto bar = span.find('|'); bar != std::string_view::npos) {
    target = span.substr(0, bar);
    label = span.substr(bar + 1);
    has_label = true;
  }
  if (use == PlainTextUse::classifier) {
    // A mention, channel or link stands apart from the words around it:
    // "<link|APP-77> can we…" must still see "can we" at a clause start.
    if (!target.empty() &&
        (target.front() == '@' || target.front() == '#' || target.front() == '!')) {
      out.push_back(',');
      return;
    }
    if (is_link_target(target)) {
      out.push_back(',');
      if (has_label && !label.empty()) {
        append_unescaped(out, label);
        out.push_back(',');
      }
      return;
    }
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

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

}  // namespace

std::string slack_to_plain(std::string_view text, PlainTextUse use) {
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
    append_span(out, text.substr(open + 1, close - open - 1), use);
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
  // A plain loop: string_view::find_first_of tests each byte with a memchr
  // over the set, several times slower on the texts of every reply.
  const auto special = [](char c) { return c == '&' || c == '<' || c == '>'; };
  std::size_t i = 0;
  while (i < text.size() && !special(text[i])) ++i;
  if (i == text.size()) return std::string(text);
  std::string out;
  out.reserve(text.size() + 16);
  out.append(text.substr(0, i));
  for (; i < text.size(); ++i) {
    switch (text[i]) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      default: out.push_back(text[i]);
    }
  }
  return out;
}

std::string mrkdwn_link(std::string_view url, std::string_view label) {
  const std::string escaped_label = mrkdwn_escape(valid_utf8(label));
  const bool web = url.rfind("https://", 0) == 0 || url.rfind("http://", 0) == 0;
  if (!web) return escaped_label;
  std::string target;
  for (char c : valid_utf8(url)) {
    // '|' would end the URL early; whitespace would end the link.
    if (c == '|') {
      target += "%7C";
    } else if (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
      target += "%20";
    } else {
      target += c;
    }
  }
  return "<" + mrkdwn_escape(target) + "|" + escaped_label + ">";
}

}  // namespace rolecall
