#pragma once
// Where an outbox row lands, as a value: the platform and the channel on it
// (a Slack channel or DM user, a Teams Workflows URL). The outbox worker keys
// its per-destination schedule on it (daemon/destination_pacer.hpp); a
// deliverer says which destination a row has and how far apart posts to it
// must be (Deliverer::pacing), because that rule is the platform's.
//
// `channel` may be a secret (a Workflows URL carries its signature): never
// log it.

#include <chrono>
#include <string>
#include <tuple>

namespace rolecall {

enum class Platform { slack, teams };

struct Destination {
  Platform platform = Platform::slack;
  std::string channel;

  bool operator==(const Destination&) const = default;
  // An order for map keys (a defaulted <=> trips clang-tidy's use-nullptr).
  bool operator<(const Destination& other) const {
    return std::tie(platform, channel) < std::tie(other.platform, other.channel);
  }
};

// A row's destination and the least gap between two posts to it (zero: no
// pacing, but a Retry-After from the platform still holds the destination).
struct Pacing {
  Destination destination;
  std::chrono::milliseconds interval{0};
};

}  // namespace rolecall
