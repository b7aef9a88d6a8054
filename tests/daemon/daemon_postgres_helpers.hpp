#pragma once
// Helpers of the daemon tests that run real processes on PostgreSQL
// (daemon_postgres_test.cpp, daemon_replicas_test.cpp) and of the digest
// tests: polling a condition, one query's first value, a digest schedule
// that is due now.

#include <libpq-fe.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <string>
#include <thread>

namespace rolecall::testing {

// Polls `pred` every 20 ms until it holds or `timeout` passes; its last value.
template <class Pred>
bool wait_until(Pred pred, std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (pred()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return pred();
}

// The first value of one query on its own connection; "" on any failure
// (the server down included).
inline std::string query(const std::string& url, const std::string& sql) {
  PGconn* c = PQconnectdb(url.c_str());
  std::string out;
  if (PQstatus(c) == CONNECTION_OK) {
    PGresult* r = PQexec(c, sql.c_str());
    if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) > 0 && !PQgetisnull(r, 0, 0)) {
      out = PQgetvalue(r, 0, 0);
    }
    PQclear(r);
  }
  PQfinish(c);
  return out;
}

// A weekly digest schedule (UTC) two minutes in the past: due at once and
// within the catch-up window.
inline std::string due_schedule_yaml() {
  const std::time_t t = std::time(nullptr) - 120;
  std::tm tm{};
  gmtime_r(&t, &tm);
  static const char* days[] = {"sunday",   "monday", "tuesday", "wednesday",
                               "thursday", "friday", "saturday"};
  char hhmm[8];
  std::snprintf(hhmm, sizeof hhmm, "%02d:%02d", tm.tm_hour, tm.tm_min);
  return std::string("{day: ") + days[tm.tm_wday] + ", time: \"" + hhmm + "\", time_zone: UTC}";
}

}  // namespace rolecall::testing
