#pragma once
// SHA-256 of a message text, for RoutingRecord::text_hash: the hash stays when
// the text is not stored or is dropped by retention, so duplicates and audits
// still work without keeping the words.

#include <string>
#include <string_view>

namespace rolecall {

// Lower-case hex SHA-256 of `data` (64 characters). Throws std::runtime_error
// only if OpenSSL itself fails (out of memory).
std::string sha256_hex(std::string_view data);

}  // namespace rolecall
