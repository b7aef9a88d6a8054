#include "storage/postgres/pg_pinger.hpp"

#include <libpq-fe.h>
#include <poll.h>

#include <algorithm>
#include <string_view>

namespace rolecall {

namespace {

using Clock = std::chrono::steady_clock;

// Waits until the connection's socket is readable (or writable), at most
// until `deadline`; false on timeout or error.
bool wait_socket(pg_conn* conn, bool for_write, Clock::time_point deadline) {
  const int fd = PQsocket(conn);
  if (fd < 0) return false;
  for (;;) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) return false;
    pollfd p{fd, static_cast<short>(for_write ? POLLOUT : POLLIN), 0};
    const int n = ::poll(&p, 1, static_cast<int>(std::min<long long>(left.count(), 60000)));
    if (n > 0) return true;
    if (n < 0 && errno != EINTR) return false;
  }
}

}  // namespace

PgPinger::PgPinger(std::string url, std::chrono::milliseconds timeout)
    : url_(std::move(url)), timeout_(timeout) {}

PgPinger::~PgPinger() { drop(); }

void PgPinger::drop() {
  if (conn_) PQfinish(conn_);
  conn_ = nullptr;
}

bool PgPinger::connect(Clock::time_point deadline) {
  const char* keys[] = {"application_name", "dbname", nullptr};
  const char* values[] = {"rolecall-readyz", url_.c_str(), nullptr};
  conn_ = PQconnectStartParams(keys, values, 1);
  if (conn_ == nullptr || PQstatus(conn_) == CONNECTION_BAD) return false;
  // libpq's documented loop: poll the socket in the direction it asks for.
  PostgresPollingStatusType status = PGRES_POLLING_WRITING;
  for (;;) {
    if (status == PGRES_POLLING_OK) break;
    if (status == PGRES_POLLING_FAILED) return false;
    if (!wait_socket(conn_, status == PGRES_POLLING_WRITING, deadline)) return false;
    status = PQconnectPoll(conn_);
  }
  PQsetNoticeProcessor(
      conn_, [](void*, const char*) {}, nullptr);
  return PQsetnonblocking(conn_, 1) == 0;
}

bool PgPinger::query(Clock::time_point deadline) {
  if (PQsendQuery(conn_, "SELECT 1") != 1) return false;
  while (PQflush(conn_) == 1) {
    if (!wait_socket(conn_, true, deadline)) return false;
  }
  for (;;) {
    if (PQconsumeInput(conn_) != 1) return false;
    if (!PQisBusy(conn_)) break;
    if (!wait_socket(conn_, false, deadline)) return false;
  }
  bool ok = false;
  while (pg_result* r = PQgetResult(conn_)) {
    ok = ok || (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1 &&
                std::string_view(PQgetvalue(r, 0, 0)) == "1");
    PQclear(r);
  }
  return ok;
}

bool PgPinger::ping() {
  const auto deadline = Clock::now() + timeout_;
  std::unique_lock lock(mu_, std::defer_lock);
  if (!lock.try_lock_until(deadline)) return false;
  if (conn_ != nullptr && PQstatus(conn_) != CONNECTION_OK) drop();
  if (conn_ == nullptr && !connect(deadline)) {
    drop();
    return false;
  }
  if (!query(deadline)) {
    drop();  // half-read answers or a dead peer: start afresh next time
    return false;
  }
  return true;
}

}  // namespace rolecall
