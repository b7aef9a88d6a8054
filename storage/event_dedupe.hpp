#pragma once
// Port: inbound event dedupe. A platform may deliver one event several times
// (Slack retries, Socket Mode redeliveries, one message as app_mention and as
// message.channels, a Teams activity posted twice); each key counts once.
//
// Contract (tests/storage/store_contract_test.cpp, for every backend):
// - remember_event returns true the first time a key is seen and remembers
//   it until `expires_at`; false for every later call with that key, from
//   any thread or replica sharing the database, until it expires.
// - Inside Store::write_batch the key is remembered only if the whole batch
//   commits: a failed request leaves no key behind, so the platform's retry
//   is not taken for a duplicate.
// - event_seen is an advisory read, no write: true when the key is
//   remembered and not expired at `now` (remember_event would return false),
//   false otherwise. It lets a redelivery be acknowledged before any work is
//   done (classifying, rendering); remember_event in the batch stays the
//   authority, since two deliveries racing may both read false.
// Thread-safe. Errors: StoreError.

#include <cstdint>
#include <string>

#include "storage/store_error.hpp"

namespace rolecall {

class EventDedupe {
 public:
  virtual ~EventDedupe() = default;
  virtual bool remember_event(const std::string& key, std::int64_t now,
                              std::int64_t expires_at) = 0;
  virtual bool event_seen(const std::string& key, std::int64_t now) = 0;
};

}  // namespace rolecall
