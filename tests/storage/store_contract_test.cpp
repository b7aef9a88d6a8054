// The storage contract: every Store backend passes the same tests
// (storage/store.hpp and the ports' headers state the contract). Each test
// runs on SQLite and on PostgreSQL (a real server, tests/storage/
// store_backends.hpp); backend-specific behaviour (files, WAL, SQLite
// migrations, backups, the pool) is tested beside each backend.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <set>
#include <thread>
#include <tuple>

#include "storage/sha256.hpp"
#include "tests/storage/store_backends.hpp"
#include "tests/storage/store_fixtures.hpp"
#include "tests/support/routing_history.hpp"

namespace rolecall {
namespace {

using storage_test::make_decision;
using storage_test::make_message;
using storage_test::make_routing;
using storage_test::StoreBackend;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

constexpr std::int64_t kT0 = 1'763'900'000;  // 2025-11-23
constexpr std::int64_t kDay = 86400;

class StoreContract : public ::testing::TestWithParam<StoreBackend> {
 protected:
  void SetUp() override {
    std::string why_not;
    db_ = GetParam().make(&why_not);
    if (!db_) GTEST_SKIP() << why_not;
    store_ = db_->open();
  }

  std::unique_ptr<storage_test::BackendDatabase> db_;
  std::unique_ptr<Store> store_;
};

TEST_P(StoreContract, PingAnswers) { EXPECT_TRUE(store_->ping()); }

TEST_P(StoreContract, ReopenKeepsEverything) {
  const auto id = store_->record_routing(make_routing("T1", kT0));
  auto again = db_->open();
  auto r = again->get_routing(id);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->team_id, "T1");
}

TEST_P(StoreContract, RoutingRoundTripsEveryField) {
  RoutingRecord in = make_routing("T1", kT0, Role::both, "release_scope", "ship it?");
  in.platform = "teams";
  in.intent = Intent::request;
  in.original_role = Role::product_manager;
  in.confidence = 0.3125;
  in.assignee = "Ada,Grace";
  in.status = RoutingStatus::acknowledged;
  in.updated_at = kT0 + 5;
  const auto id = store_->record_routing(in);
  EXPECT_GT(id, 0);

  auto out = store_->get_routing(id);
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

  EXPECT_FALSE(store_->get_routing(id + 1000).has_value());
}

TEST_P(StoreContract, StoresWhatItIsGivenAndHashesOnlyWhenHashMissing) {
  RoutingRecord blank = make_routing("T1", kT0);
  blank.text.clear();  // store_message_text = false: the caller keeps only the hash
  blank.text_hash = sha256_hex("secret words");
  auto r = store_->get_routing(store_->record_routing(blank));
  EXPECT_EQ(r->text, "");
  EXPECT_EQ(r->text_hash, sha256_hex("secret words"));

  RoutingRecord no_hash = make_routing("T1", kT0, Role::product_owner, "t", "some text");
  no_hash.text_hash.clear();
  EXPECT_EQ(store_->get_routing(store_->record_routing(no_hash))->text_hash,
            sha256_hex("some text"));
}

TEST_P(StoreContract, TextWithQuotesAndUnicodeIsStoredVerbatim) {
  const std::string text = "it's \"quoted\" -- ; DROP TABLE routings; é✓ \n newline";
  auto r = store_->get_routing(
      store_->record_routing(make_routing("T1", kT0, Role::product_owner, "t", text)));
  EXPECT_EQ(r->text, text);
}

TEST_P(StoreContract, ChangeStatusUpdatesRoutingAndLogsHistory) {
  const auto id = store_->record_routing(make_routing("T1", kT0, Role::product_owner));
  EXPECT_TRUE(store_->change_routing_status(
      {id, RoutingStatus::open, RoutingStatus::acknowledged, Role::product_owner, "U1", kT0 + 10}));
  EXPECT_TRUE(
      store_->change_routing_status({id, RoutingStatus::acknowledged, RoutingStatus::reassigned,
                                     Role::product_manager, "U2", kT0 + 20}));

  auto r = store_->get_routing(id);
  EXPECT_EQ(r->status, RoutingStatus::reassigned);
  EXPECT_EQ(r->role, Role::product_manager);
  EXPECT_EQ(r->original_role, Role::product_owner);
  EXPECT_EQ(r->updated_at, kT0 + 20);

  auto h = test::routing_history(*store_, id);
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

TEST_P(StoreContract, ChangeStatusLogsTheActualFromStatus) {
  const auto id = store_->record_routing(make_routing("T1", kT0));
  // The caller claims "dismissed" as the old status; the store knows better.
  store_->change_routing_status(
      {id, RoutingStatus::dismissed, RoutingStatus::acknowledged, Role::none, "U1", kT0 + 1});
  EXPECT_EQ(test::routing_history(*store_, id).at(0).from, RoutingStatus::open);
  EXPECT_EQ(store_->get_routing(id)->role, Role::product_owner);  // none keeps the role
}

TEST_P(StoreContract, ReassignWithoutRoleMovesToTheOtherSide) {
  const auto id = store_->record_routing(make_routing("T1", kT0, Role::product_manager));
  store_->change_routing_status(
      {id, RoutingStatus::open, RoutingStatus::reassigned, Role::none, "U1", kT0 + 1});
  EXPECT_EQ(store_->get_routing(id)->role, Role::product_owner);
  EXPECT_EQ(test::routing_history(*store_, id).at(0).new_role, Role::product_owner);
}

TEST_P(StoreContract, ChoosingARoleWhileStayingOpenChangesTheRole) {
  const auto id = store_->record_routing(make_routing("T1", kT0, Role::both));
  store_->change_routing_status(
      {id, RoutingStatus::open, RoutingStatus::open, Role::product_owner, "U1", kT0 + 1});
  auto r = store_->get_routing(id);
  EXPECT_EQ(r->role, Role::product_owner);
  EXPECT_EQ(r->status, RoutingStatus::open);
}

TEST_P(StoreContract, ChangeStatusWithIfRoleIsACompareAndSet) {
  const auto id = store_->record_routing(make_routing("T1", kT0, Role::product_owner));
  StatusChange first{
      id, RoutingStatus::open, RoutingStatus::reassigned, Role::product_manager, "U1", kT0 + 1};
  first.if_role = Role::product_owner;
  EXPECT_TRUE(store_->change_routing_status(first));
  // The same press again, read against the PO: the routing has moved on.
  StatusChange again = first;
  again.new_role = Role::product_owner;
  again.by = "U2";
  again.at = kT0 + 2;
  EXPECT_FALSE(store_->change_routing_status(again));
  auto r = store_->get_routing(id);
  EXPECT_EQ(r->role, Role::product_manager);
  EXPECT_EQ(r->updated_at, kT0 + 1);
  ASSERT_EQ(test::routing_history(*store_, id).size(), 1u);
  EXPECT_EQ(test::routing_history(*store_, id).at(0).by, "U1");
  // Read against the current owner, it applies.
  again.if_role = Role::product_manager;
  EXPECT_TRUE(store_->change_routing_status(again));
  EXPECT_EQ(store_->get_routing(id)->role, Role::product_owner);
}

TEST_P(StoreContract, ChangeStatusOfUnknownIdIsFalseAndLogsNothing) {
  EXPECT_FALSE(store_->change_routing_status(
      {4242, RoutingStatus::open, RoutingStatus::acknowledged, Role::none, "U1", kT0}));
  EXPECT_THAT(test::routing_history(*store_, 4242), IsEmpty());
}

TEST_P(StoreContract, ListRoutingsFilters) {
  const auto a = store_->record_routing(make_routing("T1", kT0, Role::product_owner));
  const auto b = store_->record_routing(make_routing("T1", kT0 + kDay, Role::product_manager));
  auto c_rec = make_routing("T2", kT0 + 2 * kDay, Role::product_owner);
  c_rec.channel = "C0OTHER";
  const auto c = store_->record_routing(c_rec);
  const auto d = store_->record_routing(make_routing("T1", kT0 + 3 * kDay, Role::product_owner));
  store_->change_routing_status(
      {d, RoutingStatus::open, RoutingStatus::acknowledged, Role::none, "U", kT0 + 3 * kDay});

  auto ids = [](const std::vector<RoutingRecord>& rs) {
    std::vector<std::int64_t> out;
    for (const auto& r : rs) out.push_back(r.id);
    return out;
  };
  EXPECT_THAT(ids(store_->list_routings({})), ElementsAre(d, c, b, a));  // newest first
  ListFilter team;
  team.team_id = "T1";
  EXPECT_THAT(ids(store_->list_routings(team)), ElementsAre(d, b, a));
  ListFilter window = team;
  window.since = kT0 + kDay;
  window.until = kT0 + 3 * kDay;  // exclusive
  EXPECT_THAT(ids(store_->list_routings(window)), ElementsAre(b));
  ListFilter role = team;
  role.role = Role::product_owner;
  EXPECT_THAT(ids(store_->list_routings(role)), ElementsAre(d, a));
  ListFilter channel;
  channel.channel = "C0OTHER";
  EXPECT_THAT(ids(store_->list_routings(channel)), ElementsAre(c));
  ListFilter open = team;
  open.status = RoutingStatus::open;
  EXPECT_THAT(ids(store_->list_routings(open)), ElementsAre(b, a));
  ListFilter limited;
  limited.limit = 2;
  EXPECT_THAT(ids(store_->list_routings(limited)), ElementsAre(d, c));
  ListFilter nobody;
  nobody.team_id = "T9";
  EXPECT_THAT(store_->list_routings(nobody), IsEmpty());
}

TEST_P(StoreContract, FindRoutingByPlatformChannelAndMessage) {
  RoutingRecord a = make_routing("T1", kT0);
  a.platform = "teams";
  a.channel = "19:abc";
  a.message_id = "1700000000001";
  const auto first = store_->record_routing(a);
  RoutingRecord other_platform = a;
  other_platform.platform = "slack";
  store_->record_routing(other_platform);
  EXPECT_EQ(store_->find_routing("teams", "19:abc", "1700000000001")->id, first);
  EXPECT_FALSE(store_->find_routing("teams", "19:abc", "1700000000002").has_value());
  EXPECT_FALSE(store_->find_routing("teams", "19:other", "1700000000001").has_value());
  const auto newer = store_->record_routing(a);  // the same message routed again: the newest
  EXPECT_EQ(store_->find_routing("teams", "19:abc", "1700000000001")->id, newer);
}

TEST_P(StoreContract, SearchDecisionsLooksThroughTheWholeLog) {
  auto decide = [&](const std::string& team, Role role, const std::string& text, int at) {
    DecisionRecord d;
    d.platform = "slack";
    d.team_id = team;
    d.role = role;
    d.text = text;
    d.created_at = kT0 + at;
    return store_->record_decision(d);
  };
  const auto old_match = decide("T1", Role::product_manager, "Pricing: 100% off for NGOs", 0);
  for (int i = 1; i <= 300; ++i) decide("T1", Role::product_owner, "sprint note", i);
  const auto other_team = decide("T2", Role::product_manager, "pricing for T2", 400);

  auto found = store_->search_decisions("T1", "PRICING", std::nullopt, 10);
  ASSERT_EQ(found.size(), 1u);  // older than the newest 200, still found
  EXPECT_EQ(found[0].id, old_match);
  EXPECT_EQ(store_->search_decisions("T1", "100%", std::nullopt, 10).size(), 1u);  // % is literal
  EXPECT_EQ(store_->search_decisions("T1", "_", std::nullopt, 10).size(), 0u);
  EXPECT_EQ(store_->search_decisions("T1", "", Role::product_manager, 10).size(), 1u);
  auto po = store_->search_decisions("T1", "", Role::product_owner, 5);
  ASSERT_EQ(po.size(), 5u);  // newest first, at most the limit
  EXPECT_EQ(po[0].created_at, kT0 + 300);
  auto all_teams = store_->search_decisions("", "pricing", std::nullopt, 10);
  ASSERT_EQ(all_teams.size(), 2u);
  EXPECT_EQ(all_teams[0].id, other_team);
}

TEST_P(StoreContract, CorrectionCountsCountReassignmentsPerTopicAndRoles) {
  auto reassign = [&](const std::string& team, const std::string& topic, Role from, Role to) {
    const auto id = store_->record_routing(make_routing(team, kT0, from, topic));
    store_->change_routing_status(
        {id, RoutingStatus::open, RoutingStatus::reassigned, to, "U", kT0 + 1});
    return id;
  };
  reassign("T1", "backlog", Role::product_owner, Role::product_manager);
  reassign("T1", "backlog", Role::product_owner, Role::product_manager);
  const auto twice = reassign("T1", "vision", Role::product_manager, Role::product_owner);
  store_->change_routing_status(  // moved back: counts as PO -> PM
      {twice, RoutingStatus::reassigned, RoutingStatus::reassigned, Role::product_manager, "U",
       kT0 + 2});
  reassign("T2", "backlog", Role::product_owner, Role::product_manager);
  const auto acked =
      store_->record_routing(make_routing("T1", kT0, Role::product_owner, "backlog"));
  store_->change_routing_status(  // not a correction
      {acked, RoutingStatus::open, RoutingStatus::acknowledged, Role::none, "U", kT0 + 1});

  auto counts = store_->correction_counts("T1");
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
  EXPECT_THAT(store_->correction_counts("T3"), IsEmpty());
}

TEST_P(StoreContract, StatusChangesOfATeamInAWindow) {
  const auto a = store_->record_routing(make_routing("T1", kT0 - 30 * kDay));  // old routing
  const auto b = store_->record_routing(make_routing("T1", kT0));
  const auto other = store_->record_routing(make_routing("T2", kT0));
  store_->change_routing_status(
      {a, RoutingStatus::open, RoutingStatus::acknowledged, Role::none, "U", kT0 + 10});
  store_->change_routing_status(
      {b, RoutingStatus::open, RoutingStatus::reassigned, Role::none, "U", kT0 + 5});
  store_->change_routing_status(
      {b, RoutingStatus::open, RoutingStatus::dismissed, Role::none, "U", kT0 + 8 * kDay});
  store_->change_routing_status(
      {other, RoutingStatus::open, RoutingStatus::dismissed, Role::none, "U", kT0 + 1});

  auto week = store_->status_changes("T1", kT0, kT0 + 7 * kDay);
  ASSERT_EQ(week.size(), 2u);
  EXPECT_EQ(week[0].routing_id, b);  // oldest first
  EXPECT_EQ(week[0].to, RoutingStatus::reassigned);
  EXPECT_EQ(week[0].new_role, Role::product_manager);
  EXPECT_EQ(week[0].from_role, Role::product_owner);
  EXPECT_EQ(week[0].topic, "backlog_priority");
  EXPECT_EQ(week[1].routing_id, a);
  EXPECT_EQ(store_->status_changes("T1", kT0, 0).size(), 3u);
  EXPECT_THAT(store_->status_changes("T9", 0, 0), IsEmpty());
}

TEST_P(StoreContract, Decisions) {
  const auto a = store_->record_decision(make_decision("T1", kT0, "ship Thursdays"));
  const auto b = store_->record_decision(make_decision("T1", kT0 + kDay, "freeze on Fridays"));
  auto other = make_decision("T2", kT0 + 2 * kDay);
  other.role = Role::product_owner;
  other.channel = "C0OTHER";
  const auto c = store_->record_decision(other);
  EXPECT_GT(a, 0);

  auto all = store_->list_decisions({});
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
  auto t1 = store_->list_decisions(f);
  ASSERT_EQ(t1.size(), 1u);
  EXPECT_EQ(t1[0].id, b);
  ListFilter role;
  role.role = Role::product_owner;
  EXPECT_EQ(store_->list_decisions(role).size(), 1u);
  ListFilter limited;
  limited.limit = 1;
  EXPECT_EQ(store_->list_decisions(limited).at(0).id, c);
}

TEST_P(StoreContract, RememberEventDedupesUntilExpiry) {
  EXPECT_TRUE(store_->remember_event("slack:Ev1", kT0, kT0 + 3600));
  EXPECT_FALSE(store_->remember_event("slack:Ev1", kT0 + 10, kT0 + 3610));
  EXPECT_TRUE(store_->remember_event("slack:Ev2", kT0 + 10, kT0 + 3610));
  EXPECT_FALSE(store_->remember_event("slack:Ev1", kT0 + 3599, kT0 + 7199));
  // Expired but not yet purged: new again, and remembered with the new expiry.
  EXPECT_TRUE(store_->remember_event("slack:Ev1", kT0 + 3600, kT0 + 7200));
  EXPECT_FALSE(store_->remember_event("slack:Ev1", kT0 + 7000, kT0 + 9000));
}

TEST_P(StoreContract, EventSeenIsAnAdvisoryReadOfWhatRememberEventKept) {
  EXPECT_FALSE(store_->event_seen("slack:Ev1", kT0));
  EXPECT_FALSE(store_->event_seen("slack:Ev1", kT0));  // reading remembers nothing
  EXPECT_TRUE(store_->remember_event("slack:Ev1", kT0, kT0 + 3600));
  EXPECT_TRUE(store_->event_seen("slack:Ev1", kT0));
  EXPECT_TRUE(store_->event_seen("slack:Ev1", kT0 + 3599));
  EXPECT_FALSE(store_->event_seen("slack:Ev1", kT0 + 3600));  // expired: new again
  EXPECT_FALSE(store_->event_seen("slack:Ev2", kT0 + 10));
  EXPECT_FALSE(store_->event_seen("", kT0));
  // What event_seen says, remember_event agrees with.
  EXPECT_FALSE(store_->remember_event("slack:Ev1", kT0 + 10, kT0 + 3610));
  EXPECT_TRUE(store_->remember_event("slack:Ev1", kT0 + 3600, kT0 + 7200));
  EXPECT_TRUE(store_->event_seen("slack:Ev1", kT0 + 3600));
  // A batch that failed left no key to be seen.
  EXPECT_THROW(store_->write_batch([&](Store& s) {
    s.remember_event("slack:Ev3", kT0, kT0 + 3600);
    throw std::runtime_error("renderer failed");
  }),
               std::runtime_error);
  EXPECT_FALSE(store_->event_seen("slack:Ev3", kT0 + 1));
}

TEST_P(StoreContract, OutboxEnqueueIsIdempotent) {
  EXPECT_TRUE(store_->enqueue(make_message("k1"), kT0));
  auto dup = make_message("k1");
  dup.payload = "different";
  EXPECT_FALSE(store_->enqueue(dup, kT0 + 1));
  EXPECT_EQ(store_->outbox_depth(), 1);
  auto rows = store_->due_outbox(kT0, 10);
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
  store_->mark_delivered(rows[0].id, kT0 + 2);
  EXPECT_FALSE(store_->enqueue(make_message("k1"), kT0 + 3));
  EXPECT_EQ(store_->outbox_depth(), 0);
}

// The outbox worker pages past rows it holds back (issue 12) and wakes for
// the next row to come due, not for the ones due already.
TEST_P(StoreContract, OutboxDuePagesAfterAnIdAndNextDueAfterATime) {
  store_->enqueue(make_message("a"), kT0);
  store_->enqueue(make_message("b"), kT0);
  store_->enqueue(make_message("c"), kT0 + 100);
  const auto first = store_->due_outbox(kT0, 1);
  ASSERT_EQ(first.size(), 1u);
  auto rest = store_->due_outbox(kT0, 1, first[0].id);
  ASSERT_EQ(rest.size(), 1u);
  EXPECT_EQ(rest[0].message.idempotency_key, "b");
  EXPECT_THAT(store_->due_outbox(kT0, 1, rest[0].id), IsEmpty());
  EXPECT_EQ(store_->next_outbox_due(kT0), kT0 + 100);
  EXPECT_EQ(store_->next_outbox_due(kT0 - 1), kT0);
  EXPECT_FALSE(store_->next_outbox_due(kT0 + 100).has_value());
}

TEST_P(StoreContract, ClaimsPageAfterAnIdToo) {
  store_->enqueue(make_message("a"), kT0);
  store_->enqueue(make_message("b"), kT0);
  const auto first = store_->claim_outbox(kT0, 1, 60, "me");
  ASSERT_EQ(first.size(), 1u);
  const auto rest = store_->claim_outbox(kT0, 10, 60, "me", first[0].id);
  ASSERT_EQ(rest.size(), 1u);
  EXPECT_EQ(rest[0].message.idempotency_key, "b");
  // Both are claimed now: another owner sees neither until the lease ends.
  EXPECT_TRUE(store_->claim_outbox(kT0, 10, 60, "other").empty());
  EXPECT_EQ(store_->next_outbox_due(), kT0 + 60);
}

TEST_P(StoreContract, OutboxDueOrderLimitAndNextDue) {
  EXPECT_FALSE(store_->next_outbox_due().has_value());
  store_->enqueue(make_message("a"), kT0 + 5);
  store_->enqueue(make_message("b"), kT0);
  store_->enqueue(make_message("c"), kT0 + 100);
  EXPECT_EQ(store_->next_outbox_due(), kT0);

  auto due = store_->due_outbox(kT0 + 5, 0);
  ASSERT_EQ(due.size(), 2u);
  EXPECT_EQ(due[0].message.idempotency_key, "a");  // oldest row first
  EXPECT_EQ(due[1].message.idempotency_key, "b");
  EXPECT_EQ(store_->due_outbox(kT0 + 5, 1).size(), 1u);
  EXPECT_THAT(store_->due_outbox(kT0 - 1, 10), IsEmpty());
  EXPECT_EQ(store_->outbox_depth(), 3);
}

TEST_P(StoreContract, OutboxRetryBookkeeping) {
  store_->enqueue(make_message("k"), kT0);
  const auto id = store_->due_outbox(kT0, 1).at(0).id;

  store_->mark_retry(id, kT0 + 30, "HTTP 503", SentState::maybe_sent);
  EXPECT_THAT(store_->due_outbox(kT0 + 29, 10), IsEmpty());
  EXPECT_EQ(store_->next_outbox_due(), kT0 + 30);
  auto row = store_->due_outbox(kT0 + 30, 10).at(0);
  EXPECT_EQ(row.attempts, 1);
  EXPECT_EQ(row.last_error, "HTTP 503");
  EXPECT_EQ(row.state, OutboxState::pending);

  store_->mark_retry(id, kT0 + 90, "timeout", SentState::maybe_sent);
  row = store_->due_outbox(kT0 + 90, 10).at(0);
  EXPECT_EQ(row.attempts, 2);
  EXPECT_EQ(row.last_error, "timeout");

  store_->mark_failed(id, "HTTP 404 channel_not_found");
  EXPECT_THAT(store_->due_outbox(kT0 + 1000, 10), IsEmpty());
  EXPECT_FALSE(store_->next_outbox_due().has_value());
  EXPECT_EQ(store_->outbox_depth(), 0);

  // A late retry of a failed row does not resurrect it.
  store_->mark_retry(id, kT0 + 2000, "late", SentState::not_sent);
  EXPECT_EQ(store_->outbox_depth(), 0);
  store_->mark_retry(9999, kT0, "unknown id is ignored", SentState::not_sent);
  store_->mark_attempt_started(9999, kT0);
}

TEST_P(StoreContract, OutboxMarkDelivered) {
  store_->enqueue(make_message("k"), kT0);
  const auto id = store_->due_outbox(kT0, 1).at(0).id;
  store_->mark_delivered(id, kT0 + 7);
  EXPECT_EQ(store_->outbox_depth(), 0);
  EXPECT_THAT(store_->due_outbox(kT0 + 1000, 10), IsEmpty());
  EXPECT_FALSE(store_->next_outbox_due().has_value());
  // A late retry of a delivered row does not resurrect it.
  store_->mark_retry(id, kT0 + 8, "late", SentState::not_sent);
  EXPECT_EQ(store_->outbox_depth(), 0);
}

TEST_P(StoreContract, OutboxUnfinishedAttemptBookkeeping) {
  store_->enqueue(make_message("k"), kT0);
  const auto id = store_->due_outbox(kT0, 1).at(0).id;
  EXPECT_EQ(store_->due_outbox(kT0, 1).at(0).attempt_started_at, 0);

  store_->mark_attempt_started(id, kT0 + 1);
  auto row = store_->due_outbox(kT0, 1).at(0);
  EXPECT_EQ(row.attempt_started_at, kT0 + 1);
  EXPECT_EQ(row.attempts, 0);  // starting is not an attempt's outcome

  // A process that dies now leaves it recorded for the next one.
  {
    auto again = db_->open();
    EXPECT_EQ(again->due_outbox(kT0, 1).at(0).attempt_started_at, kT0 + 1);
  }

  store_->mark_retry(id, kT0 + 5, "http_500", SentState::maybe_sent);
  row = store_->due_outbox(kT0 + 5, 1).at(0);
  EXPECT_EQ(row.attempt_started_at, kT0 + 1);
  EXPECT_EQ(row.attempts, 1);

  store_->mark_attempt_started(id, kT0 + 6);
  store_->mark_retry(id, kT0 + 9, "ratelimited", SentState::not_sent);
  EXPECT_EQ(store_->due_outbox(kT0 + 9, 1).at(0).attempt_started_at, 0);

  store_->mark_attempt_started(id, kT0 + 10);
  store_->mark_delivered(id, kT0 + 11);
  EXPECT_THAT(store_->due_outbox(kT0 + 1000, 10), IsEmpty());
  // Finished rows are not marked again (tests/storage/sqlite_store_test.cpp
  // and postgres_store_test.cpp check the columns themselves).
  store_->mark_attempt_started(id, kT0 + 12);
  EXPECT_EQ(store_->outbox_depth(), 0);
}

TEST_P(StoreContract, OutboxSurvivesReopen) {
  store_->enqueue(make_message("a"), kT0);
  store_->enqueue(make_message("b"), kT0);
  const auto a = store_->due_outbox(kT0, 10).at(0).id;
  store_->mark_retry(a, kT0 + 60, "HTTP 429", SentState::not_sent);
  {
    auto again = db_->open();
    EXPECT_EQ(again->outbox_depth(), 2);
    EXPECT_FALSE(again->enqueue(make_message("a"), kT0 + 1));
    auto due = again->due_outbox(kT0 + 60, 10);
    ASSERT_EQ(due.size(), 2u);
    EXPECT_EQ(due[0].attempts, 1);
    EXPECT_EQ(due[0].last_error, "HTTP 429");
  }
}

TEST_P(StoreContract, DigestsAreMarkedOncePerTeamWeekDestination) {
  EXPECT_FALSE(store_->digest_sent("T1", "2026-W48", "slack:C1"));
  EXPECT_TRUE(store_->mark_digest_sent("T1", "2026-W48", "slack:C1", kT0));
  EXPECT_TRUE(store_->digest_sent("T1", "2026-W48", "slack:C1"));
  EXPECT_FALSE(store_->mark_digest_sent("T1", "2026-W48", "slack:C1", kT0 + 1));
  EXPECT_TRUE(store_->mark_digest_sent("T1", "2026-W48", "teams:flow", kT0));
  EXPECT_TRUE(store_->mark_digest_sent("T1", "2026-W49", "slack:C1", kT0));
  EXPECT_TRUE(store_->mark_digest_sent("T2", "2026-W48", "slack:C1", kT0));
  EXPECT_FALSE(store_->digest_sent("T2", "2026-W47", "slack:C1"));
}

TEST_P(StoreContract, RetentionBlanksOldTextsKeepsHashAndTopic) {
  const auto old_r = store_->record_routing(
      make_routing("T1", kT0 - 40 * kDay, Role::product_owner, "backlog", "old words"));
  const auto new_r = store_->record_routing(
      make_routing("T1", kT0 - 10 * kDay, Role::product_owner, "backlog", "new words"));
  const auto old_d = store_->record_decision(make_decision("T1", kT0 - 40 * kDay, "old decision"));
  store_->record_decision(make_decision("T1", kT0 - 10 * kDay, "new decision"));
  store_->remember_event("expired", kT0 - 100, kT0 - 1);
  store_->remember_event("live", kT0 - 100, kT0 + 100);
  store_->enqueue(make_message("old-delivered"), kT0 - 40 * kDay);
  store_->enqueue(make_message("old-pending"), kT0 - 40 * kDay);
  store_->mark_delivered(store_->due_outbox(kT0, 1).at(0).id, kT0 - 40 * kDay);

  // 1 routing + 1 decision + 1 outbox row + 1 dedupe key.
  EXPECT_EQ(store_->apply_retention(kT0, 30), 4);

  auto r = store_->get_routing(old_r);
  EXPECT_EQ(r->text, "");
  EXPECT_EQ(r->text_hash, sha256_hex("old words"));
  EXPECT_EQ(r->topic, "backlog");
  EXPECT_EQ(store_->get_routing(new_r)->text, "new words");
  auto ds = store_->list_decisions({});
  ASSERT_EQ(ds.size(), 2u);
  EXPECT_EQ(ds[1].id, old_d);
  EXPECT_EQ(ds[1].text, "");
  EXPECT_EQ(ds[0].text, "new decision");
  EXPECT_TRUE(store_->remember_event("expired", kT0, kT0 + 10));
  EXPECT_FALSE(store_->remember_event("live", kT0, kT0 + 10));
  EXPECT_EQ(store_->outbox_depth(), 1);  // the pending one stays whatever its age

  EXPECT_EQ(store_->apply_retention(kT0, 30), 0);  // nothing left to do
}

TEST_P(StoreContract, RetentionWorksInChunksOverManyRows) {
  const int n = 4500;  // more than two chunks
  for (int i = 0; i < n; ++i) store_->record_routing(make_routing("T1", kT0 - 60 * kDay + i));
  EXPECT_EQ(store_->apply_retention(kT0, 30), n);
  ListFilter f;
  f.limit = 5;
  for (const auto& r : store_->list_routings(f)) EXPECT_EQ(r.text, "");
}

TEST_P(StoreContract, RetentionWithZeroDaysKeepsTexts) {
  const auto id = store_->record_routing(make_routing("T1", kT0 - 400 * kDay));
  store_->remember_event("expired", kT0 - 100, kT0 - 1);
  EXPECT_EQ(store_->apply_retention(kT0, 0), 1);
  EXPECT_NE(store_->get_routing(id)->text, "");
}

TEST_P(StoreContract, WriteBatchAThrowingBatchWritesNothing) {
  Store& store = *store_;
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

TEST_P(StoreContract, WriteBatchBatchesFromManyThreadsBesidePlainWrites) {
  Store& store = *store_;
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

TEST_P(StoreContract, WriteBatchCommitsAllWritesOfARequestTogether) {
  Store& store = *store_;
  std::int64_t id = 0;
  store.write_batch([&](Store& s) {
    EXPECT_TRUE(s.remember_event("slack:Ev1", 100, 200));
    id = s.record_routing(storage_test::make_routing("T1", 100));
    EXPECT_TRUE(s.change_routing_status(
        {id, RoutingStatus::open, RoutingStatus::acknowledged, Role::none, "U", 101}));
    EXPECT_TRUE(s.enqueue(storage_test::make_message("reply:1"), 100));
  });
  EXPECT_EQ(store.get_routing(id)->status, RoutingStatus::acknowledged);
  EXPECT_FALSE(store.remember_event("slack:Ev1", 150, 250));
  EXPECT_EQ(store.outbox_depth(), 1);
}

TEST_P(StoreContract, CorrectionTotalsMatchARecountOfTheLog) {
  Store& store = *store_;
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
  // The recount reads the log itself (status_changes), not the totals.
  for (const std::string team : {"T0", "T1", "T2"}) {
    std::map<std::tuple<std::string, Role, Role>, int> recount;
    for (const auto& c : store.status_changes(team, 0, 0)) {
      if (c.to == RoutingStatus::reassigned) ++recount[{c.topic, c.from_role, c.new_role}];
    }
    auto totals = store.correction_counts(team);
    ASSERT_FALSE(totals.empty());
    std::map<std::tuple<std::string, Role, Role>, int> counted;
    for (const auto& c : totals) counted[{c.topic_id, c.from, c.to}] = c.count;
    EXPECT_EQ(counted, recount) << team;
  }
}

// ---------------------------------------------------------------- claims

TEST_P(StoreContract, ClaimedRowsGoToNoOtherOwnerUntilReleasedOrExpired) {
  store_->enqueue(make_message("a"), kT0);
  store_->enqueue(make_message("b"), kT0);
  store_->enqueue(make_message("later"), kT0 + 100);

  auto mine = store_->claim_outbox(kT0, 0, 60, "r1");
  ASSERT_EQ(mine.size(), 2u);
  EXPECT_EQ(mine[0].message.idempotency_key, "a");  // oldest first
  EXPECT_EQ(mine[1].message.idempotency_key, "b");
  EXPECT_THAT(store_->claim_outbox(kT0 + 10, 0, 60, "r2"), IsEmpty());
  // A claim does not hide rows from the read-only view, nor count as done.
  EXPECT_EQ(store_->due_outbox(kT0, 10).size(), 2u);
  EXPECT_EQ(store_->outbox_depth(), 3);
  // next_outbox_due: not before the claims end (or "later" is due).
  EXPECT_EQ(store_->next_outbox_due(), kT0 + 60);

  // Released by an outcome: retried rows come back when due, to anyone.
  store_->mark_retry(mine[0].id, kT0 + 20, "HTTP 503", SentState::maybe_sent);
  store_->mark_delivered(mine[1].id, kT0 + 1);
  auto again = store_->claim_outbox(kT0 + 20, 0, 60, "r2");
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].id, mine[0].id);
  EXPECT_EQ(again[0].attempts, 1);

  // The same owner (a restarted replica) takes its own claim back at once.
  auto own = store_->claim_outbox(kT0 + 21, 1, 60, "r2");
  ASSERT_EQ(own.size(), 1u);
  EXPECT_EQ(own[0].id, mine[0].id);

  // A dead owner's claim is taken over when the lease ends.
  EXPECT_THAT(store_->claim_outbox(kT0 + 80, 1, 60, "r3"), IsEmpty());
  auto taken = store_->claim_outbox(kT0 + 81, 0, 60, "r3");
  ASSERT_EQ(taken.size(), 1u);  // "later" is not due yet
  EXPECT_EQ(taken[0].id, mine[0].id);
  EXPECT_EQ(store_->claim_outbox(kT0 + 100, 0, 60, "r4").size(), 1u);  // "later"
}

TEST_P(StoreContract, ClaimsOfConcurrentReplicasNeverOverlap) {
  const int rows = 200;
  for (int i = 0; i < rows; ++i) store_->enqueue(make_message("k" + std::to_string(i)), kT0);
  std::vector<std::unique_ptr<Store>> replicas;
  for (int r = 0; r < 3; ++r) replicas.push_back(db_->open());
  std::vector<std::vector<std::int64_t>> got(replicas.size());
  std::vector<std::thread> threads;
  for (std::size_t r = 0; r < replicas.size(); ++r) {
    threads.emplace_back([&, r] {
      try {
        for (;;) {
          auto claimed = replicas[r]->claim_outbox(kT0, 7, 300, "replica" + std::to_string(r));
          if (claimed.empty()) break;
          for (const auto& row : claimed) {
            got[r].push_back(row.id);
            replicas[r]->mark_delivered(row.id, kT0);
          }
        }
      } catch (const std::exception& e) {
        ADD_FAILURE() << e.what();
      }
    });
  }
  for (auto& t : threads) t.join();
  std::multiset<std::int64_t> all;
  for (const auto& g : got) all.insert(g.begin(), g.end());
  EXPECT_EQ(all.size(), static_cast<std::size_t>(rows));
  EXPECT_EQ(std::set<std::int64_t>(all.begin(), all.end()).size(), all.size())
      << "a row was claimed twice";
  EXPECT_EQ(store_->outbox_depth(), 0);
}

// ---------------------------------------------------------------- replicas

TEST_P(StoreContract, OneEventKeyOneDigestOneOutboxRowAcrossReplicas) {
  std::vector<std::unique_ptr<Store>> replicas;
  for (int r = 0; r < 4; ++r) replicas.push_back(db_->open());
  for (int round = 0; round < 20; ++round) {
    const std::string n = std::to_string(round);
    std::atomic<int> events{0}, digests{0}, rows{0};
    std::vector<std::thread> threads;
    for (auto& replica : replicas) {
      threads.emplace_back([&, s = replica.get()] {
        try {
          s->write_batch([&](Store& b) {
            if (b.remember_event("slack:Ev" + n, kT0, kT0 + 3600)) ++events;
            if (b.enqueue(make_message("reply:" + n), kT0)) ++rows;
          });
          if (s->mark_digest_sent("T1", "2026-W" + n, "slack:C1", kT0)) ++digests;
        } catch (const std::exception& e) {
          ADD_FAILURE() << e.what();
        }
      });
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ(events.load(), 1) << "round " << n;
    EXPECT_EQ(rows.load(), 1) << "round " << n;
    EXPECT_EQ(digests.load(), 1) << "round " << n;
  }
  EXPECT_EQ(store_->outbox_depth(), 20);
}

TEST_P(StoreContract, StatusChangesFromReplicasAreSerialised) {
  const auto id = store_->record_routing(make_routing("T1", kT0, Role::product_owner));
  std::vector<std::unique_ptr<Store>> replicas;
  for (int r = 0; r < 3; ++r) replicas.push_back(db_->open());
  std::vector<std::thread> threads;
  for (auto& replica : replicas) {
    threads.emplace_back([&, s = replica.get()] {
      for (int i = 0; i < 10; ++i) {
        s->change_routing_status(
            {id, RoutingStatus::open, RoutingStatus::reassigned, Role::none, "U", kT0 + 1});
      }
    });
  }
  for (auto& t : threads) t.join();
  // 30 flips, each logged from the role the previous one left: an even
  // number of flips brings it back, and the history is a chain.
  const auto h = test::routing_history(*store_, id);
  ASSERT_EQ(h.size(), 30u);
  for (std::size_t i = 1; i < h.size(); ++i) EXPECT_EQ(h[i].from_role, h[i - 1].new_role) << i;
  EXPECT_EQ(store_->get_routing(id)->role, Role::product_owner);
  int total = 0;
  for (const auto& c : store_->correction_counts("T1")) total += c.count;
  EXPECT_EQ(total, 30);
}

// ---------------------------------------------------------------- leases

TEST_P(StoreContract, LeaseTokenGrowsEachTimeTheLeaseChangesHands) {
  EXPECT_EQ(store_->acquire_lease("digest", "a", kT0, 60), 1);
  EXPECT_EQ(store_->acquire_lease("digest", "b", kT0 + 10, 60), std::nullopt);  // a holds it
  EXPECT_EQ(store_->acquire_lease("digest", "a", kT0 + 30, 60), 1);             // renewed
  EXPECT_EQ(store_->acquire_lease("digest", "b", kT0 + 89, 60), std::nullopt);  // until kT0+90
  EXPECT_EQ(store_->acquire_lease("digest", "b", kT0 + 90, 60), 2);             // expired: b
  EXPECT_EQ(store_->acquire_lease("digest", "a", kT0 + 91, 60), std::nullopt);  // a is stale
  EXPECT_FALSE(store_->lease_valid({"digest", 1}));
  EXPECT_TRUE(store_->lease_valid({"digest", 2}));
  EXPECT_FALSE(store_->lease_valid({"housekeeping", 2}));
  EXPECT_FALSE(store_->release_lease("digest", "a", 1));
  EXPECT_FALSE(store_->release_lease("digest", "b", 1));
  EXPECT_TRUE(store_->release_lease("digest", "b", 2));
  EXPECT_FALSE(store_->release_lease("digest", "b", 2));
  EXPECT_EQ(store_->acquire_lease("digest", "a", kT0 + 92, 60), 3);
  // The same holder after its own lease expired gets a new token: work it
  // started under the old one is fenced off too.
  EXPECT_EQ(store_->acquire_lease("digest", "a", kT0 + 200, 60), 4);
  // Leases are independent of each other.
  EXPECT_EQ(store_->acquire_lease("housekeeping", "b", kT0 + 200, 60), 1);
}

TEST_P(StoreContract, LeaseOfReplicasRacingForItGoesToExactlyOne) {
  std::vector<std::unique_ptr<Store>> replicas;
  for (int r = 0; r < 4; ++r) replicas.push_back(db_->open());
  for (int round = 0; round < 10; ++round) {
    const std::int64_t now = kT0 + round * 100;  // each round the last lease has expired
    std::atomic<int> winners{0};
    std::vector<std::thread> threads;
    for (std::size_t r = 0; r < replicas.size(); ++r) {
      threads.emplace_back([&, r] {
        try {
          if (replicas[r]->acquire_lease("digest", "replica" + std::to_string(r), now, 50)) {
            ++winners;
          }
        } catch (const std::exception& e) {
          ADD_FAILURE() << e.what();
        }
      });
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ(winners.load(), 1) << "round " << round;
    EXPECT_TRUE(store_->lease_valid({"digest", round + 1})) << "round " << round;
  }
}

TEST_P(StoreContract, AFencedBatchOfAStaleHolderWritesNothing) {
  const auto stale = store_->acquire_lease("digest", "a", kT0, 60);
  ASSERT_TRUE(stale);
  const auto fresh = store_->acquire_lease("digest", "b", kT0 + 61, 60);
  ASSERT_TRUE(fresh);
  struct FencedOut {};
  auto fenced_write = [&](std::int64_t token, const std::string& week) {
    try {
      store_->write_batch([&](Store& s) {
        if (!s.lease_valid({"digest", token})) throw FencedOut{};
        s.enqueue(make_message("digest:" + week), kT0);
        s.mark_digest_sent("T1", week, "slack:C1", kT0);
      });
      return true;
    } catch (const FencedOut&) {
      return false;
    }
  };
  EXPECT_FALSE(fenced_write(*stale, "2026-W01"));
  EXPECT_FALSE(store_->digest_sent("T1", "2026-W01", "slack:C1"));
  EXPECT_EQ(store_->outbox_depth(), 0);
  EXPECT_TRUE(fenced_write(*fresh, "2026-W01"));
  EXPECT_TRUE(store_->digest_sent("T1", "2026-W01", "slack:C1"));
  EXPECT_EQ(store_->outbox_depth(), 1);
}

TEST_P(StoreContract, RetentionUnderAStaleFenceTouchesNothing) {
  const auto id = store_->record_routing(make_routing("T1", kT0 - 40 * kDay));
  store_->remember_event("expired", kT0 - 100, kT0 - 1);
  const auto stale = store_->acquire_lease("housekeeping", "a", kT0, 60);
  const auto fresh = store_->acquire_lease("housekeeping", "b", kT0 + 60, 60);
  ASSERT_TRUE(stale && fresh);
  EXPECT_EQ(store_->apply_retention(kT0, 30, Fence{"housekeeping", *stale}), std::nullopt);
  EXPECT_NE(store_->get_routing(id)->text, "");
  // The fresh holder's run does it all: the text and the expired key.
  EXPECT_EQ(store_->apply_retention(kT0 + 20, 30, Fence{"housekeeping", *fresh}), 2);
  EXPECT_EQ(store_->get_routing(id)->text, "");
}

// ---------------------------------------------------------------- pacing

TEST_P(StoreContract, SendSlotsKeepTheIntervalAndHoldsNeverShorten) {
  const std::int64_t t = kT0 * 1000;
  EXPECT_EQ(store_->take_send_slot("slack:C1", t, 1000), std::nullopt);
  EXPECT_EQ(store_->take_send_slot("slack:C1", t + 400, 1000), t + 1000);
  EXPECT_EQ(store_->take_send_slot("slack:C2", t + 400, 1000), std::nullopt);  // its own
  EXPECT_EQ(store_->take_send_slot("slack:C1", t + 1000, 1000), std::nullopt);
  store_->hold_destination("slack:C1", t + 30000);  // Retry-After: 28 s
  EXPECT_EQ(store_->take_send_slot("slack:C1", t + 2500, 1000), t + 30000);
  store_->hold_destination("slack:C1", t + 5000);  // never shortens
  EXPECT_EQ(store_->take_send_slot("slack:C1", t + 6000, 1000), t + 30000);
  EXPECT_EQ(store_->take_send_slot("slack:C1", t + 30000, 1000), std::nullopt);
  store_->hold_destination("slack:C3", t + 100);  // a hold on a new destination
  EXPECT_EQ(store_->take_send_slot("slack:C3", t + 50, 0), t + 100);
}

TEST_P(StoreContract, OneSendSlotGoesToOneOfManyThreads) {
  const std::int64_t t = kT0 * 1000;
  for (int round = 0; round < 10; ++round) {
    std::atomic<int> got{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < 6; ++i) {
      threads.emplace_back([&] {
        if (!store_->take_send_slot("slack:C1", t + round * 1000, 1000)) ++got;
      });
    }
    for (auto& th : threads) th.join();
    EXPECT_EQ(got.load(), 1) << "round " << round;
  }
}

TEST_P(StoreContract, SendSlotsAreSharedByReplicas) {
  if (GetParam().name == "sqlite") {
    GTEST_SKIP() << "SQLite keeps pacing in the one daemon's memory (storage/send_pacing.hpp)";
  }
  std::vector<std::unique_ptr<Store>> replicas;
  for (int r = 0; r < 3; ++r) replicas.push_back(db_->open());
  const std::int64_t t = kT0 * 1000;
  // Every 100 ms for 10 s all three replicas try at once: the channel gets
  // one slot a second, 10 in all, whoever takes each.
  std::atomic<int> slots{0};
  for (std::int64_t now = t; now < t + 10000; now += 100) {
    std::vector<std::thread> threads;
    for (auto& replica : replicas) {
      threads.emplace_back([&, s = replica.get()] {
        if (!s->take_send_slot("slack:C1", now, 1000)) ++slots;
      });
    }
    for (auto& th : threads) th.join();
  }
  EXPECT_EQ(slots.load(), 10);
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreContract,
                         ::testing::Values(storage_test::sqlite_backend(),
                                           storage_test::postgres_backend()),
                         [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace rolecall
