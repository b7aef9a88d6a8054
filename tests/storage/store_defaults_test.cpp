// The default Store::status_changes / routing_counts (for Store
// implementations without their own) agree with SqliteStore's indexed ones.

#include <gtest/gtest.h>

#include "storage/sqlite/sqlite_store.hpp"
#include "tests/storage/scratch_dir.hpp"
#include "tests/storage/store_fixtures.hpp"
#include "tests/storage/suite_options.hpp"

namespace rolecall {
namespace {

// Forwards the pure methods only, so the base class defaults answer the rest.
class Forwarding final : public Store {
 public:
  explicit Forwarding(Store& s) : s_(s) {}
  bool ping() override { return s_.ping(); }
  std::int64_t record_routing(const RoutingRecord& r) override { return s_.record_routing(r); }
  std::optional<RoutingRecord> get_routing(std::int64_t id) override { return s_.get_routing(id); }
  void set_reply_ref(std::int64_t id, const std::string& r) override { s_.set_reply_ref(id, r); }
  bool change_routing_status(const StatusChange& c) override { return s_.change_routing_status(c); }
  std::vector<StatusChange> routing_history(std::int64_t id) override {
    return s_.routing_history(id);
  }
  std::vector<RoutingRecord> list_routings(const ListFilter& f) override {
    return s_.list_routings(f);
  }
  std::vector<CorrectionCount> correction_counts(const std::string& t) override {
    return s_.correction_counts(t);
  }
  std::int64_t record_decision(const DecisionRecord& d) override { return s_.record_decision(d); }
  std::vector<DecisionRecord> list_decisions(const ListFilter& f) override {
    return s_.list_decisions(f);
  }
  bool remember_event(const std::string& k, std::int64_t n, std::int64_t e) override {
    return s_.remember_event(k, n, e);
  }
  bool enqueue(const OutboxMessage& m, std::int64_t now) override { return s_.enqueue(m, now); }
  std::vector<OutboxRow> due_outbox(std::int64_t now, int limit) override {
    return s_.due_outbox(now, limit);
  }
  std::optional<std::int64_t> next_outbox_due() override { return s_.next_outbox_due(); }
  void mark_delivered(std::int64_t id, std::int64_t now) override { s_.mark_delivered(id, now); }
  void mark_attempt_started(std::int64_t id, std::int64_t now) override {
    s_.mark_attempt_started(id, now);
  }
  void mark_retry(std::int64_t id, std::int64_t next, const std::string& e,
                  SentState sent) override {
    s_.mark_retry(id, next, e, sent);
  }
  void mark_failed(std::int64_t id, const std::string& e) override { s_.mark_failed(id, e); }
  std::int64_t outbox_depth() override { return s_.outbox_depth(); }
  bool mark_digest_sent(const std::string& t, const std::string& w, const std::string& d,
                        std::int64_t now) override {
    return s_.mark_digest_sent(t, w, d, now);
  }
  bool digest_sent(const std::string& t, const std::string& w, const std::string& d) override {
    return s_.digest_sent(t, w, d);
  }
  std::int64_t apply_retention(std::int64_t now, int days) override {
    return s_.apply_retention(now, days);
  }
  void backup(const std::string& path) override { s_.backup(path); }

 private:
  Store& s_;
};

TEST(StoreDefaults, AgreeWithSqliteStore) {
  storage_test::ScratchDir dir;
  SqliteStore sqlite(dir.file("db.sqlite"), storage_test::test_store_options());
  Forwarding plain(sqlite);

  const Role roles[] = {Role::product_manager, Role::product_owner, Role::both};
  const char* topics[] = {"vision", "backlog", "release"};
  for (int i = 0; i < 60; ++i) {
    auto r = storage_test::make_routing(i % 3 ? "T1" : "T2", 1000 + i * 100, roles[i % 3],
                                        topics[(i / 3) % 3]);
    r.intent = i % 4 ? Intent::question : Intent::request;
    const auto id = sqlite.record_routing(r);
    if (i % 5 == 0) {
      sqlite.change_routing_status(
          {id, RoutingStatus::open, RoutingStatus::reassigned, Role::none, "U", 1000 + i * 150});
    }
    if (i % 7 == 0) {
      sqlite.change_routing_status(
          {id, RoutingStatus::open, RoutingStatus::acknowledged, Role::none, "U", 1000 + i * 90});
    }
  }

  for (std::int64_t since : {0, 3000}) {
    for (std::int64_t until : {0, 6000}) {
      auto a = sqlite.status_changes("T1", since, until);
      auto b = plain.status_changes("T1", since, until);
      ASSERT_EQ(a.size(), b.size()) << since << ".." << until;
      ASSERT_FALSE(a.empty());
      for (std::size_t i = 0; i < a.size(); ++i) {
        EXPECT_EQ(a[i].routing_id, b[i].routing_id);
        EXPECT_EQ(a[i].at, b[i].at);
        EXPECT_EQ(a[i].to, b[i].to);
      }

      ListFilter f;
      f.team_id = "T1";
      f.since = since;
      f.until = until;
      auto x = sqlite.routing_counts(f);
      auto y = plain.routing_counts(f);
      ASSERT_EQ(x.size(), y.size());
      ASSERT_FALSE(x.empty());
      for (std::size_t i = 0; i < x.size(); ++i) {
        EXPECT_EQ(x[i].role, y[i].role);
        EXPECT_EQ(x[i].intent, y[i].intent);
        EXPECT_EQ(x[i].status, y[i].status);
        EXPECT_EQ(x[i].topic, y[i].topic);
        EXPECT_EQ(x[i].count, y[i].count);
      }
    }
  }
}

}  // namespace
}  // namespace rolecall
