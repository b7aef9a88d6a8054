#include "storage/sqlite/connection.hpp"

namespace rolecall {

namespace {

int open_flags(Connection::Mode mode) {
  return mode == Connection::Mode::writer ? SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE
                                          : SQLite::OPEN_READWRITE;
}

}  // namespace

Connection::Connection(const std::string& path, Mode mode, int busy_timeout_ms)
    : db_(path, open_flags(mode), busy_timeout_ms) {
  // Each of these is per connection, so every connection sets them.
  db_.exec("PRAGMA foreign_keys = ON");
  db_.exec("PRAGMA synchronous = NORMAL");
  db_.exec("PRAGMA temp_store = MEMORY");
  if (mode == Mode::reader) db_.exec("PRAGMA query_only = ON");
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
