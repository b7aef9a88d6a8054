#pragma once
// Delivers Slack outbox rows (adapters/common/deliverer.hpp) through the
// SlackWebApi port and classifies the outcome per platforms/slack.md §5.
//
// Destinations (OutboxMessage::destination / target / payload):
//   "slack:chat.postMessage"         target = channel id; payload = message JSON
//                                    (channel is set from target when given)
//   "slack:chat.postEphemeral"       target = channel id; payload includes "user"
//   "slack:chat.update"              target = channel id; payload includes "ts"
//   "slack:response_url"             target = the response_url; payload = message JSON
//   "slack:conversations.open+post"  target = user id: conversations.open, then
//                                    chat.postMessage to the returned DM channel
//
// Outcomes:
//   delivered          2xx and ok:true (response_url: any 2xx); response_body is
//                      Slack's JSON reply (chat.postMessage: channel + ts)
//   retry              no HTTP response, HTTP 5xx / 408, HTTP 429 (retry_after =
//                      Retry-After), ok:false ratelimited / rate_limited /
//                      fatal_error / internal_error / request_timeout /
//                      service_unavailable
//   permanent_failure  every other ok:false code (invalid_auth, not_authed,
//                      account_inactive, token_revoked, token_expired,
//                      missing_scope, channel_not_found, not_in_channel,
//                      is_archived, msg_too_long, msg_blocks_too_long,
//                      invalid_blocks, no_text, too_many_attachments, …),
//                      other 3xx/4xx, response_url 404/410 (expired), an
//                      unparseable payload, an unknown destination, a
//                      response_url outside the allowed prefixes
//
// Pacing: posts to one channel (postMessage, postEphemeral, DM posts) are
// spaced by `channel_interval` with a ChannelPacer; deliver() sleeps for the
// wait, which is fine because the outbox worker thread is dedicated to
// delivery. chat.update and response_url posts are not paced.
//
// Thread-safe (the pacer books slots atomically); never throws.

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "adapters/common/deliverer.hpp"
#include "adapters/slack/channel_pacer.hpp"
#include "adapters/slack/slack_web_api.hpp"

namespace rolecall {

struct SlackDelivererOptions {
  std::chrono::milliseconds channel_interval{1000};
  // response_url targets must start with one of these (guards against
  // posting chat content to arbitrary hosts). Empty = Slack's hooks host
  // plus the origin of `api_base_url`, so a fake Slack in tests also works.
  std::vector<std::string> allowed_response_url_prefixes;
  std::string api_base_url = "https://slack.com/api/";
  // Injected for tests; defaults: steady_clock::now and this_thread::sleep_for.
  std::function<ChannelPacer::Clock::time_point()> now;
  std::function<void(std::chrono::milliseconds)> sleep;
};

// Outcome of one Web API / response_url reply; see the table above.
DeliveryResult classify_web_api_result(const SlackApiResult& result);
DeliveryResult classify_response_url_result(const SlackApiResult& result);

class SlackDeliverer final : public Deliverer {
 public:
  SlackDeliverer(std::shared_ptr<SlackWebApi> api, SlackDelivererOptions options = {});

  bool handles(const std::string& destination) const override;
  DeliveryResult deliver(const OutboxMessage& message) override;

  const ChannelPacer& pacer() const { return pacer_; }

 private:
  DeliveryResult post_paced(const std::string& method, const std::string& channel,
                            const nlohmann::json& body);
  bool response_url_allowed(const std::string& url) const;

  std::shared_ptr<SlackWebApi> api_;
  SlackDelivererOptions options_;
  ChannelPacer pacer_;
};

}  // namespace rolecall
