#include "adapters/teams/teams_command.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <vector>

namespace rolecall {
namespace {

bool is_space(char c) noexcept { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string_view trim(std::string_view s) noexcept {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

// Leading characters people type before a command ("- ack", ": help", "/decision").
bool is_leading_punct(char c) noexcept {
  switch (c) {
    case ',':
    case ':':
    case ';':
    case '-':
    case '/':
    case '!':
    case '.':
    case '*':
    case '>':
    case '@':
    case '~': return true;
    default: return is_space(c);
  }
}

std::vector<std::string_view> split_words(std::string_view s) {
  std::vector<std::string_view> words;
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && is_space(s[i])) ++i;
    const std::size_t start = i;
    while (i < s.size() && !is_space(s[i])) ++i;
    if (i > start) words.push_back(s.substr(start, i - start));
  }
  return words;
}

std::optional<std::int64_t> parse_routing_id(std::string_view word) {
  if (!word.empty() && word.front() == '#') word.remove_prefix(1);
  if (word.empty() || word.size() > 18) return std::nullopt;
  std::int64_t value = 0;
  const auto [ptr, ec] = std::from_chars(word.data(), word.data() + word.size(), value);
  if (ec != std::errc{} || ptr != word.data() + word.size() || value <= 0) return std::nullopt;
  return value;
}

// The arguments after ack / dismiss / reassign: an optional routing id, an
// optional role (reassign only), and filler words. nullopt when anything else
// is there, because then the message is probably not a command.
struct CommandArgs {
  std::optional<std::int64_t> routing_id;
  std::optional<Role> role;
};

std::optional<CommandArgs> parse_args(const std::vector<std::string>& words, std::size_t from,
                                      bool allow_role) {
  static constexpr std::array<std::string_view, 8> filler = {"to", "the",  "a",    "please",
                                                             "it", "this", "that", "one"};
  CommandArgs args;
  for (std::size_t i = from; i < words.size(); ++i) {
    const std::string& w = words[i];
    if (auto id = parse_routing_id(w)) {
      if (args.routing_id) return std::nullopt;
      args.routing_id = id;
      continue;
    }
    if (allow_role && !args.role) {
      if (w == "po") {
        args.role = Role::product_owner;
        continue;
      }
      if (w == "pm") {
        args.role = Role::product_manager;
        continue;
      }
      if (w == "product" && i + 1 < words.size() &&
          (words[i + 1] == "owner" || words[i + 1] == "manager")) {
        args.role = words[i + 1] == "owner" ? Role::product_owner : Role::product_manager;
        ++i;
        continue;
      }
    }
    if (std::find(filler.begin(), filler.end(), w) != filler.end()) continue;
    return std::nullopt;
  }
  return args;
}

// Text after the first `n_words` words of `text` (original case), without the
// separators people put after the keyword ("decision: X", "decision - X").
std::string rest_after(std::string_view text, std::size_t n_words) {
  std::size_t i = 0;
  for (std::size_t w = 0; w < n_words; ++w) {
    while (i < text.size() && is_space(text[i])) ++i;
    while (i < text.size() && !is_space(text[i])) ++i;
  }
  std::string_view rest = text.substr(i);
  while (!rest.empty() && (is_space(rest.front()) || rest.front() == ':' || rest.front() == '-'))
    rest.remove_prefix(1);
  return std::string(trim(rest));
}

}  // namespace

std::string_view to_string(TeamsCommandKind kind) noexcept {
  switch (kind) {
    case TeamsCommandKind::help: return "help";
    case TeamsCommandKind::decision: return "decision";
    case TeamsCommandKind::decisions: return "decisions";
    case TeamsCommandKind::reassign: return "reassign";
    case TeamsCommandKind::ack: return "ack";
    case TeamsCommandKind::dismiss: return "dismiss";
    case TeamsCommandKind::message: return "message";
  }
  return "message";
}

TeamsCommand parse_teams_command(std::string_view clean_text) {
  std::string_view text = trim(clean_text);
  while (!text.empty() && is_leading_punct(text.front())) text.remove_prefix(1);
  text = trim(text);

  TeamsCommand cmd;
  cmd.text = std::string(text);
  if (text.empty()) {
    cmd.kind = TeamsCommandKind::help;
    return cmd;
  }

  // Keyword matching ignores trailing ".!" ("ack!", "help.") and a colon glued
  // to the keyword ("decision:").
  std::string_view keyword_view = text;
  while (!keyword_view.empty() && (keyword_view.back() == '.' || keyword_view.back() == '!'))
    keyword_view.remove_suffix(1);
  std::vector<std::string> words;
  for (std::string_view w : split_words(keyword_view)) words.push_back(lower(w));
  if (words.empty()) {
    cmd.kind = TeamsCommandKind::help;
    return cmd;
  }
  std::string first = words[0];
  const bool colon_after_first = !first.empty() && first.back() == ':';
  if (colon_after_first) first.pop_back();

  if ((first == "help" || first == "?" || first == "commands") && words.size() == 1) {
    cmd.kind = TeamsCommandKind::help;
    return cmd;
  }

  if (first == "decision" || ((first == "decide" || first == "decided") && colon_after_first)) {
    std::string rest = rest_after(text, 1);
    if (!rest.empty() && rest.back() == '?') return cmd;  // "decision rights: who owns X?"
    cmd.kind = TeamsCommandKind::decision;
    cmd.text = std::move(rest);
    return cmd;
  }

  if (first == "decisions" || (first == "list" && words.size() >= 2 && words[1] == "decisions")) {
    std::size_t skip = first == "list" ? 2 : 1;
    if (first == "decisions" && words.size() >= 2 && words[1] == "list") skip = 2;
    cmd.kind = TeamsCommandKind::decisions;
    cmd.text = rest_after(keyword_view, skip);
    return cmd;
  }

  const auto command_with_args = [&](TeamsCommandKind kind, std::size_t from, bool allow_role) {
    const auto args = parse_args(words, from, allow_role);
    if (!args) return false;
    cmd.kind = kind;
    cmd.text.clear();
    cmd.routing_id = args->routing_id;
    cmd.reassign_to = args->role;
    return true;
  };

  if (first == "reassign" && command_with_args(TeamsCommandKind::reassign, 1, true)) return cmd;
  if ((first == "ack" || first == "acknowledge" || first == "acknowledged") &&
      command_with_args(TeamsCommandKind::ack, 1, false))
    return cmd;
  if (first == "dismiss" && command_with_args(TeamsCommandKind::dismiss, 1, false)) return cmd;
  if (first == "not" && words.size() >= 3 && words[1] == "a" && words[2] == "request" &&
      command_with_args(TeamsCommandKind::dismiss, 3, false))
    return cmd;

  return cmd;  // a message to classify, text as typed
}

}  // namespace rolecall
