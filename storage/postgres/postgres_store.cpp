#include "storage/postgres/postgres_store.hpp"

#include <algorithm>
#include <chrono>
#include <limits>
#include <utility>

#include "storage/postgres/database_url.hpp"
#include "storage/postgres/pg_migrations.hpp"
#include "storage/sha256.hpp"

namespace rolecall {

namespace {

// Retention works in transactions of this many rows (as SqliteStore).
constexpr int kRetentionChunk = 2000;
constexpr std::int64_t kDay = 86400;

PgParam p(std::int64_t v) { return pg_param(v); }
PgParam p(int v) { return pg_param(static_cast<std::int64_t>(v)); }
PgParam p(double v) { return pg_param(v); }
PgParam p(const std::string& v) { return pg_param(v); }
PgParam p(std::string_view v) { return pg_param(v); }

Role role_at(const PgResult& r, int row, int col) {
  return parse_role(r.text(row, col)).value_or(Role::none);
}

RoutingStatus status_at(const PgResult& r, int row, int col) {
  return parse_routing_status(r.text(row, col)).value_or(RoutingStatus::open);
}

constexpr const char* kRoutingColumns =
    "id, platform, team_id, channel, message_id, link, author, text, text_hash, intent, role, "
    "original_role, topic, confidence, assignee, status, created_at, updated_at";

RoutingRecord routing_at(const PgResult& r, int i) {
  RoutingRecord x;
  x.id = r.int64(i, 0);
  x.platform = r.text(i, 1);
  x.team_id = r.text(i, 2);
  x.channel = r.text(i, 3);
  x.message_id = r.text(i, 4);
  x.link = r.text(i, 5);
  x.author = r.text(i, 6);
  x.text = r.text(i, 7);
  x.text_hash = r.text(i, 8);
  x.intent = parse_intent(r.text(i, 9)).value_or(Intent::other);
  x.role = role_at(r, i, 10);
  x.original_role = role_at(r, i, 11);
  x.topic = r.text(i, 12);
  x.confidence = r.real(i, 13);
  x.assignee = r.text(i, 14);
  x.status = status_at(r, i, 15);
  x.created_at = r.int64(i, 16);
  x.updated_at = r.int64(i, 17);
  return x;
}

constexpr const char* kDecisionColumns =
    "id, platform, team_id, role, text, decided_by, channel, link, created_at";

DecisionRecord decision_at(const PgResult& r, int i) {
  DecisionRecord d;
  d.id = r.int64(i, 0);
  d.platform = r.text(i, 1);
  d.team_id = r.text(i, 2);
  d.role = role_at(r, i, 3);
  d.text = r.text(i, 4);
  d.decided_by = r.text(i, 5);
  d.channel = r.text(i, 6);
  d.link = r.text(i, 7);
  d.created_at = r.int64(i, 8);
  return d;
}

constexpr const char* kChangeColumns =
    "routing_id, from_status, to_status, new_role, changed_by, at, from_role, topic";

StatusChange change_at(const PgResult& r, int i) {
  StatusChange c;
  c.routing_id = r.int64(i, 0);
  c.from = status_at(r, i, 1);
  c.to = status_at(r, i, 2);
  c.new_role = role_at(r, i, 3);
  c.by = r.text(i, 4);
  c.at = r.int64(i, 5);
  c.from_role = role_at(r, i, 6);
  c.topic = r.text(i, 7);
  return c;
}

constexpr const char* kOutboxColumns =
    "id, destination, target, payload, idempotency_key, attempts, next_attempt_at, state, "
    "last_error, created_at, attempt_started_at";

OutboxRow outbox_at(const PgResult& r, int i) {
  OutboxRow x;
  x.id = r.int64(i, 0);
  x.message.destination = r.text(i, 1);
  x.message.target = r.text(i, 2);
  x.message.payload = r.text(i, 3);
  x.message.idempotency_key = r.text(i, 4);
  x.attempts = static_cast<int>(r.int64(i, 5));
  x.next_attempt_at = r.int64(i, 6);
  const std::string state = r.text(i, 7);
  x.state = state == "delivered" ? OutboxState::delivered
            : state == "failed"  ? OutboxState::failed
                                 : OutboxState::pending;
  x.last_error = r.text(i, 8);
  x.created_at = r.int64(i, 9);
  x.attempt_started_at = r.int64(i, 10);  // NULL reads as 0
  return x;
}

// Every row of `r`, each read by `row_at(r, i)`.
template <class F>
auto all_rows(const PgResult& r, F row_at) {
  std::vector<decltype(row_at(r, 0))> out;
  out.reserve(static_cast<std::size_t>(r.rows()));
  for (int i = 0; i < r.rows(); ++i) out.push_back(row_at(r, i));
  return out;
}

// WHERE clause of the list queries; values go to `params` ($n), never into SQL.
std::string where_clause(const ListFilter& f, bool with_status, std::vector<PgParam>& params) {
  std::string w = " WHERE created_at >= $1";
  params.push_back(p(f.since));
  auto add = [&](const char* column, PgParam v) {
    params.push_back(std::move(v));
    w += std::string(" AND ") + column + " = $" + std::to_string(params.size());
  };
  if (!f.team_id.empty()) add("team_id", p(f.team_id));
  if (f.until != 0) {
    params.push_back(p(f.until));
    w += " AND created_at < $" + std::to_string(params.size());
  }
  if (f.role) add("role", p(to_string(*f.role)));
  if (!f.channel.empty()) add("channel", p(f.channel));
  if (with_status && f.status) add("status", p(to_string(*f.status)));
  return w;
}

std::string limit_clause(const ListFilter& f, std::vector<PgParam>& params) {
  if (f.limit <= 0) return {};
  params.push_back(p(f.limit));
  return " LIMIT $" + std::to_string(params.size());
}

// True while fence.token is the lease's current token; the row stays locked
// FOR SHARE until the transaction on `c` ends, so no acquire hands out a newer
// token before then.
bool fence_holds(PgConnection& c, const Fence& fence) {
  return c.exec("lease_valid", "SELECT 1 FROM leases WHERE name = $1 AND token = $2 FOR SHARE",
                {p(fence.name), p(fence.token)})
             .rows() == 1;
}

// The batch (write_batch) running on this thread: its store and connection.
thread_local const PostgresStore* t_batch_store = nullptr;
thread_local PgConnection* t_batch_conn = nullptr;

}  // namespace

PostgresStore::PostgresStore(const std::string& url, PostgresStoreOptions options)
    : options_(options),
      pool_(std::make_unique<PgPool>(url, redact_database_url(url), options.pool_size,
                                     std::chrono::milliseconds(options.acquire_timeout_ms),
                                     options.connect_timeout_s)),
      pinger_(std::make_unique<PgPinger>(url, std::chrono::milliseconds(options.ping_timeout_ms))) {
  if (!options_.wait_for_database) {
    get_ready();
    return;
  }
  std::lock_guard lock(ready_mu_);
  try {
    (void)pool_->acquire();  // back to the pool at once: only "is it there?"
  } catch (const StoreError& e) {
    // Unreachable: open not ready; calls and ping() retry (see the header).
    last_error_ = e.what();
    next_attempt_ = std::chrono::steady_clock::now();
    return;
  }
  get_ready();  // reachable: a newer schema or a failed migration throws here
}

void PostgresStore::get_ready() {
  auto lease = pool_->acquire();
  if (options_.migrate) {
    version_at_open_ = pg_migrate(*lease);
  } else {
    version_at_open_ = pg_schema_version(*lease);
    pg_check_schema_supported(*lease);
  }
  ready_.store(true, std::memory_order_release);
}

void PostgresStore::ensure_ready() {
  if (ready_.load(std::memory_order_acquire)) return;
  std::unique_lock lock(ready_mu_, std::try_to_lock);
  if (!lock.owns_lock()) {
    throw StoreError("database " + pool_->redacted_url() +
                     ": not ready (connecting and migrating)");
  }
  if (ready_.load(std::memory_order_acquire)) return;
  const auto now = std::chrono::steady_clock::now();
  if (now < next_attempt_) {
    throw StoreError(last_error_.empty() ? "database " + pool_->redacted_url() + ": not ready"
                                         : last_error_);
  }
  try {
    get_ready();
    last_error_.clear();
  } catch (const StoreError& e) {
    last_error_ = e.what();
    next_attempt_ = now + std::chrono::milliseconds(options_.retry_interval_ms);
    throw;
  }
}

std::string PostgresStore::last_error() const {
  std::lock_guard lock(ready_mu_);
  return last_error_;
}

PostgresStore::~PostgresStore() = default;

// Statements that are atomic alone run in autocommit on a pooled connection,
// or on the batch's connection inside write_batch.
template <class F>
auto PostgresStore::run(F&& f) {
  if (t_batch_store == this) return f(*t_batch_conn);
  ensure_ready();
  auto lease = pool_->acquire();
  return f(*lease);
}

template <class F>
auto PostgresStore::transaction(const char* op, F&& f) {
  if (t_batch_store == this) return f(*t_batch_conn);  // joins the batch's transaction
  ensure_ready();
  auto lease = pool_->acquire();
  lease->exec_script(op, "BEGIN");
  try {
    auto result = f(*lease);
    lease->exec_script(op, "COMMIT");
    return result;
  } catch (...) {
    try {
      if (!lease->broken()) lease->exec_script(op, "ROLLBACK");
    } catch (const std::exception&) {
      lease.discard();  // state unknown: never hand it out again
    }
    throw;
  }
}

bool PostgresStore::ping() {
  // The pinger first: with its own deadline it says quickly whether the
  // server answers at all; only then may a store that is not ready yet spend
  // time getting ready (connect the pool, migrate).
  if (!pinger_->ping()) return false;
  pool_->server_answered();
  if (ready()) return true;
  try {
    ensure_ready();
  } catch (const std::exception&) {
    return false;
  }
  return true;
}

// ---------------------------------------------------------------- routings

std::int64_t PostgresStore::record_routing(const RoutingRecord& r) {
  const std::string hash =
      r.text_hash.empty() && !r.text.empty() ? sha256_hex(r.text) : r.text_hash;
  return run([&](PgConnection& c) {
    return c
        .exec("record_routing",
              "INSERT INTO routings (platform, team_id, channel, message_id, link, author, text, "
              "text_hash, intent, role, original_role, topic, confidence, assignee, status, "
              "created_at, updated_at) VALUES "
              "($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17) RETURNING id",
              {p(r.platform), p(r.team_id), p(r.channel), p(r.message_id), p(r.link), p(r.author),
               p(r.text), p(hash), p(to_string(r.intent)), p(to_string(r.role)),
               p(to_string(r.original_role)), p(r.topic), p(r.confidence), p(r.assignee),
               p(to_string(r.status)), p(r.created_at),
               p(r.updated_at != 0 ? r.updated_at : r.created_at)})
        .int64(0, 0);
  });
}

std::optional<RoutingRecord> PostgresStore::get_routing(std::int64_t id) {
  return run([&](PgConnection& c) -> std::optional<RoutingRecord> {
    auto r =
        c.exec("get_routing",
               std::string("SELECT ") + kRoutingColumns + " FROM routings WHERE id = $1", {p(id)});
    if (r.rows() == 0) return std::nullopt;
    return routing_at(r, 0);
  });
}

std::optional<RoutingRecord> PostgresStore::find_routing(const std::string& platform,
                                                         const std::string& channel,
                                                         const std::string& message_id) {
  return run([&](PgConnection& c) -> std::optional<RoutingRecord> {
    auto r = c.exec("find_routing",
                    std::string("SELECT ") + kRoutingColumns +
                        " FROM routings WHERE channel = $1 AND message_id = $2 AND platform = $3"
                        " ORDER BY id DESC LIMIT 1",
                    {p(channel), p(message_id), p(platform)});
    if (r.rows() == 0) return std::nullopt;
    return routing_at(r, 0);
  });
}

bool PostgresStore::change_routing_status(const StatusChange& change) {
  return transaction("change_routing_status", [&](PgConnection& c) {
    // FOR UPDATE: two replicas changing one routing log their changes in
    // turn, each from the status the other left.
    auto cur = c.exec("change_routing_status",
                      "SELECT status, role, team_id, topic FROM routings WHERE id = $1 FOR UPDATE",
                      {p(change.routing_id)});
    if (cur.rows() == 0) return false;
    const std::string from_status = cur.text(0, 0);
    const Role from_role = role_at(cur, 0, 1);
    const std::string team_id = cur.text(0, 2);
    const std::string topic = cur.text(0, 3);
    if (change.if_role && *change.if_role != from_role) return false;
    Role new_role = change.new_role;
    if (new_role == Role::none && change.to == RoutingStatus::reassigned) {
      new_role = other_role(from_role);
    }
    const Role role_after = new_role != Role::none ? new_role : from_role;
    c.exec("change_routing_status",
           "UPDATE routings SET status = $1, role = $2, updated_at = $3 WHERE id = $4",
           {p(to_string(change.to)), p(to_string(role_after)), p(change.at), p(change.routing_id)});
    c.exec("change_routing_status",
           "INSERT INTO status_changes (routing_id, team_id, topic, from_status, to_status, "
           "from_role, new_role, changed_by, at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)",
           {p(change.routing_id), p(team_id), p(topic), p(from_status), p(to_string(change.to)),
            p(to_string(from_role)), p(to_string(new_role)), p(change.by), p(change.at)});
    if (change.to == RoutingStatus::reassigned) {
      // What SQLite's trigger does (storage/sqlite/migrations.cpp, v4).
      c.exec("change_routing_status",
             "INSERT INTO correction_totals (team_id, topic, from_role, to_role, count) "
             "VALUES ($1, $2, $3, $4, 1) ON CONFLICT (team_id, topic, from_role, to_role) "
             "DO UPDATE SET count = correction_totals.count + 1",
             {p(team_id), p(topic), p(to_string(from_role)), p(to_string(new_role))});
    }
    return true;
  });
}

std::vector<RoutingRecord> PostgresStore::list_routings(const ListFilter& f) {
  return run([&](PgConnection& c) {
    std::vector<PgParam> params;
    std::string sql = std::string("SELECT ") + kRoutingColumns + " FROM routings" +
                      where_clause(f, true, params) + " ORDER BY created_at DESC, id DESC";
    sql += limit_clause(f, params);
    auto r = c.exec("list_routings", sql, params);
    return all_rows(r, routing_at);
  });
}

std::vector<CorrectionCount> PostgresStore::correction_counts(const std::string& team_id) {
  return run([&](PgConnection& c) {
    auto r = c.exec("correction_counts",
                    "SELECT topic, from_role, to_role, count FROM correction_totals "
                    "WHERE team_id = $1",
                    {p(team_id)});
    return all_rows(r, [](const PgResult& x, int i) {
      return CorrectionCount{x.text(i, 0), role_at(x, i, 1), role_at(x, i, 2),
                             static_cast<int>(x.int64(i, 3))};
    });
  });
}

std::vector<StatusChange> PostgresStore::status_changes(const std::string& team_id,
                                                        std::int64_t since, std::int64_t until) {
  return run([&](PgConnection& c) {
    std::vector<PgParam> params{p(team_id), p(since)};
    std::string sql = std::string("SELECT ") + kChangeColumns +
                      " FROM status_changes WHERE team_id = $1 AND at >= $2";
    if (until != 0) {
      sql += " AND at < $3";
      params.push_back(p(until));
    }
    sql += " ORDER BY at, id";
    auto r = c.exec("status_changes", sql, params);
    return all_rows(r, change_at);
  });
}

// ---------------------------------------------------------------- decisions

std::int64_t PostgresStore::record_decision(const DecisionRecord& d) {
  return run([&](PgConnection& c) {
    return c
        .exec("record_decision",
              "INSERT INTO decisions (platform, team_id, role, text, decided_by, channel, link, "
              "created_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8) RETURNING id",
              {p(d.platform), p(d.team_id), p(to_string(d.role)), p(d.text), p(d.decided_by),
               p(d.channel), p(d.link), p(d.created_at)})
        .int64(0, 0);
  });
}

std::vector<DecisionRecord> PostgresStore::list_decisions(const ListFilter& f) {
  return run([&](PgConnection& c) {
    std::vector<PgParam> params;
    std::string sql = std::string("SELECT ") + kDecisionColumns + " FROM decisions" +
                      where_clause(f, false, params) + " ORDER BY created_at DESC, id DESC";
    sql += limit_clause(f, params);
    auto r = c.exec("list_decisions", sql, params);
    return all_rows(r, decision_at);
  });
}

std::vector<DecisionRecord> PostgresStore::search_decisions(const std::string& team_id,
                                                            const std::string& text,
                                                            std::optional<Role> role, int limit) {
  return run([&](PgConnection& c) {
    // strpos on lower() under the "C" collation: a plain substring (%, _
    // and \ mean themselves) folded in ASCII only, as the contract says,
    // whatever the database's locale.
    std::vector<PgParam> params{p(limit > 0 ? limit : 1)};
    std::string sql = std::string("SELECT ") + kDecisionColumns + " FROM decisions WHERE true";
    if (!team_id.empty()) {
      params.push_back(p(team_id));
      sql += " AND team_id = $" + std::to_string(params.size());
    }
    if (!text.empty()) {
      params.push_back(p(text));
      sql += " AND strpos(lower(text COLLATE \"C\"), lower($" + std::to_string(params.size()) +
             "::text COLLATE \"C\")) > 0";
    }
    if (role) {
      params.push_back(p(to_string(*role)));
      sql += " AND role = $" + std::to_string(params.size());
    }
    sql += " ORDER BY created_at DESC, id DESC LIMIT $1";
    auto r = c.exec("search_decisions", sql, params);
    return all_rows(r, decision_at);
  });
}

// ---------------------------------------------------------------- dedupe

bool PostgresStore::remember_event(const std::string& key, std::int64_t now,
                                   std::int64_t expires_at) {
  return run([&](PgConnection& c) {
    // A racing insert of the same key waits for the other transaction and
    // then takes the ON CONFLICT branch: one replica wins.
    return c.exec("remember_event",
                  "INSERT INTO processed_events (event_key, seen_at, expires_at) "
                  "VALUES ($1, $2, $3) ON CONFLICT (event_key) DO UPDATE SET "
                  "seen_at = excluded.seen_at, expires_at = excluded.expires_at "
                  "WHERE processed_events.expires_at <= excluded.seen_at",
                  {p(key), p(now), p(expires_at)})
               .affected() == 1;
  });
}

bool PostgresStore::event_seen(const std::string& key, std::int64_t now) {
  return run([&](PgConnection& c) {
    return c.exec("event_seen",
                  "SELECT 1 FROM processed_events WHERE event_key = $1 AND expires_at > $2",
                  {p(key), p(now)})
               .rows() > 0;
  });
}

// ---------------------------------------------------------------- outbox

bool PostgresStore::enqueue(const OutboxMessage& m, std::int64_t now) {
  return run([&](PgConnection& c) {
    return c.exec("enqueue",
                  "INSERT INTO outbox (destination, target, payload, idempotency_key, "
                  "next_attempt_at, created_at) VALUES ($1, $2, $3, $4, $5, $5) "
                  "ON CONFLICT (idempotency_key) DO NOTHING",
                  {p(m.destination), p(m.target), p(m.payload), p(m.idempotency_key), p(now)})
               .affected() == 1;
  });
}

std::vector<OutboxRow> PostgresStore::due_outbox(std::int64_t now, int limit,
                                                 std::int64_t after_id) {
  return run([&](PgConnection& c) {
    auto r = c.exec("due_outbox",
                    std::string("SELECT ") + kOutboxColumns +
                        " FROM outbox WHERE state = 'pending' AND next_attempt_at <= $1 "
                        "AND id > $3 ORDER BY id LIMIT $2",
                    {p(now), limit > 0 ? p(limit) : PgParam{}, p(after_id)});
    return all_rows(r, outbox_at);
  });
}

std::vector<OutboxRow> PostgresStore::claim_outbox(std::int64_t now, int limit,
                                                   std::int64_t lease_seconds,
                                                   const std::string& owner,
                                                   std::int64_t after_id) {
  auto rows = run([&](PgConnection& c) {
    // SKIP LOCKED: rows another replica is claiming right now are passed
    // over, not waited for; the outer UPDATE then holds them until commit.
    auto r = c.exec(
        "claim_outbox",
        std::string("UPDATE outbox SET claimed_until = $2, claimed_by = $4 "
                    "WHERE id IN (SELECT id FROM outbox WHERE state = 'pending' "
                    "AND next_attempt_at <= $1 AND id > $5 AND (claimed_until <= $1 "
                    "OR claimed_by = $4) ORDER BY id LIMIT $3 FOR UPDATE SKIP LOCKED) "
                    "RETURNING ") +
            kOutboxColumns,
        {p(now), p(now + lease_seconds), limit > 0 ? p(limit) : PgParam{}, p(owner), p(after_id)});
    return all_rows(r, outbox_at);
  });
  std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
  return rows;
}

std::optional<std::int64_t> PostgresStore::next_outbox_due(std::optional<std::int64_t> after) {
  return run([&](PgConnection& c) -> std::optional<std::int64_t> {
    auto r = c.exec("next_outbox_due",
                    "SELECT min(greatest(next_attempt_at, claimed_until)) FROM outbox "
                    "WHERE state = 'pending' AND greatest(next_attempt_at, claimed_until) > $1",
                    {p(after.value_or(std::numeric_limits<std::int64_t>::min()))});
    if (r.rows() == 0 || r.is_null(0, 0)) return std::nullopt;
    return r.int64(0, 0);
  });
}

void PostgresStore::mark_attempt_started(std::int64_t id, std::int64_t now) {
  run([&](PgConnection& c) {
    return c.exec("mark_attempt_started",
                  "UPDATE outbox SET attempt_started_at = $1 WHERE id = $2 AND state = 'pending'",
                  {p(now), p(id)});
  });
}

void PostgresStore::mark_delivered(std::int64_t id, std::int64_t now) {
  run([&](PgConnection& c) {
    return c.exec("mark_delivered",
                  "UPDATE outbox SET state = 'delivered', attempts = attempts + 1, "
                  "delivered_at = $1, last_error = '', attempt_started_at = NULL, "
                  "claimed_until = 0, claimed_by = '' WHERE id = $2",
                  {p(now), p(id)});
  });
}

void PostgresStore::mark_retry(std::int64_t id, std::int64_t next_attempt_at,
                               const std::string& error, SentState sent) {
  run([&](PgConnection& c) {
    return c.exec("mark_retry",
                  sent == SentState::not_sent
                      ? "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = $1, "
                        "last_error = $2, attempt_started_at = NULL, claimed_until = 0, "
                        "claimed_by = '' WHERE id = $3 AND state = 'pending'"
                      : "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = $1, "
                        "last_error = $2, claimed_until = 0, claimed_by = '' "
                        "WHERE id = $3 AND state = 'pending'",
                  {p(next_attempt_at), p(error), p(id)});
  });
}

void PostgresStore::mark_failed(std::int64_t id, const std::string& error) {
  run([&](PgConnection& c) {
    return c.exec("mark_failed",
                  "UPDATE outbox SET state = 'failed', attempts = attempts + 1, last_error = $1, "
                  "attempt_started_at = NULL, claimed_until = 0, claimed_by = '' "
                  "WHERE id = $2 AND state = 'pending'",
                  {p(error), p(id)});
  });
}

std::int64_t PostgresStore::outbox_depth() {
  return run([&](PgConnection& c) {
    return c.exec("outbox_depth", "SELECT count(*) FROM outbox WHERE state = 'pending'")
        .int64(0, 0);
  });
}

// ---------------------------------------------------------------- digests

bool PostgresStore::mark_digest_sent(const std::string& team_id, const std::string& iso_week,
                                     const std::string& destination, std::int64_t now) {
  return run([&](PgConnection& c) {
    // The primary key (team, week, destination) decides between replicas.
    return c.exec("mark_digest_sent",
                  "INSERT INTO digests_sent (team_id, iso_week, destination, sent_at) "
                  "VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
                  {p(team_id), p(iso_week), p(destination), p(now)})
               .affected() == 1;
  });
}

bool PostgresStore::digest_sent(const std::string& team_id, const std::string& iso_week,
                                const std::string& destination) {
  return run([&](PgConnection& c) {
    return c.exec("digest_sent",
                  "SELECT 1 FROM digests_sent WHERE team_id = $1 AND iso_week = $2 AND "
                  "destination = $3",
                  {p(team_id), p(iso_week), p(destination)})
               .rows() > 0;
  });
}

// ---------------------------------------------------------------- maintenance

std::int64_t PostgresStore::apply_retention(std::int64_t now, int days) {
  return *retention(now, days, nullptr);
}

std::optional<std::int64_t> PostgresStore::apply_retention(std::int64_t now, int days,
                                                           const Fence& fence) {
  return retention(now, days, &fence);
}

std::optional<std::int64_t> PostgresStore::retention(std::int64_t now, int days,
                                                     const Fence* fence) {
  std::int64_t touched = 0;
  bool fenced_out = false;
  auto drain = [&](const char* op, const char* sql, std::int64_t bound) {
    while (!fenced_out) {
      auto chunk = [&](PgConnection& c) -> std::int64_t {
        if (fence && !fence_holds(c, *fence)) {
          fenced_out = true;
          return 0;
        }
        return c.exec(op, sql, {p(bound), p(kRetentionChunk)}).affected();
      };
      const std::int64_t n = fence ? transaction(op, chunk) : run(chunk);
      touched += n;
      if (n < kRetentionChunk) break;
    }
  };
  if (days > 0) {
    const std::int64_t cutoff = now - static_cast<std::int64_t>(days) * kDay;
    drain("retention (routing texts)",
          "UPDATE routings SET text = '' WHERE id IN (SELECT id FROM routings "
          "WHERE text <> '' AND created_at < $1 LIMIT $2)",
          cutoff);
    drain("retention (decision texts)",
          "UPDATE decisions SET text = '' WHERE id IN (SELECT id FROM decisions "
          "WHERE created_at < $1 AND text <> '' LIMIT $2)",
          cutoff);
    drain("retention (outbox)",
          "DELETE FROM outbox WHERE id IN (SELECT id FROM outbox "
          "WHERE state <> 'pending' AND created_at < $1 LIMIT $2)",
          cutoff);
  }
  drain("retention (dedupe keys)",
        "DELETE FROM processed_events WHERE event_key IN (SELECT event_key FROM "
        "processed_events WHERE expires_at <= $1 LIMIT $2)",
        now);
  if (fenced_out) return std::nullopt;
  return touched;
}

// ---------------------------------------------------------------- leases

std::optional<std::int64_t> PostgresStore::acquire_lease(const std::string& name,
                                                         const std::string& holder,
                                                         std::int64_t now,
                                                         std::int64_t ttl_seconds) {
  return run([&](PgConnection& c) -> std::optional<std::int64_t> {
    // The WHERE of DO UPDATE leaves a lease held by someone else untouched
    // (no row returned); ON CONFLICT makes two first acquires race safely.
    auto r = c.exec("acquire_lease",
                    "INSERT INTO leases (name, holder, token, expires_at) VALUES ($1, $2, 1, $4) "
                    "ON CONFLICT (name) DO UPDATE SET "
                    "token = CASE WHEN leases.holder = EXCLUDED.holder AND leases.expires_at > $3 "
                    "THEN leases.token ELSE leases.token + 1 END, "
                    "holder = EXCLUDED.holder, expires_at = EXCLUDED.expires_at "
                    "WHERE leases.expires_at <= $3 OR leases.holder = EXCLUDED.holder "
                    "RETURNING token",
                    {p(name), p(holder), p(now), p(now + ttl_seconds)});
    if (r.rows() == 0) return std::nullopt;
    return r.int64(0, 0);
  });
}

bool PostgresStore::release_lease(const std::string& name, const std::string& holder,
                                  std::int64_t token) {
  return run([&](PgConnection& c) {
    return c.exec("release_lease",
                  "UPDATE leases SET expires_at = 0 WHERE name = $1 AND holder = $2 AND "
                  "token = $3 AND expires_at > 0",
                  {p(name), p(holder), p(token)})
               .affected() == 1;
  });
}

bool PostgresStore::lease_valid(const Fence& fence) {
  return run([&](PgConnection& c) { return fence_holds(c, fence); });
}

// ---------------------------------------------------------------- pacing

std::optional<std::int64_t> PostgresStore::take_send_slot(const std::string& destination,
                                                          std::int64_t now_ms,
                                                          std::int64_t interval_ms) {
  return run([&](PgConnection& c) -> std::optional<std::int64_t> {
    // Booked only when free: the row lock of ON CONFLICT DO UPDATE orders
    // racing replicas, and the loser's WHERE sees the winner's next_at_ms.
    auto taken = c.exec("take_send_slot",
                        "INSERT INTO send_pacing (destination, next_at_ms) VALUES ($1, $3) "
                        "ON CONFLICT (destination) DO UPDATE SET next_at_ms = $3 "
                        "WHERE send_pacing.next_at_ms <= $2 RETURNING next_at_ms",
                        {p(destination), p(now_ms), p(now_ms + interval_ms)});
    if (taken.rows() == 1) return std::nullopt;
    auto held =
        c.exec("take_send_slot", "SELECT next_at_ms FROM send_pacing WHERE destination = $1",
               {p(destination)});
    // Gone between the two statements (nothing deletes rows; defensive):
    // try again a millisecond later.
    const std::int64_t until = held.rows() == 1 ? held.int64(0, 0) : now_ms;
    return std::max(until, now_ms + 1);
  });
}

void PostgresStore::hold_destination(const std::string& destination, std::int64_t until_ms) {
  run([&](PgConnection& c) {
    return c.exec("hold_destination",
                  "INSERT INTO send_pacing (destination, next_at_ms) VALUES ($1, $2) "
                  "ON CONFLICT (destination) DO UPDATE SET "
                  "next_at_ms = greatest(send_pacing.next_at_ms, EXCLUDED.next_at_ms)",
                  {p(destination), p(until_ms)});
  });
}

void PostgresStore::backup(const std::string& path) {
  throw StoreError("backup " + path +
                   ": the PostgreSQL backend is backed up with pg_dump (README, \"Running on "
                   "PostgreSQL\"), not by rolecall");
}

void PostgresStore::write_batch(const std::function<void(Store& store)>& fn) {
  transaction("write_batch", [&](PgConnection& c) {
    const PostgresStore* outer_store = t_batch_store;
    PgConnection* outer_conn = t_batch_conn;
    t_batch_store = this;
    t_batch_conn = &c;
    try {
      fn(*this);
    } catch (...) {
      t_batch_store = outer_store;
      t_batch_conn = outer_conn;
      throw;
    }
    t_batch_store = outer_store;
    t_batch_conn = outer_conn;
    return 0;
  });
}

}  // namespace rolecall
