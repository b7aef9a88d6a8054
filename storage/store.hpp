#pragma once
// The Store: everything rolecall remembers, as one object that implements
// every storage port, one per concern, each with its contract in its header:
//   storage/event_dedupe.hpp    inbound event dedupe
//   storage/routing_log.hpp     routings and their status changes
//   storage/decision_log.hpp    logged decisions
//   storage/outbox_store.hpp    messages waiting to be sent
//   storage/digest_ledger.hpp   which digests went where
//   storage/lease_store.hpp     leases with fencing tokens (one replica at a time)
//   storage/send_pacing.hpp     per-destination send pacing across replicas
// Code that needs one concern takes that port; the daemon wires a Store
// (daemon/store_factory.hpp): storage/sqlite/ implements it on one SQLite
// file, storage/postgres/ on a PostgreSQL database shared by replicas. Every
// backend passes the one contract suite, tests/storage/store_contract_test.cpp
// (on each backend of tests/storage/store_backends.hpp).
//
// Thread safety: every method may be called from any thread concurrently.
// Errors: a failing database throws StoreError (storage/store_error.hpp);
// "not found" and "already there" are values. Times are Unix epoch seconds.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "storage/decision_log.hpp"
#include "storage/digest_ledger.hpp"
#include "storage/event_dedupe.hpp"
#include "storage/lease_store.hpp"
#include "storage/outbox_store.hpp"
#include "storage/routing_log.hpp"
#include "storage/send_pacing.hpp"
#include "storage/store_error.hpp"

namespace rolecall {

class Store : public EventDedupe,
              public RoutingLog,
              public DecisionLog,
              public OutboxStore,
              public DigestLedger,
              public LeaseStore,
              public SendPacing {
 public:
  ~Store() override = default;

  // Health: true when the database answers a trivial query.
  virtual bool ping() = 0;

  // --- maintenance
  // Drops message texts older than `days` and expired dedupe keys; returns rows touched.
  virtual std::int64_t apply_retention(std::int64_t now, int days) = 0;
  // The same under a lease (housekeeping on one replica at a time): each
  // chunk's transaction first checks `fence` (LeaseStore::lease_valid) and
  // the work stops at the first chunk where it fails. Returns the rows
  // touched, or nullopt when the fence failed (what was done before stays).
  virtual std::optional<std::int64_t> apply_retention(std::int64_t now, int days,
                                                      const Fence& fence) = 0;
  // Online backup to `path`; throws StoreError on failure.
  virtual void backup(const std::string& path) = 0;

  // --- batching
  // Runs `fn`, and every write it makes through `store` lands in ONE
  // transaction: all of them or (when fn throws) none; the exception is
  // rethrown. For the writes of one inbound request (dedupe keys, routing,
  // outbox rows), which then cost one commit instead of several. fn may run
  // on another thread (the one committing) and holds the write lock while it
  // runs: it makes store calls only. Work out everything else (classifying,
  // routing, rendering) before the batch (usecases/ does). Reads inside fn
  // do not see fn's own uncommitted writes, except for ids returned to it.
  // The default just calls fn(*this) (no atomicity).
  virtual void write_batch(const std::function<void(Store& store)>& fn);
};

}  // namespace rolecall
