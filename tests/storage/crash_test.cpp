// Crash safety: a writer process is SIGKILLed in the middle of its writes.
// Every write it was told had committed must be in the file afterwards, the
// file must pass integrity_check, and multi-statement writes must be whole.

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <gtest/gtest.h>

#include <vector>

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

// Runs a child that commits routings (each followed by a status change, a
// two-statement transaction, and an outbox row) and reports each id once
// record_routing returned; kills it after `kill_after` reports. Returns every
// id the child reported.
std::vector<std::int64_t> write_until_killed(const std::string& path, int kill_after) {
  Pipe ids;
  const pid_t child = fork_child([&] {
    ids.close_read();
    SqliteStore store(path, storage_test::test_store_options());
    for (int i = 0; i < 10'000'000; ++i) {
      const std::int64_t id = store.record_routing(make_routing(
          "T1", kT0 + i, Role::product_owner, "backlog", "text of message " + std::to_string(i)));
      if (!ids.write_all(&id, sizeof id)) return 3;
      store.change_routing_status(
          {id, RoutingStatus::open, RoutingStatus::reassigned, Role::none, "U", kT0 + i});
      store.enqueue(make_message("reply:" + std::to_string(id)), kT0 + i);
    }
    return 0;
  });
  ids.close_write();

  std::vector<std::int64_t> reported;
  std::int64_t id = 0;
  while (static_cast<int>(reported.size()) < kill_after && ids.read_exact(&id, sizeof id)) {
    reported.push_back(id);
  }
  ::kill(child, SIGKILL);
  EXPECT_EQ(wait_child(child), -SIGKILL);
  // Reports still in the pipe were also committed before the kill.
  while (ids.read_exact(&id, sizeof id)) reported.push_back(id);
  return reported;
}

TEST(Crash, SigkillMidWritesLosesNothingCommitted) {
  ScratchDir dir;
  const std::string path = dir.file("crash.db");
  std::vector<std::int64_t> all;
  // Three rounds on the same file: later rounds start from a recovered WAL.
  for (int round = 0; round < 3; ++round) {
    const auto reported = write_until_killed(path, 300 + 250 * round);
    ASSERT_GE(reported.size(), static_cast<std::size_t>(300 + 250 * round));
    all.insert(all.end(), reported.begin(), reported.end());

    {
      SQLite::Database db(path, SQLite::OPEN_READWRITE);
      EXPECT_EQ(db.execAndGet("PRAGMA integrity_check").getString(), "ok") << "round " << round;
      // The status change is one transaction with its log row: never half.
      const auto torn = db.execAndGet(
                              "SELECT count(*) FROM routings r WHERE r.status <> 'open' AND NOT "
                              "EXISTS (SELECT 1 FROM status_changes s WHERE s.routing_id = r.id)")
                            .getInt();
      EXPECT_EQ(torn, 0) << "round " << round;
    }
    SqliteStore store(path, storage_test::test_store_options());
    for (auto rid : all) {
      auto r = store.get_routing(rid);
      ASSERT_TRUE(r.has_value()) << "committed routing " << rid << " lost in round " << round;
      EXPECT_EQ(r->team_id, "T1");
    }
  }
}

}  // namespace
}  // namespace rolecall
