#include "storage/sqlite/migrations.hpp"

#include <SQLiteCpp/Exception.h>

#include <array>

#include "storage/store.hpp"

namespace rolecall {

namespace {

// v1: the core tables.
constexpr std::string_view kV1 = R"sql(
CREATE TABLE routings (
  id            INTEGER PRIMARY KEY,
  platform      TEXT    NOT NULL,
  team_id       TEXT    NOT NULL,
  channel       TEXT    NOT NULL DEFAULT '',
  message_id    TEXT    NOT NULL DEFAULT '',
  link          TEXT    NOT NULL DEFAULT '',
  author        TEXT    NOT NULL DEFAULT '',
  text          TEXT    NOT NULL DEFAULT '',
  text_hash     TEXT    NOT NULL DEFAULT '',
  intent        TEXT    NOT NULL,
  role          TEXT    NOT NULL,
  original_role TEXT    NOT NULL,
  topic         TEXT    NOT NULL DEFAULT '',
  confidence    REAL    NOT NULL DEFAULT 0,
  assignee      TEXT    NOT NULL DEFAULT '',
  status        TEXT    NOT NULL DEFAULT 'open'
                CHECK (status IN ('open', 'acknowledged', 'reassigned', 'dismissed')),
  reply_ref     TEXT    NOT NULL DEFAULT '',
  created_at    INTEGER NOT NULL,
  updated_at    INTEGER NOT NULL
);
CREATE TABLE status_changes (
  id          INTEGER PRIMARY KEY,
  routing_id  INTEGER NOT NULL REFERENCES routings(id) ON DELETE CASCADE,
  from_status TEXT    NOT NULL,
  to_status   TEXT    NOT NULL,
  from_role   TEXT    NOT NULL,
  new_role    TEXT    NOT NULL,
  changed_by  TEXT    NOT NULL DEFAULT '',
  at          INTEGER NOT NULL
);
CREATE INDEX status_changes_routing ON status_changes(routing_id, id);
CREATE TABLE decisions (
  id         INTEGER PRIMARY KEY,
  platform   TEXT    NOT NULL,
  team_id    TEXT    NOT NULL,
  role       TEXT    NOT NULL,
  text       TEXT    NOT NULL DEFAULT '',
  decided_by TEXT    NOT NULL DEFAULT '',
  channel    TEXT    NOT NULL DEFAULT '',
  link       TEXT    NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL
);
CREATE TABLE processed_events (
  event_key  TEXT    PRIMARY KEY,
  seen_at    INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE outbox (
  id              INTEGER PRIMARY KEY,
  destination     TEXT    NOT NULL,
  target          TEXT    NOT NULL,
  payload         TEXT    NOT NULL,
  idempotency_key TEXT    NOT NULL UNIQUE,
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,
  state           TEXT    NOT NULL DEFAULT 'pending'
                  CHECK (state IN ('pending', 'delivered', 'failed')),
  last_error      TEXT    NOT NULL DEFAULT '',
  created_at      INTEGER NOT NULL,
  delivered_at    INTEGER
);
)sql";

// v2: digests sent, and the indexes the digest, retention, dedupe expiry and
// the outbox worker need.
constexpr std::string_view kV2 = R"sql(
CREATE TABLE digests_sent (
  team_id     TEXT    NOT NULL,
  iso_week    TEXT    NOT NULL,
  destination TEXT    NOT NULL,
  sent_at     INTEGER NOT NULL,
  PRIMARY KEY (team_id, iso_week, destination)
) WITHOUT ROWID;
CREATE INDEX routings_team_created ON routings(team_id, created_at);
CREATE INDEX routings_created ON routings(created_at);
CREATE INDEX routings_open ON routings(team_id, created_at) WHERE status = 'open';
CREATE INDEX routings_with_text ON routings(created_at) WHERE text <> '';
CREATE INDEX decisions_team_created ON decisions(team_id, created_at);
CREATE INDEX decisions_created ON decisions(created_at);
CREATE INDEX processed_events_expiry ON processed_events(expires_at);
CREATE INDEX outbox_due ON outbox(next_attempt_at) WHERE state = 'pending';
)sql";

// v3: status changes carry their routing's team and topic, so the weekly
// digest and correction_counts (on every routing) read one index instead of
// joining the routing log.
constexpr std::string_view kV3 = R"sql(
ALTER TABLE status_changes ADD COLUMN team_id TEXT NOT NULL DEFAULT '';
ALTER TABLE status_changes ADD COLUMN topic TEXT NOT NULL DEFAULT '';
UPDATE status_changes SET (team_id, topic) =
  (SELECT r.team_id, r.topic FROM routings r WHERE r.id = status_changes.routing_id);
CREATE INDEX status_changes_team_at ON status_changes(team_id, at);
CREATE INDEX status_changes_corrections ON status_changes(team_id, topic, from_role, new_role)
  WHERE to_status = 'reassigned';
)sql";

// v4: correction counts kept as running totals by a trigger, so
// correction_counts (read on every inbound request) costs one short index
// range instead of a scan over all of a team's reassignments.
constexpr std::string_view kV4 = R"sql(
CREATE TABLE correction_totals (
  team_id   TEXT    NOT NULL,
  topic     TEXT    NOT NULL,
  from_role TEXT    NOT NULL,
  to_role   TEXT    NOT NULL,
  count     INTEGER NOT NULL,
  PRIMARY KEY (team_id, topic, from_role, to_role)
) WITHOUT ROWID;
INSERT INTO correction_totals (team_id, topic, from_role, to_role, count)
  SELECT team_id, topic, from_role, new_role, count(*) FROM status_changes
  WHERE to_status = 'reassigned' GROUP BY team_id, topic, from_role, new_role;
CREATE TRIGGER status_changes_count_corrections AFTER INSERT ON status_changes
  WHEN NEW.to_status = 'reassigned'
BEGIN
  INSERT INTO correction_totals (team_id, topic, from_role, to_role, count)
    VALUES (NEW.team_id, NEW.topic, NEW.from_role, NEW.new_role, 1)
    ON CONFLICT (team_id, topic, from_role, to_role) DO UPDATE SET count = count + 1;
END;
DROP INDEX status_changes_corrections;
)sql";

// v5: the outbox remembers an attempt that was started and not finished
// (issue 13): set before a row is sent, cleared when its outcome is recorded.
// NULL for every existing row: rows written by an older binary were never
// tagged on the platform, so there would be nothing to look for.
constexpr std::string_view kV5 = R"sql(
ALTER TABLE outbox ADD COLUMN attempt_started_at INTEGER;
)sql";

// v6: the routing log answers "the routing made for this platform message"
// (a reply in a routed request's thread) from an index instead of a scan.
constexpr std::string_view kV6 = R"sql(
CREATE INDEX routings_message ON routings(channel, message_id);
)sql";

// v7: outbox claims with a lease (OutboxStore::claim_outbox): 0 = free.
// Several processes may share one SQLite file (the daemon and the CLI); the
// claim keeps two outbox workers from sending one row at once.
constexpr std::string_view kV7 = R"sql(
ALTER TABLE outbox ADD COLUMN claimed_until INTEGER NOT NULL DEFAULT 0;
ALTER TABLE outbox ADD COLUMN claimed_by TEXT NOT NULL DEFAULT '';
)sql";

// v8: leases with fencing tokens (storage/lease_store.hpp). Send pacing
// needs no table on SQLite: one daemon owns the file (storage/send_pacing.hpp).
constexpr std::string_view kV8 = R"sql(
CREATE TABLE leases (
  name       TEXT    PRIMARY KEY,
  holder     TEXT    NOT NULL,
  token      INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);
)sql";

constexpr std::array<Migration, 8> kMigrations{{
    {1, "core tables: routings, status_changes, decisions, processed_events, outbox", kV1},
    {2, "digests_sent; indexes for digest, retention, dedupe expiry, outbox", kV2},
    {3, "status_changes.team_id/topic (backfilled) + indexes", kV3},
    {4, "correction_totals kept by a trigger (backfilled)", kV4},
    {5, "outbox.attempt_started_at: an unfinished delivery attempt", kV5},
    {6, "index of routings by channel and platform message id", kV6},
    {7, "outbox.claimed_until/claimed_by: a lease on a row being delivered", kV7},
    {8, "leases: one holder at a time, with fencing tokens", kV8},
}};

std::string too_new_message(int found) {
  return "database schema version " + std::to_string(found) +
         " is newer than this rolecall supports (" + std::to_string(latest_schema_version()) +
         "); upgrade rolecall or restore a backup";
}

}  // namespace

std::span<const Migration> migrations() { return kMigrations; }

int latest_schema_version() { return kMigrations.back().version; }

int schema_version(SQLite::Database& db) { return db.execAndGet("PRAGMA user_version").getInt(); }

void check_schema_supported(SQLite::Database& db) {
  const int found = schema_version(db);
  if (found > latest_schema_version()) throw StoreError(too_new_message(found));
}

int migrate(SQLite::Database& db, int target) {
  if (target < 0 || target > latest_schema_version()) {
    throw StoreError("migrate: unknown target schema version " + std::to_string(target));
  }
  int found = schema_version(db);
  if (found > latest_schema_version()) throw StoreError(too_new_message(found));
  if (found >= target) return found;

  db.exec("BEGIN IMMEDIATE");
  try {
    // Another process may have migrated between the first look and the lock.
    found = schema_version(db);
    if (found > latest_schema_version()) throw StoreError(too_new_message(found));
    for (const auto& m : kMigrations) {
      if (m.version <= found || m.version > target) continue;
      try {
        db.exec(std::string(m.sql));
      } catch (const SQLite::Exception& e) {
        throw StoreError("schema migration to version " + std::to_string(m.version) + " (" +
                         std::string(m.summary) + ") failed: " + e.what());
      }
      db.exec("PRAGMA user_version = " + std::to_string(m.version));
    }
    db.exec("COMMIT");
  } catch (...) {
    db.tryExec("ROLLBACK");
    throw;
  }
  return found;
}

}  // namespace rolecall
