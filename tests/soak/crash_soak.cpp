// The crash soak (issue 13): the real `rolecall serve` under a steady stream
// of signed Slack mentions, killed with SIGKILL at random moments and
// restarted on the same database, while the fake Slack Web API answers some
// requests with 429, 500 (before and after storing the post), dropped
// connections and slow 200s. At the end every accepted event must have
// exactly one thread reply, and the database must pass
// `PRAGMA integrity_check` (checked after every kill, too).
//
// Not part of ctest (it runs for minutes); run it with tests/soak/crash_soak.sh
// or build/tests/crash_soak --help. Exit status 0 when 0 lost, 0 duplicated,
// integrity ok; 1 otherwise; 2 for bad arguments.
//
// Like Slack, the sender retries an event until the daemon answers 200 (the
// same event_id, so the daemon's dedupe is exercised); an event counts as
// accepted at its first 200.

#include <SQLiteCpp/Database.h>
#include <signal.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/daemon/daemon_process.hpp"
#include "tests/support/fake_slack_api.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/test_helpers.hpp"

namespace {

using namespace rolecall::testing;
using namespace std::chrono_literals;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

constexpr const char* kSecret = "crash-soak-signing-secret";

struct Options {
  int kills = 60;
  double rate = 30;  // events per second offered
  int channels = 32;
  double min_gap_s = 0.5;  // between a (re)start and the next kill
  double max_gap_s = 2.0;
  std::uint64_t seed = 13;
  // Fault rates per chat.postMessage (and, halved, per lookup).
  double p429 = 0.10;
  double p500 = 0.05;
  double p_post_then_500 = 0.04;
  double p_slow = 0.10;
  double p_drop = 0.02;
  int slow_ms = 400;
  int drain_timeout_s = 180;
  double control_s = 60;  // with --kills 0: how long to send
  std::string dir;        // keep the run's files here (default: a temp dir, removed)
  std::string json_out;
};

void usage() {
  std::cerr << "usage: crash_soak [--kills N] [--rate EVENTS_PER_S] [--channels N]\n"
               "                  [--gap MIN_S MAX_S] [--seed N] [--slow-ms MS]\n"
               "                  [--faults P429 P500 P_POST_THEN_500 P_SLOW P_DROP]\n"
               "                  [--duration S] [--drain-timeout S] [--dir DIR] [--json FILE]\n"
               "defaults: --kills 60 --rate 30 --channels 32 --gap 0.5 2.0 --seed 13\n"
               "          --faults 0.10 0.05 0.04 0.10 0.02 --slow-ms 400\n"
               "--kills 0 is the control run: load and faults for --duration S (60), no kills.\n";
}

bool parse(int argc, char** argv, Options& o) {
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto next = [&](double& v) {
      if (i + 1 >= argc) return false;
      v = std::atof(argv[++i]);
      return true;
    };
    double v = 0;
    if (a == "--kills" && next(v)) {
      o.kills = static_cast<int>(v);
    } else if (a == "--rate" && next(v)) {
      o.rate = v;
    } else if (a == "--channels" && next(v)) {
      o.channels = std::max(1, static_cast<int>(v));
    } else if (a == "--gap" && next(o.min_gap_s) && next(o.max_gap_s)) {
    } else if (a == "--seed" && next(v)) {
      o.seed = static_cast<std::uint64_t>(v);
    } else if (a == "--slow-ms" && next(v)) {
      o.slow_ms = static_cast<int>(v);
    } else if (a == "--faults" && next(o.p429) && next(o.p500) && next(o.p_post_then_500) &&
               next(o.p_slow) && next(o.p_drop)) {
    } else if (a == "--duration" && next(o.control_s)) {
    } else if (a == "--drain-timeout" && next(v)) {
      o.drain_timeout_s = static_cast<int>(v);
    } else if (a == "--dir" && i + 1 < argc) {
      o.dir = argv[++i];
    } else if (a == "--json" && i + 1 < argc) {
      o.json_out = argv[++i];
    } else {
      return false;
    }
  }
  return o.rate > 0 && o.min_gap_s >= 0 && o.max_gap_s >= o.min_gap_s;
}

struct Event {
  std::string id, channel, ts;
  bool accepted = false;
};

std::string mention_body(const Event& e, int n) {
  static const char* texts[] = {
      "who owns pricing?",
      "who decides the roadmap for next quarter?",
      "who writes the acceptance criteria for the checkout story?",
      "who prioritises the backlog this sprint?",
  };
  const json body = {{"token", "x"},
                     {"team_id", "T0TEAM001"},
                     {"api_app_id", "A0APP0001"},
                     {"type", "event_callback"},
                     {"event_id", e.id},
                     {"event_time", std::time(nullptr)},
                     {"event",
                      {{"type", "app_mention"},
                       {"user", "U0USER001"},
                       {"text", std::string("<@U0BOT0001> ") + texts[n % 4]},
                       {"ts", e.ts},
                       {"channel", e.channel},
                       {"event_ts", e.ts}}}};
  return body.dump();
}

// The daemon tests' config, with an outbox that retries for long enough that
// no row runs out of attempts under the fault rates (a row given up would
// count as lost), and little pacing so the load is not limited by it.
std::string config_yaml() {
  std::string yaml =
      test_config_yaml("slack:\n  post_interval_ms: 20\n  request_timeout_ms: 2000\n");
  const std::string from =
      "outbox:\n  base_backoff_ms: 1000\n  max_backoff_ms: 2000\n  max_attempts: 4\n";
  const std::string to =
      "outbox:\n  base_backoff_ms: 200\n  max_backoff_ms: 2000\n  max_attempts: 100\n";
  const auto at = yaml.find(from);
  if (at == std::string::npos) {
    std::cerr << "crash_soak: test_config_yaml() has no outbox section to replace\n";
    std::exit(2);
  }
  return yaml.replace(at, from.size(), to);
}

// "ok", or what integrity_check said.
std::string integrity(const std::string& db_path) {
  try {
    SQLite::Database db(db_path, SQLite::OPEN_READONLY);
    return db.execAndGet("PRAGMA integrity_check").getString();
  } catch (const std::exception& e) {
    return e.what();
  }
}

std::int64_t scalar(const std::string& db_path, const std::string& sql) {
  try {
    SQLite::Database db(db_path, SQLite::OPEN_READONLY);
    db.setBusyTimeout(2000);
    return db.execAndGet(sql).getInt64();
  } catch (const std::exception&) {
    return -1;
  }
}

std::size_t count_in_logs(const std::filesystem::path& dir, const std::string& needle) {
  std::size_t n = 0;
  for (const auto& f : std::filesystem::recursive_directory_iterator(dir)) {
    if (f.path().extension() != ".log") continue;
    std::ifstream in(f.path());
    std::string line;
    while (std::getline(in, line))
      if (line.find(needle) != std::string::npos) ++n;
  }
  return n;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  if (!parse(argc, argv, o)) {
    usage();
    return 2;
  }
  std::unique_ptr<TempDir> temp;
  std::filesystem::path dir;
  if (o.dir.empty()) {
    temp = std::make_unique<TempDir>();
    dir = temp->path();
  } else {
    dir = o.dir;
    std::filesystem::create_directories(dir);
  }
  const std::string db_path = (dir / "rolecall.db").string();

  FakeSlackApi slack(o.seed);
  FakeSlackFaultRates post{o.p429,   o.p500,   o.p_post_then_500,
                           o.p_slow, o.p_drop, std::chrono::milliseconds(o.slow_ms),
                           1};
  slack.set_fault_rates("chat.postMessage", post);
  FakeSlackFaultRates look{o.p429 / 2, o.p500 / 2, 0, 0, o.p_drop / 2, 0ms, 1};
  slack.set_fault_rates("conversations.replies", look);
  slack.set_fault_rates("conversations.history", look);

  const std::map<std::string, std::string> env{{"SLACK_SIGNING_SECRET", kSecret},
                                               {"SLACK_BOT_TOKEN", "xoxb-soak"},
                                               {"SLACK_API_URL", slack.api_url()},
                                               {"ROLECALL_DB", db_path}};
  std::mutex daemon_mu;
  std::unique_ptr<DaemonProcess> daemon;
  std::atomic<unsigned short> port{0};
  int runs = 0;
  auto start_daemon = [&] {
    // One directory per run for its config and log; one database for all.
    const auto run_dir = dir / ("run-" + std::to_string(++runs));
    std::filesystem::create_directories(run_dir);
    auto d = std::make_unique<DaemonProcess>(run_dir, config_yaml(), env);
    port = d->port();
    std::lock_guard lock(daemon_mu);
    daemon = std::move(d);
  };

  const auto t0 = Clock::now();
  start_daemon();

  // The sender: a steady stream, each event retried until accepted.
  std::vector<Event> events;
  std::mutex events_mu;
  std::atomic<bool> stop_sending{false};
  std::atomic<std::size_t> send_failures{0};
  std::thread sender([&] {
    const auto interval = std::chrono::duration<double>(1.0 / o.rate);
    auto next = Clock::now();
    const std::int64_t base_ts = std::time(nullptr);
    for (int n = 0; !stop_sending; ++n) {
      Event e;
      char id[32], ts[40];
      std::snprintf(id, sizeof id, "EvSOAK%07d", n);
      std::snprintf(ts, sizeof ts, "%lld.%06d", static_cast<long long>(base_ts + n / 1000000),
                    n % 1000000);
      e.id = id;
      e.ts = ts;
      e.channel = "CSOAK" + std::to_string(n % o.channels);
      const std::string body = mention_body(e, n);
      for (int attempt = 0;; ++attempt) {
        const std::string now = std::to_string(std::time(nullptr));
        std::map<std::string, std::string> headers{
            {"Content-Type", "application/json"},
            {"X-Slack-Request-Timestamp", now},
            {"X-Slack-Signature", slack_sign(kSecret, now, body)}};
        if (attempt > 0) {
          headers["X-Slack-Retry-Num"] = std::to_string(attempt);
          headers["X-Slack-Retry-Reason"] = "http_error";
        }
        const auto r = http_request(port, "POST", "/slack/events", headers, body, 3000ms);
        if (r.status == 200) {
          e.accepted = true;
          break;
        }
        ++send_failures;
        std::this_thread::sleep_for(50ms);
      }
      {
        std::lock_guard lock(events_mu);
        events.push_back(e);
      }
      next += std::chrono::duration_cast<Clock::duration>(interval);
      std::this_thread::sleep_until(next);
      if (Clock::now() > next + 1s) next = Clock::now();  // do not burst after a restart
    }
  });

  // The killer.
  std::mt19937_64 rng(o.seed * 7919 + 1);
  std::uniform_real_distribution<double> gap(o.min_gap_s, o.max_gap_s);
  int kills = 0;
  int integrity_failures = 0;
  std::vector<std::string> integrity_errors;
  if (o.kills == 0) std::this_thread::sleep_for(std::chrono::duration<double>(o.control_s));
  for (; kills < o.kills; ++kills) {
    std::this_thread::sleep_for(std::chrono::duration<double>(gap(rng)));
    {
      std::lock_guard lock(daemon_mu);
      daemon->stop(SIGKILL, 5s);
    }
    const std::string check = integrity(db_path);
    if (check != "ok") {
      ++integrity_failures;
      integrity_errors.push_back("after kill " + std::to_string(kills + 1) + ": " + check);
    }
    start_daemon();
    if ((kills + 1) % 10 == 0) {
      std::lock_guard lock(events_mu);
      std::cerr << "crash_soak: " << kills + 1 << " kills, " << events.size() << " events, "
                << slack.messages().size() << " posts\n";
    }
  }
  stop_sending = true;
  sender.join();

  // Let the last daemon deliver everything, then stop it cleanly.
  const auto drain_deadline = Clock::now() + std::chrono::seconds(o.drain_timeout_s);
  std::int64_t pending = -1;
  while (Clock::now() < drain_deadline) {
    pending = scalar(db_path, "SELECT count(*) FROM outbox WHERE state = 'pending'");
    if (pending == 0) break;
    std::this_thread::sleep_for(200ms);
  }
  const int exit_status = daemon->stop(SIGTERM, 20s);
  const double seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  const std::string final_check = integrity(db_path);
  if (final_check != "ok") {
    ++integrity_failures;
    integrity_errors.push_back("final: " + final_check);
  }
  const std::int64_t failed_rows =
      scalar(db_path, "SELECT count(*) FROM outbox WHERE state = 'failed'");

  // Count thread replies per accepted event.
  std::map<std::pair<std::string, std::string>, int> replies;
  std::size_t untagged = 0;
  for (const auto& m : slack.messages()) {
    ++replies[{m.channel, m.thread_ts}];
    if (m.metadata.is_null()) ++untagged;
  }
  std::size_t accepted = 0, lost = 0, duplicated = 0, extra_posts = 0;
  for (const auto& e : events) {
    if (!e.accepted) continue;
    ++accepted;
    auto it = replies.find({e.channel, e.ts});
    const int n = it == replies.end() ? 0 : it->second;
    if (n == 0) ++lost;
    if (n > 1) {
      ++duplicated;
      extra_posts += static_cast<std::size_t>(n - 1);
    }
    if (it != replies.end()) replies.erase(it);
  }
  const std::size_t stray = replies.size();  // replies to no accepted event

  const auto calls = slack.calls();
  const auto faults = slack.faults_served();
  auto get = [](const std::map<std::string, std::size_t>& m, const char* k) {
    auto it = m.find(k);
    return it == m.end() ? std::size_t{0} : it->second;
  };
  json result = {
      {"kills", kills},
      {"events_accepted", accepted},
      {"lost", lost},
      {"duplicated_events", duplicated},
      {"extra_posts", extra_posts},
      {"stray_posts", stray},
      {"untagged_posts", untagged},
      {"failed_outbox_rows", failed_rows},
      {"pending_outbox_rows", pending},
      {"integrity_check", integrity_failures == 0 ? "ok" : "FAILED"},
      {"integrity_checks", kills + 1},
      {"integrity_errors", integrity_errors},
      {"seconds", static_cast<std::int64_t>(seconds + 0.5)},
      {"final_exit_status", exit_status},
      {"event_send_failures_retried", send_failures.load()},
      {"posts", slack.messages().size()},
      {"chat_postMessage_calls", get(calls, "chat.postMessage")},
      {"chat_postMessage_faults", get(faults, "chat.postMessage")},
      {"lookups", get(calls, "conversations.replies") + get(calls, "conversations.history")},
      {"lookup_faults",
       get(faults, "conversations.replies") + get(faults, "conversations.history")},
      {"found_by_lookup", count_in_logs(dir, "was posted by an earlier attempt")},
      {"resent_after_not_found", count_in_logs(dir, "the earlier attempt posted nothing")},
      {"seed", o.seed},
      {"rate", o.rate},
      {"channels", o.channels},
  };
  std::cout << result.dump(2) << "\n";
  if (!o.json_out.empty()) std::ofstream(o.json_out) << result.dump(2) << "\n";

  const bool pass = lost == 0 && duplicated == 0 && stray == 0 && integrity_failures == 0 &&
                    pending == 0 && (o.kills == 0 || kills == o.kills);
  std::cerr << "crash_soak: " << (pass ? "PASS" : "FAIL") << ": " << kills << " kills, " << accepted
            << " events, " << lost << " lost, " << duplicated << " duplicated, "
            << "integrity " << (integrity_failures == 0 ? "ok" : "FAILED") << ", "
            << static_cast<int>(seconds) << " s\n";
  return pass ? 0 : 1;
}
