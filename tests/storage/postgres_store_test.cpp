// What is PostgreSQL's own in PostgresStore, on a real server
// (tests/support/postgres_server.hpp): migrations under the advisory lock,
// a database from a newer rolecall refused, the pool's bound, surviving a
// server restart, and the password kept out of messages. Every Store
// operation is tested in store_contract_test.cpp.

#include "storage/postgres/postgres_store.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <libpq-fe.h>

#include <chrono>
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
