// Fuzz target: Teams outgoing-webhook HMAC (adapters/teams/teams_signature).
//
// decode_base64_strict and verify_teams_hmac are compared with a reference
// written here: strict RFC 4648 base64 (standard alphabet, '=' padding
// required, and the unused bits before the padding must be zero, so each
// byte string has exactly one accepted encoding; RFC 4648 section 3.5), and
// HMAC-SHA256 with OpenSSL's one-shot HMAC. Half the inputs carry the correct
// Authorization value for their body, edited by the fuzzer (one character
// changed, padding bits set, whitespace, the scheme's case), so the
// comparison covers the near misses a forger would try. Only the canonical
// base64 of the body's MAC may verify (issue 13, defect 3).

#include "adapters/teams/teams_signature.hpp"

#include <fuzzer/FuzzedDataProvider.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "fuzz_check.hpp"

namespace {

using rolecall::TeamsAuthCheck;

constexpr std::string_view kAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string reference_encode(std::string_view bytes) {
  std::string out;
  std::size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const auto a = static_cast<unsigned char>(bytes[i]),
               b = static_cast<unsigned char>(bytes[i + 1]),
               c = static_cast<unsigned char>(bytes[i + 2]);
    out += kAlphabet[a >> 2];
    out += kAlphabet[((a & 3) << 4) | (b >> 4)];
    out += kAlphabet[((b & 15) << 2) | (c >> 6)];
    out += kAlphabet[c & 63];
  }
  if (bytes.size() - i == 1) {
    const auto a = static_cast<unsigned char>(bytes[i]);
    out += kAlphabet[a >> 2];
    out += kAlphabet[(a & 3) << 4];
    out += "==";
  } else if (bytes.size() - i == 2) {
    const auto a = static_cast<unsigned char>(bytes[i]),
               b = static_cast<unsigned char>(bytes[i + 1]);
    out += kAlphabet[a >> 2];
    out += kAlphabet[((a & 3) << 4) | (b >> 4)];
    out += kAlphabet[(b & 15) << 2];
    out += '=';
  }
  return out;
}

// Strict decoding, defined by canonical encoding: `text` decodes iff it is
// the encoding of the bytes it stands for.
std::optional<std::string> reference_decode(std::string_view text) {
  if (text.empty() || text.size() % 4 != 0) return std::nullopt;
  std::string out;
  unsigned buffer = 0;
  int bits = 0;
  std::size_t padding = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '=') {
      if (i + 2 < text.size()) return std::nullopt;  // only the last two may be '='
      ++padding;
      continue;
    }
    if (padding > 0) return std::nullopt;  // data after '='
    const std::size_t v = kAlphabet.find(text[i]);
    if (v == std::string_view::npos) return std::nullopt;
    buffer = (buffer << 6) | static_cast<unsigned>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((buffer >> bits) & 0xFF);
    }
  }
  if (reference_encode(out) != text) return std::nullopt;  // non-zero padding bits
  return out;
}

std::string mac(std::string_view key, std::string_view body) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(body.data()), body.size(), out, &len);
  return std::string(reinterpret_cast<const char*>(out), len);
}

TeamsAuthCheck reference_verify(std::string_view key, std::string_view header,
                                std::string_view body) {
  if (header.empty()) return TeamsAuthCheck::missing_header;
  if (header.substr(0, 5) != "HMAC ") return TeamsAuthCheck::bad_scheme;
  std::string_view value = header.substr(5);
  // Documented leniency: spaces after the scheme, spaces/tabs at the end
  // (HTTP's optional whitespace; Beast strips it anyway).
  while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
  const auto presented = reference_decode(value);
  if (!presented || presented->size() != 32) return TeamsAuthCheck::malformed;
  if (body.empty()) return TeamsAuthCheck::empty_body;
  if (body.size() > rolecall::kTeamsMaxBodyBytes) return TeamsAuthCheck::too_large;
  if (key.empty()) return TeamsAuthCheck::mismatch;
  return *presented == mac(key, body) ? TeamsAuthCheck::ok : TeamsAuthCheck::mismatch;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider in(data, size);
  const bool sign = in.ConsumeBool();
  const std::string key = in.ConsumeRandomLengthString(48);
  std::string header = sign ? std::string() : in.ConsumeRandomLengthString(80);
  const int edit = in.ConsumeIntegralInRange(0, 7);
  const std::size_t at = in.ConsumeIntegral<std::uint8_t>();
  const char byte = static_cast<char>(in.ConsumeIntegral<std::uint8_t>());
  const std::string body = in.ConsumeRemainingBytesAsString();

  if (sign) {
    header = "HMAC " + reference_encode(mac(key, body));
    const std::size_t pos = 5 + at % (header.size() - 5);
    switch (edit) {
      case 0: break;                                                  // as Teams sends it
      case 1: header[pos] = byte; break;                              // one character changed
      case 2: header[header.size() - 2] = kAlphabet[at & 63]; break;  // the padded character
      case 3: header += byte; break;
      case 4: header.erase(pos, 1); break;
      case 5: header.insert(pos, 1, byte); break;
      case 6: header[0] = 'h'; break;  // scheme case
      case 7:
        header.insert(5, "  ");
        header += " \t";
        break;  // optional whitespace
    }
  }

  // Base64 alone, on the whole header and on what follows the scheme.
  for (std::string_view text :
       {std::string_view(header),
        std::string_view(header).substr(std::min<std::size_t>(5, header.size()))}) {
    const auto decoded = rolecall::decode_base64_strict(text);
    const auto expected = reference_decode(text);
    FUZZ_CHECK(decoded.has_value() == expected.has_value(),
               decoded ? "decode_base64_strict accepts a non-canonical or invalid text"
                       : "decode_base64_strict refuses canonical base64");
    if (decoded) FUZZ_CHECK(*decoded == *expected, "decode_base64_strict decodes wrongly");
    const auto teams_key = rolecall::decode_teams_key(text);
    FUZZ_CHECK(teams_key.has_value() == (expected && expected->size() == 32),
               "decode_teams_key accepts/refuses the wrong tokens");
  }
  FUZZ_CHECK(rolecall::encode_base64(body) == reference_encode(body), "encode_base64 is wrong");
  const auto round = rolecall::decode_base64_strict(rolecall::encode_base64(body));
  FUZZ_CHECK(body.empty() ? !round : round && *round == body, "base64 does not round-trip");

  const TeamsAuthCheck got = rolecall::verify_teams_hmac(key, header, body);
  const TeamsAuthCheck want = reference_verify(key, header, body);
  FUZZ_CHECK(got == want, "verify_teams_hmac says " + std::string(rolecall::to_string(got)) +
                              ", the reference " + std::string(rolecall::to_string(want)));
  if (!key.empty() && !body.empty() && body.size() <= rolecall::kTeamsMaxBodyBytes) {
    FUZZ_CHECK(rolecall::teams_hmac_header(key, body) == "HMAC " + reference_encode(mac(key, body)),
               "teams_hmac_header is wrong");
  }
  return 0;
}
