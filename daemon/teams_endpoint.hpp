#pragma once
// POST /teams/webhook and /teams/webhook/NAME: Microsoft Teams outgoing
// webhooks. Each webhook has its own security token (config
// teams.webhooks[].secret); the default one answers on /teams/webhook.
//
// verify `Authorization: HMAC …` over the raw body (401 and nothing else on
// failure) -> parse the activity (400 when malformed) -> command or message
// -> synchronous reply: text plus an Adaptive Card 1.4, within Teams' 5 s.
// Teams calls the webhook only when rolecall is @mentioned, so every message
// it sees is addressed to it: requests are routed, questions answered, and
// "reassign" / "ack" / "dismiss" / "decision TEXT" / "decisions" / "help"
// are commands.

#include <functional>

#include "daemon/platform_wiring.hpp"

namespace rolecall {

struct TeamsEndpointContext {
  PlatformContext platform;
  std::int64_t dedupe_ttl_seconds = 24 * 3600;
  std::function<std::int64_t()> clock;  // Unix seconds; empty = system clock
};

void register_teams_routes(RequestRouter& router, TeamsEndpointContext ctx);

}  // namespace rolecall
