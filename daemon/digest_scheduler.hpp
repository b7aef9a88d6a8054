#pragma once
// Posts each team's weekly digest at its scheduled local time.
//
// Every tick (30 s, and once at start) it asks core's due_digest() for each
// team: the schedule is computed in the team's IANA zone from the system tz
// database, so daylight-saving changes move nothing, and a digest missed
// while the daemon was down is posted at start when less than
// digest.catch_up_hours have passed. DigestService dedupes per (team, week,
// destination), so ticks and restarts never post twice.

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <functional>

#include "config/app_config.hpp"
#include "daemon/digest_service.hpp"

namespace rolecall {

class DigestScheduler {
 public:
  using Clock = std::function<std::int64_t()>;
  DigestScheduler(boost::asio::io_context& ioc, DigestService& digests, const AppConfig& config,
                  Clock clock = {});
  void start();
  void stop();
  // One pass over all teams at `now`; returns how many digests were enqueued.
  int tick(std::int64_t now);

 private:
  void schedule_next();

  boost::asio::steady_timer timer_;
  DigestService& digests_;
  const AppConfig& config_;
  Clock clock_;
  bool stopped_ = false;
  bool checked_once_ = false;  // the catch-up check right after start has run
};

}  // namespace rolecall
