// Fuzz target: Slack v0 request signatures (adapters/slack/slack_signature).
//
// verify_slack_signature is compared with a reference written here from
// Slack's specification (https://api.slack.com/authentication/verifying-requests-from-slack)
// using OpenSSL's one-shot HMAC, on every input. Half the inputs carry the
// correct signature for their body, edited by the fuzzer (one byte changed,
// a case flipped, bytes appended or cut, padding added), so the comparison
// covers the "almost right" headers a forger would try, not only garbage.
// Only the exact lower-case hex MAC of "v0:<ts>:<body>" under the secret, with
// a timestamp within 300 s, may verify.

#include "adapters/slack/slack_signature.hpp"

#include <fuzzer/FuzzedDataProvider.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "adapters/common/http_message.hpp"
#include "fuzz_check.hpp"

namespace {

using rolecall::SignatureCheck;

std::string reference_signature(std::string_view secret, std::string_view ts,
                                std::string_view body) {
  const std::string base = "v0:" + std::string(ts) + ":" + std::string(body);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(base.data()), base.size(), mac, &len);
  static constexpr char hex[] = "0123456789abcdef";
  std::string out = "v0=";
  for (unsigned i = 0; i < len; ++i) {
    out += hex[mac[i] >> 4];
    out += hex[mac[i] & 0xF];
  }
  return out;
}

SignatureCheck reference_verify(std::string_view secret, std::string_view ts, std::string_view sig,
                                std::string_view body, std::int64_t now) {
  if (ts.empty() || sig.empty()) return SignatureCheck::missing_headers;
  if (ts.size() > 15) return SignatureCheck::bad_timestamp;
  std::int64_t seconds = 0;
  for (char c : ts) {
    if (c < '0' || c > '9') return SignatureCheck::bad_timestamp;
    seconds = seconds * 10 + (c - '0');
  }
  const std::int64_t skew = now > seconds ? now - seconds : seconds - now;
  if (skew > 300) return SignatureCheck::stale;
  if (sig.substr(0, 3) != "v0=") return SignatureCheck::bad_version;
  if (secret.empty()) return SignatureCheck::mismatch;
  return sig == reference_signature(secret, ts, body) ? SignatureCheck::ok
                                                      : SignatureCheck::mismatch;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider in(data, size);
  const bool sign = in.ConsumeBool();
  const std::string secret = in.ConsumeRandomLengthString(64);
  const std::string ts = in.ConsumeRandomLengthString(20);
  // The clock: near the timestamp (the usual case) or anywhere in a plausible
  // range of Unix time (the daemon's clock is not attacker-controlled).
  std::int64_t now = in.ConsumeIntegralInRange<std::int64_t>(0, std::int64_t{1} << 40);
  if (in.ConsumeBool()) {
    std::int64_t seconds = 0;
    for (char c : ts.substr(0, 15)) seconds = seconds * 10 + ((c - '0') & 0xF);
    now = seconds + in.ConsumeIntegralInRange<std::int64_t>(-400, 400);
  }
  // Signed inputs get their signature once the body is known.
  std::string sig = sign ? std::string() : in.ConsumeRandomLengthString(80);
  const int edit = in.ConsumeIntegralInRange(0, 6);
  const std::size_t at = in.ConsumeIntegral<std::uint8_t>();
  const char byte = static_cast<char>(in.ConsumeIntegral<std::uint8_t>());
  const std::string body = in.ConsumeRemainingBytesAsString();

  if (sign) {
    sig = reference_signature(secret, ts, body);
    const std::size_t pos = at % sig.size();
    switch (edit) {
      case 0: break;                   // the signature as Slack sends it
      case 1: sig[pos] = byte; break;  // one byte changed
      case 2: sig[pos] = static_cast<char>(sig[pos] ^ 0x20); break;  // case flipped
      case 3: sig += byte; break;                                    // a byte appended
      case 4: sig.erase(pos, 1); break;                              // a byte cut
      case 5: sig.insert(pos, 1, byte); break;                       // a byte inserted
      case 6: sig = " " + sig; break;                                // leading space
    }
  }

  const SignatureCheck got = rolecall::verify_slack_signature(secret, ts, sig, body, now);
  const SignatureCheck want = reference_verify(secret, ts, sig, body, now);
  FUZZ_CHECK(got == want, "verify_slack_signature says " + std::string(rolecall::to_string(got)) +
                              ", the reference " + std::string(rolecall::to_string(want)));

  // The request form reads the same two headers.
  rolecall::HttpRequest request;
  request.headers["x-slack-request-timestamp"] = ts;
  request.headers["x-slack-signature"] = sig;
  request.body = body;
  FUZZ_CHECK(rolecall::verify_slack_request(request, secret, now) == got,
             "verify_slack_request disagrees with verify_slack_signature");
  return 0;
}
