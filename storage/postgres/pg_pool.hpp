#pragma once
// A bounded pool of PostgreSQL connections (PgConnection).
//
// acquire() hands out an idle connection, opens a new one while fewer than
// `size` exist, or waits (counted in stats().waiting) up to
// `acquire_timeout` for one to come back; then it throws StoreError.
// Connecting happens outside the lock, so a slow or dead server blocks only
// the callers that need a new connection.
//
// Outages: while the server cannot be reached, a failed connect is
// remembered for kFailFast (250 ms): acquires in that time that would have to
// connect throw the same StoreError at once instead of each waiting for
// libpq's connect timeout (requests get their 503 quickly).
// A lease whose connection broke (PgConnection::broken) discards it
// when returned, and with it every idle connection opened before it (they
// were most likely cut by the same server restart); the next acquire
// reconnects. So the store recovers by itself once the server is back, and
// callers see StoreError (503) while it is away.
// Thread-safe.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "storage/postgres/pg_connection.hpp"

namespace rolecall {

struct PgPoolStats {
  int size = 0;                 // the bound
  int open = 0;                 // connections that exist
  int in_use = 0;               // handed out now
  int waiting = 0;              // callers waiting for one now
  std::uint64_t waits = 0;      // acquires that had to wait, since start
  std::uint64_t connects = 0;   // connections opened, since start
  std::uint64_t discarded = 0;  // broken connections dropped, since start
};

class PgPool {
 public:
  PgPool(std::string url, std::string redacted, int size, std::chrono::milliseconds acquire_timeout,
         int connect_timeout_s);
  ~PgPool();
  PgPool(const PgPool&) = delete;
  PgPool& operator=(const PgPool&) = delete;

  class Lease {
   public:
    Lease(PgPool& pool, std::unique_ptr<PgConnection> conn, std::uint64_t generation)
        : pool_(&pool), conn_(std::move(conn)), generation_(generation) {}
    ~Lease();
    Lease(Lease&& o) noexcept = default;
    Lease& operator=(Lease&&) = delete;
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    PgConnection& operator*() { return *conn_; }
    PgConnection* operator->() { return conn_.get(); }
    // The connection is in an unknown state (e.g. a transaction that could
    // not be rolled back): drop it instead of returning it.
    void discard() { discard_ = true; }

   private:
    PgPool* pool_;
    std::unique_ptr<PgConnection> conn_;
    std::uint64_t generation_;
    bool discard_ = false;
  };

  Lease acquire();
  // The server answered another way (PgPinger): forget the last failed
  // connect, so the next acquire tries at once.
  void server_answered();
  PgPoolStats stats() const;
  const std::string& redacted_url() const noexcept { return redacted_; }

 private:
  struct Idle {
    std::unique_ptr<PgConnection> conn;
    std::uint64_t generation;
  };
  void give_back(std::unique_ptr<PgConnection> conn, std::uint64_t generation, bool discard);

  const std::string url_;
  const std::string redacted_;
  const int size_;
  const std::chrono::milliseconds acquire_timeout_;
  const int connect_timeout_s_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Idle> idle_;
  int open_ = 0;
  int in_use_ = 0;
  int waiting_ = 0;
  std::uint64_t generation_ = 0;  // bumped when a broken connection is seen
  std::uint64_t waits_ = 0, connects_ = 0, discarded_ = 0;
  std::chrono::steady_clock::time_point last_connect_failure_{};
  std::string last_connect_error_;
};

}  // namespace rolecall
