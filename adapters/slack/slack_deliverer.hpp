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
//                      service_unavailable. `sent` is not_sent for 429 and
//                      ratelimited / rate_limited (Slack refused the request)
//                      and for a DM whose conversations.open failed; every
//                      other retry may have posted (slack.md §5: 5xx "may have
//                      partially succeeded").
//   permanent_failure  every other ok:false code (invalid_auth, not_authed,
//                      account_inactive, token_revoked, token_expired,
//                      missing_scope, channel_not_found, not_in_channel,
//                      is_archived, msg_too_long, msg_blocks_too_long,
//                      invalid_blocks, no_text, too_many_attachments, …),
//                      other 3xx/4xx, response_url 404/410 (expired), an
//                      unparseable payload, an unknown destination, a
//                      response_url outside the allowed prefixes
//
// Exactly once across crashes (issue 13; adapters/common/deliverer.hpp):
// chat.postMessage and DM posts of row N carry message metadata
//   {"event_type": "rolecall_outbox",
//    "event_payload": {"outbox_id": N, "key": <first 16 hex of SHA-256 of the
//                      row's idempotency key>}}
// (the key tells rows of two rolecall databases posting to one workspace
// apart). find_post() reads it back with include_all_metadata=true:
// conversations.replies of the row's thread_ts, or conversations.history of
// the channel (a DM: conversations.open first), from `lookup_window_seconds`
// before the attempt started, at most `lookup_pages` pages of
// `lookup_page_size` messages. Needs the *:history scope of the conversation
// (channels:history, groups:history, im:history, mpim:history); both methods
// are Tier 3 for internal customer-built apps (Slack limits apps distributed
// outside the Marketplace to 1 request a minute and 15 messages a page).
// Lookup outcomes: found / not_found; failed and transient for no response,
// 5xx, 408, 429, a transient ok:false code, an unparseable reply, or more
// pages than allowed; failed and permanent for every other ok:false code
// (missing_scope, channel_not_found, not_in_channel, thread_not_found, ...).
// chat.postEphemeral (ephemeral messages are not in history), chat.update and
// response_url (replacing twice gives the same message) are unsupported.
//
// Pacing: Slack allows about one message a second per channel. pacing()
// gives posts to one channel (postMessage, postEphemeral; a DM post is keyed
// by its user, whose DM channel is only known after conversations.open) the
// destination {slack, channel} and `channel_interval`; the outbox worker
// spaces them. deliver() never waits. chat.update and response_url posts are
// not paced (nullopt).
//
// Thread-safe (no state besides the API client); never throws.

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/common/deliverer.hpp"
#include "adapters/slack/slack_web_api.hpp"

namespace rolecall {

struct SlackDelivererOptions {
  std::chrono::milliseconds channel_interval{1000};
  // response_url targets must start with one of these (guards against
  // posting chat content to arbitrary hosts). Empty = Slack's hooks host
  // plus the origin of `api_base_url`, so a fake Slack in tests also works.
  std::vector<std::string> allowed_response_url_prefixes;
  std::string api_base_url = "https://slack.com/api/";
  // find_post(): how far before the attempt's start to look (covers clock
  // skew between us and Slack), and how many messages to read at most.
  std::int64_t lookup_window_seconds = 300;
  int lookup_page_size = 100;
  int lookup_pages = 5;
};

// Outcome of one Web API / response_url reply; see the table above.
DeliveryResult classify_web_api_result(const SlackApiResult& result);
DeliveryResult classify_response_url_result(const SlackApiResult& result);

// The metadata event_type rolecall tags its posts with, and the tag of row
// `outbox_id` with idempotency key `key` (the "metadata" object).
inline constexpr std::string_view kOutboxMetadataType = "rolecall_outbox";
nlohmann::json outbox_metadata(std::int64_t outbox_id, const std::string& key);
// True when `message` (a message object of conversations.history/replies)
// carries that tag.
bool has_outbox_metadata(const nlohmann::json& message, std::int64_t outbox_id,
                         const std::string& key);

class SlackDeliverer final : public Deliverer {
 public:
  SlackDeliverer(std::shared_ptr<SlackWebApi> api, SlackDelivererOptions options = {});

  bool handles(const std::string& destination) const override;
  using Deliverer::deliver;
  DeliveryResult deliver(const OutboxMessage& message, std::int64_t outbox_id) override;
  PostLookup find_post(const OutboxMessage& message, std::int64_t outbox_id,
                       std::int64_t attempt_started_at) override;
  std::optional<Pacing> pacing(const OutboxMessage& message) const override;

 private:
  bool response_url_allowed(const std::string& url) const;
  // conversations.replies (thread_ts set) or conversations.history.
  PostLookup look_in(const std::string& channel, const std::string& thread_ts,
                     std::int64_t outbox_id, const std::string& key, std::int64_t oldest);

  std::shared_ptr<SlackWebApi> api_;
  SlackDelivererOptions options_;
};

}  // namespace rolecall
