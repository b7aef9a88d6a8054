#include "storage/postgres/pg_connection.hpp"

#include <libpq-fe.h>

#include <charconv>
#include <system_error>

#include "storage/store_error.hpp"

namespace rolecall {

PgParam pg_param(std::int64_t v) { return std::to_string(v); }
PgParam pg_param(double v) {
  // Shortest text that reads back as the same double.
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, ec == std::errc() ? end : buf);
}
PgParam pg_param(std::string v) { return v; }
PgParam pg_param(std::string_view v) { return std::string(v); }
PgParam pg_param(const char* v) { return std::string(v); }

PgResult::~PgResult() {
  if (r_) PQclear(r_);
}

PgResult& PgResult::operator=(PgResult&& o) noexcept {
  if (this != &o) {
    if (r_) PQclear(r_);
    r_ = o.r_;
    o.r_ = nullptr;
  }
  return *this;
}

int PgResult::rows() const noexcept { return r_ ? PQntuples(r_) : 0; }

std::int64_t PgResult::affected() const noexcept {
  if (!r_) return 0;
  const char* n = PQcmdTuples(r_);
  return (n && *n) ? std::stoll(n) : 0;
}

bool PgResult::is_null(int row, int col) const noexcept { return PQgetisnull(r_, row, col) != 0; }

std::string PgResult::text(int row, int col) const {
  return std::string(PQgetvalue(r_, row, col), static_cast<std::size_t>(PQgetlength(r_, row, col)));
}

std::int64_t PgResult::int64(int row, int col) const {
  if (is_null(row, col)) return 0;
  std::int64_t v = 0;
  const char* s = PQgetvalue(r_, row, col);
  std::from_chars(s, s + PQgetlength(r_, row, col), v);
  return v;
}

double PgResult::real(int row, int col) const {
  if (is_null(row, col)) return 0;
  double v = 0;
  const char* s = PQgetvalue(r_, row, col);
  std::from_chars(s, s + PQgetlength(r_, row, col), v);
  return v;
}

PgConnection::PgConnection(const std::string& url, const std::string& redacted,
                           int connect_timeout_s)
    : redacted_(redacted) {
  // Defaults first: with expand_dbname the URL's own settings override them.
  const std::string timeout = std::to_string(connect_timeout_s);
  const char* keys[] = {"connect_timeout", "application_name", "dbname", nullptr};
  const char* values[] = {timeout.c_str(), "rolecall", url.c_str(), nullptr};
  conn_ = PQconnectdbParams(keys, values, 1);
  if (conn_ == nullptr) throw StoreError("database " + redacted_ + ": out of memory connecting");
  if (PQstatus(conn_) != CONNECTION_OK) {
    std::string msg = PQerrorMessage(conn_);
    while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
    PQfinish(conn_);
    conn_ = nullptr;
    throw StoreError("database " + redacted_ + ": cannot connect: " + msg);
  }
  // Notices (e.g. "relation already exists, skipping") are not ours to print.
  PQsetNoticeProcessor(
      conn_, [](void*, const char*) {}, nullptr);
  // Plan every execution of a prepared statement with its values. The list
  // queries filter on values whose selectivity differs by orders of
  // magnitude (one team's open routings, or a whole year), and the partial
  // index of open routings only matches a plan made with the value of
  // status. After five executions PostgreSQL switches to a generic plan,
  // which for the digest's "still open" query scanned routings_created over
  // the whole year backwards: 460-650 ms instead of 4-55 ms over a million
  // routings (bench/RESULTS.md). Planning the simple statements of the
  // request path each time costs a fraction of a millisecond.
  PGresult* set = PQexec(conn_, "SET plan_cache_mode = force_custom_plan");
  const bool ok = set != nullptr && PQresultStatus(set) == PGRES_COMMAND_OK;
  std::string msg = ok ? "" : PQerrorMessage(conn_);
  PQclear(set);
  if (!ok) {
    PQfinish(conn_);
    conn_ = nullptr;
    throw StoreError("database " + redacted_ + ": cannot set plan_cache_mode: " + msg);
  }
}

PgConnection::~PgConnection() {
  if (conn_) PQfinish(conn_);
}

bool PgConnection::broken() const noexcept { return !conn_ || PQstatus(conn_) == CONNECTION_BAD; }

void PgConnection::fail(const char* op, pg_result* r) {
  std::string msg = r ? PQresultErrorMessage(r) : "";
  if (msg.empty()) msg = PQerrorMessage(conn_);
  while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
  if (r) PQclear(r);
  std::string what = "database " + redacted_ + ": " + op + ": " + msg;
  if (broken()) what += " (connection lost; the next call reconnects)";
  throw StoreError(what);
}

PgResult PgConnection::exec(const char* op, const std::string& sql,
                            const std::vector<PgParam>& params) {
  auto it = prepared_.find(sql);
  if (it == prepared_.end()) {
    std::string name = "s" + std::to_string(prepared_.size() + 1);
    pg_result* r = PQprepare(conn_, name.c_str(), sql.c_str(), 0, nullptr);
    if (!r || PQresultStatus(r) != PGRES_COMMAND_OK) fail(op, r);
    PQclear(r);
    it = prepared_.emplace(sql, std::move(name)).first;
  }
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const auto& p : params) values.push_back(p ? p->c_str() : nullptr);
  pg_result* r = PQexecPrepared(conn_, it->second.c_str(), static_cast<int>(values.size()),
                                values.data(), nullptr, nullptr, 0);
  const auto status = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) fail(op, r);
  return PgResult(r);
}

void PgConnection::exec_script(const char* op, const std::string& sql) {
  pg_result* r = PQexec(conn_, sql.c_str());
  const auto status = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) fail(op, r);
  PQclear(r);
}

}  // namespace rolecall
