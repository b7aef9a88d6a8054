#include "daemon/platform_wiring.hpp"

#include <spdlog/spdlog.h>

#include <stdexcept>
#include <thread>

#include "adapters/slack/cpprest_slack_web_api.hpp"
#include "adapters/slack/slack_deliverer.hpp"
#include "adapters/teams/teams_workflow_deliverer.hpp"
#include "daemon/slack_endpoint.hpp"
#include "daemon/teams_endpoint.hpp"

namespace rolecall {

PlatformWiring::PlatformWiring(const AppConfig& config) : config_(config) {
  if (config_.slack.active && !config_.slack.bot_token.empty()) {
    CpprestSlackWebApiOptions api_options;
    api_options.base_url = config_.slack.api_url;
    api_options.token = config_.slack.bot_token;
    api_options.timeout = std::chrono::milliseconds(config_.slack.request_timeout_ms);
    auto api = std::make_shared<CpprestSlackWebApi>(api_options);

    // Learn our own user and bot ids so our posts coming back as events are
    // never answered. A bad token is a configuration error; a network
    // problem is not fatal (the signing secret still protects the inbound
    // side, and bot_id filtering catches every bot post).
    SlackAuthResult auth;
    for (int attempt = 0; attempt < 3; ++attempt) {
      auth = slack_auth_test(*api);
      if (auth.identity || !auth.transient) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(500 * (attempt + 1)));
    }
    if (auth.identity) {
      slack_bot_user_id_ = auth.identity->user_id;
      slack_bot_id_ = auth.identity->bot_id;
      spdlog::info("slack: auth.test ok: bot user {} (bot {}) in workspace {}", slack_bot_user_id_,
                   slack_bot_id_, auth.identity->team_id);
    } else if (auth.transient) {
      spdlog::warn(
          "slack: auth.test failed ({}); starting without our bot ids, every bot "
          "message is ignored anyway",
          auth.error);
    } else {
      throw std::runtime_error("slack: auth.test rejected the bot token: " + auth.error +
                               " (check SLACK_BOT_TOKEN / slack.bot_token)");
    }

    SlackDelivererOptions options;
    options.api_base_url = config_.slack.api_url;
    options.channel_interval = std::chrono::milliseconds(config_.slack.post_interval_ms);
    deliverers_.push_back(std::make_shared<SlackDeliverer>(api, options));
  } else if (config_.slack.active) {
    spdlog::warn(
        "slack: no bot token: slash commands are answered, but thread replies, DMs "
        "and digests cannot be posted");
  }
  // Workflows URLs may be used by any team's digest, whether or not an
  // outgoing webhook is configured.
  deliverers_.push_back(std::shared_ptr<Deliverer>(
      make_teams_workflow_deliverer(std::chrono::milliseconds(config_.teams.request_timeout_ms))));
}

void PlatformWiring::register_routes(RequestRouter& router, const PlatformContext& ctx) const {
  const std::int64_t ttl = static_cast<std::int64_t>(config_.dedupe_ttl_hours) * 3600;
  if (config_.slack.active) {
    SlackEndpointContext slack;
    slack.platform = ctx;
    slack.signing_secret = config_.slack.signing_secret;
    slack.bot_user_id = slack_bot_user_id_;
    slack.bot_id = slack_bot_id_;
    slack.can_post = !config_.slack.bot_token.empty();
    slack.dedupe_ttl_seconds = ttl;
    register_slack_routes(router, std::move(slack));
    spdlog::info("slack: enabled on POST /slack/events{}",
                 slack_bot_user_id_.empty() ? "" : " as " + slack_bot_user_id_);
  } else {
    spdlog::info("slack: off (no signing secret)");
  }
  if (config_.teams.active) {
    TeamsEndpointContext teams;
    teams.platform = ctx;
    teams.dedupe_ttl_seconds = ttl;
    register_teams_routes(router, std::move(teams));
    for (const auto& w : config_.teams.webhooks) {
      if (w.active)
        spdlog::info("teams: webhook \"{}\" on POST /teams/webhook{}", w.name,
                     w.name == "default" ? "" : "/" + w.name);
    }
  } else {
    spdlog::info("teams: off (no webhook token)");
  }
}

}  // namespace rolecall
