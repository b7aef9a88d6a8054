// Every Store operation of SqliteStore, on a real SQLite file.

#include "storage/sqlite/sqlite_store.hpp"

#include <SQLiteCpp/Database.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <thread>

#include "storage/sha256.hpp"
#include "storage/sqlite/migrations.hpp"
#include "tests/storage/scratch_dir.hpp"
#include "tests/storage/store_fixtures.hpp"
#include "tests/storage/suite_options.hpp"
#include "tests/support/routing_history.hpp"

namespace rolecall {
namespace {

using storage_test::make_decision;
using storage_test::make_message;
using storage_test::make_routing;
using storage_test::ScratchDir;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

constexpr std::int64_t kT0 = 1'763'900'000;  // 2025-11-23
constexpr std::int64_t kDay = 86400;

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

TEST_F(SqliteStoreTest, ReopenKeepsEverything) {
  const auto id = store_.record_routing(make_routing("T1", kT0));
  SqliteStore again(path_, storage_test::test_store_options());
  auto r = again.get_routing(id);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->team_id, "T1");
}

TEST_F(SqliteStoreTest, RoutingRoundTripsEveryField) {
  RoutingRecord in = make_routing("T1", kT0, Role::both, "release_scope", "ship it?");
  in.platform = "teams";
  in.intent = Intent::request;
  in.original_role = Role::product_manager;
  in.confidence = 0.3125;
  in.assignee = "Ada,Grace";
  in.status = RoutingStatus::acknowledged;
  in.updated_at = kT0 + 5;
  const auto id = store_.record_routing(in);
  EXPECT_GT(id, 0);

  auto out = store_.get_routing(id);
  ASSERT_TRUE(out.has_value());
  EXPECT_EQ(out->id, id);
  EXPECT_EQ(out->platform, "teams");
  EXPECT_EQ(out->team_id, "T1");
  EXPECT_EQ(out->channel, in.channel);
  EXPECT_EQ(out->message_id, in.message_id);
  EXPECT_EQ(out->link, in.link);
  EXPECT_EQ(out->author, in.author);
  EXPECT_EQ(out->text, "ship it?");
  EXPECT_EQ(out->text_hash, sha256_hex("ship it?"));
  EXPECT_EQ(out->intent, Intent::request);
  EXPECT_EQ(out->role, Role::both);
  EXPECT_EQ(out->original_role, Role::product_manager);
  EXPECT_EQ(out->topic, "release_scope");
  EXPECT_DOUBLE_EQ(out->confidence, 0.3125);
  EXPECT_EQ(out->assignee, "Ada,Grace");
  EXPECT_EQ(out->status, RoutingStatus::acknowledged);
  EXPECT_EQ(out->created_at, kT0);
  EXPECT_EQ(out->updated_at, kT0 + 5);

  EXPECT_FALSE(store_.get_routing(id + 1000).has_value());
}

TEST_F(SqliteStoreTest, StoresWhatItIsGivenAndHashesOnlyWhenHashMissing) {
  RoutingRecord blank = make_routing("T1", kT0);
  blank.text.clear();  // store_message_text = false: the caller keeps only the hash
  blank.text_hash = sha256_hex("secret words");
  auto r = store_.get_routing(store_.record_routing(blank));
  EXPECT_EQ(r->text, "");
  EXPECT_EQ(r->text_hash, sha256_hex("secret words"));

  RoutingRecord no_hash = make_routing("T1", kT0, Role::product_owner, "t", "some text");
  no_hash.text_hash.clear();
  EXPECT_EQ(store_.get_routing(store_.record_routing(no_hash))->text_hash, sha256_hex("some text"));
}

TEST_F(SqliteStoreTest, TextWithQuotesAndUnicodeIsStoredVerbatim) {
  const std::string text = "it's \"quoted\" -- ; DROP TABLE routings; é✓ \n newline";
  auto r = store_.get_routing(
      store_.record_routing(make_routing("T1", kT0, Role::product_owner, "t", text)));
  EXPECT_EQ(r->text, text);
}

TEST_F(SqliteStoreTest, ChangeStatusUpdatesRoutingAndLogsHistory) {
  const auto id = store_.record_routing(make_routing("T1", kT0, Role::product_owner));
  EXPECT_TRUE(store_.change_routing_status(
      {id, RoutingStatus::open, RoutingStatus::acknowledged, Role::product_owner, "U1", kT0 + 10}));
  EXPECT_TRUE(
      store_.change_routing_status({id, RoutingStatus::acknowledged, RoutingStatus::reassigned,
                                    Role::product_manager, "U2", kT0 + 20}));

  auto r = store_.get_routing(id);
  EXPECT_EQ(r->status, RoutingStatus::reassigned);
  EXPECT_EQ(r->role, Role::product_manager);
  EXPECT_EQ(r->original_role, Role::product_owner);
  EXPECT_EQ(r->updated_at, kT0 + 20);

  auto h = test::routing_history(store_, id);
  ASSERT_EQ(h.size(), 2u);
  EXPECT_EQ(h[0].routing_id, id);
  EXPECT_EQ(h[0].from, RoutingStatus::open);
  EXPECT_EQ(h[0].to, RoutingStatus::acknowledged);
  EXPECT_EQ(h[0].by, "U1");
  EXPECT_EQ(h[0].at, kT0 + 10);
  EXPECT_EQ(h[1].from, RoutingStatus::acknowledged);
  EXPECT_EQ(h[1].to, RoutingStatus::reassigned);
  EXPECT_EQ(h[1].new_role, Role::product_manager);
  EXPECT_EQ(h[1].from_role, Role::product_owner);
  EXPECT_EQ(h[1].topic, "backlog_priority");
  EXPECT_EQ(h[1].by, "U2");
}

TEST_F(SqliteStoreTest, ChangeStatusLogsTheActualFromStatus) {
  const auto id = store_.record_routing(make_routing("T1", kT0));
  // The caller claims "dismissed" as the old status; the store knows better.
  store_.change_routing_status(
      {id, RoutingStatus::dismissed, RoutingStatus::acknowledged, Role::none, "U1", kT0 + 1});
  EXPECT_EQ(test::routing_history(store_, id).at(0).from, RoutingStatus::open);
  EXPECT_EQ(store_.get_routing(id)->role, Role::product_owner);  // none keeps the role
}

TEST_F(SqliteStoreTest, ReassignWithoutRoleMovesToTheOtherSide) {
  const auto id = store_.record_routing(make_routing("T1", kT0, Role::product_manager));
  store_.change_routing_status(
      {id, RoutingStatus::open, RoutingStatus::reassigned, Role::none, "U1", kT0 + 1});
  EXPECT_EQ(store_.get_routing(id)->role, Role::product_owner);
  EXPECT_EQ(test::routing_history(store_, id).at(0).new_role, Role::product_owner);
}

TEST_F(SqliteStoreTest, ChoosingARoleWhileStayingOpenChangesTheRole) {
  const auto id = store_.record_routing(make_routing("T1", kT0, Role::both));
  store_.change_routing_status(
      {id, RoutingStatus::open, RoutingStatus::open, Role::product_owner, "U1", kT0 + 1});
  auto r = store_.get_routing(id);
  EXPECT_EQ(r->role, Role::product_owner);
  EXPECT_EQ(r->status, RoutingStatus::open);
}

TEST_F(SqliteStoreTest, ChangeStatusOfUnknownIdIsFalseAndLogsNothing) {
  EXPECT_FALSE(store_.change_routing_status(
      {4242, RoutingStatus::open, RoutingStatus::acknowledged, Role::none, "U1", kT0}));
  EXPECT_THAT(test::routing_history(store_, 4242), IsEmpty());
}

TEST_F(SqliteStoreTest, ListRoutingsFilters) {
  const auto a = store_.record_routing(make_routing("T1", kT0, Role::product_owner));
  const auto b = store_.record_routing(make_routing("T1", kT0 + kDay, Role::product_manager));
  auto c_rec = make_routing("T2", kT0 + 2 * kDay, Role::product_owner);
  c_rec.channel = "C0OTHER";
  const auto c = store_.record_routing(c_rec);
  const auto d = store_.record_routing(make_routing("T1", kT0 + 3 * kDay, Role::product_owner));
  store_.change_routing_status(
      {d, RoutingStatus::open, RoutingStatus::acknowledged, Role::none, "U", kT0 + 3 * kDay});

  auto ids = [](const std::vector<RoutingRecord>& rs) {
    std::vector<std::int64_t> out;
    for (const auto& r : rs) out.push_back(r.id);
    return out;
  };
  EXPECT_THAT(ids(store_.list_routings({})), ElementsAre(d, c, b, a));  // newest first
  ListFilter team;
  team.team_id = "T1";
  EXPECT_THAT(ids(store_.list_routings(team)), ElementsAre(d, b, a));
  ListFilter window = team;
  window.since = kT0 + kDay;
  window.until = kT0 + 3 * kDay;  // exclusive
  EXPECT_THAT(ids(store_.list_routings(window)), ElementsAre(b));
  ListFilter role = team;
  role.role = Role::product_owner;
  EXPECT_THAT(ids(store_.list_routings(role)), ElementsAre(d, a));
  ListFilter channel;
  channel.channel = "C0OTHER";
  EXPECT_THAT(ids(store_.list_routings(channel)), ElementsAre(c));
  ListFilter open = team;
  open.status = RoutingStatus::open;
  EXPECT_THAT(ids(store_.list_routings(open)), ElementsAre(b, a));
  ListFilter limited;
  limited.limit = 2;
  EXPECT_THAT(ids(store_.list_routings(limited)), ElementsAre(d, c));
  ListFilter nobody;
  nobody.team_id = "T9";
  EXPECT_THAT(store_.list_routings(nobody), IsEmpty());
}

TEST_F(SqliteStoreTest, FindRoutingByPlatformChannelAndMessage) {
  RoutingRecord a = make_routing("T1", kT0);
  a.platform = "teams";
  a.channel = "19:abc";
  a.message_id = "1700000000001";
  const auto first = store_.record_routing(a);
  RoutingRecord other_platform = a;
  other_platform.platform = "slack";
  store_.record_routing(other_platform);
  EXPECT_EQ(store_.find_routing("teams", "19:abc", "1700000000001")->id, first);
  EXPECT_FALSE(store_.find_routing("teams", "19:abc", "1700000000002").has_value());
  EXPECT_FALSE(store_.find_routing("teams", "19:other", "1700000000001").has_value());
  const auto newer = store_.record_routing(a);  // the same message routed again: the newest
  EXPECT_EQ(store_.find_routing("teams", "19:abc", "1700000000001")->id, newer);
}

TEST_F(SqliteStoreTest, SearchDecisionsLooksThroughTheWholeLog) {
  auto decide = [&](const std::string& team, Role role, const std::string& text, int at) {
    DecisionRecord d;
    d.platform = "slack";
    d.team_id = team;
    d.role = role;
    d.text = text;
    d.created_at = kT0 + at;
    return store_.record_decision(d);
  };
  const auto old_match = decide("T1", Role::product_manager, "Pricing: 100% off for NGOs", 0);
  for (int i = 1; i <= 300; ++i) decide("T1", Role::product_owner, "sprint note", i);
  const auto other_team = decide("T2", Role::product_manager, "pricing for T2", 400);

  auto found = store_.search_decisions("T1", "PRICING", std::nullopt, 10);
  ASSERT_EQ(found.size(), 1u);  // older than the newest 200, still found
  EXPECT_EQ(found[0].id, old_match);
  EXPECT_EQ(store_.search_decisions("T1", "100%", std::nullopt, 10).size(), 1u);  // % is literal
  EXPECT_EQ(store_.search_decisions("T1", "_", std::nullopt, 10).size(), 0u);
  EXPECT_EQ(store_.search_decisions("T1", "", Role::product_manager, 10).size(), 1u);
  auto po = store_.search_decisions("T1", "", Role::product_owner, 5);
  ASSERT_EQ(po.size(), 5u);  // newest first, at most the limit
  EXPECT_EQ(po[0].created_at, kT0 + 300);
  auto all_teams = store_.search_decisions("", "pricing", std::nullopt, 10);
  ASSERT_EQ(all_teams.size(), 2u);
  EXPECT_EQ(all_teams[0].id, other_team);
}

TEST_F(SqliteStoreTest, CorrectionCountsCountReassignmentsPerTopicAndRoles) {
  auto reassign = [&](const std::string& team, const std::string& topic, Role from, Role to) {
    const auto id = store_.record_routing(make_routing(team, kT0, from, topic));
    store_.change_routing_status(
        {id, RoutingStatus::open, RoutingStatus::reassigned, to, "U", kT0 + 1});
    return id;
  };
  reassign("T1", "backlog", Role::product_owner, Role::product_manager);
  reassign("T1", "backlog", Role::product_owner, Role::product_manager);
  const auto twice = reassign("T1", "vision", Role::product_manager, Role::product_owner);
  store_.change_routing_status(  // moved back: counts as PO -> PM
      {twice, RoutingStatus::reassigned, RoutingStatus::reassigned, Role::product_manager, "U",
       kT0 + 2});
  reassign("T2", "backlog", Role::product_owner, Role::product_manager);
  const auto acked = store_.record_routing(make_routing("T1", kT0, Role::product_owner, "backlog"));
  store_.change_routing_status(  // not a correction
      {acked, RoutingStatus::open, RoutingStatus::acknowledged, Role::none, "U", kT0 + 1});

  auto counts = store_.correction_counts("T1");
  std::sort(counts.begin(), counts.end(), [](const auto& a, const auto& b) {
    return std::tie(a.topic_id, a.from) < std::tie(b.topic_id, b.from);
  });
  ASSERT_EQ(counts.size(), 3u);
  EXPECT_EQ(counts[0].topic_id, "backlog");
  EXPECT_EQ(counts[0].from, Role::product_owner);
  EXPECT_EQ(counts[0].to, Role::product_manager);
  EXPECT_EQ(counts[0].count, 2);
  EXPECT_EQ(counts[1].topic_id, "vision");
  EXPECT_EQ(counts[1].from, Role::product_manager);
  EXPECT_EQ(counts[1].to, Role::product_owner);
  EXPECT_EQ(counts[1].count, 1);
  EXPECT_EQ(counts[2].topic_id, "vision");
  EXPECT_EQ(counts[2].from, Role::product_owner);
  EXPECT_EQ(counts[2].to, Role::product_manager);
  EXPECT_EQ(counts[2].count, 1);
  EXPECT_THAT(store_.correction_counts("T3"), IsEmpty());
}

TEST_F(SqliteStoreTest, StatusChangesOfATeamInAWindow) {
  const auto a = store_.record_routing(make_routing("T1", kT0 - 30 * kDay));  // old routing
  const auto b = store_.record_routing(make_routing("T1", kT0));
  const auto other = store_.record_routing(make_routing("T2", kT0));
  store_.change_routing_status(
      {a, RoutingStatus::open, RoutingStatus::acknowledged, Role::none, "U", kT0 + 10});
  store_.change_routing_status(
      {b, RoutingStatus::open, RoutingStatus::reassigned, Role::none, "U", kT0 + 5});
  store_.change_routing_status(
      {b, RoutingStatus::open, RoutingStatus::dismissed, Role::none, "U", kT0 + 8 * kDay});
  store_.change_routing_status(
      {other, RoutingStatus::open, RoutingStatus::dismissed, Role::none, "U", kT0 + 1});

  auto week = store_.status_changes("T1", kT0, kT0 + 7 * kDay);
  ASSERT_EQ(week.size(), 2u);
  EXPECT_EQ(week[0].routing_id, b);  // oldest first
  EXPECT_EQ(week[0].to, RoutingStatus::reassigned);
  EXPECT_EQ(week[0].new_role, Role::product_manager);
  EXPECT_EQ(week[0].from_role, Role::product_owner);
  EXPECT_EQ(week[0].topic, "backlog_priority");
  EXPECT_EQ(week[1].routing_id, a);
  EXPECT_EQ(store_.status_changes("T1", kT0, 0).size(), 3u);
  EXPECT_THAT(store_.status_changes("T9", 0, 0), IsEmpty());
}

TEST_F(SqliteStoreTest, Decisions) {
  const auto a = store_.record_decision(make_decision("T1", kT0, "ship Thursdays"));
  const auto b = store_.record_decision(make_decision("T1", kT0 + kDay, "freeze on Fridays"));
  auto other = make_decision("T2", kT0 + 2 * kDay);
  other.role = Role::product_owner;
  other.channel = "C0OTHER";
  const auto c = store_.record_decision(other);
  EXPECT_GT(a, 0);

  auto all = store_.list_decisions({});
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].id, c);
  EXPECT_EQ(all[0].team_id, "T2");
  EXPECT_EQ(all[0].role, Role::product_owner);
  EXPECT_EQ(all[0].channel, "C0OTHER");
  EXPECT_EQ(all[2].text, "ship Thursdays");
  EXPECT_EQ(all[2].decided_by, "U0PM");
  EXPECT_EQ(all[2].platform, "slack");
  EXPECT_EQ(all[2].link, make_decision("T1", kT0).link);
  EXPECT_EQ(all[2].created_at, kT0);

  ListFilter f;
  f.team_id = "T1";
  f.since = kT0 + 1;
  auto t1 = store_.list_decisions(f);
  ASSERT_EQ(t1.size(), 1u);
  EXPECT_EQ(t1[0].id, b);
  ListFilter role;
  role.role = Role::product_owner;
  EXPECT_EQ(store_.list_decisions(role).size(), 1u);
  ListFilter limited;
  limited.limit = 1;
  EXPECT_EQ(store_.list_decisions(limited).at(0).id, c);
}

TEST_F(SqliteStoreTest, RememberEventDedupesUntilExpiry) {
  EXPECT_TRUE(store_.remember_event("slack:Ev1", kT0, kT0 + 3600));
  EXPECT_FALSE(store_.remember_event("slack:Ev1", kT0 + 10, kT0 + 3610));
  EXPECT_TRUE(store_.remember_event("slack:Ev2", kT0 + 10, kT0 + 3610));
  EXPECT_FALSE(store_.remember_event("slack:Ev1", kT0 + 3599, kT0 + 7199));
  // Expired but not yet purged: new again, and remembered with the new expiry.
  EXPECT_TRUE(store_.remember_event("slack:Ev1", kT0 + 3600, kT0 + 7200));
  EXPECT_FALSE(store_.remember_event("slack:Ev1", kT0 + 7000, kT0 + 9000));
}

TEST_F(SqliteStoreTest, OutboxEnqueueIsIdempotent) {
  EXPECT_TRUE(store_.enqueue(make_message("k1"), kT0));
  auto dup = make_message("k1");
  dup.payload = "different";
  EXPECT_FALSE(store_.enqueue(dup, kT0 + 1));
  EXPECT_EQ(store_.outbox_depth(), 1);
  auto rows = store_.due_outbox(kT0, 10);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].message.payload, R"({"text":"hello"})");
  EXPECT_EQ(rows[0].message.destination, "slack:chat.postMessage");
  EXPECT_EQ(rows[0].message.target, "C0INTAKE");
  EXPECT_EQ(rows[0].message.idempotency_key, "k1");
  EXPECT_EQ(rows[0].attempts, 0);
  EXPECT_EQ(rows[0].next_attempt_at, kT0);
  EXPECT_EQ(rows[0].state, OutboxState::pending);
  EXPECT_EQ(rows[0].created_at, kT0);
  // Still a no-op after delivery: the key is what makes the send idempotent.
  store_.mark_delivered(rows[0].id, kT0 + 2);
  EXPECT_FALSE(store_.enqueue(make_message("k1"), kT0 + 3));
  EXPECT_EQ(store_.outbox_depth(), 0);
}

TEST_F(SqliteStoreTest, OutboxDueOrderLimitAndNextDue) {
  EXPECT_FALSE(store_.next_outbox_due().has_value());
  store_.enqueue(make_message("a"), kT0 + 5);
  store_.enqueue(make_message("b"), kT0);
  store_.enqueue(make_message("c"), kT0 + 100);
  EXPECT_EQ(store_.next_outbox_due(), kT0);

  auto due = store_.due_outbox(kT0 + 5, 0);
  ASSERT_EQ(due.size(), 2u);
  EXPECT_EQ(due[0].message.idempotency_key, "a");  // oldest row first
  EXPECT_EQ(due[1].message.idempotency_key, "b");
  EXPECT_EQ(store_.due_outbox(kT0 + 5, 1).size(), 1u);
  EXPECT_THAT(store_.due_outbox(kT0 - 1, 10), IsEmpty());
  EXPECT_EQ(store_.outbox_depth(), 3);
}

// The outbox worker pages past rows it holds back (issue 12) and wakes for
// the next row to come due, not for the ones due already.
TEST_F(SqliteStoreTest, OutboxDuePagesAfterAnIdAndNextDueAfterATime) {
  store_.enqueue(make_message("a"), kT0);
  store_.enqueue(make_message("b"), kT0);
  store_.enqueue(make_message("c"), kT0 + 100);
  const auto first = store_.due_outbox(kT0, 1);
  ASSERT_EQ(first.size(), 1u);
  auto rest = store_.due_outbox(kT0, 1, first[0].id);
  ASSERT_EQ(rest.size(), 1u);
  EXPECT_EQ(rest[0].message.idempotency_key, "b");
  EXPECT_THAT(store_.due_outbox(kT0, 1, rest[0].id), IsEmpty());
  EXPECT_EQ(store_.next_outbox_due(kT0), kT0 + 100);
  EXPECT_EQ(store_.next_outbox_due(kT0 - 1), kT0);
  EXPECT_FALSE(store_.next_outbox_due(kT0 + 100).has_value());
}

TEST_F(SqliteStoreTest, OutboxRetryBookkeeping) {
  store_.enqueue(make_message("k"), kT0);
  const auto id = store_.due_outbox(kT0, 1).at(0).id;

  store_.mark_retry(id, kT0 + 30, "HTTP 503", SentState::maybe_sent);
  EXPECT_THAT(store_.due_outbox(kT0 + 29, 10), IsEmpty());
  EXPECT_EQ(store_.next_outbox_due(), kT0 + 30);
  auto row = store_.due_outbox(kT0 + 30, 10).at(0);
  EXPECT_EQ(row.attempts, 1);
  EXPECT_EQ(row.last_error, "HTTP 503");
  EXPECT_EQ(row.state, OutboxState::pending);

  store_.mark_retry(id, kT0 + 90, "timeout", SentState::maybe_sent);
  row = store_.due_outbox(kT0 + 90, 10).at(0);
  EXPECT_EQ(row.attempts, 2);
  EXPECT_EQ(row.last_error, "timeout");

  store_.mark_failed(id, "HTTP 404 channel_not_found");
  EXPECT_THAT(store_.due_outbox(kT0 + 1000, 10), IsEmpty());
  EXPECT_FALSE(store_.next_outbox_due().has_value());
  EXPECT_EQ(store_.outbox_depth(), 0);
  SQLite::Database db(path_, SQLite::OPEN_READONLY);
  SQLite::Statement q(db, "SELECT state, attempts, last_error FROM outbox WHERE id = ?");
  q.bind(1, static_cast<std::int64_t>(id));
  ASSERT_TRUE(q.executeStep());
  EXPECT_EQ(q.getColumn(0).getString(), "failed");
  EXPECT_EQ(q.getColumn(1).getInt(), 3);
  EXPECT_EQ(q.getColumn(2).getString(), "HTTP 404 channel_not_found");

  // A late retry of a failed row does not resurrect it.
  store_.mark_retry(id, kT0 + 2000, "late", SentState::not_sent);
  EXPECT_EQ(store_.outbox_depth(), 0);
  store_.mark_retry(9999, kT0, "unknown id is ignored", SentState::not_sent);
  store_.mark_attempt_started(9999, kT0);
}

TEST_F(SqliteStoreTest, OutboxMarkDelivered) {
  store_.enqueue(make_message("k"), kT0);
  const auto id = store_.due_outbox(kT0, 1).at(0).id;
  store_.mark_delivered(id, kT0 + 7);
  EXPECT_EQ(store_.outbox_depth(), 0);
  SQLite::Database db(path_, SQLite::OPEN_READONLY);
  SQLite::Statement q(db, "SELECT state, delivered_at FROM outbox WHERE id = ?");
  q.bind(1, static_cast<std::int64_t>(id));
  ASSERT_TRUE(q.executeStep());
  EXPECT_EQ(q.getColumn(0).getString(), "delivered");
  EXPECT_EQ(q.getColumn(1).getInt64(), kT0 + 7);
}

// Issue 13: an attempt is recorded before the send, and stays recorded until
// its outcome says nothing can have been posted.
TEST_F(SqliteStoreTest, OutboxUnfinishedAttemptBookkeeping) {
  store_.enqueue(make_message("k"), kT0);
  const auto id = store_.due_outbox(kT0, 1).at(0).id;
  EXPECT_EQ(store_.due_outbox(kT0, 1).at(0).attempt_started_at, 0);

  store_.mark_attempt_started(id, kT0 + 1);
  auto row = store_.due_outbox(kT0, 1).at(0);
  EXPECT_EQ(row.attempt_started_at, kT0 + 1);
  EXPECT_EQ(row.attempts, 0);  // starting is not an attempt's outcome

  // A process that dies now leaves it recorded for the next one.
  {
    SqliteStore again(path_);
    EXPECT_EQ(again.due_outbox(kT0, 1).at(0).attempt_started_at, kT0 + 1);
  }

  store_.mark_retry(id, kT0 + 5, "http_500", SentState::maybe_sent);
  row = store_.due_outbox(kT0 + 5, 1).at(0);
  EXPECT_EQ(row.attempt_started_at, kT0 + 1);
  EXPECT_EQ(row.attempts, 1);

  store_.mark_attempt_started(id, kT0 + 6);
  store_.mark_retry(id, kT0 + 9, "ratelimited", SentState::not_sent);
  EXPECT_EQ(store_.due_outbox(kT0 + 9, 1).at(0).attempt_started_at, 0);

  store_.mark_attempt_started(id, kT0 + 10);
  store_.mark_delivered(id, kT0 + 11);
  SQLite::Database db(path_, SQLite::OPEN_READONLY);
  SQLite::Statement q(db, "SELECT state, attempt_started_at IS NULL FROM outbox WHERE id = ?");
  q.bind(1, static_cast<std::int64_t>(id));
  ASSERT_TRUE(q.executeStep());
  EXPECT_EQ(q.getColumn(0).getString(), "delivered");
  EXPECT_EQ(q.getColumn(1).getInt(), 1);

  // Finished rows are not marked again.
  store_.mark_attempt_started(id, kT0 + 12);
  SQLite::Statement again(db, "SELECT attempt_started_at IS NULL FROM outbox WHERE id = ?");
  again.bind(1, static_cast<std::int64_t>(id));
  ASSERT_TRUE(again.executeStep());
  EXPECT_EQ(again.getColumn(0).getInt(), 1);
}

TEST_F(SqliteStoreTest, OutboxSurvivesReopen) {
  store_.enqueue(make_message("a"), kT0);
  store_.enqueue(make_message("b"), kT0);
  const auto a = store_.due_outbox(kT0, 10).at(0).id;
  store_.mark_retry(a, kT0 + 60, "HTTP 429", SentState::not_sent);
  {
    SqliteStore again(path_, storage_test::test_store_options());
    EXPECT_EQ(again.outbox_depth(), 2);
    EXPECT_FALSE(again.enqueue(make_message("a"), kT0 + 1));
    auto due = again.due_outbox(kT0 + 60, 10);
    ASSERT_EQ(due.size(), 2u);
    EXPECT_EQ(due[0].attempts, 1);
    EXPECT_EQ(due[0].last_error, "HTTP 429");
  }
}

TEST_F(SqliteStoreTest, DigestsAreMarkedOncePerTeamWeekDestination) {
  EXPECT_FALSE(store_.digest_sent("T1", "2026-W48", "slack:C1"));
  EXPECT_TRUE(store_.mark_digest_sent("T1", "2026-W48", "slack:C1", kT0));
  EXPECT_TRUE(store_.digest_sent("T1", "2026-W48", "slack:C1"));
  EXPECT_FALSE(store_.mark_digest_sent("T1", "2026-W48", "slack:C1", kT0 + 1));
  EXPECT_TRUE(store_.mark_digest_sent("T1", "2026-W48", "teams:flow", kT0));
  EXPECT_TRUE(store_.mark_digest_sent("T1", "2026-W49", "slack:C1", kT0));
  EXPECT_TRUE(store_.mark_digest_sent("T2", "2026-W48", "slack:C1", kT0));
  EXPECT_FALSE(store_.digest_sent("T2", "2026-W47", "slack:C1"));
}

TEST_F(SqliteStoreTest, RetentionBlanksOldTextsKeepsHashAndTopic) {
  const auto old_r = store_.record_routing(
      make_routing("T1", kT0 - 40 * kDay, Role::product_owner, "backlog", "old words"));
  const auto new_r = store_.record_routing(
      make_routing("T1", kT0 - 10 * kDay, Role::product_owner, "backlog", "new words"));
  const auto old_d = store_.record_decision(make_decision("T1", kT0 - 40 * kDay, "old decision"));
  store_.record_decision(make_decision("T1", kT0 - 10 * kDay, "new decision"));
  store_.remember_event("expired", kT0 - 100, kT0 - 1);
  store_.remember_event("live", kT0 - 100, kT0 + 100);
  store_.enqueue(make_message("old-delivered"), kT0 - 40 * kDay);
  store_.enqueue(make_message("old-pending"), kT0 - 40 * kDay);
  store_.mark_delivered(store_.due_outbox(kT0, 1).at(0).id, kT0 - 40 * kDay);

  // 1 routing + 1 decision + 1 outbox row + 1 dedupe key.
  EXPECT_EQ(store_.apply_retention(kT0, 30), 4);

  auto r = store_.get_routing(old_r);
  EXPECT_EQ(r->text, "");
  EXPECT_EQ(r->text_hash, sha256_hex("old words"));
  EXPECT_EQ(r->topic, "backlog");
  EXPECT_EQ(store_.get_routing(new_r)->text, "new words");
  auto ds = store_.list_decisions({});
  ASSERT_EQ(ds.size(), 2u);
  EXPECT_EQ(ds[1].id, old_d);
  EXPECT_EQ(ds[1].text, "");
  EXPECT_EQ(ds[0].text, "new decision");
  EXPECT_TRUE(store_.remember_event("expired", kT0, kT0 + 10));
  EXPECT_FALSE(store_.remember_event("live", kT0, kT0 + 10));
  EXPECT_EQ(store_.outbox_depth(), 1);  // the pending one stays whatever its age

  EXPECT_EQ(store_.apply_retention(kT0, 30), 0);  // nothing left to do
}

TEST_F(SqliteStoreTest, RetentionWorksInChunksOverManyRows) {
  const int n = 4500;  // more than two chunks
  for (int i = 0; i < n; ++i) store_.record_routing(make_routing("T1", kT0 - 60 * kDay + i));
  EXPECT_EQ(store_.apply_retention(kT0, 30), n);
  ListFilter f;
  f.limit = 5;
  for (const auto& r : store_.list_routings(f)) EXPECT_EQ(r.text, "");
}

TEST_F(SqliteStoreTest, RetentionWithZeroDaysKeepsTexts) {
  const auto id = store_.record_routing(make_routing("T1", kT0 - 400 * kDay));
  store_.remember_event("expired", kT0 - 100, kT0 - 1);
  EXPECT_EQ(store_.apply_retention(kT0, 0), 1);
  EXPECT_NE(store_.get_routing(id)->text, "");
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

}  // namespace
}  // namespace rolecall

namespace rolecall {
namespace {

// correction_counts reads running totals (kept by a trigger); they must
// always equal a recount of the logged reassignments.
TEST(CorrectionTotals, MatchARecountOfTheLog) {
  storage_test::ScratchDir dir;
  const std::string path = dir.file("db.sqlite");
  SqliteStore store(path, storage_test::test_store_options());
  const Role roles[] = {Role::product_manager, Role::product_owner, Role::both};
  for (int i = 0; i < 300; ++i) {
    const auto id = store.record_routing(storage_test::make_routing(
        std::to_string(i % 3).insert(0, 1, 'T'),  // GCC 12 -Wrestrict false alarm on "T" + s
        1000 + i, roles[i % 3], "topic" + std::to_string(i % 7)));
    for (int k = 0; k < i % 4; ++k) {
      store.change_routing_status({id, RoutingStatus::open,
                                   k % 2 ? RoutingStatus::acknowledged : RoutingStatus::reassigned,
                                   Role::none, "U", 2000 + i});
    }
  }
  SQLite::Database db(path, SQLite::OPEN_READONLY);
  for (const std::string team : {"T0", "T1", "T2"}) {
    auto totals = store.correction_counts(team);
    ASSERT_FALSE(totals.empty());
    std::int64_t sum = 0;
    for (const auto& c : totals) {
      SQLite::Statement q(db,
                          "SELECT count(*) FROM status_changes WHERE team_id = ? AND topic = ? "
                          "AND from_role = ? AND new_role = ? AND to_status = 'reassigned'");
      q.bind(1, team);
      q.bind(2, c.topic_id);
      q.bind(3, std::string(to_string(c.from)));
      q.bind(4, std::string(to_string(c.to)));
      q.executeStep();
      EXPECT_EQ(q.getColumn(0).getInt(), c.count) << team << " " << c.topic_id;
      sum += c.count;
    }
    SQLite::Statement all(db,
                          "SELECT count(*) FROM status_changes WHERE team_id = ? AND "
                          "to_status = 'reassigned'");
    all.bind(1, team);
    all.executeStep();
    EXPECT_EQ(all.getColumn(0).getInt64(), sum);
  }
}

}  // namespace
}  // namespace rolecall

namespace rolecall {
namespace {

TEST(WriteBatch, CommitsAllWritesOfARequestTogether) {
  storage_test::ScratchDir dir;
  SqliteStore store(dir.file("db.sqlite"), storage_test::test_store_options());
  const auto before = store.write_stats();
  std::int64_t id = 0;
  store.write_batch([&](Store& s) {
    EXPECT_TRUE(s.remember_event("slack:Ev1", 100, 200));
    id = s.record_routing(storage_test::make_routing("T1", 100));
    EXPECT_TRUE(s.change_routing_status(
        {id, RoutingStatus::open, RoutingStatus::acknowledged, Role::none, "U", 101}));
    EXPECT_TRUE(s.enqueue(storage_test::make_message("reply:1"), 100));
  });
  const auto after = store.write_stats();
  EXPECT_EQ(after.transactions - before.transactions, 1u);  // one commit for all four
  EXPECT_EQ(store.get_routing(id)->status, RoutingStatus::acknowledged);
  EXPECT_FALSE(store.remember_event("slack:Ev1", 150, 250));
  EXPECT_EQ(store.outbox_depth(), 1);
}

TEST(WriteBatch, AThrowingBatchWritesNothing) {
  storage_test::ScratchDir dir;
  SqliteStore store(dir.file("db.sqlite"), storage_test::test_store_options());
  std::int64_t id = 0;
  EXPECT_THROW(store.write_batch([&](Store& s) {
    s.remember_event("slack:Ev1", 100, 200);
    id = s.record_routing(storage_test::make_routing("T1", 100));
    s.enqueue(storage_test::make_message("reply:1"), 100);
    throw std::runtime_error("renderer failed");
  }),
               std::runtime_error);
  EXPECT_GT(id, 0);
  EXPECT_FALSE(store.get_routing(id).has_value());
  EXPECT_TRUE(store.remember_event("slack:Ev1", 150, 250));
  EXPECT_EQ(store.outbox_depth(), 0);
  // The store goes on working.
  EXPECT_GT(store.record_routing(storage_test::make_routing("T1", 101)), 0);
}

TEST(WriteBatch, BatchesFromManyThreadsBesidePlainWrites) {
  storage_test::ScratchDir dir;
  SqliteStore store(dir.file("db.sqlite"), storage_test::test_store_options());
  std::vector<std::thread> threads;
  for (int t = 0; t < 6; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 100; ++i) {
        const std::string key = std::to_string(t) + ":" + std::to_string(i);
        try {
          if (t % 2) {
            store.write_batch([&](Store& s) {
              s.remember_event("ev:" + key, 1, 1000);
              s.record_routing(
                  storage_test::make_routing(std::string("T").append(std::to_string(t)), i));
              s.enqueue(storage_test::make_message("reply:" + key), 1);
            });
          } else {
            store.remember_event("ev:" + key, 1, 1000);
            store.record_routing(
                storage_test::make_routing(std::string("T").append(std::to_string(t)), i));
            store.enqueue(storage_test::make_message("reply:" + key), 1);
          }
        } catch (const std::exception& e) {
          ADD_FAILURE() << e.what();
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(store.list_routings({}).size(), 600u);
  EXPECT_EQ(store.outbox_depth(), 600);
}

}  // namespace
}  // namespace rolecall
