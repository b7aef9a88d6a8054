#pragma once
// Port: per-destination send pacing shared by every process that delivers
// (Slack takes about one message a second per channel, whichever replica
// sends it). A destination is a key the caller makes (never a secret: a
// Teams Workflows URL is hashed first); times are milliseconds since the
// Unix epoch, the caller's clock.
//
// Contract (tests/storage/store_contract_test.cpp, for every backend):
// - take_send_slot: when `destination` is free at now_ms (its next-allowed
//   time <= now_ms, or never seen), books it: the next-allowed time becomes
//   now_ms + interval_ms, and returns nullopt ("send now"). When it is held,
//   changes nothing and returns the time it comes free. Atomic: of senders
//   racing for one free slot exactly one gets it.
// - hold_destination: the next-allowed time becomes until_ms unless it is
//   later already (a platform's Retry-After; never shortens a hold).
// PostgreSQL keeps a row per destination (shared by the replicas); SQLite,
// where one daemon owns the file, keeps the schedule in the process's memory.
// Thread-safe. Errors: StoreError.

#include <cstdint>
#include <optional>
#include <string>

#include "storage/store_error.hpp"

namespace rolecall {

class SendPacing {
 public:
  virtual ~SendPacing() = default;

  virtual std::optional<std::int64_t> take_send_slot(const std::string& destination,
                                                     std::int64_t now_ms,
                                                     std::int64_t interval_ms) = 0;
  virtual void hold_destination(const std::string& destination, std::int64_t until_ms) = 0;
};

}  // namespace rolecall
