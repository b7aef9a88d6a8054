#pragma once
// Watches the outbox's depth (rows still to be delivered) against
// outbox.max_depth.
//
// The outbox grows when deliveries fail or are slow (a platform down or
// rate-limiting our posts) and shrinks as they succeed or are given up after
// outbox.max_attempts. Crossing max_depth is an alarm, not a refusal: new
// rows are still enqueued beyond it. Each row is work a platform request was
// already answered for, and answering new inbound requests with 503 instead
// would not make a stuck delivery move; the platform would retry a few times
// and then drop the event (README, "Operations").
//
// What it does when the bound is crossed:
// - a warning log line with the depth, repeated at most once per
//   `log_interval` while the depth stays above the bound, and one info line
//   when it falls back to or under it;
// - `rolecall_outbox_depth_exceeded_total` counts the crossings (from at or
//   under the bound to above it);
// - `rolecall_outbox_max_depth` shows the bound, beside `rolecall_outbox_depth`
//   (which /metrics reads from the store when scraped).
//
// Threads: every method may be called from any thread. The outbox worker
// checks after each round of deliveries, and the daemon every few seconds
// from a timer, so that a round of slow deliveries does not delay it; a
// check() that finds another one running returns at once.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>

#include "storage/store.hpp"

namespace rolecall {

class Metrics;

class OutboxDepthWatch {
 public:
  using Clock = std::function<std::chrono::steady_clock::time_point()>;

  // max_depth <= 0 turns the watch off (check() does nothing). `metrics` may
  // be null; it and `store` must outlive the watch.
  OutboxDepthWatch(Store& store, std::int64_t max_depth, Metrics* metrics = nullptr,
                   std::chrono::milliseconds min_interval = std::chrono::seconds(1),
                   std::chrono::milliseconds log_interval = std::chrono::seconds(60),
                   Clock clock = {});

  // Measures the depth (one count over the outbox's index of pending rows)
  // unless the last measurement is younger than `min_interval`, then logs
  // and counts as above. Returns the depth last measured (-1 before the
  // first). Never throws: a store error is logged at debug level and keeps
  // the last value (the worker logs store errors already).
  std::int64_t check();

  bool over() const noexcept { return over_.load(); }
  std::int64_t depth() const noexcept { return depth_.load(); }
  std::int64_t max_depth() const noexcept { return max_depth_; }

 private:
  Store& store_;
  std::int64_t max_depth_;
  Metrics* metrics_;
  std::chrono::milliseconds min_interval_;
  std::chrono::milliseconds log_interval_;
  Clock clock_;
  std::mutex mu_;  // held by the check() in progress; guards the members below
  bool measured_ = false;
  std::chrono::steady_clock::time_point last_measure_{};
  std::chrono::steady_clock::time_point last_warning_{};
  std::atomic<std::int64_t> depth_{-1};
  std::atomic<bool> over_{false};
};

}  // namespace rolecall
