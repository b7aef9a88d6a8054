#pragma once
// A Store that fails on purpose: it forwards every call to a real store and
// throws StoreError on the calls a test chooses (the nth call counted from
// arm(), or every call while broken). Wrap a real SqliteStore in it to check
// that a request which meets a failing database at any point leaves nothing
// behind and succeeds when retried.
//
// Calls made inside write_batch are counted too, and go to the batch's own
// store, so a failure in the middle of a batch rolls the whole batch back
// exactly as a real I/O error would.
//
// Header-only (tests/support links no rolecall library); users link
// rolecall::storage. Not thread-safe: one test thread drives it.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "storage/store.hpp"

namespace rolecall::testing {

class FailingStore final : public Store {
 public:
  explicit FailingStore(Store& inner) : inner_(inner) {}

  // The nth call from now (1 = the next one) throws; later calls pass.
  void fail_call(int n) {
    calls_ = 0;
    fail_at_ = n;
    fired_ = false;
  }
  // Every call throws until heal().
  void break_down() { broken_ = true; }
  void heal() {
    broken_ = false;
    fail_at_ = 0;
  }
  // Calls counted since the last fail_call (or construction).
  int calls() const { return calls_; }
  // Whether the armed failure has happened.
  bool failed() const { return fired_; }

  bool ping() override { return !broken_ && inner_.ping(); }

  bool remember_event(const std::string& key, std::int64_t now, std::int64_t expires) override {
    return through([&](Store& s) { return s.remember_event(key, now, expires); });
  }
  bool event_seen(const std::string& key, std::int64_t now) override {
    return through([&](Store& s) { return s.event_seen(key, now); });
  }
  std::int64_t record_routing(const RoutingRecord& r) override {
    return through([&](Store& s) { return s.record_routing(r); });
  }
  std::optional<RoutingRecord> get_routing(std::int64_t id) override {
    return through([&](Store& s) { return s.get_routing(id); });
  }
  std::optional<RoutingRecord> find_routing(const std::string& platform, const std::string& channel,
                                            const std::string& message_id) override {
    return through([&](Store& s) { return s.find_routing(platform, channel, message_id); });
  }
  bool change_routing_status(const StatusChange& c) override {
    return through([&](Store& s) { return s.change_routing_status(c); });
  }
  std::vector<RoutingRecord> list_routings(const ListFilter& f) override {
    return through([&](Store& s) { return s.list_routings(f); });
  }
  std::vector<CorrectionCount> correction_counts(const std::string& team) override {
    return through([&](Store& s) { return s.correction_counts(team); });
  }
  std::vector<StatusChange> status_changes(const std::string& team, std::int64_t since,
                                           std::int64_t until) override {
    return through([&](Store& s) { return s.status_changes(team, since, until); });
  }
  std::int64_t record_decision(const DecisionRecord& d) override {
    return through([&](Store& s) { return s.record_decision(d); });
  }
  std::vector<DecisionRecord> list_decisions(const ListFilter& f) override {
    return through([&](Store& s) { return s.list_decisions(f); });
  }
  std::vector<DecisionRecord> search_decisions(const std::string& team, const std::string& text,
                                               std::optional<Role> role, int limit) override {
    return through([&](Store& s) { return s.search_decisions(team, text, role, limit); });
  }
  bool enqueue(const OutboxMessage& m, std::int64_t now) override {
    return through([&](Store& s) { return s.enqueue(m, now); });
  }
  std::vector<OutboxRow> due_outbox(std::int64_t now, int limit, std::int64_t after_id) override {
    return through([&](Store& s) { return s.due_outbox(now, limit, after_id); });
  }
  std::vector<OutboxRow> claim_outbox(std::int64_t now, int limit, std::int64_t lease_seconds,
                                      const std::string& owner, std::int64_t after_id) override {
    return through(
        [&](Store& s) { return s.claim_outbox(now, limit, lease_seconds, owner, after_id); });
  }
  std::optional<std::int64_t> next_outbox_due(std::optional<std::int64_t> after) override {
    return through([&](Store& s) { return s.next_outbox_due(after); });
  }
  void mark_attempt_started(std::int64_t id, std::int64_t now) override {
    through([&](Store& s) { s.mark_attempt_started(id, now); });
  }
  void mark_delivered(std::int64_t id, std::int64_t now) override {
    through([&](Store& s) { s.mark_delivered(id, now); });
  }
  void mark_retry(std::int64_t id, std::int64_t next, const std::string& error,
                  SentState sent) override {
    through([&](Store& s) { s.mark_retry(id, next, error, sent); });
  }
  void mark_failed(std::int64_t id, const std::string& error) override {
    through([&](Store& s) { s.mark_failed(id, error); });
  }
  std::int64_t outbox_depth() override {
    return through([&](Store& s) { return s.outbox_depth(); });
  }
  bool mark_digest_sent(const std::string& team, const std::string& week,
                        const std::string& destination, std::int64_t now) override {
    return through([&](Store& s) { return s.mark_digest_sent(team, week, destination, now); });
  }
  bool digest_sent(const std::string& team, const std::string& week,
                   const std::string& destination) override {
    return through([&](Store& s) { return s.digest_sent(team, week, destination); });
  }
  std::int64_t apply_retention(std::int64_t now, int days) override {
    return through([&](Store& s) { return s.apply_retention(now, days); });
  }
  std::optional<std::int64_t> apply_retention(std::int64_t now, int days,
                                              const Fence& fence) override {
    return through([&](Store& s) { return s.apply_retention(now, days, fence); });
  }
  std::optional<std::int64_t> acquire_lease(const std::string& name, const std::string& holder,
                                            std::int64_t now, std::int64_t ttl) override {
    return through([&](Store& s) { return s.acquire_lease(name, holder, now, ttl); });
  }
  bool release_lease(const std::string& name, const std::string& holder,
                     std::int64_t token) override {
    return through([&](Store& s) { return s.release_lease(name, holder, token); });
  }
  bool lease_valid(const Fence& fence) override {
    return through([&](Store& s) { return s.lease_valid(fence); });
  }
  std::optional<std::int64_t> take_send_slot(const std::string& destination, std::int64_t now_ms,
                                             std::int64_t interval_ms) override {
    return through([&](Store& s) { return s.take_send_slot(destination, now_ms, interval_ms); });
  }
  void hold_destination(const std::string& destination, std::int64_t until_ms) override {
    through([&](Store& s) { s.hold_destination(destination, until_ms); });
  }
  void backup(const std::string& path) override {
    through([&](Store& s) { s.backup(path); });
  }

  void write_batch(const std::function<void(Store& store)>& fn) override {
    tick();
    inner_.write_batch([&](Store& batch) {
      Store* outer = current_;
      current_ = &batch;
      try {
        fn(*this);
      } catch (...) {
        current_ = outer;
        throw;
      }
      current_ = outer;
    });
  }

 private:
  void tick() {
    ++calls_;
    if (broken_ || (fail_at_ > 0 && calls_ == fail_at_)) {
      fired_ = fired_ || fail_at_ > 0;
      throw StoreError("injected failure (call " + std::to_string(calls_) + ")");
    }
  }
  template <typename Fn>
  auto through(Fn&& fn) -> decltype(fn(std::declval<Store&>())) {
    tick();
    return fn(current_ ? *current_ : inner_);
  }

  Store& inner_;
  Store* current_ = nullptr;  // the batch's store while inside write_batch
  int calls_ = 0;
  int fail_at_ = 0;
  bool broken_ = false;
  bool fired_ = false;
};

}  // namespace rolecall::testing
