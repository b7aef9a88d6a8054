#pragma once
// The outbox worker: delivers outbox rows to their platform with retries.
// Retries, backoff with jitter, Retry-After and giving up are done here, once;
// deliverers (adapters) only translate a row into a request and classify the
// outcome (adapters/common/deliverer.hpp).
//
// Rows are committed to the store before anything is sent, so a crash or a
// restart loses nothing: pending rows are picked up again at start.
//
// Exactly once through crashes (issue 13). For each row:
//   1. If an earlier attempt was left unfinished (the row's
//      attempt_started_at is set: the process died between sending and
//      recording the outcome, or the platform answered 5xx or not at all),
//      ask the deliverer to look for that post on the platform (find_post):
//        found        -> mark delivered; nothing is sent
//        not_found    -> go on to 2
//        failed       -> unsure: never send; retry the look later on the
//                        normal backoff (it counts as an attempt, and the
//                        row fails after max_attempts like any other), or
//                        fail the row now when looking can never work
//        unsupported  -> go on to 2: the platform cannot be asked, so this
//                        row is delivered at least once, and may arrive
//                        twice (Teams Workflows; see README, Operations)
//   2. Record the attempt (mark_attempt_started, a committed write).
//   3. Send, tagged with the row id (Slack: message metadata).
//   4. Record the outcome: delivered; retry (not_sent clears the attempt,
//      maybe_sent keeps it for step 1 next time); failed.
// A crash at any point repeats at most the look, never the post, where the
// platform can be asked.
//
// Replicas: each row is claimed (OutboxStore::claim_outbox, a lease) before
// step 1, so workers of several processes sharing one database never handle
// one row at once; a row whose worker died is retaken when its lease ends
// (or at once by the same replica restarted), and step 1 then looks for the
// post the dead worker may have made.
//
// Pacing and Retry-After by scheduling, never by sleeping (issue 12). Each
// destination (platform + channel, Deliverer::pacing) has a next-allowed
// time in milliseconds, kept in the store (SendPacing: shared by replicas on
// PostgreSQL, in memory on SQLite) and mirrored in a local DestinationPacer
// that skips known-held destinations without asking the store: a post books
// the next slot one interval later (take_send_slot, atomic across replicas,
// right before the post), and a retry with the platform's Retry-After holds
// the destination until then (hold_destination). A row whose destination is held stays due and is
// skipped; the rows behind it (other channels, Teams) go on at once. The
// thread then waits for the earliest of: a held destination coming free,
// the next row coming due, notify(), idle_poll. Deliverers never wait, so
// one busy Slack channel never delays another destination.
//
// Threads: one dedicated thread; notify() and stop() may be called from any.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "adapters/common/deliverer.hpp"
#include "daemon/destination_pacer.hpp"
#include "daemon/outbox_depth_watch.hpp"
#include "storage/store.hpp"

namespace rolecall {

class Metrics;

struct OutboxOptions {
  int max_attempts = 8;
  std::chrono::milliseconds base_backoff{1000};
  std::chrono::milliseconds max_backoff{300000};
  std::chrono::milliseconds idle_poll{5000};  // re-check the store when nothing wakes us
  int batch = 50;
  // Rows of a round are claimed together (OutboxStore::claim_outbox) for this
  // long: more than a round's deliveries with their lookups take. A replica
  // that dies mid-delivery leaves its rows to the others after this.
  std::chrono::seconds claim_lease{300};
  // Who claims: one name per replica that stays the same across its
  // restarts (services.cpp: host name and port), so a restarted replica
  // takes its own rows back at once instead of waiting for the lease.
  std::string claim_owner = "rolecall";
  // Pending rows above which the depth watch warns (daemon/outbox_depth_watch.hpp);
  // 0 = not watched. Rows are enqueued beyond it all the same.
  std::int64_t max_depth = 0;
};

class OutboxWorker {
 public:
  using Millis = std::chrono::milliseconds;
  // Milliseconds since the Unix epoch. Default: the system clock. Tests pass
  // a fake one and call run_once themselves.
  using Clock = std::function<Millis()>;

  OutboxWorker(Store& store, std::vector<std::shared_ptr<Deliverer>> deliverers,
               OutboxOptions options, Metrics* metrics = nullptr, Clock clock = {});
  ~OutboxWorker();

  void start();
  // Wakes the worker (a row was enqueued).
  void notify();
  // Finishes the delivery in hand, then returns. Idempotent.
  void stop();

  // Attempts every row due at `now` (at most `batch`) whose destination is
  // not held, at most one per paced destination; returns how many were
  // attempted (held rows are not counted; they stay due). Used by the thread
  // and by tests that drive time themselves. Not concurrently with itself.
  int run_once(Millis now);

  // After run_once: the earliest time a destination held in that run comes
  // free (nullopt: no row was held back).
  std::optional<Millis> next_release() const { return next_release_; }

  // Seconds to wait before attempt number `attempts + 1` (with jitter).
  std::int64_t backoff_seconds(int attempts);

  // Checked by the worker's thread after each round of deliveries; others
  // may check it too (it is thread-safe).
  OutboxDepthWatch& depth_watch() { return depth_watch_; }

 private:
  void loop();
  Deliverer* deliverer_for(const std::string& destination) const;
  // Steps 1-4 above for one row, at `now`; `pacing` is the row's slot.
  // False when the row was not attempted because its destination's slot is
  // taken (by another replica: the store's shared pacing); it stays claimed.
  bool process(const OutboxRow& row, Deliverer& d, const std::optional<Pacing>& pacing, Millis now);
  // Reschedules `row` after a failed attempt, or fails it when that was its
  // last allowed attempt.
  void retry_or_give_up(const OutboxRow& row, const std::string& error,
                        std::int64_t retry_after_seconds, SentState sent);
  // How long the thread may wait after a round (see the header comment).
  Millis idle_wait();
  std::int64_t now_seconds() const;  // the clock, for the store

  Store& store_;
  std::vector<std::shared_ptr<Deliverer>> deliverers_;
  OutboxOptions options_;
  Metrics* metrics_;
  Clock clock_;
  OutboxDepthWatch depth_watch_;
  DestinationPacer pacer_;
  std::optional<Millis> next_release_;
  std::int64_t last_due_seconds_ = 0;  // the store time of the last run
  std::mt19937_64 rng_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool notified_ = false;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace rolecall
