#include "adapters/slack/form_urlencoded.hpp"

#include <utility>

namespace rolecall {

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Whether `raw` decodes to `want`, without building the decoded string.
// `raw` is known to be well-formed (every '%' has two hex digits).
bool decodes_to(std::string_view raw, std::string_view want) {
  std::size_t k = 0;
  for (std::size_t i = 0; i < raw.size(); ++i, ++k) {
    char c = raw[i];
    if (c == '+') {
      c = ' ';
    } else if (c == '%') {
      c = static_cast<char>(hex_value(raw[i + 1]) * 16 + hex_value(raw[i + 2]));
      i += 2;
    }
    if (k >= want.size() || want[k] != c) return false;
  }
  return k == want.size();
}

}  // namespace

std::optional<std::string_view> FormFields::find(std::string_view name) const {
  for (const auto& [key, value] : fields_) {
    if (key == name) return std::string_view{value};
  }
  return std::nullopt;
}

std::string FormFields::get(std::string_view name) const {
  auto value = find(name);
  return value ? std::string(*value) : std::string();
}

std::string FormFields::take(std::string_view name) {
  for (auto& [key, value] : fields_) {
    if (key == name) return std::exchange(value, std::string());
  }
  return {};
}

std::optional<std::string> form_decode_component(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  // Plain runs are copied whole: a signed slash command is ~400 bytes of
  // mostly plain text, and byte-wise appends were its costliest parsing step.
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t run_end = i;
    while (run_end < text.size() && text[run_end] != '+' && text[run_end] != '%') ++run_end;
    out.append(text.data() + i, run_end - i);
    i = run_end;
    if (i == text.size()) break;
    if (text[i] == '+') {
      out.push_back(' ');
      ++i;
      continue;
    }
    if (text.size() - i < 3) return std::nullopt;
    const int hi = hex_value(text[i + 1]);
    const int lo = hex_value(text[i + 2]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out.push_back(static_cast<char>(hi * 16 + lo));
    i += 3;
  }
  return out;
}

std::optional<FormFields> parse_form_urlencoded(std::string_view body) {
  std::vector<std::pair<std::string, std::string>> fields;
  while (!body.empty()) {
    std::size_t amp = body.find('&');
    std::string_view segment = body.substr(0, amp);
    body = amp == std::string_view::npos ? std::string_view{} : body.substr(amp + 1);
    if (segment.empty()) continue;
    std::size_t eq = segment.find('=');
    auto name = form_decode_component(segment.substr(0, eq));
    auto value = form_decode_component(eq == std::string_view::npos ? std::string_view{}
                                                                    : segment.substr(eq + 1));
    if (!name || !value) return std::nullopt;
    fields.emplace_back(std::move(*name), std::move(*value));
  }
  return FormFields(std::move(fields));
}

std::optional<std::string> find_form_field(std::string_view body, std::string_view name) {
  for (std::size_t pct = body.find('%'); pct != std::string_view::npos;
       pct = body.find('%', pct + 1)) {
    if (body.size() - pct < 3 || hex_value(body[pct + 1]) < 0 || hex_value(body[pct + 2]) < 0)
      return std::nullopt;
  }
  while (!body.empty()) {
    const std::size_t amp = body.find('&');
    const std::string_view segment = body.substr(0, amp);
    body = amp == std::string_view::npos ? std::string_view{} : body.substr(amp + 1);
    const std::size_t eq = segment.find('=');
    const std::string_view raw_name = segment.substr(0, eq);
    // Each decoded byte takes 1 to 3 encoded ones.
    if (segment.empty() || raw_name.size() < name.size() || raw_name.size() > 3 * name.size())
      continue;
    if (!decodes_to(raw_name, name)) continue;
    return form_decode_component(eq == std::string_view::npos ? std::string_view{}
                                                              : segment.substr(eq + 1));
  }
  return std::nullopt;
}

}  // namespace rolecall
