#pragma once
// Shared by the fuzz targets (tests/fuzz/*.cpp): property checks that abort,
// so libFuzzer records the input as a crash, and small oracles written
// independently of the code under test.

#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

// Aborts with a message when `cond` is false: the fuzzer saves the input as
// crash-<sha1> and stops. Use it for every property the target asserts.
#define FUZZ_CHECK(cond, what)                                                             \
  do {                                                                                     \
    if (!(cond)) {                                                                         \
      std::fprintf(stderr, "FUZZ_CHECK failed at %s:%d: %s\n  (%s)\n", __FILE__, __LINE__, \
                   std::string(what).c_str(), #cond);                                      \
      std::abort();                                                                        \
    }                                                                                      \
  } while (false)

namespace rolecall::fuzz {

// Whether every byte of `s` belongs to a well-formed UTF-8 sequence (RFC 3629:
// no overlongs, no surrogates, nothing above U+10FFFF). Written apart from
// core/utf8 on purpose, so the check does not share that code's bugs.
inline bool utf8_ok(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t n = 0;
    unsigned lo = 0x80, hi = 0xBF;
    if (c < 0x80) {
      ++i;
      continue;
    } else if (c >= 0xC2 && c <= 0xDF) {
      n = 1;
    } else if (c == 0xE0) {
      n = 2, lo = 0xA0;
    } else if ((c >= 0xE1 && c <= 0xEC) || c == 0xEE || c == 0xEF) {
      n = 2;
    } else if (c == 0xED) {
      n = 2, hi = 0x9F;
    } else if (c == 0xF0) {
      n = 3, lo = 0x90;
    } else if (c >= 0xF1 && c <= 0xF3) {
      n = 3;
    } else if (c == 0xF4) {
      n = 3, hi = 0x8F;
    } else {
      return false;
    }
    if (s.size() - i <= n) return false;
    for (std::size_t k = 1; k <= n; ++k) {
      const auto d = static_cast<unsigned char>(s[i + k]);
      if (d < (k == 1 ? lo : 0x80) || d > (k == 1 ? hi : 0xBF)) return false;
    }
    i += n + 1;
  }
  return true;
}

// Number of code points (what Slack counts as characters) of valid UTF-8.
inline std::size_t code_points(std::string_view s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

// The wire form of a JSON payload: it must serialise with strict UTF-8
// (nlohmann throws type_error 316 on invalid UTF-8) and parse back to the
// same value. Aborts otherwise; returns the text.
inline std::string wire_json(const nlohmann::json& value, const char* what) {
  std::string text;
  try {
    text = value.dump();  // error_handler strict: throws on invalid UTF-8
  } catch (const nlohmann::json::exception& e) {
    FUZZ_CHECK(false, std::string(what) + ": does not serialise: " + e.what());
  }
  const auto back = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  FUZZ_CHECK(!back.is_discarded(), std::string(what) + ": serialised JSON does not parse");
  FUZZ_CHECK(back == value, std::string(what) + ": JSON does not round-trip");
  return text;
}

// With FUZZ_VERBOSE set in the environment, prints `value` (the first
// `max_chars` of its indented JSON) to stderr: run a target on one crashing
// input with it to see what the renderer made.
inline void show(const nlohmann::json& value, const char* what, std::size_t max_chars = 20000) {
  static const bool verbose = std::getenv("FUZZ_VERBOSE") != nullptr;
  if (!verbose) return;
  const std::string text = value.dump(1, ' ', false, nlohmann::json::error_handler_t::replace);
  std::fprintf(stderr, "---- %s (%zu bytes)\n%s\n", what, text.size(),
               text.substr(0, max_chars).c_str());
}

}  // namespace rolecall::fuzz
