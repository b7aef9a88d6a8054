#include "adapters/teams/teams_activity.hpp"

#include <cstdint>
#include <nlohmann/json.hpp>

#include "adapters/teams/teams_text.hpp"

namespace rolecall {
namespace {

using nlohmann::json;

// A string field at a JSON pointer-like path; "" when absent or not a string
// (parse defensively: field presence in real traffic varies).
std::string str_at(const json& j, std::initializer_list<std::string_view> path) {
  const json* cur = &j;
  for (std::string_view key : path) {
    if (!cur->is_object()) return {};
    auto it = cur->find(key);
    if (it == cur->end()) return {};
    cur = &*it;
  }
  if (cur->is_string()) return cur->get<std::string>();
  if (cur->is_number_integer() || cur->is_number_unsigned()) return cur->dump();
  return {};
}

char lower_ascii(char c) noexcept {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (lower_ascii(a[i]) != lower_ascii(b[i])) return false;
  }
  return true;
}

std::string_view trim(std::string_view s) noexcept {
  while (!s.empty() &&
         (s.front() == ' ' || s.front() == '\t' || s.front() == '\n' || s.front() == '\r'))
    s.remove_prefix(1);
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\t' || s.back() == '\n' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

// One <at …>inner</at> tag found in the text.
struct AtTag {
  std::size_t begin = 0;  // index of '<'
  std::size_t end = 0;    // one past '>' of "</at>"
  std::string_view inner;
};

// Finds the next <at> tag starting at `from`. Accepts attributes on the opening
// tag ("<at id=\"0\">") and any letter case.
std::optional<AtTag> next_at_tag(std::string_view text, std::size_t from) {
  while (from < text.size()) {
    const std::size_t lt = text.find('<', from);
    if (lt == std::string_view::npos || lt + 3 >= text.size()) return std::nullopt;
    const bool opens = lower_ascii(text[lt + 1]) == 'a' && lower_ascii(text[lt + 2]) == 't' &&
                       (text[lt + 3] == '>' || text[lt + 3] == ' ');
    if (!opens) {
      from = lt + 1;
      continue;
    }
    const std::size_t gt = text.find('>', lt + 3);
    if (gt == std::string_view::npos) return std::nullopt;
    // Closing tag, case-insensitive.
    std::size_t search = gt + 1;
    while (true) {
      const std::size_t close = text.find("</", search);
      if (close == std::string_view::npos || close + 5 > text.size()) return std::nullopt;
      if (iequals(text.substr(close, 5), "</at>")) {
        return AtTag{lt, close + 5, text.substr(gt + 1, close - gt - 1)};
      }
      search = close + 2;
    }
  }
  return std::nullopt;
}

std::string_view inner_of_markup(std::string_view markup) {
  auto tag = next_at_tag(markup, 0);
  return tag ? tag->inner : std::string_view{};
}

void append_utf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

std::optional<std::uint32_t> parse_numeric_reference(std::string_view body) {
  // body is what lies between "&#" and ";".
  bool hex = false;
  if (!body.empty() && (body.front() == 'x' || body.front() == 'X')) {
    hex = true;
    body.remove_prefix(1);
  }
  if (body.empty() || body.size() > 8) return std::nullopt;
  std::uint32_t cp = 0;
  for (char c : body) {
    std::uint32_t digit = 0;
    if (c >= '0' && c <= '9') {
      digit = static_cast<std::uint32_t>(c - '0');
    } else if (hex && lower_ascii(c) >= 'a' && lower_ascii(c) <= 'f') {
      digit = static_cast<std::uint32_t>(lower_ascii(c) - 'a' + 10);
    } else {
      return std::nullopt;
    }
    cp = cp * (hex ? 16 : 10) + digit;
  }
  if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return std::nullopt;
  return cp;
}

bool is_space_at(std::string_view s, std::size_t i, std::size_t& width) {
  const unsigned char c = static_cast<unsigned char>(s[i]);
  if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
    width = 1;
    return true;
  }
  // U+00A0 NO-BREAK SPACE, as Teams sometimes sends it.
  if (c == 0xC2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0xA0) {
    width = 2;
    return true;
  }
  return false;
}

std::string collapse_whitespace(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  bool pending_space = false;
  for (std::size_t i = 0; i < s.size();) {
    std::size_t width = 0;
    if (is_space_at(s, i, width)) {
      pending_space = !out.empty();
      i += width;
      continue;
    }
    if (pending_space) out += ' ';
    pending_space = false;
    out += s[i];
    ++i;
  }
  return out;
}

}  // namespace

std::string_view to_string(TeamsActivityError error) noexcept {
  switch (error) {
    case TeamsActivityError::none: return "none";
    case TeamsActivityError::malformed_json: return "malformed_json";
    case TeamsActivityError::not_an_object: return "not_an_object";
    case TeamsActivityError::missing_text: return "missing_text";
    case TeamsActivityError::not_a_message: return "not_a_message";
  }
  return "malformed_json";
}

std::string decode_html_entities(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    if (text[i] != '&') {
      out += text[i++];
      continue;
    }
    const std::size_t semi = text.find(';', i + 1);
    // Entity names and references are short; a far ';' means a bare '&'.
    if (semi == std::string_view::npos || semi - i > 12) {
      out += text[i++];
      continue;
    }
    const std::string_view name = text.substr(i + 1, semi - i - 1);
    std::optional<std::uint32_t> cp;
    if (name == "amp")
      cp = '&';
    else if (name == "lt")
      cp = '<';
    else if (name == "gt")
      cp = '>';
    else if (name == "quot")
      cp = '"';
    else if (name == "apos")
      cp = '\'';
    else if (name == "nbsp")
      cp = ' ';
    else if (name == "ndash")
      cp = 0x2013;
    else if (name == "mdash")
      cp = 0x2014;
    else if (name == "hellip")
      cp = 0x2026;
    else if (!name.empty() && name.front() == '#')
      cp = parse_numeric_reference(name.substr(1));
    if (!cp) {
      out += text[i++];
      continue;
    }
    append_utf8(out, *cp == 0xA0 ? ' ' : *cp);
    i = semi + 1;
  }
  return out;
}

std::string clean_teams_text(std::string_view text, const std::vector<TeamsMention>& mentions,
                             std::string_view bot_name, PlainTextUse use) {
  // Decide which inner name is the webhook's own.
  std::optional<std::string> own_inner;
  const std::string_view configured = trim(bot_name);
  if (!configured.empty()) {
    for (auto tag = next_at_tag(text, 0); tag; tag = next_at_tag(text, tag->end)) {
      if (iequals(trim(tag->inner), configured)) {
        own_inner = std::string(trim(tag->inner));
        break;
      }
    }
  }
  if (!own_inner) {
    for (const auto& m : mentions) {
      if (m.id.rfind("28:", 0) != 0) continue;
      const std::string_view inner = trim(inner_of_markup(m.text));
      if (inner.empty()) continue;
      for (auto tag = next_at_tag(text, 0); tag; tag = next_at_tag(text, tag->end)) {
        if (iequals(trim(tag->inner), inner)) {
          own_inner = std::string(inner);
          break;
        }
      }
      if (own_inner) break;
    }
  }
  const bool strip_first_only = !own_inner.has_value();

  std::string stripped;
  stripped.reserve(text.size());
  std::size_t pos = 0;
  bool removed_one = false;
  for (auto tag = next_at_tag(text, 0); tag; tag = next_at_tag(text, tag->end)) {
    stripped.append(text.substr(pos, tag->begin - pos));
    const bool is_own = strip_first_only ? !removed_one : iequals(trim(tag->inner), *own_inner);
    if (is_own) {
      removed_one = true;
      stripped += ' ';
    } else if (use == PlainTextUse::people) {
      stripped.append(tag->inner);
    } else {
      stripped += ',';
    }
    pos = tag->end;
  }
  stripped.append(text.substr(pos));

  // The rest of the HTML (tags, entities, any <at> left) in the same pass.
  if (use == PlainTextUse::classifier) return teams_to_plain(stripped, use);
  std::string clean = collapse_whitespace(teams_to_plain(stripped, use));
  // "<at>Bot</at>, help" leaves ", help": drop the addressing punctuation.
  const std::size_t first = clean.find_first_not_of(",;: ");
  clean.erase(0, first == std::string::npos ? clean.size() : first);
  return clean;
}

std::string_view teams_thread_root(const TeamsActivity& activity) noexcept {
  if (activity.thread_root_id.empty() || activity.thread_root_id == activity.id) return {};
  return activity.thread_root_id;
}

TeamsActivityResult parse_teams_activity(std::string_view raw_body, std::string_view bot_name) {
  TeamsActivityResult result;
  const json doc =
      json::parse(raw_body.begin(), raw_body.end(), nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) {
    result.error = TeamsActivityError::malformed_json;
    return result;
  }
  if (!doc.is_object()) {
    result.error = TeamsActivityError::not_an_object;
    return result;
  }
  const auto type = doc.find("type");
  if (type == doc.end() || !type->is_string() || type->get<std::string>() != "message") {
    result.error = TeamsActivityError::not_a_message;
    return result;
  }
  const auto text = doc.find("text");
  if (text == doc.end() || !text->is_string()) {
    result.error = TeamsActivityError::missing_text;
    return result;
  }

  TeamsActivity a;
  a.type = "message";
  a.id = str_at(doc, {"id"});
  a.text = text->get<std::string>();
  a.from_id = str_at(doc, {"from", "id"});
  a.from_name = str_at(doc, {"from", "name"});
  a.from_aad = str_at(doc, {"from", "aadObjectId"});
  a.conversation_id = str_at(doc, {"conversation", "id"});
  constexpr std::string_view marker = ";messageid=";
  if (const auto at = a.conversation_id.find(marker); at != std::string::npos) {
    a.thread_root_id = a.conversation_id.substr(at + marker.size());
  }
  a.channel_id = str_at(doc, {"channelData", "channel", "id"});
  if (a.channel_id.empty()) a.channel_id = str_at(doc, {"channelData", "teamsChannelId"});
  a.team_id = str_at(doc, {"channelData", "team", "id"});
  if (a.team_id.empty()) a.team_id = str_at(doc, {"channelData", "teamsTeamId"});
  a.tenant_id = str_at(doc, {"channelData", "tenant", "id"});
  if (a.tenant_id.empty()) a.tenant_id = str_at(doc, {"conversation", "tenantId"});
  a.service_url = str_at(doc, {"serviceUrl"});

  if (const auto entities = doc.find("entities"); entities != doc.end() && entities->is_array()) {
    for (const auto& e : *entities) {
      if (str_at(e, {"type"}) != "mention") continue;
      a.mentions.push_back(
          {str_at(e, {"mentioned", "id"}), str_at(e, {"mentioned", "name"}), str_at(e, {"text"})});
    }
  }
  a.clean_text = clean_teams_text(a.text, a.mentions, bot_name);
  a.classifier_text = clean_teams_text(a.text, a.mentions, bot_name, PlainTextUse::classifier);
  result.activity = std::move(a);
  return result;
}

}  // namespace rolecall
