#include "daemon/serve.hpp"

#include <spdlog/spdlog.h>
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <csignal>
#include <functional>
#include <iostream>
#include <sstream>
#include <thread>
#include <vector>

#include "config/config_error.hpp"
#include "daemon/digest_scheduler.hpp"
#include "daemon/http_server.hpp"
#include "daemon/logging.hpp"
#include "daemon/services.hpp"
#include "daemon/slack_socket_mode_client.hpp"

namespace rolecall {

namespace asio = boost::asio;

namespace {

// Descriptors the daemon needs besides its connections: the store's SQLite
// connections (database and WAL each), outbound HTTP clients, the listener,
// epoll, log files, and slack.
constexpr rlim_t kReservedFds = 128;

// Each open connection holds a descriptor. When the soft limit cannot hold
// server.max_connections of them, accept() fails (and backs off) before the
// limit can answer 503: raise the soft limit as far as the hard one allows.
void fit_open_file_limit(unsigned max_connections) {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return;
  const rlim_t want = static_cast<rlim_t>(max_connections) + kReservedFds;
  if (limit.rlim_cur == RLIM_INFINITY || limit.rlim_cur >= want) return;
  const rlim_t before = limit.rlim_cur;
  rlimit raised = limit;
  raised.rlim_cur = limit.rlim_max == RLIM_INFINITY ? want : std::min<rlim_t>(want, limit.rlim_max);
  if (raised.rlim_cur > before && ::setrlimit(RLIMIT_NOFILE, &raised) == 0) {
    limit = raised;
    spdlog::info("raised the open file limit from {} to {} for server.max_connections {}", before,
                 limit.rlim_cur, max_connections);
  }
  if (limit.rlim_cur < want) {
    spdlog::warn(
        "server.max_connections is {} but the process may open only {} files (hard limit {}): "
        "past about {} connections, new ones wait in the listen queue instead of getting a 503; "
        "raise the limit (systemd LimitNOFILE=, ulimit -n) or lower server.max_connections",
        max_connections, limit.rlim_cur, limit.rlim_max,
        limit.rlim_cur > kReservedFds ? limit.rlim_cur - kReservedFds : 0);
  }
}

}  // namespace

int run_serve(AppConfig config, unsigned threads_override) {
  setup_logging(to_string(config.log.level), to_string(config.log.format));
  spdlog::info("rolecall {} starting with {}", ROLECALL_VERSION, config.source_path);
  for (const auto& w : config.warnings) spdlog::warn("config: {}", to_string(w));
  std::istringstream described(config.describe());
  for (std::string line; std::getline(described, line);) spdlog::debug("config: {}", line);

  unsigned threads = threads_override ? threads_override : config.server.threads;
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());

  std::unique_ptr<Services> services;
  try {
    services = std::make_unique<Services>(config);
  } catch (const ConfigError& e) {
    spdlog::critical("configuration error:\n{}", e.what());
    std::cerr << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    spdlog::critical("cannot start: {}", e.what());
    std::cerr << "rolecall: cannot start: " << e.what() << "\n";
    return 1;
  }

  asio::io_context ioc(static_cast<int>(threads));
  HttpServerOptions options;
  options.address = config.server.host;
  options.port = config.server.port;
  options.body_limit = config.server.body_limit_bytes;
  options.header_limit = config.server.header_limit_bytes;
  options.read_timeout = std::chrono::milliseconds(config.server.read_timeout_ms);
  options.single_thread = threads == 1;
  options.max_connections = config.server.max_connections;
  options.metrics = &services->metrics();
  fit_open_file_limit(config.server.max_connections);
  std::unique_ptr<HttpServer> server;
  try {
    server = std::make_unique<HttpServer>(
        ioc, options, [&s = *services](const HttpRequest& r) { return s.router().handle(r); });
  } catch (const std::exception& e) {
    spdlog::critical("cannot listen on {}: {}", config.server.listen, e.what());
    std::cerr << "rolecall: cannot listen on " << config.server.listen << ": " << e.what() << "\n";
    return 1;
  }

  DigestScheduler scheduler(
      ioc, services->digests(), services->config(),
      DigestSchedulerLease{&services->store(), services->replica_name(), &services->metrics()});
  // Slack over Socket Mode, when an app-level token is configured.
  std::unique_ptr<SlackSocketModeClient> socket_mode = services->start_slack_socket_mode(ioc);

  // SIGTERM/SIGINT: stop accepting, finish requests in flight, let the outbox
  // finish the delivery in hand, exit 0. A grace timer bounds the wait.
  asio::signal_set stop_signals(ioc, SIGINT, SIGTERM);
  asio::signal_set hup(ioc, SIGHUP);
  asio::steady_timer grace(ioc);
  asio::steady_timer depth_timer(ioc);
  // Set on SIGTERM: a timer handler already queued when it is cancelled must
  // not re-arm it, or the io_context would never run out of work.
  std::atomic<bool> shutting_down{false};
  stop_signals.async_wait([&](const boost::system::error_code& ec, int signo) {
    if (ec) return;
    spdlog::info("received signal {}, shutting down", signo);
    shutting_down = true;
    server->stop();
    scheduler.stop();
    if (socket_mode) socket_mode->stop();  // acks in hand go out, then close frames
    grace.expires_after(std::chrono::milliseconds(config.server.shutdown_grace_ms));
    grace.async_wait([&](const boost::system::error_code& e) {
      if (!e) {
        spdlog::warn("shutdown grace period over; closing remaining connections");
        ioc.stop();
      }
    });
    // When the last connection is gone the io_context runs out of work, except
    // for the grace timer: poll for that.
    auto poll = std::make_shared<asio::steady_timer>(ioc);
    auto check = std::make_shared<std::function<void()>>();
    // Only the pending wait holds the function strongly: no reference cycle.
    std::weak_ptr<std::function<void()>> weak_check = check;
    *check = [&, poll, weak_check] {
      if (server->open_connections() == 0 && (!socket_mode || socket_mode->idle())) {
        grace.cancel();  // nothing left: let io_context run out of work
        hup.cancel();
        depth_timer.cancel();
        return;
      }
      poll->expires_after(std::chrono::milliseconds(20));
      poll->async_wait([self = weak_check.lock()](const boost::system::error_code& e) {
        if (!e && self) (*self)();
      });
    };
    (*check)();
  });

  // SIGHUP: reload the taxonomy and the team directory.
  std::function<void()> wait_hup = [&] {
    hup.async_wait([&](const boost::system::error_code& ec, int) {
      if (ec) return;
      services->reload();
      wait_hup();
    });
  };
  wait_hup();

  // The outbox depth against outbox.max_depth every few seconds, besides the
  // worker's own checks, which wait while it is in a round of slow deliveries.
  std::function<void()> schedule_depth_check = [&] {
    depth_timer.expires_after(std::chrono::seconds(5));
    depth_timer.async_wait([&](const boost::system::error_code& ec) {
      if (ec || shutting_down) return;
      services->outbox().depth_watch().check();
      schedule_depth_check();
    });
  };
  schedule_depth_check();

  // Housekeeping (retention, dedupe expiry) runs on the database watch's
  // thread once the database answers, then hourly (Services::watch_database).
  services->start_database_watch();
  services->outbox().start();
  server->start();
  scheduler.start();
  spdlog::info("listening on http://{}:{}/ with {} worker threads", config.server.host,
               server->port(), threads);
  if (config.console.enabled) {
    spdlog::info("console: http://{}:{}/",
                 config.server.host == "0.0.0.0" ? "127.0.0.1" : config.server.host,
                 server->port());
  }

  std::vector<std::thread> workers;
  for (unsigned i = 1; i < threads; ++i) workers.emplace_back([&] { ioc.run(); });
  ioc.run();
  ioc.stop();
  for (auto& t : workers) t.join();

  services->outbox().stop();
  services->stop_database_watch();
  spdlog::info("rolecall stopped");
  spdlog::shutdown();
  return 0;
}

}  // namespace rolecall
