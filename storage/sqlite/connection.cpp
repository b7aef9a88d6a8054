#include "storage/sqlite/connection.hpp"

#include "storage/sqlite/wal_coalescing_vfs.hpp"

namespace rolecall {

namespace {

int open_flags(Connection::Mode mode) {
  // NOMUTEX: a Connection is only ever used by one thread at a time (the
  // store's queue and pool guarantee it), so SQLite's per-call connection
  // mutex would be pure overhead (it was ~10% of reading a routing row).
  const int flags = SQLite::OPEN_READWRITE | SQLite::OPEN_NOMUTEX;
  return mode == Connection::Mode::writer ? flags | SQLite::OPEN_CREATE : flags;
}

}  // namespace

Connection::Connection(const std::string& path, Mode mode, int busy_timeout_ms, bool wal_coalescing)
    : db_(path.c_str(), open_flags(mode), busy_timeout_ms,
          wal_coalescing ? wal_coalescing_vfs() : nullptr) {
  // Each of these is per connection, so every connection sets them.
  db_.exec("PRAGMA foreign_keys = ON");
  db_.exec("PRAGMA synchronous = NORMAL");
  db_.exec("PRAGMA temp_store = MEMORY");
  if (mode == Mode::bulk_reader) {
    // Pages through a memory map instead of one pread() each: the digest's
    // range queries got 3-4x cheaper (bench/RESULTS.md). But a connection
    // with a map unmaps the whole file whenever it starts a read after
    // another connection wrote, which made a point read beside a stream of
    // writes ~200 us slower, so only the bulk readers map. SQLite caps the
    // size at its compile-time maximum (2 GiB on Debian).
    db_.exec("PRAGMA mmap_size = 2147418112");
  }
  if (mode != Mode::writer) db_.exec("PRAGMA query_only = ON");
}

Connection::Use Connection::prepare(const std::string& sql) {
  auto it = cache_.find(sql);
  if (it == cache_.end()) {
    it = cache_.emplace(sql, std::make_unique<SQLite::Statement>(db_, sql)).first;
  }
  return Use(*it->second);
}

int Connection::run(const std::string& sql) {
  auto s = prepare(sql);
  return s->exec();
}

}  // namespace rolecall
