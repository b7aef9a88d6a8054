// Schema migrations: a database left at every earlier version migrates to the
// latest with its data intact; a newer one is refused untouched.

#include "storage/sqlite/migrations.hpp"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "storage/sqlite/sqlite_store.hpp"
#include "tests/storage/scratch_dir.hpp"
#include "tests/storage/suite_options.hpp"

namespace rolecall {
namespace {

using storage_test::ScratchDir;
using ::testing::HasSubstr;

const int kOpenRw = SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE;

TEST(Migrations, AreNumberedOneToLatestInOrder) {
  const auto steps = migrations();
  ASSERT_GE(steps.size(), 2u);
  for (std::size_t i = 0; i < steps.size(); ++i) {
    EXPECT_EQ(steps[i].version, static_cast<int>(i) + 1);
    EXPECT_FALSE(steps[i].sql.empty());
    EXPECT_FALSE(steps[i].summary.empty());
  }
  EXPECT_EQ(latest_schema_version(), steps.back().version);
}

// What a rolecall of schema `version` would have written: one routing with a
// reassignment, a decision, a dedupe key, an outbox row, (from v2) a digest
// and (from v5) an outbox row whose attempt was left unfinished.
void seed(SQLite::Database& db, int version) {
  db.exec(
      "INSERT INTO routings (id, platform, team_id, channel, text, text_hash, intent, role, "
      "original_role, topic, status, created_at, updated_at) VALUES "
      "(1, 'slack', 'T1', 'C1', 'who owns the backlog?', 'h1', 'question', 'product_manager', "
      "'product_owner', 'backlog', 'reassigned', 1000, 1010), "
      "(2, 'teams', 'T2', 'C2', 'roadmap?', 'h2', 'question', 'product_manager', "
      "'product_manager', 'roadmap', 'open', 2000, 2000)");
  if (version >= 3) {
    db.exec(
        "INSERT INTO status_changes (routing_id, team_id, topic, from_status, to_status, "
        "from_role, new_role, changed_by, at) VALUES "
        "(1, 'T1', 'backlog', 'open', 'reassigned', 'product_owner', 'product_manager', 'U1', "
        "1010)");
  } else {
    db.exec(
        "INSERT INTO status_changes (routing_id, from_status, to_status, from_role, new_role, "
        "changed_by, at) VALUES "
        "(1, 'open', 'reassigned', 'product_owner', 'product_manager', 'U1', 1010)");
  }
  db.exec(
      "INSERT INTO decisions (platform, team_id, role, text, created_at) VALUES "
      "('slack', 'T1', 'product_manager', 'ship Thursdays', 1500)");
  db.exec("INSERT INTO processed_events VALUES ('slack:Ev1', 1000, 999999999999)");
  db.exec(
      "INSERT INTO outbox (destination, target, payload, idempotency_key, attempts, "
      "next_attempt_at, last_error, created_at) VALUES "
      "('slack:chat.postMessage', 'C1', '{}', 'k1', 2, 1100, 'HTTP 503', 1000)");
  if (version >= 2) db.exec("INSERT INTO digests_sent VALUES ('T1', '2026-W01', 'slack:C1', 1)");
  if (version >= 5) {
    db.exec(
        "INSERT INTO outbox (destination, target, payload, idempotency_key, attempts, "
        "next_attempt_at, created_at, attempt_started_at) VALUES "
        "('slack:chat.postMessage', 'C1', '{}', 'k2', 0, 1200, 1200, 1201)");
  }
}

class FromEveryEarlierVersion : public ::testing::TestWithParam<int> {};

TEST_P(FromEveryEarlierVersion, MigratesToLatestKeepingData) {
  const int version = GetParam();
  ScratchDir dir;
  const std::string path = dir.file("old.db");
  {
    SQLite::Database db(path, kOpenRw);
    db.exec("PRAGMA journal_mode = WAL");
    EXPECT_EQ(migrate(db, version), 0);
    ASSERT_EQ(schema_version(db), version);
    if (version >= 1) seed(db, version);
  }

  SqliteStore store(path, storage_test::test_store_options());
  {
    SQLite::Database db(path, SQLite::OPEN_READONLY);
    EXPECT_EQ(schema_version(db), latest_schema_version());
    EXPECT_EQ(db.execAndGet("PRAGMA integrity_check").getString(), "ok");
    SQLite::Statement fk(db, "PRAGMA foreign_key_check");
    EXPECT_FALSE(fk.executeStep()) << "foreign key violations after migration";
  }
  if (version == 0) {
    EXPECT_TRUE(store.list_routings({}).empty());
    return;
  }

  auto r = store.get_routing(1);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->text, "who owns the backlog?");
  EXPECT_EQ(r->role, Role::product_manager);
  EXPECT_EQ(r->original_role, Role::product_owner);
  EXPECT_EQ(r->status, RoutingStatus::reassigned);

  // v3 backfilled team and topic of the old status change.
  auto changes = store.status_changes("T1", 0, 0);
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].routing_id, 1);
  EXPECT_EQ(changes[0].new_role, Role::product_manager);
  EXPECT_EQ(changes[0].by, "U1");
  EXPECT_EQ(changes[0].topic, "backlog");
  EXPECT_EQ(changes[0].from_role, Role::product_owner);
  auto corrections = store.correction_counts("T1");
  ASSERT_EQ(corrections.size(), 1u);
  EXPECT_EQ(corrections[0].topic_id, "backlog");
  EXPECT_EQ(corrections[0].from, Role::product_owner);
  EXPECT_EQ(corrections[0].to, Role::product_manager);
  EXPECT_EQ(corrections[0].count, 1);
  EXPECT_TRUE(store.status_changes("T2", 0, 0).empty());

  EXPECT_EQ(store.list_decisions({}).at(0).text, "ship Thursdays");
  EXPECT_FALSE(store.remember_event("slack:Ev1", 2000, 3000));
  EXPECT_FALSE(store.enqueue({"slack:chat.postMessage", "C1", "{}", "k1"}, 2000));
  auto due = store.due_outbox(2000, 10);
  ASSERT_EQ(due.size(), version >= 5 ? 2u : 1u);
  // v7: rows from before it are free to claim.
  const auto claimed = store.claim_outbox(2000, 0, 60, "me");
  EXPECT_EQ(claimed.size(), version >= 5 ? 2u : 1u);
  EXPECT_EQ(due[0].attempts, 2);
  EXPECT_EQ(due[0].last_error, "HTTP 503");
  // v5: rows from before it have no unfinished attempt (nothing was tagged);
  // one recorded by v5 or later keeps its start time.
  EXPECT_EQ(due[0].attempt_started_at, 0);
  if (version >= 5) {
    EXPECT_EQ(due[1].attempt_started_at, 1201);
  }
  store.mark_attempt_started(due[0].id, 2001);
  EXPECT_EQ(store.due_outbox(2000, 10).at(0).attempt_started_at, 2001);
  store.mark_retry(due[0].id, 1100, "HTTP 503", SentState::not_sent);
  EXPECT_EQ(store.due_outbox(2000, 10).at(0).attempt_started_at, 0);
  EXPECT_EQ(store.digest_sent("T1", "2026-W01", "slack:C1"), version >= 2);
  EXPECT_TRUE(store.mark_digest_sent("T1", "2026-W02", "slack:C1", 5));
  // v8: leases start from token 1 in a migrated file.
  EXPECT_EQ(store.acquire_lease("digest", "me", 2000, 60), 1);
  EXPECT_TRUE(store.lease_valid({"digest", 1}));

  // New rows in the migrated file work like in a fresh one.
  RoutingRecord fresh;
  fresh.platform = "slack";
  fresh.team_id = "T1";
  fresh.topic = "backlog";
  fresh.role = fresh.original_role = Role::product_owner;
  fresh.created_at = 3000;
  const auto id = store.record_routing(fresh);
  EXPECT_TRUE(store.change_routing_status(
      {id, RoutingStatus::open, RoutingStatus::reassigned, Role::none, "U2", 3001}));
  EXPECT_EQ(store.correction_counts("T1").at(0).count, 2);
}

std::vector<int> earlier_versions() {
  std::vector<int> v;
  for (int i = 0; i < latest_schema_version(); ++i) v.push_back(i);
  return v;
}

INSTANTIATE_TEST_SUITE_P(Schema, FromEveryEarlierVersion, ::testing::ValuesIn(earlier_versions()),
                         [](const auto& info) { return "v" + std::to_string(info.param); });

TEST(Migrations, NewerDatabaseIsRefusedAndLeftAlone) {
  ScratchDir dir;
  const std::string path = dir.file("future.db");
  const int future = latest_schema_version() + 4;
  {
    SQLite::Database db(path, kOpenRw);
    db.exec("CREATE TABLE from_the_future (x)");
    db.exec("PRAGMA user_version = " + std::to_string(future));
  }
  try {
    SqliteStore store(path, storage_test::test_store_options());
    FAIL() << "opened a database newer than this binary";
  } catch (const StoreError& e) {
    const std::string expected = "database schema version " + std::to_string(future) +
                                 " is newer than this rolecall supports (" +
                                 std::to_string(latest_schema_version()) +
                                 "); upgrade rolecall or restore a backup";
    EXPECT_THAT(e.what(), HasSubstr(expected));
    EXPECT_THAT(e.what(), HasSubstr(path));
  }
  SQLite::Database db(path, SQLite::OPEN_READONLY);
  EXPECT_EQ(schema_version(db), future);
  EXPECT_FALSE(db.tableExists("routings"));
  EXPECT_EQ(db.execAndGet("PRAGMA journal_mode").getString(), "delete");
}

TEST(Migrations, AFailingStepAppliesNothing) {
  ScratchDir dir;
  const std::string path = dir.file("broken.db");
  {
    SQLite::Database db(path, kOpenRw);
    migrate(db, 1);
    // Something in the way of step 2.
    db.exec("CREATE TABLE digests_sent (x)");
  }
  try {
    SqliteStore store(path, storage_test::test_store_options());
    FAIL() << "migration over a conflicting table succeeded";
  } catch (const StoreError& e) {
    EXPECT_THAT(e.what(), HasSubstr("schema migration to version 2"));
  }
  SQLite::Database db(path, SQLite::OPEN_READONLY);
  EXPECT_EQ(schema_version(db), 1);
  SQLite::Statement idx(db,
                        "SELECT count(*) FROM sqlite_master WHERE type = 'index' "
                        "AND name = 'routings_team_created'");
  idx.executeStep();
  EXPECT_EQ(idx.getColumn(0).getInt(), 0);
}

TEST(Migrations, UnknownTargetIsAnError) {
  ScratchDir dir;
  SQLite::Database db(dir.file("x.db"), kOpenRw);
  EXPECT_THROW(migrate(db, latest_schema_version() + 1), StoreError);
  EXPECT_THROW(migrate(db, -1), StoreError);
}

TEST(Migrations, MigratingTwiceIsANoOp) {
  ScratchDir dir;
  SQLite::Database db(dir.file("x.db"), kOpenRw);
  EXPECT_EQ(migrate(db), 0);
  EXPECT_EQ(migrate(db), latest_schema_version());
  EXPECT_EQ(schema_version(db), latest_schema_version());
}

}  // namespace
}  // namespace rolecall
