// Fuzz target: the Activity JSON a Teams outgoing webhook POSTs
// (adapters/teams/teams_activity) and the command parser that reads its
// cleaned text (adapters/teams/teams_command). Input: the raw body.
//
// Properties: never throws; a parsed activity is a "message" whose strings
// are valid UTF-8 (they go into cards, JSON replies and the store), including
// the cleaned text after mention removal and entity decoding; an error result
// carries no activity; decode_html_entities and clean_teams_text keep valid
// UTF-8 valid for any text (not only what JSON can carry) and never grow a
// text by more than entity decoding can (at most 4 bytes per reference, each
// at least 4 bytes long); the command parser's text is valid UTF-8.

#include "adapters/teams/teams_activity.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/teams/teams_command.hpp"
#include "fuzz_check.hpp"

namespace {

using namespace rolecall;
using rolecall::fuzz::utf8_ok;

void check_command(const std::string& clean_text) {
  const TeamsCommand command = parse_teams_command(clean_text);
  FUZZ_CHECK(utf8_ok(command.text) || !utf8_ok(clean_text), "command text is not valid UTF-8");
  if (command.routing_id) FUZZ_CHECK(*command.routing_id >= 0, "negative routing id");
  (void)to_string(command.kind);
}

void check_text(std::string_view text, const std::vector<TeamsMention>& mentions,
                std::string_view bot_name) {
  const std::string decoded = decode_html_entities(text);
  const std::string clean = clean_teams_text(text, mentions, bot_name);
  if (utf8_ok(text)) {
    FUZZ_CHECK(utf8_ok(decoded), "decode_html_entities broke valid UTF-8");
    FUZZ_CHECK(utf8_ok(clean), "clean_teams_text broke valid UTF-8");
  }
  FUZZ_CHECK(decoded.size() <= text.size(), "entity decoding made the text longer");
  FUZZ_CHECK(clean.size() <= text.size(), "cleaning made the text longer");
  FUZZ_CHECK(clean.empty() || (clean.front() != ' ' && clean.back() != ' '),
             "clean text is not trimmed");
  check_command(clean);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  for (std::string_view bot_name :
       {std::string_view(), std::string_view("rolecall"), std::string_view("OwnerBot")}) {
    const TeamsActivityResult result = parse_teams_activity(body, bot_name);
    FUZZ_CHECK(result.ok() == (result.error == TeamsActivityError::none),
               "ok() and error disagree");
    (void)to_string(result.error);
    if (!result.ok()) continue;
    const TeamsActivity& a = *result.activity;
    FUZZ_CHECK(a.type == "message", "a parsed activity that is not a message");
    for (const std::string* s :
         {&a.id, &a.text, &a.clean_text, &a.from_id, &a.from_name, &a.from_aad, &a.conversation_id,
          &a.thread_root_id, &a.channel_id, &a.team_id, &a.tenant_id, &a.service_url}) {
      FUZZ_CHECK(utf8_ok(*s), "an activity field is not valid UTF-8");
    }
    for (const auto& m : a.mentions) {
      FUZZ_CHECK(utf8_ok(m.id) && utf8_ok(m.name) && utf8_ok(m.text),
                 "a mention is not valid UTF-8");
    }
    FUZZ_CHECK(a.clean_text == clean_teams_text(a.text, a.mentions, bot_name),
               "clean_text differs from clean_teams_text");
    check_text(a.text, a.mentions, bot_name);
  }
  // Raw bytes straight into the text helpers.
  check_text(body, {}, "rolecall");
  check_text(body, {{"28:x", "rolecall", "<at>rolecall</at>"}}, "");
  return 0;
}
