#pragma once
// POST /slack/events (also /slack/commands and /slack/interactive): the
// Slack Events API receiver over HTTP. One URL takes the Events API, slash
// commands and interactivity, told apart by content type and body
// (adapters/slack/slack_request.hpp).
//
// Order for every request: ssl_check (unsigned; answered 200, nothing else
// read) -> signature (401 and nothing else on failure) -> parse -> the
// shared SlackHandler (daemon/slack_handler.hpp), whose reply becomes the
// HTTP response: 200 (with the reply's JSON, if any), 400 when malformed,
// 503 when the store failed (Slack retries).

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "daemon/request_router.hpp"
#include "daemon/slack_handler.hpp"

namespace rolecall {

class Metrics;

struct SlackEndpointContext {
  std::shared_ptr<SlackHandler> handler;
  Metrics* metrics = nullptr;
  std::string signing_secret;           // never empty
  std::function<std::int64_t()> clock;  // Unix seconds; empty = system clock
};

void register_slack_routes(RequestRouter& router, SlackEndpointContext ctx);

}  // namespace rolecall
