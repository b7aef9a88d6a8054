#include "storage/postgres/copy_from_sqlite.hpp"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Exception.h>
#include <SQLiteCpp/Statement.h>

#include <array>

#include "storage/postgres/database_url.hpp"
#include "storage/postgres/pg_connection.hpp"
#include "storage/postgres/pg_migrations.hpp"
#include "storage/sqlite/sqlite_store.hpp"
#include "storage/store_error.hpp"

namespace rolecall {

namespace {

struct Table {
  const char* name;
  const char* columns;
  bool identity;  // has an identity id whose sequence must follow the copied ids
};

// Parents before children (status_changes references routings).
constexpr std::array<Table, 7> kTables{{
    {"routings",
     "id, platform, team_id, channel, message_id, link, author, text, text_hash, intent, role, "
     "original_role, topic, confidence, assignee, status, reply_ref, created_at, updated_at",
     true},
    {"status_changes",
     "id, routing_id, from_status, to_status, from_role, new_role, changed_by, at, team_id, topic",
     true},
    {"decisions", "id, platform, team_id, role, text, decided_by, channel, link, created_at", true},
    {"processed_events", "event_key, seen_at, expires_at", false},
    {"outbox",
     "id, destination, target, payload, idempotency_key, attempts, next_attempt_at, state, "
     "last_error, created_at, delivered_at, attempt_started_at, claimed_until, claimed_by",
     true},
    {"digests_sent", "team_id, iso_week, destination, sent_at", false},
    {"correction_totals", "team_id, topic, from_role, to_role, count", false},
}};

int column_count(const char* columns) {
  int n = 1;
  for (const char* c = columns; *c; ++c) n += *c == ',';
  return n;
}

std::int64_t pg_count(PgConnection& c, const Table& t) {
  return c.exec("count", std::string("SELECT count(*) FROM ") + t.name).int64(0, 0);
}

}  // namespace

std::vector<TableCount> copy_sqlite_to_postgres(const std::string& sqlite_path,
                                                const std::string& postgres_url) {
  { SqliteStore migrate_first(sqlite_path); }  // latest schema, or StoreError
  const std::string redacted = redact_database_url(postgres_url);
  PgConnection pg(postgres_url, redacted, 10);
  pg_migrate(pg);
  for (const auto& t : kTables) {
    if (pg_count(pg, t) != 0) {
      throw StoreError("db copy: " + redacted + " already holds rows in " + t.name +
                       "; copy into an empty database");
    }
  }

  std::vector<TableCount> copied;
  try {
    SQLite::Database src(sqlite_path, SQLite::OPEN_READONLY);
    src.exec("BEGIN");  // one snapshot of every table
    pg.exec_script("db copy", "BEGIN");
    try {
      for (const auto& t : kTables) {
        const int n = column_count(t.columns);
        std::string insert = std::string("INSERT INTO ") + t.name + " (" + t.columns + ") VALUES (";
        for (int i = 1; i <= n; ++i) insert += (i > 1 ? ", $" : "$") + std::to_string(i);
        insert += ")";
        SQLite::Statement q(src, std::string("SELECT ") + t.columns + " FROM " + t.name);
        std::int64_t rows = 0;
        std::vector<PgParam> params(static_cast<std::size_t>(n));
        while (q.executeStep()) {
          for (int i = 0; i < n; ++i) {
            const SQLite::Column col = q.getColumn(i);
            if (col.isNull()) {
              params[static_cast<std::size_t>(i)].reset();
            } else if (col.isFloat()) {
              params[static_cast<std::size_t>(i)] = pg_param(col.getDouble());  // exact
            } else {
              params[static_cast<std::size_t>(i)] = col.getString();
            }
          }
          pg.exec("db copy", insert, params);
          ++rows;
        }
        if (t.identity) {
          // The next id PostgreSQL assigns follows the copied ones.
          pg.exec("db copy", std::string("SELECT setval(pg_get_serial_sequence('") + t.name +
                                 "', 'id'), coalesce(max(id), 0) + 1, false) FROM " + t.name);
        }
        copied.push_back({t.name, rows});
      }
      pg.exec_script("db copy", "COMMIT");
    } catch (...) {
      try {
        if (!pg.broken()) pg.exec_script("db copy", "ROLLBACK");
      } catch (const std::exception&) {
      }
      throw;
    }
    src.exec("COMMIT");
  } catch (const SQLite::Exception& e) {
    throw StoreError("db copy: reading " + sqlite_path + ": " + e.what());
  }

  // Check afterwards, on both sides, with fresh counts.
  SQLite::Database src(sqlite_path, SQLite::OPEN_READONLY);
  for (std::size_t i = 0; i < kTables.size(); ++i) {
    const auto& t = kTables[i];
    const std::int64_t in_sqlite =
        src.execAndGet(std::string("SELECT count(*) FROM ") + t.name).getInt64();
    const std::int64_t in_pg = pg_count(pg, t);
    if (in_pg != copied[i].rows || in_sqlite != in_pg) {
      throw StoreError("db copy: " + std::string(t.name) + " has " + std::to_string(in_pg) +
                       " rows in PostgreSQL and " + std::to_string(in_sqlite) + " in SQLite (" +
                       std::to_string(copied[i].rows) +
                       " copied; was a rolecall still writing to the SQLite file?)");
    }
  }
  return copied;
}

}  // namespace rolecall
