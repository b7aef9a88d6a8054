#pragma once
// Port: the digest ledger. Which weekly digests were posted where, so each
// (team, ISO week, destination) is posted once, across restarts and replicas.
//
// Contract (tests/storage/store_contract_test.cpp, for every backend):
// - mark_digest_sent returns true the first time a (team, week, destination)
//   is marked, false afterwards (and changes nothing).
// - digest_sent says whether it was marked.
// Thread-safe. Errors: StoreError.

#include <cstdint>
#include <string>

#include "storage/store_error.hpp"

namespace rolecall {

class DigestLedger {
 public:
  virtual ~DigestLedger() = default;

  virtual bool mark_digest_sent(const std::string& team_id, const std::string& iso_week,
                                const std::string& destination, std::int64_t now) = 0;
  virtual bool digest_sent(const std::string& team_id, const std::string& iso_week,
                           const std::string& destination) = 0;
};

}  // namespace rolecall
