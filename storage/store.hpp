#pragma once
// The Store: everything rolecall remembers. The daemon, the adapters and the
// CLI use this interface; storage/sqlite/ implements it on one SQLite file.
//
// Thread safety: every method may be called from any thread concurrently.
// Errors: a failing database (disk full, corruption, locked beyond the busy
// timeout) throws StoreError; "not found" and "already there" are values.
// Times are Unix epoch seconds (UTC).

#include <cstdint>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/role.hpp"
#include "core/routing.hpp"

namespace rolecall {

class StoreError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

enum class RoutingStatus { open, acknowledged, reassigned, dismissed };
std::string_view to_string(RoutingStatus s) noexcept;
std::optional<RoutingStatus> parse_routing_status(std::string_view s) noexcept;

struct RoutingRecord {
  std::int64_t id = 0;   // assigned by record_routing
  std::string platform;  // "slack" | "teams" | "console" | "cli"
  std::string team_id;
  std::string channel;
  std::string message_id;  // Slack ts / Teams activity id
  std::string link;        // permalink when known
  std::string author;      // platform user id
  std::string text;        // empty when store_message_text is false or after retention
  std::string text_hash;   // sha256 hex of the text, always set
  Intent intent = Intent::request;
  Role role = Role::none;           // current role (changes on reassign)
  Role original_role = Role::none;  // role at routing time
  std::string topic;
  double confidence = 0;
  std::string assignee;  // display names / ids of the assignees, comma separated
  RoutingStatus status = RoutingStatus::open;
  std::string reply_ref;  // where our reply lives (e.g. "C123:1700000000.000100")
  std::int64_t created_at = 0;
  std::int64_t updated_at = 0;
};

struct StatusChange {
  std::int64_t routing_id = 0;
  RoutingStatus from = RoutingStatus::open;
  RoutingStatus to = RoutingStatus::open;
  Role new_role = Role::none;  // set for reassigned
  std::string by;              // who pressed the button / typed the command
  std::int64_t at = 0;
  // Filled by the store when it reads history (ignored by change_routing_status):
  Role from_role = Role::none;  // the routing's role before this change
  std::string topic{};          // the routing's topic
};

struct DecisionRecord {
  std::int64_t id = 0;
  std::string platform;
  std::string team_id;
  Role role = Role::none;
  std::string text;
  std::string decided_by;
  std::string channel;
  std::string link;
  std::int64_t created_at = 0;
};

struct ListFilter {
  std::string team_id;     // empty = all teams
  std::int64_t since = 0;  // created_at >= since
  std::int64_t until = 0;  // 0 = no upper bound; else created_at < until
  std::optional<Role> role;
  std::string channel;                  // empty = any
  int limit = 0;                        // 0 = no limit; newest first
  std::optional<RoutingStatus> status;  // routings only: current status (e.g. open)
};

// One group of routings for the digest's "what went to whom": how many
// routings of a (role, intent, status, topic) a filter matched.
struct RoutingCount {
  Role role = Role::none;  // current role
  Intent intent = Intent::request;
  RoutingStatus status = RoutingStatus::open;
  std::string topic;
  std::int64_t count = 0;
};

enum class OutboxState { pending, delivered, failed };

struct OutboxMessage {
  std::string destination;      // e.g. "slack:chat.postMessage", "teams:workflow"
  std::string target;           // channel id, response_url or Workflows URL
  std::string payload;          // JSON body
  std::string idempotency_key;  // a second enqueue with the same key is a no-op
};

struct OutboxRow {
  std::int64_t id = 0;
  OutboxMessage message;
  int attempts = 0;
  std::int64_t next_attempt_at = 0;
  OutboxState state = OutboxState::pending;
  std::string last_error;
  std::int64_t created_at = 0;
  // When the last attempt to send this row started (mark_attempt_started),
  // while that attempt is unfinished: it may have reached the platform (the
  // process died before recording the outcome, or the platform answered 5xx
  // or not at all). 0 = no unfinished attempt. The outbox worker looks for
  // the earlier post before sending such a row again (issue 13).
  std::int64_t attempt_started_at = 0;
};

// Whether a failed attempt may still have reached the platform (mark_retry).
enum class SentState {
  not_sent,   // known to have left nothing (HTTP 429, ratelimited, not sent at all)
  maybe_sent  // unknown (5xx, timeout, reset, an unanswered lookup): look before resending
};

class Store {
 public:
  virtual ~Store() = default;

  // Health: true when the database answers a trivial query.
  virtual bool ping() = 0;

  // --- routing log
  virtual std::int64_t record_routing(const RoutingRecord& r) = 0;
  virtual std::optional<RoutingRecord> get_routing(std::int64_t id) = 0;
  virtual void set_reply_ref(std::int64_t id, const std::string& reply_ref) = 0;
  // Applies a status change and logs it; false when the id is unknown.
  virtual bool change_routing_status(const StatusChange& change) = 0;
  virtual std::vector<StatusChange> routing_history(std::int64_t id) = 0;
  virtual std::vector<RoutingRecord> list_routings(const ListFilter& f) = 0;
  // Reassignments of this team, counted per (topic, from role, to role).
  virtual std::vector<CorrectionCount> correction_counts(const std::string& team_id) = 0;
  // Status changes of the team's routings with since <= at < until (until 0 =
  // no upper bound), oldest first. The default walks list_routings +
  // routing_history; SqliteStore answers from an index.
  virtual std::vector<StatusChange> status_changes(const std::string& team_id, std::int64_t since,
                                                   std::int64_t until);
  // Routings matching `f` (limit ignored), counted per (role, intent, status,
  // topic), ordered by role, intent, status (enum order), then topic.
  // The default counts list_routings; SqliteStore uses GROUP BY.
  virtual std::vector<RoutingCount> routing_counts(const ListFilter& f);

  // --- decision log
  virtual std::int64_t record_decision(const DecisionRecord& d) = 0;
  virtual std::vector<DecisionRecord> list_decisions(const ListFilter& f) = 0;

  // --- inbound dedupe: true when `key` was not seen before (and is now
  // remembered until `expires_at`); false for a duplicate.
  virtual bool remember_event(const std::string& key, std::int64_t now,
                              std::int64_t expires_at) = 0;

  // --- outbox
  // Returns false (and changes nothing) when the idempotency key exists.
  virtual bool enqueue(const OutboxMessage& m, std::int64_t now) = 0;
  // Pending rows with next_attempt_at <= now, oldest first.
  virtual std::vector<OutboxRow> due_outbox(std::int64_t now, int limit) = 0;
  virtual std::optional<std::int64_t> next_outbox_due() = 0;
  // Records, before anything is sent, that an attempt to send pending row
  // `id` starts at `now`: until mark_delivered, mark_failed or a not_sent
  // mark_retry, the row's attempt_started_at says that a post may exist.
  // Does not count as an attempt.
  virtual void mark_attempt_started(std::int64_t id, std::int64_t now) = 0;
  virtual void mark_delivered(std::int64_t id, std::int64_t now) = 0;
  // `sent`: not_sent clears attempt_started_at; maybe_sent keeps it.
  virtual void mark_retry(std::int64_t id, std::int64_t next_attempt_at, const std::string& error,
                          SentState sent) = 0;
  virtual void mark_failed(std::int64_t id, const std::string& error) = 0;
  virtual std::int64_t outbox_depth() = 0;  // pending rows

  // --- digests: true when this (team, week, destination) was not yet marked.
  virtual bool mark_digest_sent(const std::string& team_id, const std::string& iso_week,
                                const std::string& destination, std::int64_t now) = 0;
  virtual bool digest_sent(const std::string& team_id, const std::string& iso_week,
                           const std::string& destination) = 0;

  // --- maintenance
  // Drops message texts older than `days` and expired dedupe keys; returns rows touched.
  virtual std::int64_t apply_retention(std::int64_t now, int days) = 0;
  // Online backup to `path` (SQLite backup API); throws StoreError on failure.
  virtual void backup(const std::string& path) = 0;

  // --- batching
  // Runs `fn`, and every write it makes through `store` lands in ONE
  // transaction: all of them or (when fn throws) none; the exception is
  // rethrown. For the writes of one inbound request (dedupe key, routing,
  // reply), which then cost one commit instead of three. Reads inside fn do
  // not see fn's own uncommitted writes, except for ids returned to it. fn
  // may run on another thread (the one committing) and holds the write lock
  // while it runs: keep it short, no I/O. The default just calls fn(*this)
  // (no atomicity).
  virtual void write_batch(const std::function<void(Store& store)>& fn);
};

}  // namespace rolecall
