#pragma once
// Strict standard-alphabet base64 decoding, for Teams webhook tokens.

#include <optional>
#include <string>
#include <string_view>

namespace rolecall {

// Decodes RFC 4648 base64 (alphabet A-Z a-z 0-9 + /). Padding '=' is
// optional but, when present, must be correct; whitespace is not allowed;
// the unused low bits of the last symbol must be zero ("kew=", not "kex="),
// so every byte string has exactly one accepted encoding. nullopt on any
// malformed input.
std::optional<std::string> decode_base64(std::string_view text);

}  // namespace rolecall
