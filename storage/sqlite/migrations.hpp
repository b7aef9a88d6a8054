#pragma once
// The schema of the rolecall database as an ordered list of forward-only
// steps. The version lives in PRAGMA user_version (0 = empty file). A step is
// never edited once released: a change is a new step appended to the list.

#include <SQLiteCpp/Database.h>

#include <span>
#include <string>
#include <string_view>

namespace rolecall {

struct Migration {
  int version;               // user_version after this step; 1, 2, 3, ... in order
  std::string_view summary;  // one line, for logs and tests
  std::string_view sql;      // one or more statements
};

// Every step, oldest first; migrations()[i].version == i + 1.
std::span<const Migration> migrations();

// The newest schema version this binary knows.
int latest_schema_version();

// PRAGMA user_version of `db`.
int schema_version(SQLite::Database& db);

// Throws StoreError when `db` has a schema newer than this binary knows.
void check_schema_supported(SQLite::Database& db);

// Brings `db` from its version up to `target` (default: latest) in one
// IMMEDIATE transaction, so two processes opening a fresh file at once apply
// each step exactly once. Returns the version before the migration.
// Throws StoreError when the database is newer than this binary knows (the
// message names both versions), or when a step fails (nothing is applied).
int migrate(SQLite::Database& db, int target = latest_schema_version());

}  // namespace rolecall
