#pragma once
// POST /slack/events (also /slack/commands and /slack/interactive): the Slack
// glue. One URL takes the Events API, slash commands and interactivity, told
// apart by content type and body (adapters/slack/slack_request.hpp).
//
// Order for every request: ssl_check (unsigned; answered 200, nothing else
// read) -> signature (401 and nothing else on failure) -> parse (400 when
// malformed) -> dedupe -> Assistant -> reply. The HTTP reply is immediate;
// every other message (thread replies, DMs, message updates) is an outbox
// row, so Slack's 3-second budget is always kept.

#include <cstdint>
#include <functional>
#include <string>

#include "daemon/platform_wiring.hpp"

namespace rolecall {

struct SlackEndpointContext {
  PlatformContext platform;
  std::string signing_secret;
  std::string bot_user_id;  // from auth.test; "" when unknown
  std::string bot_id;       // from auth.test; "" when unknown
  bool can_post = false;    // a bot token is configured
  std::int64_t dedupe_ttl_seconds = 24 * 3600;
  std::function<std::int64_t()> clock;  // Unix seconds; empty = system clock
};

void register_slack_routes(RequestRouter& router, SlackEndpointContext ctx);

}  // namespace rolecall
