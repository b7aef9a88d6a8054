// Fuzz target: application/x-www-form-urlencoded bodies (Slack slash commands
// and interactivity), adapters/slack/form_urlencoded.
//
// Properties:
// - parse_form_urlencoded and find_form_field agree: the fast lookup that runs
//   on every request before the signature check finds exactly what the full
//   parse finds, for each field name in the body and for the names the Slack
//   adapter looks up;
// - a body that parses re-encodes to a body that parses to the same fields;
// - form_decode_component refuses exactly the texts with a bad '%'.

#include "adapters/slack/form_urlencoded.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "fuzz_check.hpp"

namespace {

using rolecall::FormFields;

std::string encode(std::string_view text) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else if (c == ' ') {
      out += '+';
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 0xF];
    }
  }
  return out;
}

bool bad_percent(std::string_view text) {
  auto hex = [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') continue;
    if (text.size() - i < 3) return true;
    if (!hex(text[i + 1]) || !hex(text[i + 2])) return true;
    i += 2;
  }
  return false;
}

void check_lookup(std::string_view body, const std::optional<FormFields>& form,
                  std::string_view name) {
  if (name.empty()) return;
  const auto found = rolecall::find_form_field(body, name);
  if (!form) {
    FUZZ_CHECK(!found, "find_form_field found a field in a body the parser refuses");
    return;
  }
  const auto expected = form->find(name);
  FUZZ_CHECK(found.has_value() == expected.has_value(),
             "find_form_field and parse_form_urlencoded disagree on whether '" + std::string(name) +
                 "' is present");
  if (found) {
    FUZZ_CHECK(*found == *expected,
               "find_form_field and parse_form_urlencoded disagree on '" + std::string(name) + "'");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);

  const auto decoded = rolecall::form_decode_component(body);
  FUZZ_CHECK(decoded.has_value() == !bad_percent(body),
             "form_decode_component accepts/refuses the wrong texts");
  if (decoded) FUZZ_CHECK(decoded->size() <= body.size(), "decoding made the text longer");

  const auto form = rolecall::parse_form_urlencoded(body);
  for (const char* name : {"ssl_check", "payload", "command", "text", "user_id", "channel_id",
                           "team_id", "response_url", "trigger_id"}) {
    check_lookup(body, form, name);
  }
  if (!form) return 0;
  for (const auto& [name, value] : form->fields()) check_lookup(body, form, name);

  std::string again;
  for (const auto& [name, value] : form->fields()) {
    if (!again.empty()) again += '&';
    again += encode(name);
    again += '=';
    again += encode(value);
  }
  const auto reparsed = rolecall::parse_form_urlencoded(again);
  FUZZ_CHECK(reparsed.has_value(), "a re-encoded body does not parse");
  // Fields with an empty name and value re-encode as "=", which parses back.
  FUZZ_CHECK(reparsed->fields() == form->fields(), "a re-encoded body parses to other fields");
  return 0;
}
