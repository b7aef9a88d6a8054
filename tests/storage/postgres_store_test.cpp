// What is PostgreSQL's own in PostgresStore, on a real server
// (tests/support/postgres_server.hpp): migrations under the advisory lock,
// a database from a newer rolecall refused, the pool's bound, surviving a
// server restart, and the password kept out of messages. Every Store
// operation is tested in store_contract_test.cpp.

#include "storage/postgres/postgres_store.hpp"

#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <future>
#include <thread>

#include "storage/postgres/database_url.hpp"
#include "storage/postgres/pg_migrations.hpp"
#include "tests/storage/store_backends.hpp"
#include "tests/storage/store_fixtures.hpp"
#include "tests/support/postgres_server.hpp"

namespace rolecall {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr std::int64_t kT0 = 1'763'900'000;

// One SQL statement on its own connection; returns the first value.
std::string sql(const std::string& url, const std::string& statement) {
  PGconn* c = PQconnectdb(url.c_str());
  EXPECT_EQ(PQstatus(c), CONNECTION_OK) << PQerrorMessage(c);
  PGresult* r = PQexec(c, statement.c_str());
  const auto status = PQresultStatus(r);
  EXPECT_TRUE(status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK)
      << statement << ": " << PQresultErrorMessage(r);
  std::string out = PQntuples(r) > 0 ? PQgetvalue(r, 0, 0) : "";
  PQclear(r);
  PQfinish(c);
  return out;
}

class PostgresStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string why_not;
    server_ = storage_test::postgres_for_tests(&why_not);
    if (server_ == nullptr) GTEST_SKIP() << why_not;
    url_ = server_->create_database();
  }
  testing::PostgresServer* server_ = nullptr;
  std::string url_;
};

TEST_F(PostgresStoreTest, MigratesOnceAndRecordsEachStep) {
  {
    PostgresStore store(url_);
    EXPECT_EQ(store.schema_version_at_open(), 0);
  }
  PostgresStore again(url_);
  EXPECT_EQ(again.schema_version_at_open(), pg_latest_schema_version());
  EXPECT_EQ(sql(url_, "SELECT count(*) FROM schema_migrations"),
            std::to_string(pg_migrations().size()));
  EXPECT_EQ(sql(url_, "SELECT max(version) FROM schema_migrations"),
            std::to_string(pg_latest_schema_version()));
}

TEST_F(PostgresStoreTest, ReplicasStartingTogetherMigrateOnce) {
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&] {
      try {
        PostgresStore store(url_);
      } catch (const std::exception& e) {
        ++failures;
        ADD_FAILURE() << e.what();
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(sql(url_, "SELECT count(*) FROM schema_migrations"),
            std::to_string(pg_migrations().size()));
}

TEST_F(PostgresStoreTest, ADatabaseFromANewerRolecallIsRefused) {
  { PostgresStore store(url_); }
  const int future = pg_latest_schema_version() + 3;
  sql(url_, "INSERT INTO schema_migrations (version, summary) VALUES (" + std::to_string(future) +
                ", 'from the future')");
  try {
    PostgresStore store(url_);
    FAIL() << "opened a database newer than this binary";
  } catch (const StoreError& e) {
    EXPECT_THAT(e.what(), HasSubstr("database schema version " + std::to_string(future) +
                                    " is newer than this rolecall supports (" +
                                    std::to_string(pg_latest_schema_version()) + ")"));
  }
  PostgresStoreOptions check_only;
  check_only.migrate = false;
  EXPECT_THROW(PostgresStore(url_, check_only), StoreError);
}

TEST_F(PostgresStoreTest, UnreachableServerIsAStoreErrorWithoutThePassword) {
  const std::string url = "postgresql://rolecall:s3cret@127.0.0.1:1/rolecall?connect_timeout=2";
  try {
    PostgresStore store(url);
    FAIL() << "connected to nothing";
  } catch (const StoreError& e) {
    EXPECT_THAT(e.what(), HasSubstr("cannot connect"));
    EXPECT_THAT(e.what(), Not(HasSubstr("s3cret")));
    EXPECT_THAT(e.what(), HasSubstr("postgresql://rolecall:***@127.0.0.1:1/rolecall"));
  }
}

TEST_F(PostgresStoreTest, PoolIsBoundedAndCountsWaiters) {
  PostgresStoreOptions options;
  options.pool_size = 2;
  options.acquire_timeout_ms = 200;
  PostgresStore store(url_, options);
  std::vector<std::thread> threads;
  for (int t = 0; t < 6; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 20; ++i) {
        try {
          store.record_routing(storage_test::make_routing("T" + std::to_string(t), kT0 + i));
        } catch (const StoreError&) {
          // the pool's timeout under contention is allowed here
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  const auto stats = store.pool_stats();
  EXPECT_EQ(stats.size, 2);
  EXPECT_LE(stats.open, 2);
  EXPECT_EQ(stats.in_use, 0);
  EXPECT_EQ(stats.waiting, 0);
  EXPECT_GT(stats.waits, 0u);
  EXPECT_LE(stats.connects, 2u);
}

TEST_F(PostgresStoreTest, RecoversByItselfAfterTheServerRestarts) {
  PostgresStore store(url_);
  const auto before = store.record_routing(storage_test::make_routing("T1", kT0));
  ASSERT_TRUE(store.ping());

  server_->stop();
  EXPECT_FALSE(store.ping());
  EXPECT_THROW(store.record_routing(storage_test::make_routing("T1", kT0 + 1)), StoreError);
  EXPECT_THROW(store.remember_event("slack:Ev1", kT0, kT0 + 10), StoreError);

  server_->start();
  // The first call after the restart may still meet a connection cut by it;
  // then the pool drops every old connection and the next one reconnects.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!store.ping() && std::chrono::steady_clock::now() < deadline) {
  }
  ASSERT_TRUE(store.ping());
  EXPECT_TRUE(store.remember_event("slack:Ev1", kT0, kT0 + 10));
  EXPECT_EQ(store.get_routing(before)->team_id, "T1");
  EXPECT_GT(store.pool_stats().discarded, 0u);
}

TEST_F(PostgresStoreTest, BackupSaysToUsePgDump) {
  PostgresStore store(url_);
  try {
    store.backup("/tmp/x.db");
    FAIL();
  } catch (const StoreError& e) {
    EXPECT_THAT(e.what(), HasSubstr("pg_dump"));
  }
}

TEST_F(PostgresStoreTest, OutboxClaimAndOutcomeColumns) {
  PostgresStore store(url_);
  store.enqueue(storage_test::make_message("k"), kT0);
  const auto id = store.claim_outbox(kT0, 1, 60, "replica-a").at(0).id;
  EXPECT_EQ(sql(url_, "SELECT claimed_by || ':' || claimed_until FROM outbox"),
            "replica-a:" + std::to_string(kT0 + 60));
  store.mark_attempt_started(id, kT0 + 1);
  store.mark_delivered(id, kT0 + 2);
  EXPECT_EQ(sql(url_,
                "SELECT state || ':' || delivered_at || ':' || (attempt_started_at IS NULL) || "
                "':' || claimed_until || ':' || claimed_by FROM outbox"),
            "delivered:" + std::to_string(kT0 + 2) + ":true:0:");
}

TEST_F(PostgresStoreTest, OpensWithoutTheServerAndGetsReadyOnceItIsBack) {
  server_->stop();
  PostgresStoreOptions options;
  options.wait_for_database = true;
  options.retry_interval_ms = 100;
  PostgresStore store(url_, options);  // does not throw: not ready
  EXPECT_FALSE(store.ready());
  EXPECT_THAT(store.last_error(), HasSubstr("cannot connect"));
  const auto t0 = std::chrono::steady_clock::now();
  EXPECT_THROW(store.record_routing(storage_test::make_routing("T1", kT0)), StoreError);
  EXPECT_THROW(store.remember_event("slack:Ev1", kT0, kT0 + 10), StoreError);
  EXPECT_FALSE(store.ping());
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(2));

  server_->start();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (!store.ping() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_TRUE(store.ping());
  EXPECT_TRUE(store.ready());
  // Migrated on the way: every table is there.
  EXPECT_EQ(sql(url_, "SELECT max(version) FROM schema_migrations"),
            std::to_string(pg_latest_schema_version()));
  EXPECT_TRUE(store.remember_event("slack:Ev1", kT0, kT0 + 10));
}

TEST_F(PostgresStoreTest, PingDoesNotWaitBehindABusyPool) {
  PostgresStoreOptions options;
  options.pool_size = 1;
  options.acquire_timeout_ms = 5000;
  PostgresStore store(url_, options);
  std::promise<void> holding;
  std::thread busy([&] {
    store.write_batch([&](Store& s) {
      s.remember_event("slack:EvBusy", kT0, kT0 + 10);  // the one connection, in a transaction
      holding.set_value();
      std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    });
  });
  holding.get_future().wait();
  const auto t0 = std::chrono::steady_clock::now();
  EXPECT_TRUE(store.ping());
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::milliseconds(500));
  EXPECT_EQ(store.pool_stats().in_use, 1);
  busy.join();
}

TEST_F(PostgresStoreTest, PingGivesUpOnAServerThatNeverAnswersWithinItsDeadline) {
  // A socket that accepts connections (the kernel does, from the backlog)
  // and never says a word: a hung server or a black-holed network.
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(::listen(fd, 16), 0);
  socklen_t len = sizeof addr;
  ASSERT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  const std::string url =
      "host=127.0.0.1 port=" + std::to_string(ntohs(addr.sin_port)) + " user=rolecall dbname=x";
  PostgresStoreOptions options;
  options.wait_for_database = true;
  options.connect_timeout_s = 2;
  options.ping_timeout_ms = 300;
  PostgresStore store(url, options);  // waits out connect_timeout once, opens not ready
  EXPECT_FALSE(store.ready());
  for (int i = 0; i < 3; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    EXPECT_FALSE(store.ping());
    EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::milliseconds(800));
  }
  ::close(fd);
}

TEST_F(PostgresStoreTest, AFencedBatchHoldsOffATakeoverUntilItCommits) {
  PostgresStore a(url_), b(url_);
  const auto token = a.acquire_lease("digest", "a", kT0, 10);
  ASSERT_EQ(token, 1);
  std::promise<void> checked;
  std::thread batch([&] {
    a.write_batch([&](Store& s) {
      EXPECT_TRUE(s.lease_valid({"digest", *token}));
      checked.set_value();
      std::this_thread::sleep_for(std::chrono::milliseconds(500));
      s.enqueue(storage_test::make_message("digest:W1"), kT0);
    });
  });
  checked.get_future().wait();
  // The lease has expired by b's clock, but a's batch checked the token: b's
  // takeover waits for that batch, and the batch's write lands under token 1.
  EXPECT_EQ(b.acquire_lease("digest", "b", kT0 + 20, 10), 2);
  EXPECT_EQ(sql(url_, "SELECT count(*) FROM outbox"), "1");
  batch.join();
  EXPECT_FALSE(a.lease_valid({"digest", 1}));
}

TEST(DatabaseUrl, PasswordsAreBlankedInEveryForm) {
  EXPECT_EQ(redact_database_url("postgres://u:pw@db:5432/rc"), "postgres://u:***@db:5432/rc");
  EXPECT_EQ(redact_database_url("postgresql://u@db/rc"), "postgresql://u@db/rc");
  EXPECT_EQ(redact_database_url("postgresql://db/rc?user=u&password=pw&sslmode=require"),
            "postgresql://db/rc?user=u&password=***&sslmode=require");
  EXPECT_EQ(redact_database_url("host=db password=pw user=u"), "host=db password=*** user=u");
  EXPECT_EQ(redact_database_url("host=db password = 'p w\\' x' user=u"),
            "host=db password = *** user=u");
  EXPECT_EQ(redact_database_url("host=db user=u"), "host=db user=u");
  EXPECT_EQ(redact_database_url("postgres://u:p@ss@db/rc"), "postgres://u:***@db/rc");
}

}  // namespace
}  // namespace rolecall
