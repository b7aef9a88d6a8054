#pragma once
// The backends the storage contract suite runs on
// (tests/storage/store_contract_test.cpp): each makes a fresh, empty
// database and opens Stores on it: a second open() is another process or
// replica sharing that database.
//
// postgres runs on the test process's PostgreSQL server
// (tests/support/postgres_server.hpp); it is skipped, saying why, only when
// no server binaries are installed, and in the suite's WAL-coalescing pass
// (that pass is about SQLite's VFS).

#include <functional>
#include <memory>
#include <ostream>
#include <string>

#include "storage/postgres/postgres_store.hpp"
#include "storage/sqlite/sqlite_store.hpp"
#include "tests/storage/scratch_dir.hpp"
#include "tests/storage/suite_options.hpp"
#include "tests/support/postgres_server.hpp"

namespace rolecall::storage_test {

class BackendDatabase {
 public:
  virtual ~BackendDatabase() = default;
  virtual std::unique_ptr<Store> open() = 0;
};

struct StoreBackend {
  std::string name;
  // A fresh database, or nullptr with the reason to skip in *why_not.
  std::function<std::unique_ptr<BackendDatabase>(std::string* why_not)> make;
  // GoogleTest prints the parameter by its name.
  friend void PrintTo(const StoreBackend& b, std::ostream* os) { *os << b.name; }
};

// The PostgreSQL server of this test process, or nullptr with the reason to
// skip: no server binaries, or the WAL-coalescing pass (about SQLite only).
inline testing::PostgresServer* postgres_for_tests(std::string* why_not) {
  if (suite_uses_wal_coalescing()) {
    *why_not = "PostgreSQL runs in the plain pass; this pass is about SQLite's VFS";
    return nullptr;
  }
  return testing::PostgresServer::shared(why_not);
}

class SqliteDatabase final : public BackendDatabase {
 public:
  std::unique_ptr<Store> open() override {
    return std::make_unique<SqliteStore>(path_, test_store_options());
  }

 private:
  ScratchDir dir_;
  std::string path_ = dir_.file("var/rolecall.db");
};

class PostgresDatabase final : public BackendDatabase {
 public:
  explicit PostgresDatabase(std::string url) : url_(std::move(url)) {}
  std::unique_ptr<Store> open() override {
    PostgresStoreOptions options;
    options.pool_size = 4;
    return std::make_unique<PostgresStore>(url_, options);
  }
  const std::string& url() const { return url_; }

 private:
  std::string url_;
};

inline StoreBackend sqlite_backend() {
  return {"sqlite", [](std::string*) -> std::unique_ptr<BackendDatabase> {
            return std::make_unique<SqliteDatabase>();
          }};
}

inline StoreBackend postgres_backend() {
  return {"postgres", [](std::string* why_not) -> std::unique_ptr<BackendDatabase> {
            auto* server = postgres_for_tests(why_not);
            if (server == nullptr) return nullptr;
            return std::make_unique<PostgresDatabase>(server->create_database());
          }};
}

}  // namespace rolecall::storage_test
