#include "storage/sqlite/sqlite_store.hpp"

#include <SQLiteCpp/Backup.h>
#include <SQLiteCpp/Exception.h>
#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <limits>
#include <system_error>
#include <thread>
#include <tuple>
#include <type_traits>
#include <utility>

#include "storage/sha256.hpp"
#include "storage/sqlite/checkpointer.hpp"
#include "storage/sqlite/connection.hpp"
#include "storage/sqlite/migrations.hpp"
#include "storage/sqlite/write_queue.hpp"

namespace rolecall {

namespace fs = std::filesystem;

namespace {

constexpr std::int64_t kDay = 86400;
// Retention works in transactions of this many rows so an inbound write never
// waits long behind it.
constexpr int kRetentionChunk = 2000;

std::string describe(const std::string& path, const char* op, const SQLite::Exception& e,
                     int busy_timeout_ms) {
  std::string msg = "database " + path + ": " + op + ": " + e.what();
  const int code = e.getErrorCode() & 0xff;
  if (code == SQLITE_BUSY || code == SQLITE_LOCKED) {
    msg += " (another writer held the lock longer than the busy timeout of " +
           std::to_string(busy_timeout_ms) + " ms)";
  } else if (code == SQLITE_FULL) {
    msg += " (disk full)";
  } else if (code == SQLITE_CORRUPT || code == SQLITE_NOTADB) {
    msg += " (the file is damaged or not a rolecall database; restore a backup)";
  } else if (code == SQLITE_READONLY || code == SQLITE_CANTOPEN || code == SQLITE_PERM) {
    msg += " (check that the file and its directory are writable)";
  }
  return msg;
}

Role role_of(const SQLite::Column& c) { return parse_role(c.getString()).value_or(Role::none); }

RoutingStatus status_of(const SQLite::Column& c) {
  return parse_routing_status(c.getString()).value_or(RoutingStatus::open);
}

OutboxState outbox_state_of(const std::string& s) {
  if (s == "delivered") return OutboxState::delivered;
  if (s == "failed") return OutboxState::failed;
  return OutboxState::pending;
}

constexpr const char* kRoutingColumns =
    "id, platform, team_id, channel, message_id, link, author, text, text_hash, intent, role, "
    "original_role, topic, confidence, assignee, status, created_at, updated_at";

constexpr const char* kDecisionColumns =
    "id, platform, team_id, role, text, decided_by, channel, link, created_at";

DecisionRecord decision_from_row(SQLite::Statement& s) {
  DecisionRecord d;
  d.id = s.getColumn(0).getInt64();
  d.platform = s.getColumn(1).getString();
  d.team_id = s.getColumn(2).getString();
  d.role = role_of(s.getColumn(3));
  d.text = s.getColumn(4).getString();
  d.decided_by = s.getColumn(5).getString();
  d.channel = s.getColumn(6).getString();
  d.link = s.getColumn(7).getString();
  d.created_at = s.getColumn(8).getInt64();
  return d;
}

RoutingRecord routing_from_row(SQLite::Statement& s) {
  RoutingRecord r;
  r.id = s.getColumn(0).getInt64();
  r.platform = s.getColumn(1).getString();
  r.team_id = s.getColumn(2).getString();
  r.channel = s.getColumn(3).getString();
  r.message_id = s.getColumn(4).getString();
  r.link = s.getColumn(5).getString();
  r.author = s.getColumn(6).getString();
  r.text = s.getColumn(7).getString();
  r.text_hash = s.getColumn(8).getString();
  r.intent = parse_intent(s.getColumn(9).getString()).value_or(Intent::other);
  r.role = role_of(s.getColumn(10));
  r.original_role = role_of(s.getColumn(11));
  r.topic = s.getColumn(12).getString();
  r.confidence = s.getColumn(13).getDouble();
  r.assignee = s.getColumn(14).getString();
  r.status = status_of(s.getColumn(15));
  r.created_at = s.getColumn(16).getInt64();
  r.updated_at = s.getColumn(17).getInt64();
  return r;
}

constexpr const char* kChangeColumns =
    "routing_id, from_status, to_status, new_role, changed_by, at, from_role, topic";

StatusChange change_from_row(SQLite::Statement& s) {
  StatusChange c;
  c.routing_id = s.getColumn(0).getInt64();
  c.from = status_of(s.getColumn(1));
  c.to = status_of(s.getColumn(2));
  c.new_role = role_of(s.getColumn(3));
  c.by = s.getColumn(4).getString();
  c.at = s.getColumn(5).getInt64();
  c.from_role = role_of(s.getColumn(6));
  c.topic = s.getColumn(7).getString();
  return c;
}

constexpr const char* kOutboxColumns =
    "id, destination, target, payload, idempotency_key, attempts, next_attempt_at, state, "
    "last_error, created_at, attempt_started_at";

OutboxRow outbox_from_row(SQLite::Statement& s) {
  OutboxRow r;
  r.id = s.getColumn(0).getInt64();
  r.message.destination = s.getColumn(1).getString();
  r.message.target = s.getColumn(2).getString();
  r.message.payload = s.getColumn(3).getString();
  r.message.idempotency_key = s.getColumn(4).getString();
  r.attempts = s.getColumn(5).getInt();
  r.next_attempt_at = s.getColumn(6).getInt64();
  r.state = outbox_state_of(s.getColumn(7).getString());
  r.last_error = s.getColumn(8).getString();
  r.created_at = s.getColumn(9).getInt64();
  r.attempt_started_at = s.isColumnNull(10) ? 0 : s.getColumn(10).getInt64();
  return r;
}

// The WHERE clause of a ListFilter. Status goes in as a literal (it comes from
// a closed enum) so the planner can use the partial index on open routings;
// everything else is bound. Binding order: team, since, until, role, channel.
std::string where_clause(const ListFilter& f, bool with_status) {
  std::string w = " WHERE created_at >= ?2";
  if (!f.team_id.empty()) w += " AND team_id = ?1";
  if (f.until != 0) w += " AND created_at < ?3";
  if (f.role) w += " AND role = ?4";
  if (!f.channel.empty()) w += " AND channel = ?5";
  if (with_status && f.status) w += " AND status = '" + std::string(to_string(*f.status)) + "'";
  return w;
}

void bind_filter(SQLite::Statement& s, const ListFilter& f) {
  if (!f.team_id.empty()) s.bind(1, f.team_id);
  s.bind(2, static_cast<std::int64_t>(f.since));
  if (f.until != 0) s.bind(3, static_cast<std::int64_t>(f.until));
  if (f.role) s.bind(4, std::string(to_string(*f.role)));
  if (!f.channel.empty()) s.bind(5, f.channel);
}

std::string limit_clause(const ListFilter& f) {
  return f.limit > 0 ? " LIMIT " + std::to_string(f.limit) : std::string();
}

}  // namespace

// ---------------------------------------------------------------- plumbing

class SqliteStore::ReaderLease {
 public:
  explicit ReaderLease(ReaderPool& pool) : pool_(pool) {
    std::unique_lock lock(pool_.mu);
    pool_.cv.wait(lock, [&] { return !pool_.free.empty(); });
    conn_ = pool_.free.back();
    pool_.free.pop_back();
  }
  ~ReaderLease() {
    {
      std::lock_guard lock(pool_.mu);
      pool_.free.push_back(conn_);
    }
    pool_.cv.notify_one();
  }
  ReaderLease(const ReaderLease&) = delete;
  ReaderLease& operator=(const ReaderLease&) = delete;
  Connection& operator*() { return *conn_; }

 private:
  ReaderPool& pool_;
  Connection* conn_ = nullptr;
};

template <class F>
auto SqliteStore::guarded(const char* op, F&& f) {
  try {
    return f();
  } catch (const SQLite::Exception& e) {
    throw StoreError(describe(path_, op, e, options_.busy_timeout_ms));
  }
}

namespace {
// The store whose write_batch is running on this thread (inside its job):
// writes through it go straight to the open transaction.
thread_local const SqliteStore* t_batch_store = nullptr;
}  // namespace

// Every write goes through the group-commit queue; `f` runs inside the
// shared transaction on whichever thread leads it.
template <class F>
auto SqliteStore::write(const char* op, F&& f) {
  if (t_batch_store == this) {
    try {
      return f(*writer_);
    } catch (const SQLite::Exception& e) {
      throw StoreError(describe(path_, op, e, options_.busy_timeout_ms));
    }
  }
  using R = std::invoke_result_t<F&, Connection&>;
  std::optional<R> result;
  WriteQueue::Job job;
  job.op = op;
  job.run = [&](Connection& c) {
    try {
      result.emplace(f(c));
    } catch (const SQLite::Exception& e) {
      throw StoreError(describe(path_, op, e, options_.busy_timeout_ms));
    }
  };
  queue_->submit(job);
  if (job.error) std::rethrow_exception(job.error);
  return std::move(*result);
}

template <class F>
auto SqliteStore::read(const char* op, F&& f) {
  ReaderLease lease(readers_);
  return guarded(op, [&] { return f(*lease); });
}

template <class F>
auto SqliteStore::read_bulk(const char* op, F&& f) {
  ReaderLease lease(bulk_readers_);
  return guarded(op, [&] { return f(*lease); });
}

SqliteStore::SqliteStore(const std::string& path, SqliteStoreOptions options)
    : path_(path), options_(options) {
  if (path_.empty()) throw StoreError("database path is empty");
  if (options_.readers < 1) options_.readers = 1;
  if (options_.bulk_readers < 1) options_.bulk_readers = 1;
  if (options_.busy_timeout_ms < 0) options_.busy_timeout_ms = 0;

  const fs::path p(path_);
  std::error_code ec;
  if (fs::is_directory(p, ec)) {
    throw StoreError("database " + path_ + ": the path is a directory, not a database file");
  }
  if (p.has_parent_path()) {
    fs::create_directories(p.parent_path(), ec);
    if (ec) {
      throw StoreError("database " + path_ + ": cannot create directory " +
                       p.parent_path().string() + ": " + ec.message());
    }
  }

  try {
    writer_ = std::make_unique<Connection>(path_, Connection::Mode::writer,
                                           options_.busy_timeout_ms, options_.wal_coalescing);
  } catch (const SQLite::Exception& e) {
    throw StoreError(describe(path_, "open", e, options_.busy_timeout_ms));
  }
  try {
    // The first read of the file: a non-database fails here, and a newer
    // schema is refused before anything (even the journal mode) is changed.
    check_schema_supported(writer_->db());
  } catch (const StoreError& e) {
    throw StoreError("database " + path_ + ": " + e.what());
  } catch (const SQLite::Exception& e) {
    throw StoreError(describe(path_, "open", e, options_.busy_timeout_ms));
  }
  guarded("open (WAL mode)", [&] {
    // Takes effect only while the file is still empty (a new database); the
    // switch to WAL below then writes the header with it.
    if (options_.page_size > 0) {
      writer_->db().exec("PRAGMA page_size = " + std::to_string(options_.page_size));
    }
    // Switching a file to WAL takes an exclusive lock without SQLite's busy
    // handler, so a second process opening the same new file at that moment
    // got SQLITE_BUSY at once (1 run in ~100 of the two-process test): wait
    // for it as for any other lock, up to the busy timeout.
    const auto give_up =
        std::chrono::steady_clock::now() + std::chrono::milliseconds(options_.busy_timeout_ms);
    std::string mode;
    for (;;) {
      try {
        mode = writer_->db().execAndGet("PRAGMA journal_mode = WAL").getString();
        break;
      } catch (const SQLite::Exception& e) {
        if ((e.getErrorCode() & 0xff) != SQLITE_BUSY ||
            std::chrono::steady_clock::now() >= give_up) {
          throw;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
      }
    }
    if (mode != "wal") {
      throw StoreError("database " + path_ + ": cannot switch to WAL journal mode (got '" + mode +
                       "'); is it on a file system without shared memory support?");
    }
    // Keeps a WAL that a burst grew from staying large on disk.
    writer_->db().exec("PRAGMA journal_size_limit = 67108864");
  });
  try {
    migrate(writer_->db());
  } catch (const StoreError& e) {
    throw StoreError("database " + path_ + ": " + e.what());
  } catch (const SQLite::Exception& e) {
    throw StoreError(describe(path_, "schema migration", e, options_.busy_timeout_ms));
  }
  guarded("open reader", [&] {
    auto fill = [&](ReaderPool& pool, int n, Connection::Mode mode) {
      for (int i = 0; i < n; ++i) {
        pool.all.push_back(std::make_unique<Connection>(path_, mode, options_.busy_timeout_ms,
                                                        options_.wal_coalescing));
        pool.free.push_back(pool.all.back().get());
      }
    };
    fill(readers_, options_.readers, Connection::Mode::reader);
    fill(bulk_readers_, options_.bulk_readers, Connection::Mode::bulk_reader);
    if (options_.checkpoint_pages > 0) {
      checkpointer_ = std::make_unique<Checkpointer>(
          path_, options_.busy_timeout_ms, options_.checkpoint_pages, options_.wal_coalescing);
      checkpointer_->attach(writer_->db().getHandle());
    }
    return 0;
  });
  queue_ = std::make_unique<WriteQueue>(
      *writer_,
      [this](const char* op, const char* phase, const SQLite::Exception& e) {
        const std::string what = std::string(op) + " (" + phase + ")";
        return StoreError(describe(path_, what.c_str(), e, options_.busy_timeout_ms));
      },
      options_.max_batch);
}

SqliteStore::~SqliteStore() {
  // The writer's WAL hook points at the checkpointer: unhook before either goes.
  if (writer_ && checkpointer_) Checkpointer::detach(writer_->db().getHandle());
}

SqliteWriteStats SqliteStore::write_stats() const noexcept {
  SqliteWriteStats stats{queue_->transactions(), queue_->jobs(), 0, 0};
  if (checkpointer_) {
    stats.background_checkpoints = checkpointer_->background_checkpoints();
    stats.inline_checkpoints = checkpointer_->inline_checkpoints();
  }
  return stats;
}

bool SqliteStore::ping() {
  try {
    return read("ping", [](Connection& c) {
      auto s = c.prepare("SELECT 1");
      return s->executeStep() && s->getColumn(0).getInt() == 1;
    });
  } catch (const std::exception&) {
    return false;
  }
}

// ---------------------------------------------------------------- routings

std::int64_t SqliteStore::record_routing(const RoutingRecord& r) {
  const std::string hash =
      r.text_hash.empty() && !r.text.empty() ? sha256_hex(r.text) : r.text_hash;
  return write("record_routing", [&](Connection& c) {
    auto s = c.prepare(
        "INSERT INTO routings (platform, team_id, channel, message_id, link, author, text, "
        "text_hash, intent, role, original_role, topic, confidence, assignee, status, created_at, "
        "updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
    s->bind(1, r.platform);
    s->bind(2, r.team_id);
    s->bind(3, r.channel);
    s->bind(4, r.message_id);
    s->bind(5, r.link);
    s->bind(6, r.author);
    s->bind(7, r.text);
    s->bind(8, hash);
    s->bind(9, std::string(to_string(r.intent)));
    s->bind(10, std::string(to_string(r.role)));
    s->bind(11, std::string(to_string(r.original_role)));
    s->bind(12, r.topic);
    s->bind(13, r.confidence);
    s->bind(14, r.assignee);
    s->bind(15, std::string(to_string(r.status)));
    s->bind(16, static_cast<std::int64_t>(r.created_at));
    s->bind(17, static_cast<std::int64_t>(r.updated_at != 0 ? r.updated_at : r.created_at));
    s->exec();
    return c.db().getLastInsertRowid();
  });
}

std::optional<RoutingRecord> SqliteStore::get_routing(std::int64_t id) {
  return read("get_routing", [&](Connection& c) -> std::optional<RoutingRecord> {
    auto s = c.prepare(std::string("SELECT ") + kRoutingColumns + " FROM routings WHERE id = ?");
    s->bind(1, static_cast<std::int64_t>(id));
    if (!s->executeStep()) return std::nullopt;
    return routing_from_row(*s);
  });
}

std::optional<RoutingRecord> SqliteStore::find_routing(const std::string& platform,
                                                       const std::string& channel,
                                                       const std::string& message_id) {
  return read("find_routing", [&](Connection& c) -> std::optional<RoutingRecord> {
    auto s = c.prepare(std::string("SELECT ") + kRoutingColumns +
                       " FROM routings WHERE channel = ? AND message_id = ? AND platform = ?"
                       " ORDER BY id DESC LIMIT 1");
    s->bind(1, channel);
    s->bind(2, message_id);
    s->bind(3, platform);
    if (!s->executeStep()) return std::nullopt;
    return routing_from_row(*s);
  });
}

bool SqliteStore::change_routing_status(const StatusChange& change) {
  return write("change_routing_status", [&](Connection& c) {
    std::string from_status, team_id, topic;
    Role from_role = Role::none;
    {
      auto s = c.prepare("SELECT status, role, team_id, topic FROM routings WHERE id = ?");
      s->bind(1, static_cast<std::int64_t>(change.routing_id));
      if (!s->executeStep()) return false;
      from_status = s->getColumn(0).getString();
      from_role = role_of(s->getColumn(1));
      team_id = s->getColumn(2).getString();
      topic = s->getColumn(3).getString();
    }
    if (change.if_role && *change.if_role != from_role) return false;
    Role new_role = change.new_role;
    if (new_role == Role::none && change.to == RoutingStatus::reassigned) {
      new_role = other_role(from_role);
    }
    const Role role_after = new_role != Role::none ? new_role : from_role;
    {
      auto s = c.prepare("UPDATE routings SET status = ?, role = ?, updated_at = ? WHERE id = ?");
      s->bind(1, std::string(to_string(change.to)));
      s->bind(2, std::string(to_string(role_after)));
      s->bind(3, static_cast<std::int64_t>(change.at));
      s->bind(4, static_cast<std::int64_t>(change.routing_id));
      s->exec();
    }
    {
      auto s = c.prepare(
          "INSERT INTO status_changes (routing_id, team_id, topic, from_status, to_status, "
          "from_role, new_role, changed_by, at) VALUES (?,?,?,?,?,?,?,?,?)");
      s->bind(1, static_cast<std::int64_t>(change.routing_id));
      s->bind(2, team_id);
      s->bind(3, topic);
      s->bind(4, from_status);
      s->bind(5, std::string(to_string(change.to)));
      s->bind(6, std::string(to_string(from_role)));
      s->bind(7, std::string(to_string(new_role)));
      s->bind(8, change.by);
      s->bind(9, static_cast<std::int64_t>(change.at));
      s->exec();
    }
    return true;
  });
}

std::vector<RoutingRecord> SqliteStore::list_routings(const ListFilter& f) {
  return read_bulk("list_routings", [&](Connection& c) {
    auto s =
        c.prepare(std::string("SELECT ") + kRoutingColumns + " FROM routings" +
                  where_clause(f, true) + " ORDER BY created_at DESC, id DESC" + limit_clause(f));
    bind_filter(*s, f);
    std::vector<RoutingRecord> out;
    while (s->executeStep()) out.push_back(routing_from_row(*s));
    return out;
  });
}

std::vector<CorrectionCount> SqliteStore::correction_counts(const std::string& team_id) {
  return read("correction_counts", [&](Connection& c) {
    auto s = c.prepare(
        "SELECT topic, from_role, to_role, count FROM correction_totals WHERE team_id = ?");
    s->bind(1, team_id);
    std::vector<CorrectionCount> out;
    while (s->executeStep()) {
      out.push_back({s->getColumn(0).getString(), role_of(s->getColumn(1)),
                     role_of(s->getColumn(2)), s->getColumn(3).getInt()});
    }
    return out;
  });
}

std::vector<StatusChange> SqliteStore::status_changes(const std::string& team_id,
                                                      std::int64_t since, std::int64_t until) {
  return read_bulk("status_changes", [&](Connection& c) {
    auto s = c.prepare(std::string("SELECT ") + kChangeColumns +
                       " FROM status_changes WHERE team_id = ?1 AND at >= ?2" +
                       (until != 0 ? " AND at < ?3" : "") + " ORDER BY at, id");
    s->bind(1, team_id);
    s->bind(2, static_cast<std::int64_t>(since));
    if (until != 0) s->bind(3, static_cast<std::int64_t>(until));
    std::vector<StatusChange> out;
    while (s->executeStep()) out.push_back(change_from_row(*s));
    return out;
  });
}

// ---------------------------------------------------------------- decisions

std::int64_t SqliteStore::record_decision(const DecisionRecord& d) {
  return write("record_decision", [&](Connection& c) {
    auto s = c.prepare(
        "INSERT INTO decisions (platform, team_id, role, text, decided_by, channel, link, "
        "created_at) VALUES (?,?,?,?,?,?,?,?)");
    s->bind(1, d.platform);
    s->bind(2, d.team_id);
    s->bind(3, std::string(to_string(d.role)));
    s->bind(4, d.text);
    s->bind(5, d.decided_by);
    s->bind(6, d.channel);
    s->bind(7, d.link);
    s->bind(8, static_cast<std::int64_t>(d.created_at));
    s->exec();
    return c.db().getLastInsertRowid();
  });
}

std::vector<DecisionRecord> SqliteStore::list_decisions(const ListFilter& f) {
  return read_bulk("list_decisions", [&](Connection& c) {
    auto s =
        c.prepare(std::string("SELECT ") + kDecisionColumns + " FROM decisions" +
                  where_clause(f, false) + " ORDER BY created_at DESC, id DESC" + limit_clause(f));
    bind_filter(*s, f);
    std::vector<DecisionRecord> out;
    while (s->executeStep()) out.push_back(decision_from_row(*s));
    return out;
  });
}

std::vector<DecisionRecord> SqliteStore::search_decisions(const std::string& team_id,
                                                          const std::string& text,
                                                          std::optional<Role> role, int limit) {
  return read_bulk("search_decisions", [&](Connection& c) {
    // instr() on lower(): a plain substring, so %, _ and \ in the text mean
    // themselves (LIKE would need escaping). lower() folds ASCII only, as
    // the contract says.
    std::string sql = std::string("SELECT ") + kDecisionColumns + " FROM decisions WHERE 1";
    if (!team_id.empty()) sql += " AND team_id = :team";
    if (!text.empty()) sql += " AND instr(lower(text), lower(:text)) > 0";
    if (role) sql += " AND role = :role";
    sql += " ORDER BY created_at DESC, id DESC LIMIT :limit";
    auto s = c.prepare(sql);
    if (!team_id.empty()) s->bind(":team", team_id);
    if (!text.empty()) s->bind(":text", text);
    if (role) s->bind(":role", std::string(to_string(*role)));
    s->bind(":limit", static_cast<std::int64_t>(limit > 0 ? limit : 1));
    std::vector<DecisionRecord> out;
    while (s->executeStep()) out.push_back(decision_from_row(*s));
    return out;
  });
}

// ---------------------------------------------------------------- dedupe

bool SqliteStore::remember_event(const std::string& key, std::int64_t now,
                                 std::int64_t expires_at) {
  return write("remember_event", [&](Connection& c) {
    auto s = c.prepare(
        "INSERT INTO processed_events (event_key, seen_at, expires_at) VALUES (?1, ?2, ?3) "
        "ON CONFLICT (event_key) DO UPDATE SET seen_at = excluded.seen_at, "
        "expires_at = excluded.expires_at WHERE processed_events.expires_at <= excluded.seen_at");
    s->bind(1, key);
    s->bind(2, static_cast<std::int64_t>(now));
    s->bind(3, static_cast<std::int64_t>(expires_at));
    return s->exec() == 1;
  });
}

bool SqliteStore::event_seen(const std::string& key, std::int64_t now) {
  return read("event_seen", [&](Connection& c) {
    auto s = c.prepare("SELECT 1 FROM processed_events WHERE event_key = ?1 AND expires_at > ?2");
    s->bind(1, key);
    s->bind(2, static_cast<std::int64_t>(now));
    return s->executeStep();
  });
}

// ---------------------------------------------------------------- outbox

bool SqliteStore::enqueue(const OutboxMessage& m, std::int64_t now) {
  return write("enqueue", [&](Connection& c) {
    auto s = c.prepare(
        "INSERT INTO outbox (destination, target, payload, idempotency_key, next_attempt_at, "
        "created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?5) ON CONFLICT (idempotency_key) DO NOTHING");
    s->bind(1, m.destination);
    s->bind(2, m.target);
    s->bind(3, m.payload);
    s->bind(4, m.idempotency_key);
    s->bind(5, static_cast<std::int64_t>(now));
    return s->exec() == 1;
  });
}

std::vector<OutboxRow> SqliteStore::due_outbox(std::int64_t now, int limit, std::int64_t after_id) {
  return read("due_outbox", [&](Connection& c) {
    auto s = c.prepare(std::string("SELECT ") + kOutboxColumns +
                       " FROM outbox WHERE state = 'pending' AND next_attempt_at <= ?1 "
                       "AND id > ?3 ORDER BY id LIMIT ?2");
    s->bind(1, static_cast<std::int64_t>(now));
    s->bind(2, static_cast<std::int64_t>(limit > 0 ? limit : -1));
    s->bind(3, static_cast<std::int64_t>(after_id));
    std::vector<OutboxRow> out;
    while (s->executeStep()) out.push_back(outbox_from_row(*s));
    return out;
  });
}

std::vector<OutboxRow> SqliteStore::claim_outbox(std::int64_t now, int limit,
                                                 std::int64_t lease_seconds,
                                                 const std::string& owner, std::int64_t after_id) {
  auto rows = write("claim_outbox", [&](Connection& c) {
    auto s = c.prepare(std::string("UPDATE outbox SET claimed_until = ?2, claimed_by = ?4 "
                                   "WHERE id IN (SELECT id FROM outbox WHERE state = 'pending' "
                                   "AND next_attempt_at <= ?1 AND id > ?5 AND (claimed_until <= ?1 "
                                   "OR claimed_by = ?4) ORDER BY id LIMIT ?3) RETURNING ") +
                       kOutboxColumns);
    s->bind(1, static_cast<std::int64_t>(now));
    s->bind(2, static_cast<std::int64_t>(now + lease_seconds));
    s->bind(3, static_cast<std::int64_t>(limit > 0 ? limit : -1));
    s->bind(4, owner);
    s->bind(5, static_cast<std::int64_t>(after_id));
    std::vector<OutboxRow> out;
    while (s->executeStep()) out.push_back(outbox_from_row(*s));
    return out;
  });
  // RETURNING gives no order.
  std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
  return rows;
}

std::optional<std::int64_t> SqliteStore::next_outbox_due(std::optional<std::int64_t> after) {
  return read("next_outbox_due", [&](Connection& c) -> std::optional<std::int64_t> {
    auto s = c.prepare(
        "SELECT min(max(next_attempt_at, claimed_until)) FROM outbox WHERE state = 'pending' "
        "AND max(next_attempt_at, claimed_until) > ?1");
    s->bind(1, static_cast<std::int64_t>(after.value_or(std::numeric_limits<std::int64_t>::min())));
    if (!s->executeStep() || s->isColumnNull(0)) return std::nullopt;
    return s->getColumn(0).getInt64();
  });
}

void SqliteStore::mark_attempt_started(std::int64_t id, std::int64_t now) {
  write("mark_attempt_started", [&](Connection& c) {
    auto s =
        c.prepare("UPDATE outbox SET attempt_started_at = ?1 WHERE id = ?2 AND state = 'pending'");
    s->bind(1, static_cast<std::int64_t>(now));
    s->bind(2, static_cast<std::int64_t>(id));
    return s->exec();
  });
}

void SqliteStore::mark_delivered(std::int64_t id, std::int64_t now) {
  write("mark_delivered", [&](Connection& c) {
    auto s = c.prepare(
        "UPDATE outbox SET state = 'delivered', attempts = attempts + 1, delivered_at = ?1, "
        "last_error = '', attempt_started_at = NULL, claimed_until = 0, claimed_by = '' WHERE id = "
        "?2");
    s->bind(1, static_cast<std::int64_t>(now));
    s->bind(2, static_cast<std::int64_t>(id));
    return s->exec();
  });
}

void SqliteStore::mark_retry(std::int64_t id, std::int64_t next_attempt_at,
                             const std::string& error, SentState sent) {
  write("mark_retry", [&](Connection& c) {
    // Two statements (not a CASE on a bound flag) so each stays a plain
    // cached statement.
    auto s = c.prepare(
        sent == SentState::not_sent
            ? "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?1, last_error = ?2, "
              "attempt_started_at = NULL, claimed_until = 0, claimed_by = '' WHERE id = ?3 AND "
              "state = 'pending'"
            : "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?1, last_error = ?2, "
              "claimed_until = 0, claimed_by = '' WHERE id = ?3 AND state = 'pending'");
    s->bind(1, static_cast<std::int64_t>(next_attempt_at));
    s->bind(2, error);
    s->bind(3, static_cast<std::int64_t>(id));
    return s->exec();
  });
}

void SqliteStore::mark_failed(std::int64_t id, const std::string& error) {
  write("mark_failed", [&](Connection& c) {
    auto s = c.prepare(
        "UPDATE outbox SET state = 'failed', attempts = attempts + 1, last_error = ?1, "
        "attempt_started_at = NULL, claimed_until = 0, claimed_by = '' WHERE id = ?2 AND state = "
        "'pending'");
    s->bind(1, error);
    s->bind(2, static_cast<std::int64_t>(id));
    return s->exec();
  });
}

std::int64_t SqliteStore::outbox_depth() {
  return read("outbox_depth", [&](Connection& c) {
    auto s = c.prepare("SELECT count(*) FROM outbox WHERE state = 'pending'");
    s->executeStep();
    return s->getColumn(0).getInt64();
  });
}

// ---------------------------------------------------------------- digests

bool SqliteStore::mark_digest_sent(const std::string& team_id, const std::string& iso_week,
                                   const std::string& destination, std::int64_t now) {
  return write("mark_digest_sent", [&](Connection& c) {
    auto s = c.prepare(
        "INSERT INTO digests_sent (team_id, iso_week, destination, sent_at) VALUES (?,?,?,?) "
        "ON CONFLICT DO NOTHING");
    s->bind(1, team_id);
    s->bind(2, iso_week);
    s->bind(3, destination);
    s->bind(4, static_cast<std::int64_t>(now));
    return s->exec() == 1;
  });
}

bool SqliteStore::digest_sent(const std::string& team_id, const std::string& iso_week,
                              const std::string& destination) {
  return read("digest_sent", [&](Connection& c) {
    auto s = c.prepare(
        "SELECT 1 FROM digests_sent WHERE team_id = ? AND iso_week = ? AND destination = ?");
    s->bind(1, team_id);
    s->bind(2, iso_week);
    s->bind(3, destination);
    return s->executeStep();
  });
}

// ---------------------------------------------------------------- maintenance

std::int64_t SqliteStore::apply_retention(std::int64_t now, int days) {
  return *retention(now, days, nullptr);
}

std::optional<std::int64_t> SqliteStore::apply_retention(std::int64_t now, int days,
                                                         const Fence& fence) {
  return retention(now, days, &fence);
}

namespace {
bool fence_holds(Connection& c, const Fence& fence) {
  auto s = c.prepare("SELECT 1 FROM leases WHERE name = ? AND token = ?");
  s->bind(1, fence.name);
  s->bind(2, static_cast<std::int64_t>(fence.token));
  return s->executeStep();
}
}  // namespace

std::optional<std::int64_t> SqliteStore::retention(std::int64_t now, int days, const Fence* fence) {
  std::int64_t touched = 0;
  bool fenced_out = false;
  auto drain = [&](const char* op, const std::string& sql, std::int64_t bound) {
    while (!fenced_out) {
      const int n = write(op, [&](Connection& c) {
        if (fence && !fence_holds(c, *fence)) {
          fenced_out = true;
          return 0;
        }
        auto s = c.prepare(sql);
        s->bind(1, static_cast<std::int64_t>(bound));
        s->bind(2, kRetentionChunk);
        return s->exec();
      });
      touched += n;
      if (n < kRetentionChunk) break;
    }
  };
  if (days > 0) {
    const std::int64_t cutoff = now - static_cast<std::int64_t>(days) * kDay;
    drain("retention (routing texts)",
          "UPDATE routings SET text = '' WHERE id IN (SELECT id FROM routings "
          "WHERE text <> '' AND created_at < ?1 LIMIT ?2)",
          cutoff);
    drain("retention (decision texts)",
          "UPDATE decisions SET text = '' WHERE id IN (SELECT id FROM decisions "
          "WHERE created_at < ?1 AND text <> '' LIMIT ?2)",
          cutoff);
    drain("retention (outbox)",
          "DELETE FROM outbox WHERE id IN (SELECT id FROM outbox "
          "WHERE state <> 'pending' AND created_at < ?1 LIMIT ?2)",
          cutoff);
  }
  drain("retention (dedupe keys)",
        "DELETE FROM processed_events WHERE event_key IN (SELECT event_key FROM processed_events "
        "WHERE expires_at <= ?1 LIMIT ?2)",
        now);
  if (fenced_out) return std::nullopt;
  return touched;
}

// ---------------------------------------------------------------- leases

std::optional<std::int64_t> SqliteStore::acquire_lease(const std::string& name,
                                                       const std::string& holder, std::int64_t now,
                                                       std::int64_t ttl_seconds) {
  return write("acquire_lease", [&](Connection& c) -> std::optional<std::int64_t> {
    auto s = c.prepare(
        "INSERT INTO leases (name, holder, token, expires_at) VALUES (?1, ?2, 1, ?4) "
        "ON CONFLICT (name) DO UPDATE SET "
        "token = CASE WHEN leases.holder = excluded.holder AND leases.expires_at > ?3 "
        "THEN leases.token ELSE leases.token + 1 END, "
        "holder = excluded.holder, expires_at = excluded.expires_at "
        "WHERE leases.expires_at <= ?3 OR leases.holder = excluded.holder "
        "RETURNING token");
    s->bind(1, name);
    s->bind(2, holder);
    s->bind(3, static_cast<std::int64_t>(now));
    s->bind(4, static_cast<std::int64_t>(now + ttl_seconds));
    if (!s->executeStep()) return std::nullopt;
    const std::int64_t token = s->getColumn(0).getInt64();
    while (s->executeStep()) {
    }
    return token;
  });
}

bool SqliteStore::release_lease(const std::string& name, const std::string& holder,
                                std::int64_t token) {
  return write("release_lease", [&](Connection& c) {
    auto s = c.prepare(
        "UPDATE leases SET expires_at = 0 WHERE name = ? AND holder = ? AND token = ? AND "
        "expires_at > 0");
    s->bind(1, name);
    s->bind(2, holder);
    s->bind(3, static_cast<std::int64_t>(token));
    return s->exec() == 1;
  });
}

bool SqliteStore::lease_valid(const Fence& fence) {
  // On the writer: inside write_batch this is the batch's own transaction.
  return write("lease_valid", [&](Connection& c) { return fence_holds(c, fence); });
}

// ---------------------------------------------------------------- pacing

std::optional<std::int64_t> SqliteStore::take_send_slot(const std::string& destination,
                                                        std::int64_t now_ms,
                                                        std::int64_t interval_ms) {
  std::lock_guard lock(pacing_mu_);
  auto [it, inserted] = next_send_ms_.try_emplace(destination, now_ms + interval_ms);
  if (inserted) {
    // Few destinations are busy at once: forget the free ones past a few hundred.
    if (next_send_ms_.size() > 256) {
      std::erase_if(next_send_ms_, [&](const auto& kv) { return kv.second <= now_ms; });
    }
    return std::nullopt;
  }
  if (it->second > now_ms) return it->second;
  it->second = now_ms + interval_ms;
  return std::nullopt;
}

void SqliteStore::hold_destination(const std::string& destination, std::int64_t until_ms) {
  std::lock_guard lock(pacing_mu_);
  auto [it, inserted] = next_send_ms_.try_emplace(destination, until_ms);
  if (!inserted && until_ms > it->second) it->second = until_ms;
}

void SqliteStore::write_batch(const std::function<void(Store& store)>& fn) {
  write("write_batch", [&](Connection&) {
    const SqliteStore* outer = t_batch_store;
    t_batch_store = this;
    try {
      fn(*this);
    } catch (...) {
      t_batch_store = outer;
      throw;
    }
    t_batch_store = outer;
    return 0;
  });
}

void SqliteStore::backup(const std::string& path) {
  const fs::path target(path);
  std::error_code ec;
  if (fs::exists(target, ec) && fs::equivalent(target, fs::path(path_), ec)) {
    throw StoreError("backup " + path + ": that is the live database itself");
  }
  if (fs::is_directory(target, ec)) {
    throw StoreError("backup " + path + ": the path is a directory");
  }
  if (fs::is_regular_file(target, ec) && fs::file_size(target, ec) > 0) {
    // Never clobber something that is not an earlier backup.
    char magic[16] = {};
    std::ifstream(target, std::ios::binary).read(magic, sizeof magic);
    if (std::string_view(magic, sizeof magic) != std::string_view("SQLite format 3\0", 16)) {
      throw StoreError("backup " + path +
                       ": a file that is not an SQLite database is in the way; refusing to "
                       "overwrite it");
    }
  }
  if (target.has_parent_path()) {
    fs::create_directories(target.parent_path(), ec);
    if (ec) {
      throw StoreError("backup " + path + ": cannot create directory " +
                       target.parent_path().string() + ": " + ec.message());
    }
  }
  read_bulk("backup", [&](Connection& c) {
    try {
      SQLite::Database dest(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE,
                            options_.busy_timeout_ms);
      SQLite::Backup b(dest, c.db());
      // -1: every page in one step, so the copy is one consistent snapshot.
      const int rc = b.executeStep(-1);
      if (rc != SQLITE_DONE) {
        throw StoreError("backup " + path + ": " + sqlite3_errstr(rc));
      }
    } catch (const SQLite::Exception& e) {
      throw StoreError("backup " + path + ": " + e.what());
    }
    return 0;
  });
}

}  // namespace rolecall
