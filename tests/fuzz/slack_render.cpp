// Fuzz target: the Slack renderers given hostile text (adapters/slack:
// slack_messages, digest_blocks; block_kit_limits).
//
// Input: one byte picks the renderer, the rest builds its argument
// (render_inputs.hpp). Properties of every message:
// - it serialises as valid JSON (strict UTF-8) that parses back to itself;
// - Block Kit's limits hold (block_kit_limits.hpp): 1 to 50 blocks, section
//   text 1..3000 characters, at most 10 fields of 2000, header 150 plain
//   text, context at most 10 elements, actions at most 25 buttons with text
//   of 75 and known action ids, ids at most 255, the fallback text 1..3000,
//   and at most 11,000 characters of block text in all;
// - enforce_block_kit_limits leaves it unchanged (the renderers apply it last);
// - hostile text cannot inject markup: every '<…>' span in mrkdwn is one the
//   renderer makes (a user or channel id, a date, an http(s) link) and every
//   '&' starts &amp; &lt; or &gt;, so "<!channel>" typed by someone never
//   pings a channel and a truncation never leaves half a span.

#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>

#include "adapters/slack/block_kit_limits.hpp"
#include "adapters/slack/digest_blocks.hpp"
#include "adapters/slack/slack_messages.hpp"
#include "adapters/slack/slack_text.hpp"
#include "config/taxonomy_loader.hpp"
#include "fuzz_check.hpp"
#include "render_inputs.hpp"

namespace {

using namespace rolecall;
using nlohmann::json;
using rolecall::fuzz::code_points;

const Taxonomy& shipped_taxonomy() {
  static const Taxonomy* t =
      new Taxonomy(load_taxonomy(ROLECALL_SOURCE_DIR "/config/taxonomy.yaml"));
  return *t;
}

bool id_chars(std::string_view s) {
  if (s.empty() || s.size() > 32) return false;
  for (char c : s) {
    if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) return false;
  }
  return true;
}

bool digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// One span's inside, as the renderers make them.
bool allowed_span(std::string_view span) {
  if (span.substr(0, 1) == "@" || span.substr(0, 1) == "#") return id_chars(span.substr(1));
  if (span.substr(0, 6) == "!date^") {
    std::string_view rest = span.substr(6);
    const std::size_t caret = rest.find('^');
    if (caret == std::string_view::npos || !digits(rest.substr(0, caret))) return false;
    rest = rest.substr(caret);
    constexpr std::string_view format = "^{date_short}|";  // then YYYY-MM-DD
    return rest.substr(0, format.size()) == format && rest.size() == format.size() + 10;
  }
  if (span.substr(0, 8) == "https://" || span.substr(0, 7) == "http://") {
    const std::size_t bar = span.find('|');
    const std::string_view url = span.substr(0, bar);
    return url.find(' ') == std::string_view::npos && url.find('\n') == std::string_view::npos;
  }
  return false;
}

void check_mrkdwn(std::string_view text, const char* where) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '&') {
      const std::string_view rest = text.substr(i);
      FUZZ_CHECK(rest.substr(0, 5) == "&amp;" || rest.substr(0, 4) == "&lt;" ||
                     rest.substr(0, 4) == "&gt;",
                 std::string("an unescaped '&' in ") + where);
    } else if (text[i] == '>') {
      // Only the renderer's own "> " quote lines.
      FUZZ_CHECK(i == 0 || text[i - 1] == '\n', std::string("a '>' outside a span in ") + where);
    } else if (text[i] == '<') {
      const std::size_t close = text.find('>', i + 1);
      FUZZ_CHECK(close != std::string_view::npos, std::string("an unclosed '<' in ") + where);
      const std::string_view span = text.substr(i + 1, close - i - 1);
      FUZZ_CHECK(span.find('<') == std::string_view::npos, std::string("nested '<' in ") + where);
      FUZZ_CHECK(allowed_span(span), std::string("a span the renderer does not make in ") + where +
                                         ": <" + std::string(span.substr(0, 80)) + ">");
      i = close;
    }
  }
}

const std::set<std::string> kActions = {"rolecall_ack", "rolecall_reassign", "rolecall_dismiss",
                                        "rolecall_choose_pm", "rolecall_choose_po"};

std::string str(const json& j, const char* key) {
  FUZZ_CHECK(j.is_object() && j.contains(key) && j[key].is_string(),
             std::string("missing string '") + key + "'");
  return j[key].get<std::string>();
}

std::size_t strings_size(const json& j) {
  if (j.is_string()) return code_points(j.get_ref<const std::string&>());
  std::size_t n = 0;
  if (j.is_structured()) {
    for (const auto& x : j) n += strings_size(x);
  }
  return n;
}

void check_text_object(const json& t, std::size_t max, const char* where) {
  const std::string type = str(t, "type");
  const std::string text = str(t, "text");
  FUZZ_CHECK(!text.empty(), std::string("empty text in ") + where);
  FUZZ_CHECK(code_points(text) <= max, std::string("text over the limit in ") + where);
  if (type == "mrkdwn") {
    check_mrkdwn(text, where);
  } else {
    FUZZ_CHECK(type == "plain_text", std::string("unknown text type in ") + where);
  }
}

void check_message(const json& m) {
  fuzz::show(m, "Slack message");
  fuzz::wire_json(m, "Slack message");
  FUZZ_CHECK(m.is_object(), "a message that is not an object");
  const std::string fallback = str(m, "text");
  FUZZ_CHECK(!fallback.empty() && code_points(fallback) <= BlockKitLimits::max_fallback_text,
             "fallback text empty or over 3000 characters");
  check_mrkdwn(fallback, "the fallback text");
  FUZZ_CHECK(m.contains("blocks") && m["blocks"].is_array(), "no blocks");
  const json& blocks = m["blocks"];
  FUZZ_CHECK(!blocks.empty() && blocks.size() <= BlockKitLimits::max_blocks,
             "block count outside 1..50: " + std::to_string(blocks.size()));
  FUZZ_CHECK(strings_size(blocks) <= BlockKitLimits::max_total_block_text,
             "block text over 11,000 characters: " + std::to_string(strings_size(blocks)));
  for (const json& b : blocks) {
    const std::string type = str(b, "type");
    if (b.contains("block_id")) {
      FUZZ_CHECK(code_points(str(b, "block_id")) <= BlockKitLimits::max_id, "block_id too long");
    }
    if (type == "section") {
      if (b.contains("text")) {
        check_text_object(b["text"], BlockKitLimits::max_section_text, "a section");
      } else {
        FUZZ_CHECK(b.contains("fields"), "a section without text or fields");
      }
      if (b.contains("fields")) {
        FUZZ_CHECK(b["fields"].size() <= BlockKitLimits::max_section_fields, "too many fields");
        for (const json& f : b["fields"]) {
          check_text_object(f, BlockKitLimits::max_field_text, "a field");
        }
      }
    } else if (type == "header") {
      check_text_object(b["text"], BlockKitLimits::max_header_text, "a header");
      FUZZ_CHECK(b["text"]["type"] == "plain_text", "a header that is not plain_text");
    } else if (type == "context") {
      FUZZ_CHECK(
          !b["elements"].empty() && b["elements"].size() <= BlockKitLimits::max_context_elements,
          "context elements outside 1..10");
      for (const json& e : b["elements"]) {
        check_text_object(e, BlockKitLimits::max_section_text, "a context element");
      }
    } else if (type == "actions") {
      FUZZ_CHECK(
          !b["elements"].empty() && b["elements"].size() <= BlockKitLimits::max_actions_elements,
          "action elements outside 1..25");
      for (const json& e : b["elements"]) {
        FUZZ_CHECK(str(e, "type") == "button", "an action that is not a button");
        check_text_object(e["text"], BlockKitLimits::max_button_text, "a button");
        FUZZ_CHECK(kActions.count(str(e, "action_id")) == 1, "an unknown action_id");
        FUZZ_CHECK(code_points(str(e, "value")) <= BlockKitLimits::max_button_value,
                   "a button value too long");
      }
    } else {
      FUZZ_CHECK(type == "divider", "an unexpected block type " + type);
    }
  }
  json again = m;
  enforce_block_kit_limits(again);
  FUZZ_CHECK(again == m, "enforce_block_kit_limits changes a rendered message");
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  (void)shipped_taxonomy();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  FuzzedDataProvider in(data + 1, size - 1);
  fuzz::RenderInputs make(in);
  switch (data[0] % 9) {
    case 0: check_message(render_answer(make.answer())); break;
    case 1: {
      const RoutingDecision d = make.routing_decision();
      const json m = render_routing_notice(d, make.id());
      check_message(m);
      check_message(for_channel(m, "C0INTAKE", "1700000000.000100"));
      break;
    }
    case 2: check_message(render_routing_update(make.routing_update())); break;
    case 3: check_message(render_decision_confirmation(make.decision())); break;
    case 4: {
      const std::vector<DecisionRecord> ds = make.decisions();
      const std::string query = make.text();
      check_message(render_decision_list(ds, query, make.count(20)));
      break;
    }
    case 5: check_message(render_help(make.text())); break;
    case 6: {
      // The daemon's notices are its own sentences, never empty.
      const std::string text = make.text();
      if (!text.empty()) check_message(render_notice(text));
      break;
    }
    case 7: {
      const Digest d = make.digest(shipped_taxonomy());
      check_message(render_digest_blocks(d));
      break;
    }
    case 8: {
      const std::string text = make.text();
      check_message(as_ephemeral(render_notice(text.empty() ? "-" : text)));
      (void)slack_user_mention(text);
      check_mrkdwn(slack_mention(make.person()), "slack_mention");
      check_mrkdwn(mrkdwn_escape(text), "mrkdwn_escape");
      const std::string label = make.text();
      check_mrkdwn(mrkdwn_link(text, label), "mrkdwn_link");
      break;
    }
  }
  return 0;
}
