// Building one team's weekly digest from a busy week, and rendering it.
//
//   build/bench/digest_bench --benchmark_counters_tabular=true
//
// BM_BuildDigest/100000: 100,000 routed requests (plus questions,
// reassignments, overdue requests and decisions in proportion) over the
// topics of the shipped config/taxonomy.yaml. Target: < 100 ms.

#include <benchmark/benchmark.h>
#include <date/tz.h>

#include <string>
#include <vector>

#include "adapters/slack/digest_blocks.hpp"
#include "adapters/teams/digest_card.hpp"
#include "config/taxonomy_loader.hpp"
#include "core/digest.hpp"
#include "core/digest_schedule.hpp"
#include "core/digest_text.hpp"

namespace {

using namespace rolecall;

const std::string kTaxonomyPath = std::string(ROLECALL_SOURCE_DIR) + "/config/taxonomy.yaml";
constexpr std::int64_t kNow = 1795424400;  // Mon 2026-11-23 09:00 UTC
constexpr std::int64_t kWeekStart = kNow - 7 * 86400 - 9 * 3600;

const Taxonomy& taxonomy() {
  static const Taxonomy t = load_taxonomy(kTaxonomyPath);
  return t;
}

// A deterministic busy week of `requests` requests; 3 % of them are
// questions on top, 5 % get reassigned, 2 % are still open after 48 h,
// and there is a decision per 200 requests.
DigestInput busy_week(std::int64_t requests) {
  const Taxonomy& tax = taxonomy();
  std::vector<const Topic*> pm, po;
  for (const Topic& t : tax.topics()) {
    if (t.role == Role::product_manager) pm.push_back(&t);
    if (t.role == Role::product_owner) po.push_back(&t);
  }
  DigestInput in;
  in.team_id = "checkout";
  in.team_name = "Checkout";
  in.week = IsoWeek{2026, 47};
  in.routings.reserve(static_cast<std::size_t>(requests + requests / 30));
  std::uint64_t x = 88172645463325252ull;  // xorshift64: same week every run
  const auto next = [&x] {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return x;
  };
  for (std::int64_t i = 0; i < requests; ++i) {
    const bool to_pm = next() % 100 < 55;
    const auto& topics = to_pm ? pm : po;
    RoutingRecord r;
    r.id = i + 1;
    r.platform = "slack";
    r.intent = Intent::request;
    r.role = r.original_role = to_pm ? Role::product_manager : Role::product_owner;
    r.topic = topics[next() % topics.size()]->id;
    r.text = "can we pull the login bug into this sprint? it blocks checkout for EU users";
    r.link = "https://example.slack.com/archives/C1/p" + std::to_string(1700000000000000 + i);
    r.channel = "C1";
    r.assignee = to_pm ? "Ana" : "Maria";
    r.created_at = kWeekStart + static_cast<std::int64_t>(next() % (7 * 86400));
    if (next() % 100 < 5) {
      r.role = other_role(r.role);
      in.moves.push_back(reassignment(r.id, r.topic, r.original_role, r.role, "U1", r.created_at));
    }
    if (next() % 100 < 2) {
      RoutingRecord open = r;
      open.created_at -= 3 * 86400;
      in.unacknowledged.push_back(std::move(open));
    }
    if (i % 30 == 0) {
      RoutingRecord q = r;
      q.id = requests + i + 1;
      q.intent = Intent::question;
      q.text = "who owns " + q.topic + "?";
      in.routings.push_back(std::move(q));
    }
    if (i % 200 == 0) {
      DecisionRecord d;
      d.id = i / 200 + 1;
      d.role = r.role;
      d.text = "We keep the EU rollout behind a flag until the login bug is fixed";
      d.decided_by = "Ana";
      d.link = r.link;
      d.created_at = r.created_at;
      in.decisions.push_back(std::move(d));
    }
    in.routings.push_back(std::move(r));
  }
  in.previous_week = WorkShare{requests / 2, requests / 2};
  return in;
}

void BM_BuildDigest(benchmark::State& state) {
  const DigestInput in = busy_week(state.range(0));
  const Taxonomy& tax = taxonomy();
  std::int64_t requests = 0;
  for (auto _ : state) {
    const Digest d = build_digest(in, tax, kNow);
    requests = d.requests;
    benchmark::DoNotOptimize(d);
  }
  state.counters["requests"] = static_cast<double>(requests);
  state.counters["moves"] = static_cast<double>(in.moves.size());
  state.counters["overdue"] = static_cast<double>(in.unacknowledged.size());
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_BuildDigest)->Arg(1000)->Arg(100000)->Unit(benchmark::kMillisecond);

void BM_RenderSlack(benchmark::State& state) {
  const Digest d = build_digest(busy_week(100000), taxonomy(), kNow);
  std::size_t bytes = 0;
  for (auto _ : state) {
    const nlohmann::json message = render_digest_blocks(d);
    bytes = message.dump().size();
    benchmark::DoNotOptimize(bytes);
  }
  state.counters["bytes"] = static_cast<double>(bytes);
}
BENCHMARK(BM_RenderSlack)->Unit(benchmark::kMillisecond);

void BM_RenderTeams(benchmark::State& state) {
  const Digest d = build_digest(busy_week(100000), taxonomy(), kNow);
  std::size_t bytes = 0;
  for (auto _ : state) {
    const nlohmann::json message = render_digest_message(d);
    bytes = message.dump().size();
    benchmark::DoNotOptimize(bytes);
  }
  state.counters["bytes"] = static_cast<double>(bytes);
}
BENCHMARK(BM_RenderTeams)->Unit(benchmark::kMillisecond);

void BM_RenderText(benchmark::State& state) {
  const Digest d = build_digest(busy_week(100000), taxonomy(), kNow);
  for (auto _ : state) benchmark::DoNotOptimize(render_digest_text(d));
}
BENCHMARK(BM_RenderText)->Unit(benchmark::kMillisecond);

void BM_NextDigestTime(benchmark::State& state) {
  const date::time_zone* zone = date::locate_zone("Europe/Berlin");
  const DigestSchedule schedule;
  std::int64_t t = kWeekStart;
  for (auto _ : state) {
    t = *next_digest_time(schedule, zone, t + 1);
    benchmark::DoNotOptimize(t);
  }
}
BENCHMARK(BM_NextDigestTime);

}  // namespace

BENCHMARK_MAIN();
