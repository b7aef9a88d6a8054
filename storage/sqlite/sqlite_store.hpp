#pragma once
// SqliteStore: the Store on one SQLite file (SQLiteCpp over the system SQLite).
//
// File and durability: WAL journal, synchronous=NORMAL, foreign keys on. A
// write that returned has been committed to the WAL: it survives a crash or
// SIGKILL of any rolecall process; an OS crash or power loss may roll back
// the last transactions committed since the WAL was last synced (at each
// checkpoint), and never corrupts the file. Missing parent directories are
// created. The schema is migrated forward at open (storage/sqlite/migrations.hpp).
// Connections open the file through SQLite's default VFS, or, when
// SqliteStoreOptions::wal_coalescing is set, through a VFS that writes a
// transaction's WAL frames with one write() at its commit instead of two per
// page (storage/sqlite/wal_coalescing_vfs.hpp); the file format is plain
// SQLite either way.
//
// Threads: one writer connection fed by a group-commit queue, two pools of
// reader connections, and a checkpoint thread. Every method may be called
// from any thread concurrently.
// - Writes from concurrent callers are run by one of them (the leader) in a
//   single transaction, each in its own savepoint, with one COMMIT; every
//   caller returns only after the commit that holds its write, so a returned
//   write is as durable as if it had been committed alone
//   (storage/sqlite/write_queue.hpp). write_batch() puts several writes of
//   one caller into one savepoint of that transaction: the cheap way to give
//   one inbound request's writes (dedupe key, routing, ...) a single commit.
// - Reads run in parallel (WAL lets them run beside the writer and see every
//   commit that returned before the read started), waiting for a free
//   connection when the pool is busy: point reads on `readers` plain
//   connections, range queries (list_*, status_changes,
//   backup) on `bulk_readers` memory-mapped ones.
// - WAL checkpoints (the only fsyncs) run on the checkpoint thread, not in a
//   caller's commit, unless sustained writes keep them from catching up
//   (storage/sqlite/checkpointer.hpp).
// Each connection caches its prepared statements.
//
// Processes: the CLI may open the same file while the daemon runs. Writers
// of different processes take SQLite's write lock in turn; a caller waits up
// to busy_timeout_ms for it and only then gets a StoreError (never a raw
// SQLITE_BUSY). Every write transaction starts with BEGIN IMMEDIATE, so no
// read-then-upgrade deadlock can happen.
//
// Errors: opening throws StoreError with the path and the reason (directory
// not creatable, path is a directory, not a database, schema newer than this
// binary); every later method throws StoreError when SQLite fails.

#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "storage/store.hpp"

namespace rolecall {

class Checkpointer;
class Connection;
class WriteQueue;

struct SqliteStoreOptions {
  int busy_timeout_ms = 5000;  // wait this long for another writer's lock
  int readers = 4;             // reader connections for point reads (>= 1)
  int bulk_readers = 2;        // memory-mapped readers for list/summary queries (>= 1)
  // Most writes one commit may carry; 1 = every write its own transaction.
  std::size_t max_batch = 256;
  // WAL size (pages) that wakes the checkpoint thread; 0 = no thread, SQLite
  // checkpoints inside the commit that crosses 1000 pages (its default).
  int checkpoint_pages = 1000;
  // Page size of a NEW database file (SQLite fixes it when the file is
  // created; an existing file keeps its own). A routing insert dirties ~5
  // pages, each written whole to the WAL at commit: 2 KiB pages made single
  // inserts 10-25 % faster than SQLite's default 4 KiB with the weekly
  // summary unchanged (bench/RESULTS.md). 0 = SQLite's default.
  int page_size = 2048;
  // Open every connection through the WAL-coalescing VFS
  // (storage/sqlite/wal_coalescing_vfs.hpp; config `storage.wal_coalescing`).
  // Off by default: it relies on an undocumented detail of SQLite (that the
  // WAL is opened under the very filename pointer sqlite3_filename_wal()
  // returns), needed two fixes after it landed (one for corruption), and
  // saves system calls that matter little at the request rates a chat
  // platform sends (bench/RESULTS.md, "Storage"). Stores with and without it
  // may share a file: the format is plain SQLite.
  bool wal_coalescing = false;
};

// Group-commit counters since open: writes / transactions = mean batch size.
struct SqliteWriteStats {
  std::uint64_t transactions = 0;
  std::uint64_t writes = 0;
  std::uint64_t background_checkpoints = 0;  // PASSIVE, on the checkpoint thread
  std::uint64_t inline_checkpoints = 0;      // by the writer, when the WAL outgrew 8 x threshold
};

class SqliteStore final : public Store {
 public:
  // Opens or creates the database at `path` and migrates it to the latest
  // schema. Throws StoreError (see above).
  explicit SqliteStore(const std::string& path, SqliteStoreOptions options = {});
  ~SqliteStore() override;
  SqliteStore(const SqliteStore&) = delete;
  SqliteStore& operator=(const SqliteStore&) = delete;

  const std::string& path() const noexcept { return path_; }
  SqliteWriteStats write_stats() const noexcept;

  bool ping() override;

  std::int64_t record_routing(const RoutingRecord& r) override;
  std::optional<RoutingRecord> get_routing(std::int64_t id) override;
  std::optional<RoutingRecord> find_routing(const std::string& platform, const std::string& channel,
                                            const std::string& message_id) override;
  // Logs the routing's actual current status as `from` (change.from is not
  // trusted) and its current role as the change's from-role. The routing's
  // role becomes change.new_role unless that is none; a `reassigned` change
  // with new_role none moves the routing to the other side of the PM/PO
  // boundary (other_role).
  bool change_routing_status(const StatusChange& change) override;
  std::vector<RoutingRecord> list_routings(const ListFilter& f) override;
  std::vector<CorrectionCount> correction_counts(const std::string& team_id) override;
  std::vector<StatusChange> status_changes(const std::string& team_id, std::int64_t since,
                                           std::int64_t until) override;

  std::int64_t record_decision(const DecisionRecord& d) override;
  // Filters on team, since/until, role, channel and limit (status is ignored).
  std::vector<DecisionRecord> list_decisions(const ListFilter& f) override;
  std::vector<DecisionRecord> search_decisions(const std::string& team_id, const std::string& text,
                                               std::optional<Role> role, int limit) override;

  // A key whose expiry has passed counts as new again, even before retention
  // deletes it.
  bool remember_event(const std::string& key, std::int64_t now, std::int64_t expires_at) override;
  bool event_seen(const std::string& key, std::int64_t now) override;

  // A new row is pending with attempts 0 and next_attempt_at = now.
  bool enqueue(const OutboxMessage& m, std::int64_t now) override;
  // Oldest (lowest id) first; limit <= 0 = no limit.
  std::vector<OutboxRow> due_outbox(std::int64_t now, int limit,
                                    std::int64_t after_id = 0) override;
  // One UPDATE ... RETURNING in the write transaction, so claims of
  // processes sharing the file exclude each other.
  std::vector<OutboxRow> claim_outbox(std::int64_t now, int limit, std::int64_t lease_seconds,
                                      const std::string& owner, std::int64_t after_id = 0) override;
  std::optional<std::int64_t> next_outbox_due(
      std::optional<std::int64_t> after = std::nullopt) override;
  // Sets attempt_started_at of a pending row (a committed write, so it
  // survives a crash that follows). Unknown ids and finished rows are ignored.
  void mark_attempt_started(std::int64_t id, std::int64_t now) override;
  // Each of the three records the outcome of one attempt: attempts + 1.
  // mark_delivered and mark_failed clear attempt_started_at. Unknown ids are
  // ignored.
  void mark_delivered(std::int64_t id, std::int64_t now) override;
  void mark_retry(std::int64_t id, std::int64_t next_attempt_at, const std::string& error,
                  SentState sent) override;
  void mark_failed(std::int64_t id, const std::string& error) override;
  std::int64_t outbox_depth() override;

  bool mark_digest_sent(const std::string& team_id, const std::string& iso_week,
                        const std::string& destination, std::int64_t now) override;
  bool digest_sent(const std::string& team_id, const std::string& iso_week,
                   const std::string& destination) override;

  // Blanks `text` of routings and decisions created before now - days*86400
  // (hash, topic and everything else stay), deletes delivered/failed outbox
  // rows created before then (their payloads quote texts), and deletes dedupe
  // keys with expires_at <= now. days <= 0 keeps texts and outbox rows. Works
  // in small transactions so live traffic is never blocked for long. Returns
  // the number of rows changed or deleted.
  std::int64_t apply_retention(std::int64_t now, int days) override;
  // Each chunk's write transaction first checks the fence.
  std::optional<std::int64_t> apply_retention(std::int64_t now, int days,
                                              const Fence& fence) override;

  // Leases in the leases table, each call one write transaction (processes
  // sharing the file, e.g. the CLI, see each other's leases).
  std::optional<std::int64_t> acquire_lease(const std::string& name, const std::string& holder,
                                            std::int64_t now, std::int64_t ttl_seconds) override;
  bool release_lease(const std::string& name, const std::string& holder,
                     std::int64_t token) override;
  bool lease_valid(const Fence& fence) override;

  // In this process's memory (one daemon owns an SQLite file): a map under a
  // mutex, no database round trip.
  std::optional<std::int64_t> take_send_slot(const std::string& destination, std::int64_t now_ms,
                                             std::int64_t interval_ms) override;
  void hold_destination(const std::string& destination, std::int64_t until_ms) override;

  // A consistent copy of the database at `path` (parent directories created;
  // an earlier backup there is overwritten, any other file is refused). Runs
  // beside live traffic.
  void backup(const std::string& path) override;

  // One job of the group-commit queue (one savepoint in its commit); writes
  // inside fn run on the committing thread without queueing again. A nested
  // write_batch joins the outer one (it is not atomic on its own).
  void write_batch(const std::function<void(Store& store)>& fn) override;

 private:
  struct ReaderPool {
    std::mutex mu;
    std::condition_variable cv;
    std::vector<std::unique_ptr<Connection>> all;
    std::vector<Connection*> free;
  };
  class ReaderLease;
  template <class F>
  auto guarded(const char* op, F&& f);
  template <class F>
  auto write(const char* op, F&& f);
  // Point reads (a few rows) on the plain pool; range queries on the mapped one.
  template <class F>
  auto read(const char* op, F&& f);
  template <class F>
  auto read_bulk(const char* op, F&& f);
  std::optional<std::int64_t> retention(std::int64_t now, int days, const Fence* fence);

  std::string path_;
  SqliteStoreOptions options_;
  std::unique_ptr<Checkpointer> checkpointer_;
  std::unique_ptr<Connection> writer_;
  std::unique_ptr<WriteQueue> queue_;
  ReaderPool readers_;
  ReaderPool bulk_readers_;
  std::mutex pacing_mu_;
  std::map<std::string, std::int64_t> next_send_ms_;  // destination -> next allowed (ms)
};

}  // namespace rolecall
