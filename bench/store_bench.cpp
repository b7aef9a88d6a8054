// Storage benchmarks (SqliteStore, WAL, synchronous=NORMAL as the daemon runs it):
//  - inserting routing rows: one record_routing per inbound request, from
//    1-64 threads; each call returns only after a commit that holds its row
//    (with group commit, concurrent calls may share that commit);
//  - the inbound request's whole store work (dedupe key, correction counts,
//    routing row);
//  - the weekly digest's queries for one team and one week over a database of
//    1,000,000 routings (built once by bulk SQL, then queried through the Store).
// Results and the machine they ran on: bench/RESULTS.md ("Storage").

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <benchmark/benchmark.h>
#include <stdlib.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <random>
#include <string>

#include "bench/weekly_summary.hpp"
#include "core/digest.hpp"
#include "storage/sha256.hpp"
#include "storage/sqlite/sqlite_store.hpp"
#include "storage/sqlite/wal_coalescing_vfs.hpp"

namespace {

using namespace rolecall;

using bench::kWeek;
constexpr std::int64_t kStart = 1'735'516'800;  // Monday 2024-12-30 00:00 UTC (ISO 2025-W01)
constexpr int kWeeks = 52;
constexpr std::int64_t kNow = kStart + kWeeks * kWeek;
constexpr int kRows = 1'000'000;
constexpr int kTeams = 10;

std::filesystem::path g_dir;

std::string message_text(std::mt19937& rng) {
  static const char* words[] = {"who",        "owns",     "the",    "backlog",  "priority",
                                "for",        "next",     "sprint", "roadmap",  "release",
                                "acceptance", "criteria", "story",  "customer", "interview",
                                "pricing",    "scope",    "demo"};
  std::string t;
  const int n = 12 + static_cast<int>(rng() % 24);
  for (int i = 0; i < n; ++i) {
    if (i) t += ' ';
    t += words[rng() % (sizeof words / sizeof *words)];
  }
  return t + "?";
}

RoutingRecord request_row(std::mt19937& rng, std::int64_t at) {
  RoutingRecord r;
  r.platform = "slack";
  r.team_id =
      std::to_string(rng() % kTeams).insert(0, 1, 'T');  // GCC 12 -Wrestrict false alarm on "T" + s
  r.channel = "C0INTAKE" + std::to_string(rng() % 4);
  r.message_id = std::to_string(at) + ".000100";
  r.link = "https://example.slack.com/archives/C0INTAKE/p" + std::to_string(at) + "000100";
  r.author = "U0AUTHOR" + std::to_string(rng() % 50);
  r.text = message_text(rng);
  r.text_hash = sha256_hex(r.text);
  r.intent = Intent::request;
  r.role = r.original_role = (rng() % 2) ? Role::product_manager : Role::product_owner;
  r.topic = "topic_" + std::to_string(rng() % 54);
  r.confidence = 0.8;
  r.assignee = "U0OWNER";
  r.created_at = r.updated_at = at;
  return r;
}

// ------------------------------------------------------------------ inserts

constexpr std::size_t kPool = 8192;
std::atomic<std::int64_t> g_clock{kStart};

std::vector<RoutingRecord> request_rows(int seed) {
  std::mt19937 rng(static_cast<unsigned>(seed));
  std::vector<RoutingRecord> rows;
  rows.reserve(kPool);
  for (std::size_t i = 0; i < kPool; ++i) rows.push_back(request_row(rng, g_clock.fetch_add(1)));
  return rows;
}

std::unique_ptr<SqliteStore> g_insert_store;
int g_db_counter = 0;
WalWriteCounts g_wal_writes_at_open;

// range(0): the store's max_batch (1 = no group commit: one transaction per
// write); range(1): checkpoint_pages (0 = SQLite checkpoints inside commits).
// page_size: of the new file (0 = the store's default, 2 KiB). wal_coalescing:
// open through the WAL-coalescing VFS (off = stock SQLite, the default).
void open_insert_store(benchmark::State& state, const char* name, int page_size = 0,
                       bool wal_coalescing = false) {
  SqliteStoreOptions options;
  options.max_batch = static_cast<std::size_t>(state.range(0));
  options.checkpoint_pages = static_cast<int>(state.range(1));
  if (page_size > 0) options.page_size = page_size;
  options.wal_coalescing = wal_coalescing;
  g_insert_store = std::make_unique<SqliteStore>(
      (g_dir / (name + std::to_string(++g_db_counter) + ".db")).string(), options);
  g_wal_writes_at_open = wal_write_counts();
}

void close_insert_store(benchmark::State& state) {
  const auto stats = g_insert_store->write_stats();
  state.counters["writes_per_commit"] =
      stats.transactions ? static_cast<double>(stats.writes) / stats.transactions : 0;
  state.counters["ckpt_bg"] = static_cast<double>(stats.background_checkpoints);
  state.counters["ckpt_inline"] = static_cast<double>(stats.inline_checkpoints);
  // write() calls on the WAL per commit (storage/sqlite/wal_coalescing_vfs.hpp):
  // SQLite asks for two per page; the VFS issues about one per commit. Only
  // counted through the VFS: 0 for a stock store.
  const auto wal = wal_write_counts();
  state.counters["wal_writes_per_commit"] =
      stats.transactions ? static_cast<double>(wal.issued - g_wal_writes_at_open.issued) /
                               static_cast<double>(stats.transactions)
                         : 0;
  g_insert_store.reset();
}

void record_routings(benchmark::State& state, int page_size, bool wal_coalescing) {
  if (state.thread_index() == 0) open_insert_store(state, "insert-", page_size, wal_coalescing);
  // Records are built (with their SHA-256) before timing: that is not the store's work.
  const auto rows = request_rows(state.thread_index() + 1);
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(g_insert_store->record_routing(rows[i++ % rows.size()]));
  }
  state.SetItemsProcessed(state.iterations());
  if (state.thread_index() == 0) close_insert_store(state);
}
// range(2): 1 = through the WAL-coalescing VFS (storage.wal_coalescing: true).
void BM_RecordRouting(benchmark::State& state) { record_routings(state, 0, state.range(2) != 0); }
// The same on a file with SQLite's default 4 KiB pages (the store's default
// before 2026-11-23, and what files created before then keep).
void BM_RecordRouting4KiBPages(benchmark::State& state) { record_routings(state, 4096, false); }
// Without group commit, with SQLite's own checkpoints and with the thread.
BENCHMARK(BM_RecordRouting)
    ->ArgNames({"max_batch", "ckpt_pages", "vfs"})
    ->Args({1, 0, 0})
    ->Args({1, 1000, 0})
    ->ThreadRange(1, 16)
    ->UseRealTime()
    ->MinTime(2.0);
// As the daemon runs it (vfs:0, stock SQLite, the default), and with the
// WAL-coalescing VFS (vfs:1) for comparison.
BENCHMARK(BM_RecordRouting)
    ->ArgNames({"max_batch", "ckpt_pages", "vfs"})
    ->Args({256, 1000, 0})
    ->Args({256, 1000, 1})
    ->ThreadRange(1, 64)
    ->UseRealTime()
    ->MinTime(2.0);

BENCHMARK(BM_RecordRouting4KiBPages)
    ->ArgNames({"max_batch", "ckpt_pages"})
    ->Args({256, 1000})
    ->Threads(1)
    ->Threads(2)
    ->Threads(16)
    ->UseRealTime()
    ->MinTime(2.0);

// What one inbound request asks of the store before it answers: the dedupe
// key, the team's correction counts (read), the routing row.
void BM_InboundRequest(benchmark::State& state) {
  if (state.thread_index() == 0) open_insert_store(state, "request-");
  const auto rows = request_rows(state.thread_index() + 100);
  std::vector<std::string> keys;
  for (const auto& r : rows) keys.push_back("slack:Ev" + std::to_string(r.created_at));
  std::size_t i = 0;
  for (auto _ : state) {
    // Keys repeat after kPool iterations: a duplicate is the same work (one statement).
    const auto& r = rows[i % rows.size()];
    g_insert_store->remember_event(keys[i % rows.size()], r.created_at, r.created_at + 3600);
    benchmark::DoNotOptimize(g_insert_store->correction_counts(r.team_id));
    benchmark::DoNotOptimize(g_insert_store->record_routing(r));
    ++i;
  }
  state.SetItemsProcessed(state.iterations());
  if (state.thread_index() == 0) close_insert_store(state);
}
BENCHMARK(BM_InboundRequest)
    ->ArgNames({"max_batch", "ckpt_pages"})
    ->Args({256, 1000})
    ->Threads(1)
    ->Threads(4)
    ->Threads(16)
    ->UseRealTime()
    ->MinTime(2.0);

// The same request with its two writes in one write_batch (one commit).
void BM_InboundRequestBatched(benchmark::State& state) {
  if (state.thread_index() == 0) open_insert_store(state, "request-batched-");
  const auto rows = request_rows(state.thread_index() + 200);
  std::vector<std::string> keys;
  for (const auto& r : rows) keys.push_back("slack:Ev" + std::to_string(r.created_at));
  std::size_t i = 0;
  for (auto _ : state) {
    const auto& r = rows[i % rows.size()];
    const auto& key = keys[i % rows.size()];
    benchmark::DoNotOptimize(g_insert_store->correction_counts(r.team_id));
    g_insert_store->write_batch([&](Store& s) {
      s.remember_event(key, r.created_at, r.created_at + 3600);
      benchmark::DoNotOptimize(s.record_routing(r));
    });
    ++i;
  }
  state.SetItemsProcessed(state.iterations());
  if (state.thread_index() == 0) close_insert_store(state);
}
BENCHMARK(BM_InboundRequestBatched)
    ->ArgNames({"max_batch", "ckpt_pages"})
    ->Args({256, 1000})
    ->Threads(1)
    ->Threads(4)
    ->Threads(16)
    ->UseRealTime()
    ->MinTime(2.0);

// Bulk: 100 routings per write_batch (an import, a replay), one thread.
void BM_RecordRoutingBulk(benchmark::State& state) {
  open_insert_store(state, "bulk-");
  const auto rows = request_rows(300);
  std::size_t i = 0;
  for (auto _ : state) {
    g_insert_store->write_batch([&](Store& s) {
      for (int k = 0; k < 100; ++k) benchmark::DoNotOptimize(s.record_routing(rows[i++ % kPool]));
    });
  }
  state.SetItemsProcessed(state.iterations() * 100);
  close_insert_store(state);
}
BENCHMARK(BM_RecordRoutingBulk)
    ->ArgNames({"max_batch", "ckpt_pages"})
    ->Args({256, 1000})
    ->UseRealTime()
    ->MinTime(2.0);

// ------------------------------------------------------------------ 1M rows

std::string g_big_path;
std::unique_ptr<SqliteStore> g_big;

// Team T0 is a big team (half the traffic); T1..T9 share the other half.
std::string team_for(std::mt19937& rng) {
  return rng() % 2 ? "T0" : "T" + std::to_string(1 + rng() % (kTeams - 1));
}

void build_big_database() {
  g_big_path = (g_dir / "million.db").string();
  { SqliteStore create(g_big_path); }  // schema and WAL as the daemon has them
  const auto t0 = std::chrono::steady_clock::now();
  SQLite::Database db(g_big_path, SQLite::OPEN_READWRITE);
  db.exec("PRAGMA synchronous = OFF");
  db.exec("BEGIN");
  SQLite::Statement ins(db,
                        "INSERT INTO routings (platform, team_id, channel, message_id, link, "
                        "author, text, text_hash, intent, role, original_role, topic, "
                        "confidence, assignee, status, reply_ref, created_at, updated_at) "
                        "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
  SQLite::Statement change(db,
                           "INSERT INTO status_changes (routing_id, team_id, topic, "
                           "from_status, to_status, from_role, new_role, changed_by, at) "
                           "VALUES (?,?,?,'open',?,?,?,?,?)");
  SQLite::Statement decision(db,
                             "INSERT INTO decisions (platform, team_id, role, text, decided_by, "
                             "channel, link, created_at) VALUES ('slack',?,?,?,?,?,?,?)");
  std::mt19937 rng(42);
  for (int i = 0; i < kRows; ++i) {
    const std::int64_t at = kStart + static_cast<std::int64_t>(i) * (kNow - kStart) / kRows;
    const std::string team = team_for(rng);
    const std::string text = message_text(rng);
    const bool pm = rng() % 2;
    const std::string role = pm ? "product_manager" : "product_owner";
    const std::string other = pm ? "product_owner" : "product_manager";
    const std::string topic = "topic_" + std::to_string(rng() % 54);
    // Most routings get acknowledged, some reassigned; recent ones are
    // more often still open.
    const bool recent = at > kNow - 2 * kWeek;
    const unsigned dice = rng() % 100;
    std::string status = "acknowledged";
    if (dice < (recent ? 30u : 1u))
      status = "open";
    else if (dice < (recent ? 36u : 7u))
      status = "reassigned";
    ins.bind(1, "slack");
    ins.bind(2, team);
    ins.bind(3, "C0INTAKE" + std::to_string(rng() % 4));
    ins.bind(4, std::to_string(at) + ".000100");
    ins.bind(5, "https://example.slack.com/archives/C0INTAKE/p" + std::to_string(at));
    ins.bind(6, "U0AUTHOR" + std::to_string(rng() % 50));
    ins.bind(7, text);
    ins.bind(8, sha256_hex(text));
    ins.bind(9, rng() % 3 ? "request" : "question");
    ins.bind(10, status == "reassigned" ? other : role);
    ins.bind(11, role);
    ins.bind(12, topic);
    ins.bind(13, 0.7);
    ins.bind(14, "U0OWNER");
    ins.bind(15, status);
    ins.bind(16, "C0INTAKE:" + std::to_string(at) + ".000200");
    ins.bind(17, static_cast<std::int64_t>(at));
    ins.bind(18, static_cast<std::int64_t>(at));
    ins.exec();
    ins.reset();
    if (status != "open") {
      change.bind(1, static_cast<std::int64_t>(db.getLastInsertRowid()));
      change.bind(2, team);
      change.bind(3, topic);
      change.bind(4, status);
      change.bind(5, role);
      change.bind(6, status == "reassigned" ? other : "none");
      change.bind(7, "U0OWNER");
      change.bind(8, static_cast<std::int64_t>(at + 3600));
      change.exec();
      change.reset();
    }
    if (i % 50 == 0) {
      decision.bind(1, team);
      decision.bind(2, role);
      decision.bind(3, "decided: " + text);
      decision.bind(4, "U0PM");
      decision.bind(5, "C0INTAKE0");
      decision.bind(6, "https://example.slack.com/archives/C0INTAKE0/p" + std::to_string(at));
      decision.bind(7, static_cast<std::int64_t>(at));
      decision.exec();
      decision.reset();
    }
    if (i % 100'000 == 99'999) {
      db.exec("COMMIT");
      db.exec("BEGIN");
    }
  }
  db.exec("COMMIT");
  db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::fprintf(stderr, "built %d routings in %.1f s (%.1f MiB)\n", kRows, secs,
               static_cast<double>(std::filesystem::file_size(g_big_path)) / (1 << 20));
}

SqliteStore& big_store() {
  if (!g_big) {
    const auto kept = g_dir / "million.db";
    if (std::getenv("ROLECALL_BENCH_DIR") && std::filesystem::exists(kept)) {
      g_big_path = kept.string();
    } else {
      build_big_database();
    }
    g_big = std::make_unique<SqliteStore>(g_big_path);
  }
  return *g_big;
}

using bench::weekly_summary;

void BM_WeeklySummary(benchmark::State& state, const char* team) {
  auto& s = big_store();
  const std::int64_t last_week = kNow - kWeek;
  std::size_t rows = 0;
  for (auto _ : state) rows = weekly_summary(s, team, last_week);
  state.counters["rows"] = static_cast<double>(rows);
}
BENCHMARK_CAPTURE(BM_WeeklySummary, big_team_T0, "T0")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_WeeklySummary, small_team_T5, "T5")->Unit(benchmark::kMillisecond);

// The five queries of weekly_summary one by one, for the big team.
void BM_SummaryPart(benchmark::State& state) {
  auto& s = big_store();
  const std::int64_t since = kNow - kWeek, until = kNow;
  ListFilter week;
  week.team_id = "T0";
  week.since = since;
  week.until = until;
  std::size_t rows = 0;
  for (auto _ : state) {
    switch (state.range(0)) {
      case 0: rows = s.list_routings(week).size(); break;
      case 1: rows = s.status_changes("T0", since, until).size(); break;
      case 2: {
        ListFilter open;
        open.team_id = "T0";
        open.until = until - 2 * 86400;
        open.status = RoutingStatus::open;
        rows = s.list_routings(open).size();
        break;
      }
      case 3: rows = s.list_decisions(week).size(); break;
      case 4: {
        ListFilter previous = week;
        previous.since -= kWeek;
        previous.until -= kWeek;
        rows = work_share(s.list_routings(previous)).strategy;
        break;
      }
    }
  }
  state.counters["rows"] = static_cast<double>(rows);
}
BENCHMARK(BM_SummaryPart)
    ->ArgName("query")  // 0 week's routings, 1 status changes, 2 open, 3 decisions, 4 counts
    ->DenseRange(0, 4)
    ->Unit(benchmark::kMillisecond);

void BM_ListWeekOfRoutings(benchmark::State& state) {
  auto& s = big_store();
  ListFilter f;
  f.team_id = "T0";
  f.since = kNow - kWeek;
  f.until = kNow;
  std::size_t rows = 0;
  for (auto _ : state) rows = s.list_routings(f).size();
  state.counters["rows"] = static_cast<double>(rows);
}
BENCHMARK(BM_ListWeekOfRoutings)->Unit(benchmark::kMillisecond);

void BM_CorrectionCountsBigTeam(benchmark::State& state) {
  auto& s = big_store();
  std::size_t rows = 0;
  for (auto _ : state) rows = s.correction_counts("T0").size();
  state.counters["groups"] = static_cast<double>(rows);
}
BENCHMARK(BM_CorrectionCountsBigTeam)->Unit(benchmark::kMicrosecond);

// Daily retention over the million rows: texts older than 90 days, once.
void BM_RetentionOverMillion(benchmark::State& state) {
  auto& s = big_store();
  std::int64_t touched = 0;
  for (auto _ : state) touched = s.apply_retention(kNow, 90);
  state.counters["rows"] = static_cast<double>(touched);
}
BENCHMARK(BM_RetentionOverMillion)->Iterations(1)->Unit(benchmark::kMillisecond);

}  // namespace

int main(int argc, char** argv) {
  // ROLECALL_BENCH_DIR keeps the files (and reuses the 1M-row database) between runs.
  const char* keep = std::getenv("ROLECALL_BENCH_DIR");
  if (keep) {
    g_dir = keep;
    std::filesystem::create_directories(g_dir);
  } else {
    std::string tmpl = (std::filesystem::temp_directory_path() / "rolecall-bench-XXXXXX").string();
    if (!mkdtemp(tmpl.data())) return 1;
    g_dir = tmpl;
  }
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  g_big.reset();
  if (!keep) std::filesystem::remove_all(g_dir);
  return 0;
}
