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
    std::size_t i = slot(key);
    while (true) {
      if (values_[i] == kEmpty) return std::nullopt;
      if (keys_[i] == key) return values_[i];
      i = (i + 1) & mask_;
    }
  }
  bool contains(std::uint64_t key) const noexcept { return find(key).has_value(); }
  std::size_t size() const noexcept { return size_; }

 private:
  // Fibonacci hashing: the top bits of key * 2^64/phi, which every key bit
  // reaches, so runs of similar keys (sorted hashes) do not cluster. Two
  // instructions where a full finalizer took nine; every classify() makes
  // some hundred look-ups.
  std::size_t slot(std::uint64_t k) const noexcept {
    return static_cast<std::size_t>((k * 0x9e3779b97f4a7c15ULL) >> shift_);
  }
  void grow(std::size_t capacity);

  std::vector<std::uint64_t> keys_;
  std::vector<std::uint32_t> values_;  // kEmpty marks a free slot
  std::size_t mask_ = 0;
  unsigned shift_ = 64;  // 64 - log2(capacity)
  std::size_t size_ = 0;
};

}  // namespace rolecall
