#pragma once
// UTF-8 validity, the one implementation: everything rolecall puts into
// JSON (Slack replies, Teams cards, digests, the store) must be valid UTF-8,
// and inputs (%-decoded forms, stored texts) may not be. Pure; never throws
// apart from std::bad_alloc.

#include <cstddef>
#include <string>
#include <string_view>

namespace rolecall {

// Length (1-4) of the well-formed UTF-8 sequence starting at text[i], or 0
// when it is not one (bad lead or continuation byte, overlong form, UTF-16
// surrogate, beyond U+10FFFF, cut short). Requires i < text.size().
std::size_t utf8_sequence_length(std::string_view text, std::size_t i) noexcept;

// True when every byte of `text` belongs to a well-formed sequence.
bool is_valid_utf8(std::string_view text) noexcept;

// `text` with every byte that does not belong to a well-formed sequence
// replaced by U+FFFD (a copy of `text` when it is valid).
std::string valid_utf8(std::string_view text);

}  // namespace rolecall
