#pragma once
// Port: leases with fencing tokens. A lease names a job that one replica at a
// time should do (the digest scheduler, housekeeping); the replica holding it
// gets a fencing token, a number that grows each time the lease changes hands
// (or is taken again after it expired), and the writes made under the lease
// check it, so a holder that stalled past its lease (a long GC-like pause, a
// frozen VM) and woke up after another replica took over cannot write.
//
// Contract (tests/storage/store_contract_test.cpp, for every backend):
// - acquire_lease returns the token when `holder` holds `name` from now until
//   now + ttl_seconds: a lease never taken (token 1), an expired one
//   (expires_at <= now; token + 1), or one `holder` already holds (renewed,
//   same token). Held by another holder and not expired: nullopt, nothing
//   changes. Atomic: of replicas racing for a free lease exactly one wins.
// - release_lease ends `holder`'s lease with `token` now (the next acquire,
//   by anyone, gets token + 1); false when it is not theirs any more.
// - lease_valid is true while `fence.token` is the lease's current token
//   (expired but not taken by anyone since still counts: the token, not the
//   clock, fences). Called inside Store::write_batch it fences the batch:
//   no acquire can hand out a newer token between the check and the batch's
//   commit (PostgreSQL: the lease row is locked FOR SHARE until then; SQLite:
//   the batch is one write transaction), so the batch's writes happen under
//   the token or not at all.
// Thread-safe. Errors: StoreError. Times are Unix epoch seconds.

#include <cstdint>
#include <optional>
#include <string>

#include "storage/store_error.hpp"

namespace rolecall {

struct Fence {
  std::string name;        // the lease
  std::int64_t token = 0;  // what acquire_lease returned
};

class LeaseStore {
 public:
  virtual ~LeaseStore() = default;

  virtual std::optional<std::int64_t> acquire_lease(const std::string& name,
                                                    const std::string& holder, std::int64_t now,
                                                    std::int64_t ttl_seconds) = 0;
  virtual bool release_lease(const std::string& name, const std::string& holder,
                             std::int64_t token) = 0;
  virtual bool lease_valid(const Fence& fence) = 0;
};

}  // namespace rolecall
