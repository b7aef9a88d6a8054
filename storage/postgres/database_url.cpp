#include "storage/postgres/database_url.hpp"

#include <cctype>

namespace rolecall {

namespace {

bool starts_with_ci(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(s[i])) != prefix[i]) return false;
  }
  return true;
}

// Blanks every value of `key` in "key=value" (key/value string) or
// "key=value&..." (URI query) text starting at `from`.
void blank_values(std::string& s, std::string_view key, std::size_t from, bool query) {
  std::size_t pos = from;
  while ((pos = s.find(key, pos)) != std::string::npos) {
    const bool at_start =
        pos == from || (query ? (s[pos - 1] == '&' || s[pos - 1] == '?')
                              : std::isspace(static_cast<unsigned char>(s[pos - 1])));
    std::size_t eq = pos + key.size();
    while (!query && eq < s.size() && s[eq] == ' ') ++eq;
    if (!at_start || eq >= s.size() || s[eq] != '=') {
      pos += key.size();
      continue;
    }
    std::size_t v = eq + 1;
    while (!query && v < s.size() && s[v] == ' ') ++v;
    std::size_t end = v;
    if (query) {
      while (end < s.size() && s[end] != '&') ++end;
    } else if (end < s.size() && s[end] == '\'') {
      ++end;
      while (end < s.size() && s[end] != '\'') end += s[end] == '\\' ? 2 : 1;
      end = end < s.size() ? end + 1 : s.size();
    } else {
      while (end < s.size() && !std::isspace(static_cast<unsigned char>(s[end]))) ++end;
    }
    s.replace(v, end - v, "***");
    pos = v + 3;
  }
}

}  // namespace

std::string redact_database_url(std::string_view url) {
  std::string s(url);
  if (starts_with_ci(s, "postgresql://") || starts_with_ci(s, "postgres://")) {
    const std::size_t authority = s.find("://") + 3;
    std::size_t end = s.find_first_of("/?", authority);
    if (end == std::string::npos) end = s.size();
    const std::size_t at = s.rfind('@', end);
    if (at != std::string::npos && at >= authority) {
      const std::size_t colon = s.find(':', authority);
      if (colon != std::string::npos && colon < at) s.replace(colon + 1, at - colon - 1, "***");
    }
    const std::size_t q = s.find('?');
    if (q != std::string::npos) blank_values(s, "password", q + 1, true);
    return s;
  }
  blank_values(s, "password", 0, false);
  return s;
}

}  // namespace rolecall
