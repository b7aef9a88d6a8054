// Group commit: jobs that arrive while a commit runs share the next one, a
// failing job is undone alone, and a failing commit fails every job in it.

#include "storage/sqlite/write_queue.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "storage/sqlite/connection.hpp"
#include "tests/storage/scratch_dir.hpp"
#include "tests/storage/suite_options.hpp"

namespace rolecall {
namespace {

using storage_test::ScratchDir;
using ::testing::HasSubstr;

StoreError describe(const char* op, const char* phase, const SQLite::Exception& e) {
  return StoreError(std::string(op) + " (" + phase + "): " + e.what());
}

class WriteQueueTest : public ::testing::Test {
 protected:
  WriteQueueTest() {
    conn_.db().exec("PRAGMA journal_mode = WAL");
    conn_.db().exec("CREATE TABLE t (v INTEGER NOT NULL UNIQUE)");
  }
  static WriteQueue::Job insert(int v) {
    return {"insert",
            [v](Connection& c) { c.run("INSERT INTO t (v) VALUES (" + std::to_string(v) + ")"); }};
  }
  std::vector<int> values() {
    std::vector<int> out;
    Connection reader(dir_.file("q.db"), Connection::Mode::reader, 1000,
                      storage_test::suite_uses_wal_coalescing());
    SQLite::Statement s(reader.db(), "SELECT v FROM t ORDER BY v");
    while (s.executeStep()) out.push_back(s.getColumn(0).getInt());
    return out;
  }
  // Holds the first commit open until `behind` more jobs wait, so they form
  // the next batch together.
  void run_as_one_batch(std::vector<WriteQueue::Job*> jobs) {
    const std::size_t behind = jobs.size();
    std::atomic<bool> leading{false};
    WriteQueue::Job gate;
    gate.run = [&](Connection&) {
      leading = true;
      while (queue_.waiting() < behind) std::this_thread::yield();
    };
    std::thread leader([&] { queue_.submit(gate); });
    while (!leading) std::this_thread::yield();
    std::vector<std::thread> others;
    for (auto* j : jobs) others.emplace_back([&, j] { queue_.submit(*j); });
    leader.join();
    for (auto& t : others) t.join();
  }

  ScratchDir dir_;
  Connection conn_{dir_.file("q.db"), Connection::Mode::writer, 1000,
                   storage_test::suite_uses_wal_coalescing()};
  WriteQueue queue_{conn_, describe};
};

TEST_F(WriteQueueTest, SingleJobCommits) {
  auto j = insert(1);
  queue_.submit(j);
  EXPECT_TRUE(j.done);
  EXPECT_FALSE(j.error);
  EXPECT_EQ(values(), std::vector<int>{1});
  EXPECT_EQ(queue_.transactions(), 1u);
}

TEST_F(WriteQueueTest, WaitingJobsShareOneCommit) {
  auto a = insert(1), b = insert(2), c = insert(3);
  run_as_one_batch({&a, &b, &c});
  EXPECT_EQ(values(), (std::vector<int>{1, 2, 3}));
  EXPECT_EQ(queue_.transactions(), 2u);  // the gate's, then one for all three
  EXPECT_EQ(queue_.jobs(), 4u);
}

TEST_F(WriteQueueTest, AFailingJobIsUndoneAloneInItsBatch) {
  auto a = insert(1), c = insert(3);
  WriteQueue::Job b;
  b.op = "half";
  b.run = [](Connection& c) {
    c.run("INSERT INTO t (v) VALUES (2)");     // done, then...
    c.run("INSERT INTO t (v) VALUES (NULL)");  // ...a constraint violation
  };
  run_as_one_batch({&a, &b, &c});
  EXPECT_FALSE(a.error);
  EXPECT_FALSE(c.error);
  ASSERT_TRUE(b.error);
  try {
    std::rethrow_exception(b.error);
  } catch (const StoreError& e) {
    EXPECT_THAT(e.what(), HasSubstr("half (write): NOT NULL constraint failed"));
  }
  EXPECT_EQ(values(), (std::vector<int>{1, 3}));  // b's first insert rolled back too
}

TEST_F(WriteQueueTest, AFailingSingleJobLeavesNothing) {
  WriteQueue::Job b;
  b.run = [](Connection& c) {
    c.run("INSERT INTO t (v) VALUES (5)");
    throw std::runtime_error("changed my mind");
  };
  queue_.submit(b);
  ASSERT_TRUE(b.error);
  EXPECT_TRUE(values().empty());
  auto after = insert(6);  // the connection is not left inside a transaction
  queue_.submit(after);
  EXPECT_FALSE(after.error);
  EXPECT_EQ(values(), std::vector<int>{6});
}

TEST_F(WriteQueueTest, ALockedDatabaseFailsEveryJobWithAStoreError) {
  conn_.db().setBusyTimeout(50);
  Connection hog(dir_.file("q.db"), Connection::Mode::writer, 0,
                 storage_test::suite_uses_wal_coalescing());
  hog.db().exec("BEGIN IMMEDIATE");
  auto a = insert(1);
  queue_.submit(a);
  ASSERT_TRUE(a.error);
  try {
    std::rethrow_exception(a.error);
  } catch (const StoreError& e) {
    EXPECT_THAT(e.what(), HasSubstr("insert (begin)"));
    EXPECT_THAT(e.what(), HasSubstr("locked"));
  }
  hog.db().exec("ROLLBACK");
  auto b = insert(2);
  queue_.submit(b);
  EXPECT_FALSE(b.error);
}

TEST_F(WriteQueueTest, ManyThreadsAllCommitAndShareTransactions) {
  constexpr int kThreads = 8, kEach = 300;
  std::vector<std::thread> threads;
  std::atomic<int> errors{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        auto j = insert(t * kEach + i);
        queue_.submit(j);
        if (j.error) ++errors;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(errors.load(), 0);
  EXPECT_EQ(values().size(), static_cast<std::size_t>(kThreads * kEach));
  EXPECT_EQ(queue_.jobs(), static_cast<std::uint64_t>(kThreads * kEach));
  EXPECT_LT(queue_.transactions(), queue_.jobs());
}

}  // namespace
}  // namespace rolecall
