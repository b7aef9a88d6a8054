#include "adapters/slack/block_kit_limits.hpp"

#include "adapters/slack/slack_text.hpp"
#include "core/utf8.hpp"

namespace rolecall {

namespace {

using nlohmann::json;

bool is_continuation(unsigned char c) { return (c & 0xC0) == 0x80; }

// Byte offset just after the first `n` code points of `text`.
std::size_t prefix_bytes(std::string_view text, std::size_t n) {
  std::size_t i = 0;
  while (i < text.size() && n > 0) {
    ++i;
    while (i < text.size() && is_continuation(static_cast<unsigned char>(text[i]))) ++i;
    --n;
  }
  return i;
}

void truncate_field(json& object, const char* key, std::size_t max_chars) {
  auto it = object.find(key);
  if (it == object.end() || !it->is_string()) return;
  const auto& s = it->get_ref<const std::string&>();
  if (s.size() > max_chars && slack_char_count(s) > max_chars) *it = truncate_text(s, max_chars);
}

// The text object of a block element (`{"type":"mrkdwn","text":…}`).
void truncate_text_object(json& block, const char* key, std::size_t max_chars) {
  auto it = block.find(key);
  if (it != block.end() && it->is_object()) truncate_field(*it, "text", max_chars);
}

std::size_t text_size(const json& value) {
  if (value.is_string()) return slack_char_count(value.get_ref<const std::string&>());
  std::size_t total = 0;
  if (value.is_object() || value.is_array()) {
    for (const auto& item : value) total += text_size(item);
  }
  return total;
}

void enforce_block(json& block) {
  if (!block.is_object()) return;
  std::string type = block.value("type", "");
  if (type == "section") {
    truncate_text_object(block, "text", BlockKitLimits::max_section_text);
    auto fields = block.find("fields");
    if (fields != block.end() && fields->is_array()) {
      if (fields->size() > BlockKitLimits::max_section_fields) {
        fields->erase(fields->begin() + BlockKitLimits::max_section_fields, fields->end());
      }
      for (auto& f : *fields) {
        if (f.is_object()) truncate_field(f, "text", BlockKitLimits::max_field_text);
      }
    }
  } else if (type == "header") {
    truncate_text_object(block, "text", BlockKitLimits::max_header_text);
  } else if (type == "context") {
    auto elements = block.find("elements");
    if (elements != block.end() && elements->is_array()) {
      if (elements->size() > BlockKitLimits::max_context_elements) {
        elements->erase(elements->begin() + BlockKitLimits::max_context_elements, elements->end());
      }
      for (auto& e : *elements) {
        if (e.is_object()) truncate_field(e, "text", BlockKitLimits::max_section_text);
      }
    }
  } else if (type == "actions") {
    auto elements = block.find("elements");
    if (elements != block.end() && elements->is_array()) {
      if (elements->size() > BlockKitLimits::max_actions_elements) {
        elements->erase(elements->begin() + BlockKitLimits::max_actions_elements, elements->end());
      }
      for (auto& e : *elements) {
        if (!e.is_object()) continue;
        truncate_text_object(e, "text", BlockKitLimits::max_button_text);
        truncate_field(e, "action_id", BlockKitLimits::max_id);
        // A value or id cut short would be misread: they are ours and short,
        // so only clip as a last resort without the ellipsis.
        auto value = e.find("value");
        if (value != e.end() && value->is_string() &&
            value->get_ref<const std::string&>().size() > BlockKitLimits::max_button_value) {
          *value = value->get<std::string>().substr(0, BlockKitLimits::max_button_value);
        }
      }
    }
  }
  truncate_field(block, "block_id", BlockKitLimits::max_id);
}

json more_note(std::size_t hidden) {
  return {{"type", "context"},
          {"elements",
           json::array({{{"type", "mrkdwn"},
                         {"text", "…and " + std::to_string(hidden) + " more not shown"}}})}};
}

// How many leading blocks stay: all of them when their count and total
// text are in budget; otherwise as many as leave one slot (and a little
// text) for the "more" note.
std::size_t blocks_to_keep(const json& blocks) {
  const std::size_t note_budget = 40;
  std::size_t keep = 0;
  std::size_t total = 0;
  for (; keep < blocks.size(); ++keep) {
    std::size_t size = text_size(blocks[keep]);
    bool last_fits_without_note = keep + 1 == blocks.size() &&
                                  keep + 1 <= BlockKitLimits::max_blocks &&
                                  total + size <= BlockKitLimits::max_total_block_text;
    if (last_fits_without_note) continue;
    if (keep + 1 >= BlockKitLimits::max_blocks ||
        total + size + note_budget > BlockKitLimits::max_total_block_text) {
      break;
    }
    total += size;
  }
  return keep;
}

void sanitize_strings(json& value) {
  if (value.is_string()) {
    auto& s = value.get_ref<std::string&>();
    if (!is_valid_utf8(s)) s = valid_utf8(s);
  } else if (value.is_structured()) {
    for (auto& item : value) sanitize_strings(item);
  }
}

}  // namespace

std::size_t slack_char_count(std::string_view text) noexcept {
  std::size_t n = 0;
  for (char c : text) {
    if (!is_continuation(static_cast<unsigned char>(c))) ++n;
  }
  return n;
}

std::string truncate_text(std::string_view text, std::size_t max_chars) {
  // Cheap exits first: inputs can be megabytes, only the prefix matters.
  if (text.size() <= max_chars) return std::string(text);
  if (prefix_bytes(text, max_chars) == text.size()) return std::string(text);
  if (max_chars == 0) return {};
  const std::string_view head =
      without_unfinished_markup(text.substr(0, prefix_bytes(text, max_chars - 1)));
  return std::string(head) + "…";
}

std::string_view without_unfinished_markup(std::string_view head) noexcept {
  // Do not leave half an entity ("&am") or half a span ("<@U12") behind.
  std::size_t amp = head.rfind('&');
  if (amp != std::string_view::npos && head.find(';', amp) == std::string_view::npos &&
      head.size() - amp < 8) {
    head = head.substr(0, amp);
  }
  std::size_t lt = head.rfind('<');
  if (lt != std::string_view::npos && head.find('>', lt) == std::string_view::npos) {
    head = head.substr(0, lt);
  }
  return head;
}

bool block_kit_fits(const json& blocks) {
  return !blocks.is_array() || blocks_to_keep(blocks) == blocks.size();
}

void enforce_block_kit_limits(json& message) {
  if (!message.is_object()) return;
  sanitize_strings(message);
  truncate_field(message, "text", BlockKitLimits::max_fallback_text);
  auto blocks_it = message.find("blocks");
  if (blocks_it == message.end() || !blocks_it->is_array()) return;
  json& blocks = *blocks_it;
  for (auto& b : blocks) enforce_block(b);

  const std::size_t keep = blocks_to_keep(blocks);
  const bool cut = keep < blocks.size();
  if (!cut) return;
  std::size_t hidden = blocks.size() - keep;
  blocks.erase(blocks.begin() + static_cast<std::ptrdiff_t>(keep), blocks.end());
  blocks.push_back(more_note(hidden));
}

}  // namespace rolecall
