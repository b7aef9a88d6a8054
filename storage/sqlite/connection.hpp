#pragma once
// One SQLite connection with its own cache of prepared statements. Not
// thread-safe: SqliteStore hands each Connection to one thread at a time
// (the writer under a mutex, readers through a pool).

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <memory>
#include <string>
#include <unordered_map>

namespace rolecall {

class Connection {
 public:
  // bulk_reader: a reader that maps the file into memory (see .cpp).
  enum class Mode { writer, reader, bulk_reader };

  // Opens (creating when `mode` is writer) and applies the per-connection
  // settings: busy timeout, foreign keys, synchronous=NORMAL; readers are
  // query_only. `wal_coalescing`: open through the WAL-coalescing VFS
  // (storage/sqlite/wal_coalescing_vfs.hpp) instead of SQLite's default one.
  // Throws SQLite::Exception.
  Connection(const std::string& path, Mode mode, int busy_timeout_ms, bool wal_coalescing = false);

  SQLite::Database& db() { return db_; }

  // A statement prepared once per connection and reused; the Use resets it
  // when it goes out of scope so it never pins a read snapshot.
  class Use {
   public:
    explicit Use(SQLite::Statement& s) : s_(&s) {}
    Use(const Use&) = delete;
    Use& operator=(const Use&) = delete;
    ~Use() { s_->tryReset(); }
    SQLite::Statement* operator->() { return s_; }
    SQLite::Statement& operator*() { return *s_; }

   private:
    SQLite::Statement* s_;
  };
  Use prepare(const std::string& sql);

  // Runs `sql` (no results) through the statement cache; returns rows changed.
  int run(const std::string& sql);

 private:
  SQLite::Database db_;
  std::unordered_map<std::string, std::unique_ptr<SQLite::Statement>> cache_;
};

}  // namespace rolecall
