// Routing inserts per second on PostgreSQL (PostgresStore, one
// record_routing per inbound request, autocommit: one commit each), from
// 1-16 threads sharing one store's pool. Needs a server:
//   ROLECALL_BENCH_PG_URL='host=/tmp/pg dbname=bench user=rolecall'
//   build/bench/store_postgres_bench
// Without it the benchmark says so and does nothing. The database should
// be empty (the schema is migrated at open). Results: bench/RESULTS.md
// ("Storage", PostgreSQL).

#include <benchmark/benchmark.h>

#include <atomic>
#include <cstdlib>
#include <memory>
#include <string>

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

}  // namespace

BENCHMARK_MAIN();
