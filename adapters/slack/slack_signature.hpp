#pragma once
// Verification of Slack's v0 request signatures (X-Slack-Signature,
// X-Slack-Request-Timestamp). Works on the raw body bytes exactly as received:
// never verify a re-serialised body (key order, spacing and escapes change
// the MAC). Pure apart from OpenSSL's HMAC; thread-safe; never throws.

#include <cstdint>
#include <string_view>

#include "adapters/common/http_message.hpp"

namespace rolecall {

enum class SignatureCheck {
  ok,               // signature valid and timestamp within the window
  missing_headers,  // a signature or timestamp header is absent/empty
  bad_timestamp,    // timestamp is not a plain decimal number of seconds
  stale,            // |now - timestamp| > kSlackSignatureWindowSeconds (replay guard)
  bad_version,      // signature header is not "v0=<hex>"
  mismatch          // MAC differs (or the signing secret is empty: never accepted)
};

// Slack's own SDKs accept exactly 300 s of skew, on both sides of `now`.
inline constexpr std::int64_t kSlackSignatureWindowSeconds = 300;

std::string_view to_string(SignatureCheck check) noexcept;

// Checks `signature_header` == "v0=" + hex(HMAC-SHA256(secret, "v0:" + ts + ":" + body)),
// comparing in constant time. `now` is Unix seconds (injected for tests).
// Checks run in the order of the enum, so the first failing one is returned.
SignatureCheck verify_slack_signature(std::string_view secret, std::string_view timestamp_header,
                                      std::string_view signature_header, std::string_view raw_body,
                                      std::int64_t now) noexcept;

// The same, reading the two headers from `request`.
SignatureCheck verify_slack_request(const HttpRequest& request, std::string_view secret,
                                    std::int64_t now) noexcept;

}  // namespace rolecall
