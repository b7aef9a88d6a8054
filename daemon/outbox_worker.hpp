#pragma once
// The outbox worker: delivers outbox rows to their platform with retries.
// Retries, backoff with jitter, Retry-After and giving up are done here, once;
// deliverers (adapters) only translate a row into a request and classify the
// outcome (adapters/common/deliverer.hpp).
//
// Rows are committed to the store before anything is sent, so a crash or a
// restart loses nothing: pending rows are picked up again at start. A row is
// marked delivered right after its delivery succeeds; a crash between those
// two steps is the one window in which a message can be sent twice.
//
// Threads: one dedicated thread; notify() and stop() may be called from any.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <random>
#include <thread>
#include <vector>

#include "adapters/common/deliverer.hpp"
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
  // Pending rows above which the depth watch warns (daemon/outbox_depth_watch.hpp);
  // 0 = not watched. Rows are enqueued beyond it all the same.
  std::int64_t max_depth = 0;
};

class OutboxWorker {
 public:
  using Clock = std::function<std::int64_t()>;  // Unix seconds

  OutboxWorker(Store& store, std::vector<std::shared_ptr<Deliverer>> deliverers,
               OutboxOptions options, Metrics* metrics = nullptr, Clock clock = {});
  ~OutboxWorker();

  void start();
  // Wakes the worker (a row was enqueued).
  void notify();
  // Finishes the delivery in hand, then returns. Idempotent.
  void stop();

  // Delivers every row due at `now` once; returns how many were attempted.
  // Used by the thread and by tests that drive time themselves.
  int run_once(std::int64_t now);

  // Seconds to wait before attempt number `attempts + 1` (with jitter).
  std::int64_t backoff_seconds(int attempts);

  // Checked by the worker's thread after each round of deliveries; others
  // may check it too (it is thread-safe).
  OutboxDepthWatch& depth_watch() { return depth_watch_; }

 private:
  void loop();
  Deliverer* deliverer_for(const std::string& destination) const;

  Store& store_;
  std::vector<std::shared_ptr<Deliverer>> deliverers_;
  OutboxOptions options_;
  Metrics* metrics_;
  Clock clock_;
  OutboxDepthWatch depth_watch_;
  std::mt19937_64 rng_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool notified_ = false;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace rolecall
