#pragma once
// 64-bit FNV-1a over bytes. The classifier keys every word, stem and cue by
// this hash so the hot path compares integers, never strings. Collisions are
// checked when the lexicon is built (see Lexicon); with 64 bits and a few
// thousand keys a collision with a message word is practically impossible.

#include <cstdint>
#include <string_view>

namespace rolecall {

inline constexpr std::uint64_t kFnvOffset = 14695981039346656037ULL;
inline constexpr std::uint64_t kFnvPrime = 1099511628211ULL;

constexpr std::uint64_t fnv1a_append(std::uint64_t h, std::string_view bytes) noexcept {
  for (char c : bytes) {
    h ^= static_cast<unsigned char>(c);
    h *= kFnvPrime;
  }
  return h;
}

constexpr std::uint64_t text_hash(std::string_view bytes) noexcept {
  return fnv1a_append(kFnvOffset, bytes);
}

// Hash of a phrase (a sequence of stem hashes), order-sensitive.
constexpr std::uint64_t combine_hash(std::uint64_t seed, std::uint64_t next) noexcept {
  return (seed ^ (next + 0x9e3779b97f4a7c15ULL + (seed << 6) + (seed >> 2))) * kFnvPrime;
}

}  // namespace rolecall
