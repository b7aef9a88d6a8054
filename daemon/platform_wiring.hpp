#pragma once
// The chat platforms the configuration turns on: their outbound deliverers
// (for the outbox worker) and their inbound endpoints (for the router).

#include <memory>
#include <vector>

#include "adapters/common/deliverer.hpp"
#include "config/app_config.hpp"
#include "daemon/assistant.hpp"
#include "daemon/knowledge.hpp"
#include "daemon/metrics.hpp"
#include "daemon/outbox_worker.hpp"
#include "daemon/request_router.hpp"

namespace rolecall {

struct PlatformContext {
  Assistant* assistant;
  Store* store;
  const KnowledgeHolder* knowledge;
  Metrics* metrics;
  OutboxWorker* outbox;
  const AppConfig* config;
};

class PlatformWiring {
 public:
  // Builds the outbound clients. With a Slack bot token it calls auth.test
  // once to learn the bot's own user and bot ids (loop prevention); an
  // invalid token is a start-up error (std::runtime_error).
  explicit PlatformWiring(const AppConfig& config);

  std::vector<std::shared_ptr<Deliverer>> deliverers() const { return deliverers_; }
  void register_routes(RequestRouter& router, const PlatformContext& ctx) const;

 private:
  const AppConfig& config_;
  std::vector<std::shared_ptr<Deliverer>> deliverers_;
  std::string slack_bot_user_id_, slack_bot_id_;
};

}  // namespace rolecall
