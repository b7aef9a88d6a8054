#pragma once
// The outbox worker's per-destination schedule: the earliest time each
// destination (adapters/common/destination.hpp) may be posted to again.
// Pacing (Slack allows about one message a second per channel) and a
// platform's Retry-After both move that time; the worker skips rows whose
// destination is held and waits for the earliest hold to end. Nothing here
// sleeps, and the clock is the caller's (milliseconds since the Unix epoch),
// so tests drive it by hand.
//
// Not thread-safe: the worker's thread alone uses it. Memory stays bounded:
// once more than a few hundred destinations are tracked, those no longer
// held are forgotten.

#include <chrono>
#include <map>
#include <optional>

#include "adapters/common/destination.hpp"

namespace rolecall {

class DestinationPacer {
 public:
  using Millis = std::chrono::milliseconds;  // since the Unix epoch

  // When `destination` may next be posted to, if that is after `now`;
  // nullopt when it is free at `now`.
  std::optional<Millis> held_until(const Destination& destination, Millis now) const;
  // Records a post to `destination` at `now`: the next may go at
  // now + interval (an existing longer hold stays).
  void sent(const Destination& destination, Millis now, Millis interval);
  // Holds `destination` until `until` (the platform's Retry-After); never
  // shortens a hold.
  void hold(const Destination& destination, Millis now, Millis until);

 private:
  void extend(const Destination& destination, Millis now, Millis until);
  void prune(Millis now);

  std::map<Destination, Millis> next_;  // destination -> earliest next post
};

}  // namespace rolecall
