#pragma once
// Posts each team's weekly digest at its scheduled local time.
//
// Every tick (digest.check_interval_seconds, 30 by default, and once at start) it asks core's
// due_digest() for each team: the schedule is computed in the team's IANA zone from the system tz
// database, so daylight-saving changes move nothing, and a digest missed
// while the daemon was down is posted at start when less than
// digest.catch_up_hours have passed. DigestService dedupes per (team, week,
// destination), so ticks and restarts never post twice.
//
// Replicas: with a lease store, each tick first takes or renews the lease
// "digest" (three check intervals long) for this replica; only the
// holder posts, under the lease's fencing token (DigestService::post), so
// one replica at a time schedules and a stale one cannot write. When the
// holder dies another replica takes over within a lease and a tick.

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <functional>

#include "config/app_config.hpp"
#include "daemon/digest_service.hpp"

namespace rolecall {

class Metrics;

struct DigestSchedulerLease {
  LeaseStore* store = nullptr;  // nullptr: no lease (every tick posts what is due)
  std::string holder;           // this replica (services.cpp: host name and port)
  Metrics* metrics = nullptr;   // rolecall_leases_held{lease="digest"}
};

class DigestScheduler {
 public:
  using Clock = std::function<std::int64_t()>;
  DigestScheduler(boost::asio::io_context& ioc, DigestService& digests, const AppConfig& config,
                  DigestSchedulerLease lease = {}, Clock clock = {});
  void start();
  void stop();
  // One pass over all teams at `now`; returns how many digests were enqueued.
  int tick(std::int64_t now);

 private:
  void schedule_next();
  std::int64_t lease_seconds() const;

  boost::asio::steady_timer timer_;
  DigestService& digests_;
  const AppConfig& config_;
  DigestSchedulerLease lease_;
  Clock clock_;
  bool stopped_ = false;
  bool checked_once_ = false;  // the catch-up check right after start has run
};

}  // namespace rolecall
