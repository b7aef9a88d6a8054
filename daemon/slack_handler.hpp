#pragma once
// What rolecall does with one Slack request once a receiver has
// authenticated and parsed it: the one seam both Slack transports share.
//
//   HTTP (daemon/slack_endpoint.cpp):   ssl_check -> signature -> parse -> handle
//   Socket Mode (daemon/slack_socket_mode_receiver.cpp): envelope -> handle -> ack
//
// The handler never learns which transport brought the request: it gets a
// SlackRequest value (adapters/slack/slack_request.hpp) and returns a
// SlackReply value, which each receiver turns into its own answer (an HTTP
// response; an ack with or without payload).
//
// It translates only: bots and rolecall's own posts are dropped before
// anything is written, then the request becomes a use case call
// (usecases/app.hpp), which decides, dedupes (event ids in the store, so
// Slack's retries and Socket Mode redeliveries count once, also across
// replicas sharing a store) and commits. The immediate reply is rendered
// here; every later message (thread replies, message updates) is an outbox
// row committed with the request, so the reply is always within Slack's
// 3-second budget.
//
// Thread safety: handle() may be called from any thread concurrently.
// Never throws: a store failure becomes SlackReply::Status::unavailable.

#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "adapters/slack/slack_request.hpp"
#include "daemon/platform_wiring.hpp"

namespace rolecall {

struct SlackHandlerContext {
  PlatformContext platform;
  std::string bot_user_id;  // from auth.test; "" when unknown
  std::string bot_id;       // from auth.test; "" when unknown
  bool can_post = false;    // a bot token is configured
  std::int64_t dedupe_ttl_seconds = std::int64_t{24} * 3600;
  std::function<std::int64_t()> clock;  // Unix seconds; empty = system clock
};

struct SlackReply {
  enum class Status {
    ok,           // handled (or deliberately ignored)
    malformed,    // the request makes no sense; `body` says why. Retrying will not help
    unavailable,  // the store failed; nothing was committed, a redelivery will work
  };
  Status status = Status::ok;
  // ok: the immediate reply (a slash command's message, url_verification's
  // challenge), or null when there is nothing to say.
  // malformed: {"error": …, "reason": …}.
  nlohmann::json body;
};

// Where a request came from, for log lines only.
struct SlackDelivery {
  std::string_view request_id;  // the HTTP request id or the Socket Mode envelope id
  std::string_view source;      // the HTTP peer address, or "socket 2"
};

class SlackHandler {
 public:
  explicit SlackHandler(SlackHandlerContext ctx);
  ~SlackHandler();
  SlackHandler(const SlackHandler&) = delete;
  SlackHandler& operator=(const SlackHandler&) = delete;

  SlackReply handle(const SlackRequest& request, const SlackDelivery& delivery) noexcept;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace rolecall
