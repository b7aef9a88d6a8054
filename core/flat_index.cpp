#include "core/flat_index.hpp"

namespace rolecall {

void FlatIndex::reserve(std::size_t count) {
  std::size_t want = 16;
  while (want < count * 2) want <<= 1;  // load factor <= 0.5 keeps probes short
  if (want > slots_.size()) grow(want);
}

void FlatIndex::grow(std::size_t capacity) {
  std::vector<Slot> old = std::move(slots_);
  slots_.assign(capacity, Slot{});
  mask_ = capacity - 1;
  size_ = 0;
  for (const Slot& s : old) {
    if (s.used) insert(s.key, s.value);
  }
}

void FlatIndex::insert(std::uint64_t key, std::uint32_t value) {
  if ((size_ + 1) * 2 > slots_.size()) grow(slots_.empty() ? 16 : slots_.size() * 2);
  std::size_t i = mix(key) & mask_;
  while (slots_[i].used && slots_[i].key != key) i = (i + 1) & mask_;
  if (!slots_[i].used) ++size_;
  slots_[i] = Slot{key, value, true};
}

}  // namespace rolecall
