#include "daemon/platform_wiring.hpp"

#include <spdlog/spdlog.h>

#include <stdexcept>
#include <thread>

#include "adapters/slack/cpprest_slack_web_api.hpp"
#include "adapters/slack/slack_deliverer.hpp"
#include "adapters/teams/teams_workflow_deliverer.hpp"
#include "daemon/slack_endpoint.hpp"
#include "daemon/slack_handler.hpp"
#include "daemon/slack_socket_mode_client.hpp"
#include "daemon/slack_socket_mode_receiver.hpp"
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
  if (config_.slack.socket_mode()) {
    CpprestSlackWebApiOptions app_options;
    app_options.base_url = config_.slack.api_url;
    app_options.token = config_.slack.app_token;
    app_options.timeout = std::chrono::milliseconds(config_.slack.request_timeout_ms);
    slack_app_api_ = std::make_shared<CpprestSlackWebApi>(app_options);
    // One apps.connections.open now, so a refused token stops the start
    // with a clear error; its URL serves the first connection.
    ConnectionsOpenResult opened;
    for (int attempt = 0; attempt < 3; ++attempt) {
      opened = open_socket_mode_connection(*slack_app_api_);
      if (opened.url || opened.permanent) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(500 * (attempt + 1)));
    }
    if (opened.permanent) {
      throw std::runtime_error(
          "slack: apps.connections.open rejected the app-level token: " + opened.error +
          " (check SLACK_APP_TOKEN / slack.app_token: an xapp- token with "
          "the connections:write scope, and Socket Mode turned on in the "
          "app's settings)");
    }
    if (opened.url) {
      first_socket_url_ = std::move(opened.url);
    } else {
      spdlog::warn("slack: apps.connections.open failed ({}); Socket Mode keeps trying",
                   opened.error);
    }
  }
  // Workflows URLs may be used by any team's digest, whether or not an
  // outgoing webhook is configured.
  deliverers_.push_back(std::shared_ptr<Deliverer>(
      make_teams_workflow_deliverer(std::chrono::milliseconds(config_.teams.request_timeout_ms))));
}

PlatformWiring::~PlatformWiring() = default;

void PlatformWiring::register_routes(RequestRouter& router, const PlatformContext& ctx) {
  const std::int64_t ttl = static_cast<std::int64_t>(config_.dedupe_ttl_hours) * 3600;
  if (config_.slack.active) {
    SlackHandlerContext slack;
    slack.platform = ctx;
    slack.bot_user_id = slack_bot_user_id_;
    slack.bot_id = slack_bot_id_;
    slack.can_post = !config_.slack.bot_token.empty();
    slack.dedupe_ttl_seconds = ttl;
    slack_handler_ = std::make_shared<SlackHandler>(std::move(slack));
    const std::string as = slack_bot_user_id_.empty() ? "" : " as " + slack_bot_user_id_;
    if (config_.slack.http_events()) {
      SlackEndpointContext http;
      http.handler = slack_handler_;
      http.metrics = ctx.metrics;
      http.signing_secret = config_.slack.signing_secret;
      register_slack_routes(router, std::move(http));
      spdlog::info("slack: enabled on POST /slack/events{}", as);
    }
    if (config_.slack.socket_mode()) {
      spdlog::info("slack: enabled over Socket Mode with {} connection{}{}{}",
                   config_.slack.socket_connections,
                   config_.slack.socket_connections == 1 ? "" : "s", as,
                   config_.slack.http_events() ? "" : " (no signing secret: no /slack/events)");
    }
  } else {
    spdlog::info("slack: off (no signing secret or app-level token)");
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

namespace rolecall {

std::unique_ptr<SlackSocketModeClient> PlatformWiring::make_socket_mode_client(
    boost::asio::io_context& ioc, Metrics* metrics) {
  if (!config_.slack.socket_mode() || !slack_handler_ || !slack_app_api_) return nullptr;
  SocketModeClientOptions options;
  options.connections = config_.slack.socket_connections;
  options.max_message_bytes = config_.server.body_limit_bytes;
  options.user_agent = std::string("rolecall/") + ROLECALL_VERSION;
  auto client = std::make_unique<SlackSocketModeClient>(
      ioc, options, [api = slack_app_api_] { return open_socket_mode_connection(*api); },
      make_socket_mode_receiver(slack_handler_), metrics);
  client->start(std::move(first_socket_url_));
  first_socket_url_.reset();
  return client;
}

}  // namespace rolecall
