#pragma once
// Everything the daemon runs besides the HTTP listener, built from the
// configuration in dependency order: metrics, store, knowledge, the use cases (App),
// outbound deliverers and the outbox worker, the digest scheduler's
// dependencies, and the endpoint table (RequestRouter).
//
// Construction performs the start-up checks (store opens and migrates,
// taxonomy valid, Slack auth.test when a bot token is set) and throws
// ConfigError / StoreError / std::runtime_error on failure: the caller
// reports and exits.

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "adapters/common/deliverer.hpp"
#include "config/app_config.hpp"
#include "daemon/metrics.hpp"
#include "daemon/outbox_worker.hpp"
#include "daemon/request_router.hpp"
#include "storage/store.hpp"
#include "usecases/app.hpp"
#include "usecases/knowledge.hpp"

namespace boost::asio {
class io_context;
}

namespace rolecall {

class DigestService;
class PlatformWiring;
class SlackSocketModeClient;

// Housekeeping's lease: most of the hour between two runs (see maintenance()).
inline constexpr std::int64_t kHousekeepingLeaseSeconds = std::int64_t{55} * 60;

class Services {
 public:
  explicit Services(AppConfig config);
  ~Services();

  RequestRouter& router() { return *router_; }
  Metrics& metrics() { return metrics_; }
  Store& store() { return *store_; }
  OutboxWorker& outbox() { return *outbox_; }
  DigestService& digests() { return *digests_; }
  const AppConfig& config() const { return config_; }
  // This replica's name in outbox claims and leases (host name and port).
  const std::string& replica_name() const { return replica_name_; }

  // Slack Socket Mode (an app-level token is configured): the client,
  // started; it connects once `ioc` runs. nullptr when Socket Mode is off.
  // Destroy it after `ioc` stopped running and before `ioc`.
  std::unique_ptr<SlackSocketModeClient> start_slack_socket_mode(boost::asio::io_context& ioc);

  // Housekeeping: drops message texts past storage.retention_days and
  // expired dedupe keys. Never throws (store errors are logged).
  void maintenance();

  // The database watch, a thread: pings the store every 2 s (every 0.5 s
  // while it is unreachable, which is what gets a store opened without its
  // database ready within a second of the database coming back), logs each
  // change, keeps rolecall_database_up, and runs maintenance() once the
  // database first answers and then every hour. Started by run_serve;
  // stopped by the destructor.
  void start_database_watch();
  void stop_database_watch();

  // SIGHUP: reloads the config file's taxonomy and team directory and swaps
  // them in atomically. A bad file leaves the running knowledge in place;
  // returns false and logs every problem.
  bool reload();

 private:
  void register_routes();
  void watch_database();
  static CrossPostRenderer teams_routing_notices();

  AppConfig config_;
  std::string replica_name_;  // outbox claims and leases: host name and port
  Metrics metrics_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<KnowledgeHolder> knowledge_;
  std::unique_ptr<App> app_;
  std::vector<std::shared_ptr<Deliverer>> deliverers_;
  std::unique_ptr<OutboxWorker> outbox_;
  std::unique_ptr<DigestService> digests_;
  std::unique_ptr<RequestRouter> router_;
  std::unique_ptr<PlatformWiring> platforms_;
  std::atomic<bool> database_up_{false};
  std::thread watch_;
  std::mutex watch_mu_;
  std::condition_variable watch_cv_;
  bool watch_stop_ = false;
};

}  // namespace rolecall
