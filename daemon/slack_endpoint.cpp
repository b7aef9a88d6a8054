#include "daemon/slack_endpoint.hpp"

#include <spdlog/spdlog.h>

#include <ctime>

#include "adapters/slack/slack_signature.hpp"
#include "daemon/logging.hpp"
#include "daemon/metrics.hpp"

namespace rolecall {

namespace {

HttpResponse to_http(SlackReply&& reply) {
  switch (reply.status) {
    case SlackReply::Status::ok:
      if (reply.body.is_null()) return HttpResponse{200, "text/plain; charset=utf-8", "", {}};
      return HttpResponse::json(
          200, reply.body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    case SlackReply::Status::malformed:
      return HttpResponse::json(
          400, reply.body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    case SlackReply::Status::unavailable:
      // 503 lets Slack retry the event later.
      return HttpResponse::json(503, R"({"error":"temporarily unavailable"})");
  }
  return HttpResponse::json(503, R"({"error":"temporarily unavailable"})");
}

class SlackEndpoint {
 public:
  explicit SlackEndpoint(SlackEndpointContext ctx) : ctx_(std::move(ctx)) {
    if (!ctx_.clock) ctx_.clock = [] { return static_cast<std::int64_t>(std::time(nullptr)); };
  }

  HttpResponse handle(const HttpRequest& req) {
    LogContext::set_platform("slack");
    if (is_ssl_check(req)) {
      spdlog::debug("slack: ssl_check answered");
      return HttpResponse{200, "text/plain; charset=utf-8", "", {}};
    }
    const auto check = verify_slack_request(req, ctx_.signing_secret, ctx_.clock());
    if (check != SignatureCheck::ok) {
      ctx_.metrics->inc("rolecall_signature_failures",
                        {{"platform", "slack"}, {"reason", std::string(to_string(check))}});
      spdlog::warn("slack: rejected request from {}: signature {}", req.peer_address,
                   to_string(check));
      return HttpResponse::json(401, R"({"error":"invalid request"})");
    }
    return to_http(
        ctx_.handler->handle(parse_slack_request(req), {req.request_id, req.peer_address}));
  }

 private:
  SlackEndpointContext ctx_;
};

}  // namespace

void register_slack_routes(RequestRouter& router, SlackEndpointContext ctx) {
  auto endpoint = std::make_shared<SlackEndpoint>(std::move(ctx));
  auto handler = [endpoint](const HttpRequest& r) { return endpoint->handle(r); };
  router.add("POST", "/slack/events", "slack_events", handler);
  router.add("POST", "/slack/commands", "slack_commands", handler);
  router.add("POST", "/slack/interactive", "slack_interactive", handler);
}

}  // namespace rolecall
