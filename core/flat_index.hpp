#pragma once
// A read-mostly open-addressing map from a 64-bit hash to a 32-bit value.
// Built once, then only looked up: no per-lookup allocation, one or two cache
// lines per probe, which is what keeps classify() in the microsecond range.

#include <cstdint>
#include <optional>
#include <vector>

namespace rolecall {

class FlatIndex {
 public:
  FlatIndex() = default;

  // Inserts or overwrites. Call reserve() first when the size is known.
  void insert(std::uint64_t key, std::uint32_t value);
  void reserve(std::size_t count);

  std::optional<std::uint32_t> find(std::uint64_t key) const noexcept {
    if (slots_.empty()) return std::nullopt;
    std::size_t i = mix(key) & mask_;
    while (true) {
      const Slot& s = slots_[i];
      if (!s.used) return std::nullopt;
      if (s.key == key) return s.value;
      i = (i + 1) & mask_;
    }
  }
  bool contains(std::uint64_t key) const noexcept { return find(key).has_value(); }
  std::size_t size() const noexcept { return size_; }

 private:
  struct Slot {
    std::uint64_t key = 0;
    std::uint32_t value = 0;
    bool used = false;
  };
  static std::size_t mix(std::uint64_t k) noexcept {
    k ^= k >> 33;
    k *= 0xff51afd7ed558ccdULL;
    k ^= k >> 33;
    return static_cast<std::size_t>(k);
  }
  void grow(std::size_t capacity);

  std::vector<Slot> slots_;
  std::size_t mask_ = 0;
  std::size_t size_ = 0;
};

}  // namespace rolecall
