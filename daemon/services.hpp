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

#include <memory>
#include <string>
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

  // Slack Socket Mode (an app-level token is configured): the client,
  // started; it connects once `ioc` runs. nullptr when Socket Mode is off.
  // Destroy it after `ioc` stopped running and before `ioc`.
  std::unique_ptr<SlackSocketModeClient> start_slack_socket_mode(boost::asio::io_context& ioc);

  // Hourly housekeeping: drops message texts past storage.retention_days and
  // expired dedupe keys. Never throws (store errors are logged).
  void maintenance();

  // SIGHUP: reloads the config file's taxonomy and team directory and swaps
  // them in atomically. A bad file leaves the running knowledge in place;
  // returns false and logs every problem.
  bool reload();

 private:
  void register_routes();
  static CrossPostRenderer teams_routing_notices();

  AppConfig config_;
  Metrics metrics_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<KnowledgeHolder> knowledge_;
  std::unique_ptr<App> app_;
  std::vector<std::shared_ptr<Deliverer>> deliverers_;
  std::unique_ptr<OutboxWorker> outbox_;
  std::unique_ptr<DigestService> digests_;
  std::unique_ptr<RequestRouter> router_;
  std::unique_ptr<PlatformWiring> platforms_;
};

}  // namespace rolecall
