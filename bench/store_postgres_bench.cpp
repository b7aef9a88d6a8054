// PostgreSQL storage benchmarks (PostgresStore):
//  - routing inserts per second (one record_routing per inbound request,
//    autocommit: one commit each), from 1-16 threads sharing one store's pool;
//    needs ROLECALL_BENCH_PG_URL (a database of its own; migrated at open);
//  - the weekly digest's queries for one team and one week over 1,000,000
//    routings (bench/weekly_summary.hpp, the same as the SQLite bench), built
//    once by bulk SQL with the SQLite bench's distribution: needs
//    ROLECALL_BENCH_PG_MILLION_URL, another database, empty (then it is filled,
//    ~1 min) or filled by an earlier run (then it is reused).
//   ROLECALL_BENCH_PG_URL='host=/tmp/pg dbname=bench user=rolecall'
//   ROLECALL_BENCH_PG_MILLION_URL='host=/tmp/pg dbname=million user=rolecall'
//   build/bench/store_postgres_bench
// A benchmark whose variable is unset says so and does nothing.
// Results: bench/RESULTS.md ("Storage", PostgreSQL).

#include <benchmark/benchmark.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include "bench/weekly_summary.hpp"
#include "storage/postgres/pg_connection.hpp"
#include "storage/postgres/postgres_store.hpp"
#include "storage/sha256.hpp"

namespace {

using namespace rolecall;

std::unique_ptr<PostgresStore> g_store;
std::atomic<std::int64_t> g_clock{1'735'516'800};

RoutingRecord row(std::int64_t at) {
  RoutingRecord r;
  r.platform = "slack";
  r.team_id = "T" + std::to_string(at % 10);
  r.channel = "C0INTAKE" + std::to_string(at % 4);
  r.message_id = std::to_string(at) + ".000100";
  r.link = "https://example.slack.com/archives/C0INTAKE/p" + std::to_string(at) + "000100";
  r.author = "U0AUTHOR";
  r.text = "who owns the backlog priority for the next sprint and the release scope?";
  r.text_hash = sha256_hex(r.text);
  r.intent = Intent::request;
  r.role = r.original_role = Role::product_owner;
  r.topic = "backlog_priority";
  r.confidence = 0.8;
  r.assignee = "U0OWNER";
  r.created_at = r.updated_at = at;
  return r;
}

void BM_PgRecordRouting(benchmark::State& state) {
  const char* url = std::getenv("ROLECALL_BENCH_PG_URL");
  if (url == nullptr) {
    state.SkipWithError("set ROLECALL_BENCH_PG_URL to a PostgreSQL connection string");
    return;
  }
  if (state.thread_index() == 0) {
    PostgresStoreOptions options;
    options.pool_size = 16;
    g_store = std::make_unique<PostgresStore>(url, options);
  }
  // Google Benchmark starts the timed loop of every thread together, after
  // thread 0's setup above.
  for (auto _ : state) {
    benchmark::DoNotOptimize(g_store->record_routing(row(g_clock.fetch_add(1))));
  }
  state.SetItemsProcessed(state.iterations());
  if (state.thread_index() == 0) {
    state.counters["pool_waits"] = static_cast<double>(g_store->pool_stats().waits);
  }
}
BENCHMARK(BM_PgRecordRouting)->Threads(1)->Threads(4)->Threads(16)->UseRealTime()->MinTime(3.0);

// ---------------------------------------------------------------- weekly summary

constexpr std::int64_t kStart = 1'735'516'800;  // Monday 2024-12-30 00:00 UTC (ISO 2025-W01)
constexpr std::int64_t kNow = kStart + 52 * bench::kWeek;
constexpr int kRows = 1'000'000;

std::unique_ptr<PostgresStore> g_million;

// The SQLite bench's database (bench/store_bench.cpp, build_big_database) in
// SQL: T0 half of all traffic, T1-T9 the rest; 98 % acknowledged or
// reassigned, recent weeks more often open; a status change per non-open
// routing an hour after it; a decision per 50 routings.
constexpr const char* kFillMillion = R"sql(
SELECT setseed(0.42);
INSERT INTO routings (platform, team_id, channel, message_id, link, author, text, text_hash,
                      intent, role, original_role, topic, confidence, assignee, status,
                      created_at, updated_at)
SELECT 'slack', team, 'C0INTAKE' || (i % 4), at || '.000100',
       'https://example.slack.com/archives/C0INTAKE/p' || at, 'U0AUTHOR' || (i % 50),
       'who owns the backlog priority for the next sprint ' || i || '?', md5(i::text),
       CASE WHEN i % 3 = 0 THEN 'question' ELSE 'request' END,
       CASE WHEN status = 'reassigned' THEN other ELSE role END, role,
       'topic_' || (i % 54), 0.7, 'U0OWNER', status, at, at
FROM (
  SELECT i, at, team, role,
         CASE WHEN role = 'product_manager' THEN 'product_owner' ELSE 'product_manager' END AS other,
         CASE WHEN dice < (CASE WHEN recent THEN 30 ELSE 1 END) THEN 'open'
              WHEN dice < (CASE WHEN recent THEN 36 ELSE 7 END) THEN 'reassigned'
              ELSE 'acknowledged' END AS status
  FROM (
    SELECT i, at, at > {now} - 2 * 604800 AS recent,
           CASE WHEN random() < 0.5 THEN 'T0' ELSE 'T' || (1 + floor(random() * 9))::int END AS team,
           CASE WHEN random() < 0.5 THEN 'product_manager' ELSE 'product_owner' END AS role,
           floor(random() * 100)::int AS dice
    FROM (SELECT i, {start} + i::bigint * ({now} - {start}) / {rows} AS at
          FROM generate_series(0, {rows} - 1) AS i) AS g
  ) AS d
) AS r;
INSERT INTO status_changes (routing_id, team_id, topic, from_status, to_status, from_role,
                            new_role, changed_by, at)
SELECT id, team_id, topic, 'open', status, original_role,
       CASE WHEN status = 'reassigned' THEN role ELSE 'none' END, 'U0OWNER', created_at + 3600
FROM routings WHERE status <> 'open';
INSERT INTO decisions (platform, team_id, role, text, decided_by, channel, link, created_at)
SELECT 'slack', team_id, role, 'decided: ' || text, 'U0PM', 'C0INTAKE0', link, created_at
FROM routings WHERE id % 50 = 0;
ANALYZE;
)sql";

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (auto at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) {
    s.replace(at, from.size(), to);
  }
  return s;
}

PostgresStore* million_store(benchmark::State& state) {
  const char* url = std::getenv("ROLECALL_BENCH_PG_MILLION_URL");
  if (url == nullptr) {
    state.SkipWithError("set ROLECALL_BENCH_PG_MILLION_URL to a PostgreSQL database of its own");
    return nullptr;
  }
  if (!g_million) {
    g_million = std::make_unique<PostgresStore>(url);  // migrates an empty database
    PgConnection c(url, "million", 10);
    const auto rows = c.exec("count", "SELECT count(*) FROM routings").int64(0, 0);
    if (rows == 0) {
      const auto t0 = std::chrono::steady_clock::now();
      std::string sql = kFillMillion;
      sql = replace_all(sql, "{start}", std::to_string(kStart));
      sql = replace_all(sql, "{now}", std::to_string(kNow));
      sql = replace_all(sql, "{rows}", std::to_string(kRows));
      c.exec_script("fill", sql);
      std::fprintf(stderr, "built %d routings in %.1f s\n", kRows,
                   std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    } else if (rows != kRows) {
      state.SkipWithError(
          "ROLECALL_BENCH_PG_MILLION_URL holds a database that is neither empty "
          "nor this bench's million routings");
      return nullptr;
    }
  }
  return g_million.get();
}

void BM_PgWeeklySummary(benchmark::State& state, const char* team) {
  PostgresStore* s = million_store(state);
  if (s == nullptr) return;
  std::size_t rows = 0;
  for (auto _ : state) rows = bench::weekly_summary(*s, team, kNow - bench::kWeek);
  state.counters["rows"] = static_cast<double>(rows);
}
BENCHMARK_CAPTURE(BM_PgWeeklySummary, big_team_T0, "T0")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_PgWeeklySummary, small_team_T5, "T5")->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
