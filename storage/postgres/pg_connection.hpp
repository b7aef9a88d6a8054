#pragma once
// Thin RAII wrappers over libpq: one result (PgResult) and one connection
// (PgConnection) that prepares each statement once and runs it with
// parameters (never values spliced into SQL).
//
// Why libpq (the C client library of PostgreSQL, Debian's libpq-dev) and not
// libpqxx: libpq's API has been stable for decades and is what every other
// client builds on; Debian 12 ships libpqxx 6.4, whose API libpqxx 7 breaks
// (C++17 rewrite: removed and renamed classes), so code written against it
// would need rewriting on the next Debian. The little we need (connect,
// prepare, execute with text parameters, read text columns) is a few
// dozen lines over libpq.
//
// Errors: every failure throws StoreError with the operation and libpq's
// message (never the password: libpq's messages do not carry it). After a
// failure, broken() says whether the connection itself is lost (the pool
// then discards it).
// Thread safety: none; one thread uses a connection at a time (the pool).

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

struct pg_conn;
struct pg_result;

namespace rolecall {

// A parameter: its text form, or NULL.
using PgParam = std::optional<std::string>;
PgParam pg_param(std::int64_t v);
PgParam pg_param(double v);
PgParam pg_param(std::string v);
PgParam pg_param(std::string_view v);
PgParam pg_param(const char* v);

class PgResult {
 public:
  PgResult() = default;
  explicit PgResult(pg_result* r) noexcept : r_(r) {}
  ~PgResult();
  PgResult(PgResult&& o) noexcept : r_(o.r_) { o.r_ = nullptr; }
  PgResult& operator=(PgResult&& o) noexcept;
  PgResult(const PgResult&) = delete;
  PgResult& operator=(const PgResult&) = delete;

  int rows() const noexcept;
  // Rows an INSERT/UPDATE/DELETE touched.
  std::int64_t affected() const noexcept;
  bool is_null(int row, int col) const noexcept;
  std::string text(int row, int col) const;
  std::int64_t int64(int row, int col) const;  // 0 when NULL
  double real(int row, int col) const;         // 0 when NULL

 private:
  pg_result* r_ = nullptr;
};

class PgConnection {
 public:
  // Connects to `url` (a libpq URI or key=value string); throws StoreError
  // (with `redacted` naming the database) when that fails.
  PgConnection(const std::string& url, const std::string& redacted, int connect_timeout_s);
  ~PgConnection();
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;

  // Runs `sql` (prepared on this connection the first time it is seen) with
  // `params` ($1, $2, ...). `op` names the operation in errors.
  PgResult exec(const char* op, const std::string& sql, const std::vector<PgParam>& params = {});
  // Runs one or more statements without parameters (schema, BEGIN, COMMIT).
  void exec_script(const char* op, const std::string& sql);

  // True when the server connection is lost: this connection is useless.
  bool broken() const noexcept;

 private:
  [[noreturn]] void fail(const char* op, pg_result* r);

  pg_conn* conn_ = nullptr;
  std::string redacted_;
  std::unordered_map<std::string, std::string> prepared_;  // sql -> statement name
};

}  // namespace rolecall
