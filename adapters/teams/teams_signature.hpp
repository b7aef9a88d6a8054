#pragma once
// Verification of Teams outgoing-webhook requests (shared/platforms/teams.md
// section 1.3): `Authorization: HMAC <base64(HMAC-SHA256(key, raw body))>`,
// where key is the base64-decoded security token Teams shows once when the
// webhook is created.
//
// Pure functions over bytes; thread-safe; never throw.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace rolecall {

// Bodies above this are refused before hashing (Teams messages are far
// smaller; the cap bounds the work an unauthenticated caller can cause).
inline constexpr std::size_t kTeamsMaxBodyBytes = 256 * 1024;

enum class TeamsAuthCheck {
  ok,              // the MAC matches
  missing_header,  // no Authorization header (or an empty one)
  bad_scheme,      // the header does not start with "HMAC " (case-sensitive, as Teams sends it)
  malformed,       // the value after the scheme is not base64 of exactly 32 bytes
  mismatch,        // well-formed, but not the MAC of this body under this key
  empty_body,      // nothing to authenticate; Teams never sends an empty body
  too_large        // body above kTeamsMaxBodyBytes; not hashed
};

std::string_view to_string(TeamsAuthCheck check) noexcept;

// Strict standard-alphabet base64 decoding ('=' padding required, no
// whitespace, the unused low bits of the last symbol before the padding
// zero: one spelling per byte string). nullopt for anything else.
std::optional<std::string> decode_base64_strict(std::string_view text);

// Standard base64 with '=' padding.
std::string encode_base64(std::string_view bytes);

// Decodes a webhook security token into the 32 HMAC key bytes. nullopt when
// the token is not strict base64 or does not decode to exactly 32 bytes.
// Call once at configuration load and keep the bytes.
std::optional<std::string> decode_teams_key(std::string_view base64_token);

// Checks `authorization_header` (the header value, e.g. "HMAC SSVY…=")
// against the MAC of `raw_body` (the exact received bytes, before any JSON
// parsing). `key_bytes` are decoded key bytes (decode_teams_key); an empty
// key never verifies. The comparison is constant-time on the 32 MAC bytes.
TeamsAuthCheck verify_teams_hmac(std::string_view key_bytes, std::string_view authorization_header,
                                 std::string_view raw_body);

// The header value Teams would send for `raw_body`: "HMAC " + base64(mac).
// Used to sign requests in tests and tools.
std::string teams_hmac_header(std::string_view key_bytes, std::string_view raw_body);

}  // namespace rolecall
