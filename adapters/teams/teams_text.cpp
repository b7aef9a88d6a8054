#include "adapters/teams/teams_text.hpp"

#include <array>

#include "adapters/teams/teams_activity.hpp"

namespace rolecall {
namespace {

constexpr char ascii_lower(char c) noexcept {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}
constexpr bool is_ascii_alnum(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

bool starts_with_ci(std::string_view s, std::size_t pos, std::string_view prefix) noexcept {
  if (pos > s.size() || s.size() - pos < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if (ascii_lower(s[pos + i]) != prefix[i]) return false;
  }
  return true;
}

bool equals_ci(std::string_view a, std::string_view b) noexcept {
  return a.size() == b.size() && starts_with_ci(a, 0, b);
}

std::size_t find_ci(std::string_view s, std::string_view needle, std::size_t from) noexcept {
  for (std::size_t i = from; i + needle.size() <= s.size(); ++i) {
    if (starts_with_ci(s, i, needle)) return i;
  }
  return std::string_view::npos;
}

// Block tags separate lines; the rest are dropped and their text kept.
constexpr std::array<std::string_view, 12> kBlockTags = {
    "p", "div", "br", "li", "ul", "ol", "blockquote", "pre", "h1", "h2", "h3", "hr"};
constexpr std::array<std::string_view, 13> kInlineTags = {
    "span", "b", "i", "u", "s", "em", "strong", "a", "code", "del", "ins", "small", "img"};

enum class TagKind { none, block, inline_tag };

// `inner` is what stood between '<' and '>': "p", "/div", "br/", "span class=x".
TagKind html_tag(std::string_view inner) {
  const std::size_t p = inner[0] == '/' ? 1 : 0;
  std::size_t e = p;
  while (e < inner.size() && is_ascii_alnum(inner[e])) ++e;
  if (e == p) return TagKind::none;
  if (e < inner.size() && inner[e] != ' ' && inner[e] != '/' && inner[e] != '\t')
    return TagKind::none;
  const std::string_view name = inner.substr(p, e - p);
  for (std::string_view t : kBlockTags) {
    if (equals_ci(name, t)) return TagKind::block;
  }
  for (std::string_view t : kInlineTags) {
    if (equals_ci(name, t)) return TagKind::inline_tag;
  }
  return TagKind::none;
}

std::string collapse_spaces(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    if (c == ' ' && (out.empty() || out.back() == ' ' || out.back() == '\n')) continue;
    if (c == '\n' && !out.empty() && out.back() == ' ') out.pop_back();
    out.push_back(c);
  }
  std::size_t b = 0;
  while (b < out.size() && (out[b] == ' ' || out[b] == '\n' || out[b] == '\t' || out[b] == '\r'))
    ++b;
  std::size_t e = out.size();
  while (e > b &&
         (out[e - 1] == ' ' || out[e - 1] == '\n' || out[e - 1] == '\t' || out[e - 1] == '\r'))
    --e;
  return out.substr(b, e - b);
}

}  // namespace

std::string teams_to_plain(std::string_view text, PlainTextUse use) {
  std::string out;
  out.reserve(text.size());
  std::size_t pending = 0;  // start of text not yet written (entities undecoded)
  auto flush = [&](std::size_t end) {
    out += decode_html_entities(text.substr(pending, end - pending));
  };
  std::size_t i = text.find('<');
  while (i != std::string_view::npos) {
    if (starts_with_ci(text, i, "<at>")) {
      const std::size_t close = find_ci(text, "</at>", i + 4);
      if (close != std::string_view::npos && close - i < 512) {
        flush(i);
        if (use == PlainTextUse::people)
          out += decode_html_entities(text.substr(i + 4, close - i - 4));
        else
          out.push_back(',');
        pending = close + 5;
        i = text.find('<', pending);
        continue;
      }
    }
    std::size_t k = i + 1;
    while (k < text.size() && k - i < 1024 && text[k] != '>' && text[k] != '<' && text[k] != '\n')
      ++k;
    if (k < text.size() && text[k] == '>' && k > i + 1) {
      const TagKind kind = html_tag(text.substr(i + 1, k - i - 1));
      if (kind != TagKind::none) {
        flush(i);
        if (kind == TagKind::block) {
          if (!out.empty() && out.back() != '\n') out.push_back('\n');
        } else if (use == PlainTextUse::classifier) {
          out.push_back(' ');
        }
        pending = k + 1;
        i = text.find('<', pending);
        continue;
      }
    }
    i = text.find('<', i + 1);
  }
  flush(text.size());
  return use == PlainTextUse::people ? collapse_spaces(out) : out;
}

}  // namespace rolecall
