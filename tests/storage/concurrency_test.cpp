// Concurrent use of one database file: several threads on one SqliteStore,
// and two processes each with their own. No caller may ever see SQLITE_BUSY
// (a StoreError) while the other side holds the write lock briefly.

#include <SQLiteCpp/Database.h>
#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <thread>

#include "storage/sqlite/migrations.hpp"
#include "storage/sqlite/sqlite_store.hpp"
#include "tests/storage/child_process.hpp"
#include "tests/storage/scratch_dir.hpp"
#include "tests/storage/store_fixtures.hpp"
#include "tests/storage/suite_options.hpp"

namespace rolecall {
namespace {

using storage_test::fork_child;
using storage_test::make_message;
using storage_test::make_routing;
using storage_test::Pipe;
using storage_test::ScratchDir;
using storage_test::wait_child;

constexpr std::int64_t kT0 = 1'763'900'000;

std::int64_t count_rows(const std::string& path, const std::string& table) {
  SQLite::Database db(path, SQLite::OPEN_READONLY);
  return db.execAndGet("SELECT count(*) FROM " + table).getInt64();
}

// The writes one "request" makes in the daemon: dedupe, routing, a reply.
void write_batch(Store& store, const std::string& who, int n, std::vector<std::int64_t>* ids) {
  for (int i = 0; i < n; ++i) {
    const std::string tag = who + "-" + std::to_string(i);
    if (!store.remember_event("ev:" + tag, kT0, kT0 + 3600)) {
      throw std::runtime_error("fresh event key reported as duplicate: " + tag);
    }
    const auto id = store.record_routing(make_routing(who, kT0 + i));
    if (ids) ids->push_back(id);
    store.enqueue(make_message("reply:" + tag), kT0);
    store.enqueue(make_message("shared:" + std::to_string(i)), kT0);  // both sides race for it
  }
}

TEST(Concurrency, TwoThreadsWriteWhileAThirdReads) {
  ScratchDir dir;
  const std::string path = dir.file("db.sqlite");
  SqliteStore store(path, storage_test::test_store_options());
  constexpr int kN = 1500;
  std::vector<std::int64_t> ids_a, ids_b;
  std::atomic<bool> writing{true};
  std::atomic<int> errors{0};
  std::atomic<std::int64_t> reads{0};

  std::thread reader([&] {
    try {
      while (writing.load()) {
        ListFilter f;
        f.limit = 20;
        for (const auto& r : store.list_routings(f)) {
          if (!store.get_routing(r.id)) ++errors;  // a listed row must be readable
        }
        store.outbox_depth();
        store.correction_counts("A");
        ++reads;
      }
    } catch (const std::exception& e) {
      ADD_FAILURE() << "reader: " << e.what();
    }
  });
  auto writer = [&](const std::string& who, std::vector<std::int64_t>* ids) {
    try {
      write_batch(store, who, kN, ids);
    } catch (const std::exception& e) {
      ADD_FAILURE() << who << ": " << e.what();
    }
  };
  std::thread a(writer, "A", &ids_a);
  std::thread b(writer, "B", &ids_b);
  a.join();
  b.join();
  writing = false;
  reader.join();

  EXPECT_EQ(errors.load(), 0);
  EXPECT_GT(reads.load(), 0);
  std::set<std::int64_t> all(ids_a.begin(), ids_a.end());
  all.insert(ids_b.begin(), ids_b.end());
  EXPECT_EQ(all.size(), 2u * kN);  // ids are unique
  EXPECT_EQ(count_rows(path, "routings"), 2 * kN);
  EXPECT_EQ(count_rows(path, "processed_events"), 2 * kN);
  EXPECT_EQ(count_rows(path, "outbox"), 2 * kN + kN);  // shared keys once each
  for (auto id : ids_a) ASSERT_EQ(store.get_routing(id)->team_id, "A");
}

TEST(Concurrency, EightThreadsOnAPoolOfTwoReaders) {
  ScratchDir dir;
  SqliteStoreOptions options = storage_test::test_store_options();
  options.readers = 2;  // more threads than readers: they wait, never fail
  SqliteStore store(dir.file("db.sqlite"), options);
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      try {
        const std::string team = "T" + std::to_string(t % 2);
        for (int i = 0; i < 200; ++i) {
          const auto id = store.record_routing(make_routing(team, kT0 + i));
          store.change_routing_status(
              {id, RoutingStatus::open, RoutingStatus::reassigned, Role::none, "U", kT0 + i + 1});
          ListFilter f;
          f.team_id = team;
          f.limit = 5;
          store.list_routings(f);
          store.status_changes(team, kT0, 0);
        }
      } catch (const std::exception& e) {
        ADD_FAILURE() << e.what();
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(store.correction_counts("T0").at(0).count, 800);
  EXPECT_EQ(store.correction_counts("T1").at(0).count, 800);
}

TEST(Concurrency, TwoProcessesWriteConcurrently) {
  ScratchDir dir;
  const std::string path = dir.file("db.sqlite");
  {
    SqliteStore create(path, storage_test::test_store_options());
  }  // no connection open across fork()
  constexpr int kN = 1500;

  Pipe go, report;
  const pid_t child = fork_child([&] {
    go.close_write();
    report.close_read();
    try {
      SqliteStore store(path, storage_test::test_store_options());
      char c = 0;
      if (!go.read_exact(&c, 1)) return 2;
      write_batch(store, "child", kN, nullptr);
      return 0;
    } catch (const std::exception& e) {
      report.write_string(e.what());
      return 1;
    }
  });
  go.close_read();
  report.close_write();

  SqliteStore store(path, storage_test::test_store_options());
  go.write_all("g", 1);  // both sides open before either starts writing
  try {
    write_batch(store, "parent", kN, nullptr);
  } catch (const std::exception& e) {
    ADD_FAILURE() << "parent: " << e.what();
  }
  const std::string child_error = report.read_to_end();
  ASSERT_EQ(wait_child(child), 0) << "child: " << child_error;

  ListFilter parent, kid;
  parent.team_id = "parent";
  kid.team_id = "child";
  EXPECT_EQ(store.list_routings(parent).size(), static_cast<std::size_t>(kN));
  EXPECT_EQ(store.list_routings(kid).size(), static_cast<std::size_t>(kN));
  EXPECT_EQ(count_rows(path, "processed_events"), 2 * kN);
  EXPECT_EQ(count_rows(path, "outbox"), 3 * kN);
}

TEST(Concurrency, TwoProcessesOpenAFreshFileAtOnce) {
  ScratchDir dir;
  const std::string path = dir.file("new/db.sqlite");
  Pipe go, report;
  const pid_t child = fork_child([&] {
    go.close_write();
    report.close_read();
    char c = 0;
    if (!go.read_exact(&c, 1)) return 2;
    try {
      SqliteStore store(path, storage_test::test_store_options());
      store.record_routing(make_routing("child", kT0));
      return 0;
    } catch (const std::exception& e) {
      report.write_string(e.what());
      return 1;
    }
  });
  go.close_read();
  report.close_write();
  go.write_all("g", 1);
  std::optional<SqliteStore> store;
  try {
    store.emplace(path, storage_test::test_store_options());
    store->record_routing(make_routing("parent", kT0));
  } catch (const std::exception& e) {
    ADD_FAILURE() << "parent: " << e.what();
  }
  const std::string child_error = report.read_to_end();
  ASSERT_EQ(wait_child(child), 0) << "child: " << child_error;
  ASSERT_TRUE(store.has_value());
  EXPECT_EQ(store->list_routings({}).size(), 2u);
  SQLite::Database db(path, SQLite::OPEN_READONLY);
  EXPECT_EQ(schema_version(db), latest_schema_version());
}

}  // namespace
}  // namespace rolecall
