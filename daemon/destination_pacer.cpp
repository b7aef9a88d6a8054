#include "daemon/destination_pacer.hpp"

namespace rolecall {

namespace {
// Few destinations are busy at once; pruning only past this many keeps the
// common case a plain map lookup.
constexpr std::size_t kPruneAbove = 256;
}  // namespace

std::optional<DestinationPacer::Millis> DestinationPacer::held_until(const Destination& destination,
                                                                     Millis now) const {
  auto it = next_.find(destination);
  if (it == next_.end() || it->second <= now) return std::nullopt;
  return it->second;
}

void DestinationPacer::sent(const Destination& destination, Millis now, Millis interval) {
  extend(destination, now, now + interval);
}

void DestinationPacer::hold(const Destination& destination, Millis now, Millis until) {
  extend(destination, now, until);
}

void DestinationPacer::extend(const Destination& destination, Millis now, Millis until) {
  auto [it, inserted] = next_.try_emplace(destination, until);
  if (!inserted && until > it->second) it->second = until;
  prune(now);
}

void DestinationPacer::prune(Millis now) {
  if (next_.size() <= kPruneAbove) return;
  for (auto it = next_.begin(); it != next_.end();) {
    if (it->second <= now) {
      it = next_.erase(it);
    } else {
      ++it;
    }
  }
}

}  // namespace rolecall
