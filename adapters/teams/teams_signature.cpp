#include "adapters/teams/teams_signature.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>

#include "config/base64.hpp"

namespace rolecall {
namespace {

constexpr std::size_t kMacBytes = 32;

std::array<unsigned char, kMacBytes> hmac_sha256(std::string_view key, std::string_view body) {
  std::array<unsigned char, kMacBytes> mac{};
  unsigned int mac_len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(body.data()), body.size(), mac.data(), &mac_len);
  return mac;
}

}  // namespace

std::string_view to_string(TeamsAuthCheck check) noexcept {
  switch (check) {
    case TeamsAuthCheck::ok: return "ok";
    case TeamsAuthCheck::missing_header: return "missing_header";
    case TeamsAuthCheck::bad_scheme: return "bad_scheme";
    case TeamsAuthCheck::malformed: return "malformed";
    case TeamsAuthCheck::mismatch: return "mismatch";
    case TeamsAuthCheck::empty_body: return "empty_body";
    case TeamsAuthCheck::too_large: return "too_large";
  }
  return "mismatch";
}

std::optional<std::string> decode_base64_strict(std::string_view text) {
  // A multiple of four characters, so '=' padding is required; the rest is
  // config's decoder, which also rejects non-zero bits in the last symbol
  // before the padding. EVP_DecodeBlock, used here before, ignored them:
  // "…DY=", "…DZ=", "…Da=" and "…Db=" were four spellings of one MAC
  // (issue 13, defect 3).
  if (text.empty() || text.size() % 4 != 0) return std::nullopt;
  return decode_base64(text);
}

std::string encode_base64(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(bytes.data()),
                                static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

std::optional<std::string> decode_teams_key(std::string_view base64_token) {
  auto key = decode_base64_strict(base64_token);
  if (!key || key->size() != kMacBytes) return std::nullopt;
  return key;
}

TeamsAuthCheck verify_teams_hmac(std::string_view key_bytes, std::string_view authorization_header,
                                 std::string_view raw_body) {
  if (authorization_header.empty()) return TeamsAuthCheck::missing_header;
  constexpr std::string_view scheme = "HMAC ";
  if (authorization_header.substr(0, scheme.size()) != scheme) return TeamsAuthCheck::bad_scheme;
  std::string_view value = authorization_header.substr(scheme.size());
  while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
  const auto presented = decode_base64_strict(value);
  if (!presented || presented->size() != kMacBytes) return TeamsAuthCheck::malformed;
  if (raw_body.empty()) return TeamsAuthCheck::empty_body;
  if (raw_body.size() > kTeamsMaxBodyBytes) return TeamsAuthCheck::too_large;
  if (key_bytes.empty()) return TeamsAuthCheck::mismatch;
  const auto expected = hmac_sha256(key_bytes, raw_body);
  return CRYPTO_memcmp(expected.data(), presented->data(), kMacBytes) == 0
             ? TeamsAuthCheck::ok
             : TeamsAuthCheck::mismatch;
}

std::string teams_hmac_header(std::string_view key_bytes, std::string_view raw_body) {
  const auto mac = hmac_sha256(key_bytes, raw_body);
  return "HMAC " +
         encode_base64(std::string_view(reinterpret_cast<const char*>(mac.data()), mac.size()));
}

}  // namespace rolecall
