#include "daemon/digest_scheduler.hpp"

#include <spdlog/spdlog.h>

#include <ctime>

#include "core/digest_schedule.hpp"
#include "daemon/metrics.hpp"

namespace rolecall {

DigestScheduler::DigestScheduler(boost::asio::io_context& ioc, DigestService& digests,
                                 const AppConfig& config, DigestSchedulerLease lease, Clock clock)
    : timer_(ioc),
      digests_(digests),
      config_(config),
      lease_(std::move(lease)),
      clock_(clock ? std::move(clock)
                   : [] { return static_cast<std::int64_t>(std::time(nullptr)); }) {}

void DigestScheduler::start() {
  stopped_ = false;
  timer_.expires_after(std::chrono::milliseconds(200));  // right after start: catch up
  timer_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec) schedule_next();
  });
}

void DigestScheduler::stop() {
  stopped_ = true;
  timer_.cancel();
}

std::int64_t DigestScheduler::lease_seconds() const {
  return 3 * static_cast<std::int64_t>(config_.digest.check_interval_seconds);
}

int DigestScheduler::tick(std::int64_t now) {
  int posted = 0;
  std::optional<Fence> fence;
  if (lease_.store) {
    std::optional<std::int64_t> token;
    try {
      token = lease_.store->acquire_lease("digest", lease_.holder, now, lease_seconds());
    } catch (const std::exception& e) {
      spdlog::warn("digest: cannot take the digest lease, will retry: {}", e.what());
    }
    if (lease_.metrics)
      lease_.metrics->set("rolecall_leases_held", {{"lease", "digest"}}, token ? 1 : 0);
    if (!token) return 0;  // another replica schedules (or the store is away)
    fence = Fence{"digest", *token};
  }
  const auto catch_up = std::chrono::hours(config_.digest.catch_up_hours);
  for (const Team& team : digests_.teams()) {
    if (!team.digest.enabled) continue;
    try {
      auto week = due_digest(team.digest, digests_.zone_of(team), now, catch_up);
      if (!week || digests_.all_sent(team, *week)) continue;
      auto result = digests_.post(team, *week, now, false, fence ? &*fence : nullptr);
      if (result.fenced_out) break;
      posted += static_cast<int>(result.enqueued.size());
      for (const auto& d : result.unavailable) {
        spdlog::warn("digest {} for team {}: cannot post to {} (Slack bot token not set)",
                     to_string(*week), team.id, d);
      }
    } catch (const std::exception& e) {
      spdlog::error("digest for team {} failed, will retry: {}", team.id, e.what());
    }
  }
  return posted;
}

void DigestScheduler::schedule_next() {
  if (stopped_) return;
  const int posted = tick(clock_());
  if (!checked_once_) {
    // One line at start says the catch-up is done: operators see whether a
    // missed digest went out, and tests wait for it instead of sleeping.
    checked_once_ = true;
    spdlog::info("digest: catch-up check at start done ({} digest post(s) queued)", posted);
  }
  timer_.expires_after(std::chrono::seconds(config_.digest.check_interval_seconds));
  timer_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec) schedule_next();
  });
}

}  // namespace rolecall
