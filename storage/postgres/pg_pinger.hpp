#pragma once
// PgPinger: the readiness check's own PostgreSQL connection, apart from the
// pool, so /readyz answers within its deadline even while every pooled
// connection is busy with slow work, and says "not ready" rather than hang
// when the server is unreachable (a dead host, a black-holed network).
//
// ping() connects when it has no connection (libpq's non-blocking connect)
// and runs SELECT 1 (non-blocking), all within `timeout`; on any failure or
// when the deadline passes it drops the connection, so the next ping starts
// afresh. Concurrent pings share the connection in turn: a ping that cannot
// get it within the deadline answers false.
// Thread-safe. Never throws.

#include <chrono>
#include <mutex>
#include <string>

struct pg_conn;

namespace rolecall {

class PgPinger {
 public:
  PgPinger(std::string url, std::chrono::milliseconds timeout);
  ~PgPinger();
  PgPinger(const PgPinger&) = delete;
  PgPinger& operator=(const PgPinger&) = delete;

  bool ping();

 private:
  bool connect(std::chrono::steady_clock::time_point deadline);
  bool query(std::chrono::steady_clock::time_point deadline);
  void drop();

  const std::string url_;
  const std::chrono::milliseconds timeout_;
  std::timed_mutex mu_;
  pg_conn* conn_ = nullptr;
};

}  // namespace rolecall
