#pragma once
// The chat platforms the configuration turns on: their outbound deliverers
// (for the outbox worker) and their inbound endpoints (for the router).

#include <boost/asio/io_context.hpp>
#include <memory>
#include <optional>
#include <vector>

#include "adapters/common/deliverer.hpp"
#include "adapters/slack/socket_mode_url.hpp"
#include "config/app_config.hpp"
#include "daemon/metrics.hpp"
#include "daemon/outbox_worker.hpp"
#include "daemon/request_router.hpp"
#include "usecases/app.hpp"
#include "usecases/knowledge.hpp"

namespace rolecall {

struct PlatformContext {
  App* app;
  Store* store;
  const KnowledgeHolder* knowledge;
  Metrics* metrics;
  OutboxWorker* outbox;
  const AppConfig* config;
};

class SlackHandler;
class SlackSocketModeClient;
class SlackWebApi;

class PlatformWiring {
 public:
  // Builds the outbound clients. With a Slack bot token it calls auth.test
  // once to learn the bot's own user and bot ids (loop prevention); with an
  // app-level token it calls apps.connections.open once (Socket Mode). A
  // token Slack refuses is a start-up error (std::runtime_error); a network
  // problem is not (the daemon starts and keeps trying).
  explicit PlatformWiring(const AppConfig& config);
  ~PlatformWiring();

  std::vector<std::shared_ptr<Deliverer>> deliverers() const { return deliverers_; }
  // Registers the HTTP endpoints and builds the Slack handler both Slack
  // receivers share.
  void register_routes(RequestRouter& router, const PlatformContext& ctx);

  // Builds the Socket Mode client (after register_routes) and starts it: it
  // connects once `ioc` runs. nullptr when Socket Mode is off. Destroy it
  // after `ioc` stopped running, and before `ioc` and this object.
  std::unique_ptr<SlackSocketModeClient> make_socket_mode_client(boost::asio::io_context& ioc,
                                                                 Metrics* metrics);

 private:
  const AppConfig& config_;
  std::vector<std::shared_ptr<Deliverer>> deliverers_;
  std::string slack_bot_user_id_, slack_bot_id_;
  std::shared_ptr<SlackHandler> slack_handler_;
  std::shared_ptr<SlackWebApi> slack_app_api_;     // with the app-level token
  std::optional<SocketModeUrl> first_socket_url_;  // fetched while starting
};

}  // namespace rolecall
