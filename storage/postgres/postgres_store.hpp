#pragma once
// PostgresStore: the Store on a PostgreSQL database (libpq; see
// storage/postgres/pg_connection.hpp for why libpq), for several rolecall
// replicas sharing one database.
//
// Connections: a bounded pool (PostgresStoreOptions::pool_size; callers wait
// up to acquire_timeout_ms for a free one). Every statement is prepared once
// per connection and run with parameters. A lost connection is discarded and
// the next call reconnects, so the store recovers by itself after a database
// restart or failover; until then every call throws StoreError (endpoints
// answer 503, ping() is false, /readyz says 503).
//
// Transactions (READ COMMITTED, PostgreSQL's default):
// - single-statement writes run alone (autocommit); each is atomic;
// - change_routing_status locks the routing (SELECT ... FOR UPDATE), updates
//   it, logs the change and counts a correction in one transaction;
// - write_batch runs fn's writes in one transaction on one connection;
// - claim_outbox is one UPDATE over a SELECT ... FOR UPDATE SKIP LOCKED, so
//   concurrent claimers never wait for each other nor take the same row;
// - remember_event, enqueue and mark_digest_sent are INSERT ... ON CONFLICT
//   on a unique key: of replicas racing with one key exactly one wins.
//
// Schema: forward-only versioned steps in schema_migrations, run at open
// under an advisory lock (storage/postgres/pg_migrations.hpp) unless
// options.migrate is false; a database newer than this binary is refused.
//
// Starting without the database (options.wait_for_database, the daemon):
// when the server cannot be reached at open, the store opens all the same
// and is "not ready": every call throws StoreError at once (no waiting on
// connect timeouts), ping() is false, and the first call or ping() at least
// retry_interval_ms after the last attempt tries again to connect and
// migrate; once that works the store is ready for good (later outages are
// the pool's: see storage/postgres/pg_pool.hpp). A schema newer than this
// binary, or a migration that fails, still throws from the constructor when
// the server is reachable there; met later, it keeps the store not ready
// and last_error() says why.
//
// ping() (readiness) never waits for a pooled connection: it has its own
// connection and its own deadline (options.ping_timeout_ms;
// storage/postgres/pg_pinger.hpp). Only when that answers and the store is
// not ready yet does it go on to get ready (which may take longer: connect
// the pool and migrate).
//
// backup() throws: back PostgreSQL up with pg_dump (README, "Running on
// PostgreSQL"). Errors: StoreError naming the database with its password
// blanked (storage/postgres/database_url.hpp).
// Thread safety: every method may be called from any thread concurrently.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "storage/postgres/pg_pinger.hpp"
#include "storage/postgres/pg_pool.hpp"
#include "storage/store.hpp"

namespace rolecall {

struct PostgresStoreOptions {
  int pool_size = 8;               // connections at most (>= 1)
  int acquire_timeout_ms = 5000;   // wait this long for a pooled connection
  int connect_timeout_s = 5;       // libpq connect_timeout (the URL may override it)
  bool migrate = true;             // false: only check the schema version
  bool wait_for_database = false;  // true: open even when the server is unreachable (see above)
  int retry_interval_ms = 500;     // not ready: how often a call may try to connect again
  int ping_timeout_ms = 1000;      // ping()'s own deadline (connect + SELECT 1)
};

class PostgresStore final : public Store {
 public:
  // Connects once (throws StoreError when the server cannot be reached) and
  // migrates the schema (or checks it, see options.migrate).
  explicit PostgresStore(const std::string& url, PostgresStoreOptions options = {});
  ~PostgresStore() override;
  PostgresStore(const PostgresStore&) = delete;
  PostgresStore& operator=(const PostgresStore&) = delete;

  // The URL with its password blanked, for logs.
  const std::string& redacted_url() const noexcept { return pool_->redacted_url(); }
  PgPoolStats pool_stats() const { return pool_->stats(); }
  // The schema version found at open, before migrating (0 = empty database;
  // also 0 while the store is not ready).
  int schema_version_at_open() const noexcept { return version_at_open_; }
  // Connected and migrated at least once (see "Starting without the database").
  bool ready() const noexcept { return ready_.load(std::memory_order_acquire); }
  // Why the last attempt to get ready failed ("" when none failed).
  std::string last_error() const;

  bool ping() override;

  std::int64_t record_routing(const RoutingRecord& r) override;
  std::optional<RoutingRecord> get_routing(std::int64_t id) override;
  std::optional<RoutingRecord> find_routing(const std::string& platform, const std::string& channel,
                                            const std::string& message_id) override;
  // As SqliteStore: the actual current status and role are logged as `from`.
  bool change_routing_status(const StatusChange& change) override;
  std::vector<RoutingRecord> list_routings(const ListFilter& f) override;
  std::vector<CorrectionCount> correction_counts(const std::string& team_id) override;
  std::vector<StatusChange> status_changes(const std::string& team_id, std::int64_t since,
                                           std::int64_t until) override;

  std::int64_t record_decision(const DecisionRecord& d) override;
  std::vector<DecisionRecord> list_decisions(const ListFilter& f) override;
  std::vector<DecisionRecord> search_decisions(const std::string& team_id, const std::string& text,
                                               std::optional<Role> role, int limit) override;

  bool remember_event(const std::string& key, std::int64_t now, std::int64_t expires_at) override;
  bool event_seen(const std::string& key, std::int64_t now) override;

  bool enqueue(const OutboxMessage& m, std::int64_t now) override;
  std::vector<OutboxRow> due_outbox(std::int64_t now, int limit,
                                    std::int64_t after_id = 0) override;
  std::vector<OutboxRow> claim_outbox(std::int64_t now, int limit, std::int64_t lease_seconds,
                                      const std::string& owner, std::int64_t after_id = 0) override;
  std::optional<std::int64_t> next_outbox_due(
      std::optional<std::int64_t> after = std::nullopt) override;
  void mark_attempt_started(std::int64_t id, std::int64_t now) override;
  void mark_delivered(std::int64_t id, std::int64_t now) override;
  void mark_retry(std::int64_t id, std::int64_t next_attempt_at, const std::string& error,
                  SentState sent) override;
  void mark_failed(std::int64_t id, const std::string& error) override;
  std::int64_t outbox_depth() override;

  bool mark_digest_sent(const std::string& team_id, const std::string& iso_week,
                        const std::string& destination, std::int64_t now) override;
  bool digest_sent(const std::string& team_id, const std::string& iso_week,
                   const std::string& destination) override;

  // acquire_lease is one INSERT ... ON CONFLICT DO UPDATE ... WHERE
  // (atomic between replicas); lease_valid reads the lease row FOR SHARE, so
  // inside write_batch an acquire by another replica waits until the batch
  // has committed.
  std::optional<std::int64_t> acquire_lease(const std::string& name, const std::string& holder,
                                            std::int64_t now, std::int64_t ttl_seconds) override;
  bool release_lease(const std::string& name, const std::string& holder,
                     std::int64_t token) override;
  bool lease_valid(const Fence& fence) override;

  // One row per destination in send_pacing, booked by a single
  // INSERT ... ON CONFLICT DO UPDATE ... WHERE next_at_ms <= now.
  std::optional<std::int64_t> take_send_slot(const std::string& destination, std::int64_t now_ms,
                                             std::int64_t interval_ms) override;
  void hold_destination(const std::string& destination, std::int64_t until_ms) override;

  // As SqliteStore (chunks of 2000 rows, each its own transaction).
  std::int64_t apply_retention(std::int64_t now, int days) override;
  // Each chunk a transaction that first checks the fence (FOR SHARE).
  std::optional<std::int64_t> apply_retention(std::int64_t now, int days,
                                              const Fence& fence) override;
  // Throws StoreError: use pg_dump.
  void backup(const std::string& path) override;

  // One transaction on one connection; a nested write_batch joins the outer.
  void write_batch(const std::function<void(Store& store)>& fn) override;

 private:
  template <class F>
  auto run(F&& f);
  template <class F>
  auto transaction(const char* op, F&& f);

  // Throws StoreError unless the store is ready; may try to get it ready.
  void ensure_ready();
  void get_ready();  // connect and migrate (or check); throws StoreError
  std::optional<std::int64_t> retention(std::int64_t now, int days, const Fence* fence);

  PostgresStoreOptions options_;
  std::unique_ptr<PgPool> pool_;
  std::unique_ptr<PgPinger> pinger_;
  std::atomic<int> version_at_open_{0};
  std::atomic<bool> ready_{false};
  mutable std::mutex ready_mu_;  // one attempt to get ready at a time
  std::chrono::steady_clock::time_point next_attempt_{};
  std::string last_error_;
};

}  // namespace rolecall
