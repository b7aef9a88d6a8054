// The WAL-coalescing VFS: fewer writes, and still every committed
// transaction in the file (as seen through a separate file descriptor, by
// plain SQLite with the default VFS) the moment the call returns. It is
// opt-in (storage.wal_coalescing, default off): the stores here turn it on
// themselves, in both runs of the suite.

#include "storage/sqlite/wal_coalescing_vfs.hpp"

#include <SQLiteCpp/Database.h>
#include <gtest/gtest.h>

#include <string>

#include "storage/sqlite/sqlite_store.hpp"
#include "tests/storage/child_process.hpp"
#include "tests/storage/scratch_dir.hpp"
#include "tests/storage/store_fixtures.hpp"
#include "tests/storage/suite_options.hpp"

namespace rolecall {
namespace {

using storage_test::make_routing;
using storage_test::ScratchDir;

constexpr std::int64_t kT0 = 1'763'900'000;

SqliteStoreOptions with_vfs() {
  SqliteStoreOptions options;
  options.wal_coalescing = true;
  return options;
}

int count_with_plain_sqlite(const std::string& path) {
  SQLite::Database db(path, SQLite::OPEN_READONLY);
  return db.execAndGet("SELECT count(*) FROM routings").getInt();
}

TEST(WalCoalescingVfs, EachCommitIsInTheFileWhenTheCallReturnsWithOneWrite) {
  ScratchDir dir;
  const std::string path = dir.file("vfs.db");
  SqliteStore store(path, with_vfs());
  store.record_routing(make_routing("T1", kT0));  // WAL header and first frames
  const WalWriteCounts before = wal_write_counts();
  constexpr int kCommits = 50;
  for (int i = 0; i < kCommits; ++i) {
    store.record_routing(make_routing("T1", kT0 + i + 1));
    ASSERT_EQ(count_with_plain_sqlite(path), i + 2) << "commit " << i;
  }
  const WalWriteCounts after = wal_write_counts();
  // A routing dirties several pages (table + indexes): 2 writes each without
  // the VFS. With it: one write per commit (rarely two, when a checkpoint
  // lets the WAL start over and its header is written first).
  EXPECT_GE(after.requested - before.requested, 4u * kCommits);
  EXPECT_LE(after.issued - before.issued, kCommits + 5u);
  EXPECT_GE(after.issued - before.issued, static_cast<unsigned long long>(kCommits));
}

TEST(WalCoalescingVfs, AConnectionThatDidNotStartTheWalCoalescesToo) {
  ScratchDir dir;
  const std::string path = dir.file("second.db");
  SqliteStore first(path, with_vfs());
  first.record_routing(make_routing("T1", kT0));  // first writes the WAL header
  SqliteStore second(path, with_vfs());           // reads it from the file instead
  const WalWriteCounts before = wal_write_counts();
  constexpr int kCommits = 30;
  for (int i = 0; i < kCommits; ++i) {
    (i % 2 ? first : second).record_routing(make_routing("T1", kT0 + i + 1));
    ASSERT_EQ(count_with_plain_sqlite(path), i + 2) << "commit " << i;
  }
  const WalWriteCounts after = wal_write_counts();
  EXPECT_LE(after.issued - before.issued, kCommits + 5u);
}

// A transaction bigger than the page cache spills frames to the WAL before
// its commit; pages changed again are then overwritten in place and SQLite
// rewrites the frame headers' checksums after the commit frame, the last one
// being the commit frame's header. A process that leaves right after COMMIT
// returned (no close, like SIGKILL) must still have the whole transaction.
TEST(WalCoalescingVfs, ASpilledTransactionIsWholeWhenTheProcessDiesRightAfterCommit) {
  ScratchDir dir;
  const std::string path = dir.file("spill.db");
  for (int round = 0; round < 3; ++round) {
    storage_test::Pipe done;
    const pid_t child = storage_test::fork_child([&] {
      done.close_read();
      SQLite::Database db(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE, 0,
                          wal_coalescing_vfs());
      db.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA cache_size = 5");
      db.exec("CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, round INT, v TEXT)");
      db.exec("BEGIN");
      SQLite::Statement ins(db, "INSERT INTO t (round, v) VALUES (?, ?)");
      for (int i = 0; i < 400; ++i) {
        ins.bind(1, round);
        ins.bind(2, std::string(300, static_cast<char>('a' + i % 26)));
        ins.exec();
        ins.reset();
      }
      // Pages spilled above are changed again: overwritten in the WAL.
      SQLite::Statement upd(db, "UPDATE t SET v = 'changed' WHERE round = ? AND id % 7 = 0");
      upd.bind(1, round);
      upd.exec();
      db.exec("COMMIT");
      const char c = 'c';
      return done.write_all(&c, 1) ? 0 : 3;  // _exit: nothing is closed or flushed
    });
    done.close_write();
    char c = 0;
    ASSERT_TRUE(done.read_exact(&c, 1)) << "round " << round;
    ASSERT_EQ(storage_test::wait_child(child), 0);

    SQLite::Database db(path, SQLite::OPEN_READWRITE);  // recovers from the WAL
    EXPECT_EQ(db.execAndGet("PRAGMA integrity_check").getString(), "ok");
    SQLite::Statement q(db, "SELECT count(*), sum(v = 'changed') FROM t WHERE round = ?");
    q.bind(1, round);
    ASSERT_TRUE(q.executeStep());
    EXPECT_EQ(q.getColumn(0).getInt(), 400) << "round " << round;
    EXPECT_GT(q.getColumn(1).getInt(), 50) << "round " << round;
  }
}

// Frames a transaction spilled and then rolled back must not reach the file
// later, when another connection (here one without this VFS, as another
// process would be) may have written its own frames at the same place.
TEST(WalCoalescingVfs, FramesOfARolledBackTransactionNeverOverwriteLaterCommits) {
  ScratchDir dir;
  const std::string path = dir.file("rollback.db");
  SQLite::Database a(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE, 1000,
                     wal_coalescing_vfs());
  a.exec("PRAGMA journal_mode = WAL; PRAGMA cache_size = 5");
  a.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)");
  // An empty WAL first, so that the rollback finds every page it re-reads
  // in the database file and does not touch the WAL itself. Then new pages
  // only, more than the cache holds: spilled to the WAL, the last of them
  // not read back before the rollback.
  a.exec("PRAGMA wal_checkpoint(TRUNCATE)");
  a.exec("BEGIN");
  a.exec(
      "INSERT INTO t (v) WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
      "WHERE i < 400) SELECT printf('%.*c', 300, 'a') FROM n");
  a.exec("ROLLBACK");
  {
    // One transaction whose frames cover the place of the rolled-back ones.
    SQLite::Database b(path, SQLite::OPEN_READWRITE, 1000);
    b.exec(
        "INSERT INTO t (v) WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
        "WHERE i < 400) SELECT printf('%.*c', 300, 'B') FROM n");
  }
  // Reads through `a` (its WAL file is touched again) and writes through it.
  EXPECT_EQ(a.execAndGet("SELECT count(*) FROM t WHERE v LIKE 'BBB%'").getInt(), 400);
  a.exec("INSERT INTO t (v) VALUES ('after')");
  SQLite::Database c(path, SQLite::OPEN_READONLY);
  EXPECT_EQ(c.execAndGet("PRAGMA integrity_check").getString(), "ok");
  EXPECT_EQ(c.execAndGet("SELECT count(*) FROM t WHERE v LIKE 'BBB%'").getInt(), 400);
  EXPECT_EQ(c.execAndGet("SELECT count(*) FROM t").getInt(), 401);
}

TEST(WalCoalescingVfs, BigTransactionsGoOutInPiecesAndStayWhole) {
  ScratchDir dir;
  const std::string path = dir.file("big.db");
  {
    SqliteStore store(path, with_vfs());
    // ~2 MB of text in one transaction: many 64 KiB pieces, one commit.
    store.write_batch([&](Store& s) {
      for (int i = 0; i < 500; ++i) {
        s.record_routing(make_routing("T1", kT0 + i, Role::product_owner, "backlog",
                                      std::string(4000, static_cast<char>('a' + i % 26))));
      }
    });
    EXPECT_EQ(count_with_plain_sqlite(path), 500);
    // A transaction that fails after writing frames leaves nothing behind.
    EXPECT_THROW(store.write_batch([&](Store& s) {
      for (int i = 0; i < 300; ++i) {
        s.record_routing(
            make_routing("T2", kT0 + i, Role::product_owner, "backlog", std::string(4000, 'z')));
      }
      throw std::runtime_error("abandon");
    }),
                 std::runtime_error);
    EXPECT_EQ(count_with_plain_sqlite(path), 500);
    store.record_routing(make_routing("T3", kT0));
    EXPECT_EQ(count_with_plain_sqlite(path), 501);
  }
  SQLite::Database db(path, SQLite::OPEN_READONLY);
  EXPECT_EQ(db.execAndGet("PRAGMA integrity_check").getString(), "ok");
  EXPECT_EQ(db.execAndGet("SELECT count(*) FROM routings WHERE length(text) = 4000").getInt(), 500);
}

// The default is stock SQLite: no write goes through the VFS.
TEST(WalCoalescingVfs, IsOffByDefault) {
  EXPECT_FALSE(SqliteStoreOptions{}.wal_coalescing);
  ScratchDir dir;
  const std::string path = dir.file("stock.db");
  const WalWriteCounts before = wal_write_counts();
  {
    SqliteStore store(path);
    for (int i = 0; i < 20; ++i) store.record_routing(make_routing("T1", kT0 + i));
    EXPECT_EQ(count_with_plain_sqlite(path), 20);
  }
  const WalWriteCounts after = wal_write_counts();
  EXPECT_EQ(after.requested, before.requested);
  EXPECT_EQ(after.issued, before.issued);
}

// Each run of the storage suite really opens its stores the way it says
// (tests/storage/suite_options.hpp): a misspelt variable must not quietly
// run the stock suite twice.
TEST(WalCoalescingVfs, TheSuiteRunsWithTheVfsItWasAskedFor) {
  ScratchDir dir;
  const WalWriteCounts before = wal_write_counts();
  {
    SqliteStore store(dir.file("suite.db"), storage_test::test_store_options());
    for (int i = 0; i < 5; ++i) store.record_routing(make_routing("T1", kT0 + i));
  }
  const WalWriteCounts after = wal_write_counts();
  if (storage_test::suite_uses_wal_coalescing()) {
    EXPECT_GT(after.requested, before.requested);
    EXPECT_LT(after.issued - before.issued, after.requested - before.requested);
  } else {
    EXPECT_EQ(after.requested, before.requested);
  }
}

}  // namespace
}  // namespace rolecall
