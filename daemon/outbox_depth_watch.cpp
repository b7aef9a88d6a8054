#include "daemon/outbox_depth_watch.hpp"

#include <spdlog/spdlog.h>

#include "daemon/metrics.hpp"

namespace rolecall {

OutboxDepthWatch::OutboxDepthWatch(Store& store, std::int64_t max_depth, Metrics* metrics,
                                   std::chrono::milliseconds min_interval,
                                   std::chrono::milliseconds log_interval, Clock clock)
    : store_(store),
      max_depth_(max_depth),
      metrics_(metrics),
      min_interval_(min_interval),
      log_interval_(log_interval),
      clock_(clock ? std::move(clock) : [] { return std::chrono::steady_clock::now(); }) {
  if (metrics_ && max_depth_ > 0) {
    metrics_->set("rolecall_outbox_max_depth", {}, static_cast<double>(max_depth_));
  }
}

std::int64_t OutboxDepthWatch::check() {
  if (max_depth_ <= 0) return depth_.load();
  std::unique_lock lock(mu_, std::try_to_lock);
  if (!lock.owns_lock()) return depth_.load();  // another thread is measuring now
  const auto now = clock_();
  // Counting the pending rows walks the outbox's partial index: cheap, but
  // not free at 100,000 rows, and the worker may wake many times a second.
  if (measured_ && now - last_measure_ < min_interval_) return depth_.load();
  std::int64_t depth = 0;
  try {
    depth = store_.outbox_depth();
  } catch (const std::exception& e) {
    spdlog::debug("outbox: cannot measure the depth: {}", e.what());
    return depth_.load();
  }
  measured_ = true;
  last_measure_ = now;
  depth_ = depth;

  const bool was_over = over_.load();
  if (depth > max_depth_) {
    if (!was_over) {
      over_ = true;
      if (metrics_) metrics_->inc("rolecall_outbox_depth_exceeded");
      spdlog::warn(
          "outbox: {} posts pending, over outbox.max_depth {}: deliveries are failing or slower "
          "than new posts arrive; new posts are still queued",
          depth, max_depth_);
      last_warning_ = now;
    } else if (now - last_warning_ >= log_interval_) {
      spdlog::warn("outbox: still {} posts pending, over outbox.max_depth {}", depth, max_depth_);
      last_warning_ = now;
    }
  } else if (was_over) {
    over_ = false;
    spdlog::info("outbox: {} posts pending, back within outbox.max_depth {}", depth, max_depth_);
  }
  return depth;
}

}  // namespace rolecall
