// What is SQLite's own in SqliteStore: the file, its pragmas, the backup API
// and the outbox columns as written. Every operation of the Store contract
// is tested on SQLite and PostgreSQL in store_contract_test.cpp.

#include "storage/sqlite/sqlite_store.hpp"

#include <SQLiteCpp/Database.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "storage/sqlite/migrations.hpp"
#include "tests/storage/scratch_dir.hpp"
#include "tests/storage/store_fixtures.hpp"
#include "tests/storage/suite_options.hpp"

namespace rolecall {
namespace {

using storage_test::make_message;
using storage_test::make_routing;
using storage_test::ScratchDir;

constexpr std::int64_t kT0 = 1'763'900'000;  // 2025-11-23

class SqliteStoreTest : public ::testing::Test {
 protected:
  ScratchDir dir_;
  std::string path_ = dir_.file("var/rolecall.db");
  SqliteStore store_{path_, storage_test::test_store_options()};
};

std::string pragma(const std::string& path, const std::string& name) {
  SQLite::Database db(path, SQLite::OPEN_READONLY);
  return db.execAndGet("PRAGMA " + name).getString();
}

TEST_F(SqliteStoreTest, OpenCreatesParentDirsWalAndLatestSchema) {
  EXPECT_TRUE(std::filesystem::is_regular_file(path_));
  EXPECT_EQ(pragma(path_, "journal_mode"), "wal");
  EXPECT_EQ(pragma(path_, "user_version"), std::to_string(latest_schema_version()));
  EXPECT_TRUE(store_.ping());
  EXPECT_EQ(store_.path(), path_);
}

TEST_F(SqliteStoreTest, NewFilesGetTheConfiguredPageSizeExistingOnesKeepTheirs) {
  EXPECT_EQ(pragma(path_, "page_size"), "2048");  // the default
  // A file created with SQLite's default 4 KiB pages (as before 2026-11-23).
  const std::string old_path = dir_.file("old.db");
  {
    SQLite::Database db(old_path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    db.exec("PRAGMA page_size = 4096; CREATE TABLE t(x); DROP TABLE t;");
  }
  {
    SqliteStore old(old_path, storage_test::test_store_options());
    const auto id = old.record_routing(make_routing("T1", kT0));
    EXPECT_TRUE(old.get_routing(id).has_value());
  }
  EXPECT_EQ(pragma(old_path, "page_size"), "4096");
  EXPECT_EQ(pragma(old_path, "journal_mode"), "wal");
  EXPECT_EQ(pragma(old_path, "integrity_check"), "ok");
  SqliteStoreOptions options = storage_test::test_store_options();
  options.page_size = 8192;
  const std::string other = dir_.file("8k.db");
  { SqliteStore s(other, options); }
  EXPECT_EQ(pragma(other, "page_size"), "8192");
}

TEST_F(SqliteStoreTest, BackupIsAConsistentReadableCopy) {
  const auto id = store_.record_routing(make_routing("T1", kT0));
  store_.enqueue(make_message("k"), kT0);
  const std::string copy = dir_.file("backups/2026-11-23/rolecall.db");
  store_.backup(copy);
  store_.record_routing(make_routing("T1", kT0 + 1));  // after the backup: not in it

  SQLite::Database db(copy, SQLite::OPEN_READONLY);
  EXPECT_EQ(db.execAndGet("PRAGMA integrity_check").getString(), "ok");
  EXPECT_EQ(db.execAndGet("SELECT count(*) FROM routings").getInt(), 1);
  SqliteStore restored(copy, storage_test::test_store_options());
  EXPECT_EQ(restored.get_routing(id)->team_id, "T1");
  EXPECT_EQ(restored.outbox_depth(), 1);
}

TEST_F(SqliteStoreTest, BackupOverwritesAnOlderBackup) {
  const std::string copy = dir_.file("backup.db");
  store_.record_routing(make_routing("T1", kT0));
  store_.backup(copy);
  store_.record_routing(make_routing("T1", kT0 + 1));
  store_.backup(copy);
  SQLite::Database db(copy, SQLite::OPEN_READONLY);
  EXPECT_EQ(db.execAndGet("SELECT count(*) FROM routings").getInt(), 2);
}

// The outbox's bookkeeping as it lands in the file (the contract suite sees
// it through the port only).
TEST_F(SqliteStoreTest, OutboxColumnsRecordEachOutcome) {
  store_.enqueue(make_message("failed"), kT0);
  store_.enqueue(make_message("delivered"), kT0);
  const auto rows = store_.claim_outbox(kT0, 0, 60, "me");
  ASSERT_EQ(rows.size(), 2u);
  store_.mark_retry(rows[0].id, kT0 + 30, "HTTP 503", SentState::maybe_sent);
  store_.mark_retry(rows[0].id, kT0 + 90, "timeout", SentState::maybe_sent);
  store_.mark_failed(rows[0].id, "HTTP 404 channel_not_found");
  store_.mark_attempt_started(rows[1].id, kT0 + 6);
  store_.mark_delivered(rows[1].id, kT0 + 7);
  store_.mark_attempt_started(rows[1].id, kT0 + 8);  // finished: ignored

  SQLite::Database db(path_, SQLite::OPEN_READONLY);
  SQLite::Statement q(db,
                      "SELECT state, attempts, last_error, delivered_at, attempt_started_at IS "
                      "NULL, claimed_until, claimed_by FROM outbox ORDER BY id");
  ASSERT_TRUE(q.executeStep());
  EXPECT_EQ(q.getColumn(0).getString(), "failed");
  EXPECT_EQ(q.getColumn(1).getInt(), 3);
  EXPECT_EQ(q.getColumn(2).getString(), "HTTP 404 channel_not_found");
  EXPECT_EQ(q.getColumn(5).getInt64(), 0);  // the claim is released
  EXPECT_EQ(q.getColumn(6).getString(), "");
  ASSERT_TRUE(q.executeStep());
  EXPECT_EQ(q.getColumn(0).getString(), "delivered");
  EXPECT_EQ(q.getColumn(3).getInt64(), kT0 + 7);
  EXPECT_EQ(q.getColumn(4).getInt(), 1);
  EXPECT_EQ(q.getColumn(5).getInt64(), 0);
}

TEST(WriteBatch, OneCommitForAllWritesOfARequest) {
  storage_test::ScratchDir dir;
  SqliteStore store(dir.file("db.sqlite"), storage_test::test_store_options());
  const auto before = store.write_stats();
  store.write_batch([&](Store& s) {
    s.remember_event("slack:Ev1", 100, 200);
    const auto id = s.record_routing(storage_test::make_routing("T1", 100));
    s.change_routing_status(
        {id, RoutingStatus::open, RoutingStatus::acknowledged, Role::none, "U", 101});
    s.enqueue(storage_test::make_message("reply:1"), 100);
  });
  EXPECT_EQ(store.write_stats().transactions - before.transactions, 1u);
}

}  // namespace
}  // namespace rolecall
