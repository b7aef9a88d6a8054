#include "core/flat_index.hpp"

#include <cassert>
#include <utility>

namespace rolecall {

void FlatIndex::reserve(std::size_t count) {
  std::size_t want = 16;
  while (want * 7 < count * 10) want <<= 1;  // load factor <= 0.7: short probes, small memory
  if (want > keys_.size()) grow(want);
}

void FlatIndex::grow(std::size_t capacity) {
  std::vector<std::uint64_t> old_keys = std::move(keys_);
  std::vector<std::uint32_t> old_values = std::move(values_);
  keys_.assign(capacity, 0);
  values_.assign(capacity, kEmpty);
  mask_ = capacity - 1;
  shift_ = 64;
  for (std::size_t c = capacity; c > 1; c >>= 1) --shift_;
  size_ = 0;
  for (std::size_t i = 0; i < old_keys.size(); ++i) {
    if (old_values[i] != kEmpty) insert(old_keys[i], old_values[i]);
  }
}

void FlatIndex::insert(std::uint64_t key, std::uint32_t value) {
  assert(value != kEmpty);
  if ((size_ + 1) * 10 > keys_.size() * 7) grow(keys_.empty() ? 16 : keys_.size() * 2);
  std::size_t i = slot(key);
  while (values_[i] != kEmpty && keys_[i] != key) i = (i + 1) & mask_;
  if (values_[i] == kEmpty) ++size_;
  keys_[i] = key;
  values_[i] = value;
}

}  // namespace rolecall
