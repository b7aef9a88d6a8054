#pragma once
// The PostgreSQL schema as forward-only versioned steps, recorded in the
// table schema_migrations (one row per applied step). The steps run under a
// session advisory lock (pg_advisory_lock), so replicas starting together
// apply each step exactly once, each step in its own transaction. A step is
// never edited once released: a change is a new step appended to the list.
// The SQLite schema has its own list (storage/sqlite/migrations.hpp); both
// describe the same tables.

#include <span>
#include <string_view>

namespace rolecall {

class PgConnection;

struct PgMigration {
  int version;               // 1, 2, 3, ... in order
  std::string_view summary;  // one line
  std::string_view sql;      // one or more statements, no parameters
};

std::span<const PgMigration> pg_migrations();
int pg_latest_schema_version();

// The highest applied version (0 for an empty database).
int pg_schema_version(PgConnection& c);

// Applies the missing steps up to the latest under the advisory lock and
// returns the version found before. Throws StoreError when the database's
// version is newer than this binary knows (nothing applied; the message
// names both versions) or a step fails (that step rolled back).
int pg_migrate(PgConnection& c);

// Throws StoreError when the database is newer than this binary knows.
void pg_check_schema_supported(PgConnection& c);

}  // namespace rolecall
