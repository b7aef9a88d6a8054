#include "daemon/platform_wiring.hpp"

#include <spdlog/spdlog.h>

#include "daemon/slack_endpoint.hpp"
#include "daemon/teams_endpoint.hpp"

namespace rolecall {

PlatformWiring::PlatformWiring(const AppConfig& config) : config_(config) {}

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
