#include "adapters/slack/slack_signature.hpp"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <array>
#include <optional>
#include <string>

namespace rolecall {

namespace {

// Strict: digits only, no sign or spaces, and short enough not to overflow.
std::optional<std::int64_t> parse_seconds(std::string_view text) {
  if (text.empty() || text.size() > 15) return std::nullopt;
  std::int64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  return value;
}

// An HMAC-SHA256 context keyed with the signing secret, kept per thread.
// Keying a fresh context costs OpenSSL 3's algorithm fetches (a lock and name
// lookups) and two SHA-256 blocks, more than hashing a typical 600-byte
// body; copying a keyed one costs a few small allocations.
class KeyedHmac {
 public:
  KeyedHmac() = default;
  KeyedHmac(const KeyedHmac&) = delete;
  KeyedHmac& operator=(const KeyedHmac&) = delete;
  ~KeyedHmac() { reset(); }

  // A new context keyed with `secret` (the caller frees it), or nullptr.
  EVP_MAC_CTX* fresh(std::string_view secret) {
    if (keyed_ == nullptr || secret != key_) rekey(secret);
    return keyed_ == nullptr ? nullptr : EVP_MAC_CTX_dup(keyed_);
  }

 private:
  void rekey(std::string_view secret) {
    reset();
    EVP_MAC* mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
    if (mac == nullptr) return;
    keyed_ = EVP_MAC_CTX_new(mac);
    EVP_MAC_free(mac);
    if (keyed_ == nullptr) return;
    char digest[] = "SHA256";
    OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
                           OSSL_PARAM_construct_end()};
    if (EVP_MAC_init(keyed_, reinterpret_cast<const unsigned char*>(secret.data()), secret.size(),
                     params) != 1) {
      reset();
      return;
    }
    key_.assign(secret);
  }
  void reset() {
    EVP_MAC_CTX_free(keyed_);
    keyed_ = nullptr;
    OPENSSL_cleanse(key_.data(), key_.size());
    key_.clear();
  }

  std::string key_;
  EVP_MAC_CTX* keyed_ = nullptr;
};

// HMAC-SHA256 over "v0:" + ts + ":" + body, streamed so the (possibly large)
// body is not copied into a base string.
bool hmac_sha256_v0(std::string_view secret, std::string_view ts, std::string_view body,
                    std::array<unsigned char, EVP_MAX_MD_SIZE>& out, std::size_t& out_len) {
  thread_local KeyedHmac keyed;
  EVP_MAC_CTX* ctx = keyed.fresh(secret);
  if (ctx == nullptr) return false;
  auto update = [ctx](std::string_view bytes) {
    return EVP_MAC_update(ctx, reinterpret_cast<const unsigned char*>(bytes.data()),
                          bytes.size()) == 1;
  };
  const bool good = update("v0:") && update(ts) && update(":") && update(body) &&
                    EVP_MAC_final(ctx, out.data(), &out_len, out.size()) == 1;
  EVP_MAC_CTX_free(ctx);
  return good;
}

}  // namespace

std::string_view to_string(SignatureCheck check) noexcept {
  switch (check) {
    case SignatureCheck::ok: return "ok";
    case SignatureCheck::missing_headers: return "missing_headers";
    case SignatureCheck::bad_timestamp: return "bad_timestamp";
    case SignatureCheck::stale: return "stale";
    case SignatureCheck::bad_version: return "bad_version";
    case SignatureCheck::mismatch: return "mismatch";
  }
  return "mismatch";
}

SignatureCheck verify_slack_signature(std::string_view secret, std::string_view timestamp_header,
                                      std::string_view signature_header, std::string_view raw_body,
                                      std::int64_t now) noexcept {
  if (timestamp_header.empty() || signature_header.empty()) return SignatureCheck::missing_headers;
  auto ts = parse_seconds(timestamp_header);
  if (!ts) return SignatureCheck::bad_timestamp;
  std::int64_t skew = now > *ts ? now - *ts : *ts - now;
  if (skew > kSlackSignatureWindowSeconds) return SignatureCheck::stale;
  constexpr std::string_view prefix = "v0=";
  if (signature_header.substr(0, prefix.size()) != prefix) return SignatureCheck::bad_version;
  // An empty key would make every forged request "verifiable" by anyone.
  if (secret.empty()) return SignatureCheck::mismatch;

  std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
  std::size_t mac_len = 0;
  if (!hmac_sha256_v0(secret, timestamp_header, raw_body, mac, mac_len)) {
    return SignatureCheck::mismatch;
  }

  static constexpr char digits[] = "0123456789abcdef";
  std::array<char, 3 + 2 * EVP_MAX_MD_SIZE> expected{};
  std::size_t n = 0;
  for (char c : prefix) expected[n++] = c;
  for (std::size_t i = 0; i < mac_len; ++i) {
    expected[n++] = digits[mac[i] >> 4];
    expected[n++] = digits[mac[i] & 0xF];
  }
  // Length is public (always 67 for a valid header); the bytes are compared in
  // constant time so timing leaks nothing about the expected MAC.
  if (signature_header.size() != n) return SignatureCheck::mismatch;
  if (CRYPTO_memcmp(expected.data(), signature_header.data(), n) != 0) {
    return SignatureCheck::mismatch;
  }
  return SignatureCheck::ok;
}

SignatureCheck verify_slack_request(const HttpRequest& request, std::string_view secret,
                                    std::int64_t now) noexcept {
  return verify_slack_signature(secret, request.header("x-slack-request-timestamp"),
                                request.header("x-slack-signature"), request.body, now);
}

}  // namespace rolecall
