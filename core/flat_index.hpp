#pragma once
// A read-mostly open-addressing map from a 64-bit hash to a 32-bit value.
// Built once, then only looked up: no per-lookup allocation, one or two cache
// lines per probe, which is what keeps classify() in the microsecond range.
// Values must be below kEmpty.

#include <cstdint>
#include <optional>
#include <vector>

namespace rolecall {

class FlatIndex {
 public:
  static constexpr std::uint32_t kEmpty = UINT32_MAX;

  FlatIndex() = default;

  // Inserts or overwrites. Call reserve() first when the size is known.
  void insert(std::uint64_t key, std::uint32_t value);
  void reserve(std::size_t count);

  std::optional<std::uint32_t> find(std::uint64_t key) const noexcept {
    if (keys_.empty()) return std::nullopt;
    std::size_t i = mix(key) & mask_;
    while (true) {
      if (values_[i] == kEmpty) return std::nullopt;
      if (keys_[i] == key) return values_[i];
      i = (i + 1) & mask_;
    }
  }
  bool contains(std::uint64_t key) const noexcept { return find(key).has_value(); }
  std::size_t size() const noexcept { return size_; }

 private:
  // splitmix64's finalizer: every key bit reaches the low bits the mask keeps,
  // so runs of similar keys (sorted hashes) do not cluster.
  static std::size_t mix(std::uint64_t k) noexcept {
    k ^= k >> 30;
    k *= 0xbf58476d1ce4e5b9ULL;
    k ^= k >> 27;
    k *= 0x94d049bb133111ebULL;
    k ^= k >> 31;
    return static_cast<std::size_t>(k);
  }
  void grow(std::size_t capacity);

  std::vector<std::uint64_t> keys_;
  std::vector<std::uint32_t> values_;  // kEmpty marks a free slot
  std::size_t mask_ = 0;
  std::size_t size_ = 0;
};

}  // namespace rolecall
