#include "adapters/slack/slack_deliverer.hpp"

#include <algorithm>
#include <array>
#include <string_view>

#include "storage/sha256.hpp"

namespace rolecall {

namespace {

using nlohmann::json;

constexpr std::array<std::string_view, 6> kTransientCodes = {
    "ratelimited",    "rate_limited",    "fatal_error",
    "internal_error", "request_timeout", "service_unavailable"};

bool is_transient_code(std::string_view code) {
  for (auto c : kTransientCodes) {
    if (c == code) return true;
  }
  return false;
}

// Slack refused the request itself: nothing was posted.
bool is_rate_limit_code(std::string_view code) {
  return code == "ratelimited" || code == "rate_limited";
}

std::string key_tag(const std::string& idempotency_key) {
  return sha256_hex(idempotency_key).substr(0, 16);
}

std::string http_code(int status) { return "http_" + std::to_string(status); }

DeliveryResult network_retry(const SlackApiResult& r) {
  return DeliveryResult::retry_later("network: " + r.network_error);
}

// "https://a.b:1/x/y" -> "https://a.b:1/"
std::string origin_of(const std::string& url) {
  std::size_t scheme_end = url.find("://");
  if (scheme_end == std::string::npos) return {};
  std::size_t path = url.find('/', scheme_end + 3);
  return path == std::string::npos ? url + "/" : url.substr(0, path + 1);
}

}  // namespace

DeliveryResult classify_web_api_result(const SlackApiResult& r) {
  if (r.http_status == 0) return network_retry(r);
  if (r.http_status == 429) {
    return DeliveryResult::retry_later(r.error().empty() ? "ratelimited" : r.error(), r.retry_after,
                                       SentState::not_sent);
  }
  if (r.http_status >= 500 || r.http_status == 408) {
    return DeliveryResult::retry_later(http_code(r.http_status), r.retry_after);
  }
  if (r.http_status < 200 || r.http_status > 299) {
    return DeliveryResult::permanent(http_code(r.http_status));
  }
  if (!r.body.is_object()) return DeliveryResult::retry_later("bad_response");
  if (r.ok()) return DeliveryResult::ok(r.raw_body);
  std::string code = r.error();
  if (code.empty()) code = "unknown";
  if (is_transient_code(code)) {
    return DeliveryResult::retry_later(
        code, r.retry_after,
        is_rate_limit_code(code) ? SentState::not_sent : SentState::maybe_sent);
  }
  return DeliveryResult::permanent(code);
}

DeliveryResult classify_response_url_result(const SlackApiResult& r) {
  if (r.http_status == 0) return network_retry(r);
  if (r.http_status == 429) {
    return DeliveryResult::retry_later("rate_limited", r.retry_after, SentState::not_sent);
  }
  if (r.http_status == 404 || r.http_status == 410) return DeliveryResult::permanent("expired_url");
  if (r.http_status >= 500 || r.http_status == 408) {
    return DeliveryResult::retry_later(http_code(r.http_status), r.retry_after);
  }
  if (r.http_status < 200 || r.http_status > 299) {
    std::string code = r.error();
    return DeliveryResult::permanent(code.empty() ? http_code(r.http_status) : code);
  }
  // 2xx: Slack answers "ok" or {"ok":true}; an explicit ok:false is a refusal.
  if (r.body.is_object() && r.body.contains("ok") && !r.ok()) {
    std::string code = r.error().empty() ? "unknown" : r.error();
    if (is_transient_code(code)) {
      return DeliveryResult::retry_later(
          code, r.retry_after,
          is_rate_limit_code(code) ? SentState::not_sent : SentState::maybe_sent);
    }
    return DeliveryResult::permanent(code);
  }
  return DeliveryResult::ok(r.raw_body);
}

json outbox_metadata(std::int64_t outbox_id, const std::string& key) {
  return {{"event_type", kOutboxMetadataType},
          {"event_payload", {{"outbox_id", outbox_id}, {"key", key_tag(key)}}}};
}

bool has_outbox_metadata(const json& message, std::int64_t outbox_id, const std::string& key) {
  if (!message.is_object()) return false;
  auto meta = message.find("metadata");
  if (meta == message.end() || !meta->is_object()) return false;
  auto type = meta->find("event_type");
  if (type == meta->end() || !type->is_string() || *type != kOutboxMetadataType) return false;
  auto payload = meta->find("event_payload");
  if (payload == meta->end() || !payload->is_object()) return false;
  auto id = payload->find("outbox_id");
  auto tag = payload->find("key");
  // Slack hands numbers back as numbers; accept a string form as well.
  const bool id_matches =
      id != payload->end() &&
      ((id->is_number_integer() && id->get<std::int64_t>() == outbox_id) ||
       (id->is_string() && id->get<std::string>() == std::to_string(outbox_id)));
  return id_matches && tag != payload->end() && tag->is_string() && *tag == key_tag(key);
}

SlackDeliverer::SlackDeliverer(std::shared_ptr<SlackWebApi> api, SlackDelivererOptions options)
    : api_(std::move(api)), options_(std::move(options)) {
  if (options_.allowed_response_url_prefixes.empty()) {
    options_.allowed_response_url_prefixes.push_back("https://hooks.slack.com/");
    std::string api_origin = origin_of(options_.api_base_url);
    if (!api_origin.empty()) options_.allowed_response_url_prefixes.push_back(api_origin);
  }
}

bool SlackDeliverer::handles(const std::string& destination) const {
  return destination == "slack:chat.postMessage" || destination == "slack:chat.postEphemeral" ||
         destination == "slack:chat.update" || destination == "slack:response_url" ||
         destination == "slack:conversations.open+post";
}

bool SlackDeliverer::response_url_allowed(const std::string& url) const {
  for (const auto& prefix : options_.allowed_response_url_prefixes) {
    if (!prefix.empty() && url.compare(0, prefix.size(), prefix) == 0) return true;
  }
  return false;
}

std::optional<Pacing> SlackDeliverer::pacing(const OutboxMessage& m) const {
  const std::string& dest = m.destination;
  if (dest == "slack:conversations.open+post") {
    // Slack user ids (U…, W…) never equal channel ids (C…, G…, D…), so a
    // DM keyed by its user cannot share a slot with a channel.
    if (m.target.empty()) return std::nullopt;
    return Pacing{{Platform::slack, m.target}, options_.channel_interval};
  }
  if (dest != "slack:chat.postMessage" && dest != "slack:chat.postEphemeral") return std::nullopt;
  std::string channel = m.target;
  if (channel.empty()) {
    // deliver() takes the channel from the payload then; so does the slot.
    json payload = json::parse(m.payload, nullptr, /*allow_exceptions=*/false);
    if (payload.is_object()) {
      if (auto c = payload.find("channel"); c != payload.end() && c->is_string()) {
        channel = c->get<std::string>();
      }
    }
  }
  if (channel.empty()) return std::nullopt;  // deliver() fails it at once
  return Pacing{{Platform::slack, channel}, options_.channel_interval};
}

DeliveryResult SlackDeliverer::deliver(const OutboxMessage& m, std::int64_t outbox_id) {
  try {
    json payload = json::parse(m.payload, nullptr, /*allow_exceptions=*/false);
    if (payload.is_discarded() || !payload.is_object()) {
      return DeliveryResult::permanent("bad_payload");
    }
    const std::string& dest = m.destination;

    if (dest == "slack:response_url") {
      if (!response_url_allowed(m.target)) {
        return DeliveryResult::permanent("response_url_not_allowed");
      }
      return classify_response_url_result(api_->post_url(m.target, payload));
    }

    if (dest == "slack:chat.postMessage" && outbox_id > 0) {
      payload["metadata"] = outbox_metadata(outbox_id, m.idempotency_key);
    }
    if (dest == "slack:chat.postMessage" || dest == "slack:chat.postEphemeral") {
      if (!m.target.empty()) payload["channel"] = m.target;
      std::string channel = payload.value("channel", "");
      if (channel.empty()) return DeliveryResult::permanent("channel_not_found");
      return classify_web_api_result(api_->call(dest.substr(6), payload));
    }

    if (dest == "slack:chat.update") {
      if (!m.target.empty()) payload["channel"] = m.target;
      return classify_web_api_result(api_->call("chat.update", payload));
    }

    if (dest == "slack:conversations.open+post") {
      if (m.target.empty()) return DeliveryResult::permanent("user_not_found");
      SlackApiResult opened = api_->call("conversations.open", {{"users", m.target}});
      DeliveryResult open_result = classify_web_api_result(opened);
      if (open_result.outcome != DeliveryResult::Outcome::delivered) {
        open_result.sent = SentState::not_sent;  // nothing was posted yet
        return open_result;
      }
      std::string channel;
      if (auto c = opened.body.find("channel"); c != opened.body.end() && c->is_object()) {
        channel = c->value("id", "");
      }
      if (channel.empty()) {
        return DeliveryResult::retry_later("bad_response", -1, SentState::not_sent);
      }
      payload["channel"] = channel;
      if (outbox_id > 0) payload["metadata"] = outbox_metadata(outbox_id, m.idempotency_key);
      return classify_web_api_result(api_->call("chat.postMessage", payload));
    }

    return DeliveryResult::permanent("unknown_destination");
  } catch (const std::exception& e) {
    // json type errors on odd payloads, bad_alloc: never escape the worker.
    return DeliveryResult::permanent(std::string("internal: ") + e.what());
  }
}

namespace {

// A lookup reply that is not a page of messages, as a PostLookup failure.
// The codes that may pass are those a delivery would retry.
PostLookup lookup_failure(const SlackApiResult& r) {
  if (r.http_status == 0) return PostLookup::failure("lookup: network: " + r.network_error, false);
  if (r.http_status == 429) {
    return PostLookup::failure("lookup: " + (r.error().empty() ? "ratelimited" : r.error()), false,
                               r.retry_after);
  }
  if (r.http_status >= 500 || r.http_status == 408) {
    return PostLookup::failure("lookup: " + http_code(r.http_status), false, r.retry_after);
  }
  if (r.http_status < 200 || r.http_status > 299) {
    return PostLookup::failure("lookup: " + http_code(r.http_status), true);
  }
  if (!r.body.is_object()) return PostLookup::failure("lookup: bad_response", false);
  std::string code = r.error().empty() ? "unknown" : r.error();
  return PostLookup::failure("lookup: " + code, !is_transient_code(code), r.retry_after);
}

}  // namespace

PostLookup SlackDeliverer::look_in(const std::string& channel, const std::string& thread_ts,
                                   std::int64_t outbox_id, const std::string& key,
                                   std::int64_t oldest) {
  const std::string method = thread_ts.empty() ? "conversations.history" : "conversations.replies";
  std::string cursor;
  for (int page = 0; page < std::max(1, options_.lookup_pages); ++page) {
    std::vector<std::pair<std::string, std::string>> query{
        {"channel", channel},
        {"include_all_metadata", "true"},
        {"limit", std::to_string(std::max(1, options_.lookup_page_size))},
        {"oldest", std::to_string(std::max<std::int64_t>(0, oldest))},
        {"inclusive", "true"}};
    if (!thread_ts.empty()) query.emplace_back("ts", thread_ts);
    if (!cursor.empty()) query.emplace_back("cursor", cursor);
    SlackApiResult r = api_->get(method, query);
    if (!r.ok()) return lookup_failure(r);
    auto messages = r.body.find("messages");
    if (messages == r.body.end() || !messages->is_array()) {
      return PostLookup::failure("lookup: bad_response", false);
    }
    for (const auto& message : *messages) {
      if (has_outbox_metadata(message, outbox_id, key)) {
        return PostLookup::found_post(message.dump(-1, ' ', false, json::error_handler_t::replace));
      }
    }
    cursor.clear();
    if (auto meta = r.body.find("response_metadata"); meta != r.body.end() && meta->is_object()) {
      cursor = meta->value("next_cursor", "");
    }
    const bool has_more = r.body.value("has_more", false);
    if (cursor.empty()) {
      // No way to read on: Slack says everything was shown, or it says there
      // is more without a cursor (then we cannot be sure).
      return has_more ? PostLookup::failure("lookup: incomplete", false) : PostLookup::absent();
    }
  }
  return PostLookup::failure("lookup: too_many_messages", false);
}

PostLookup SlackDeliverer::find_post(const OutboxMessage& m, std::int64_t outbox_id,
                                     std::int64_t attempt_started_at) {
  try {
    const std::string& dest = m.destination;
    if (outbox_id <= 0 ||
        (dest != "slack:chat.postMessage" && dest != "slack:conversations.open+post")) {
      return PostLookup::cannot_look();
    }
    json payload = json::parse(m.payload, nullptr, /*allow_exceptions=*/false);
    if (payload.is_discarded() || !payload.is_object()) {
      // deliver() refuses it too: there cannot be a post.
      return PostLookup::absent();
    }
    const std::int64_t oldest = attempt_started_at - options_.lookup_window_seconds;
    std::string thread_ts;
    if (auto t = payload.find("thread_ts"); t != payload.end() && t->is_string()) {
      thread_ts = t->get<std::string>();
    }

    std::string channel;
    if (dest == "slack:chat.postMessage") {
      channel = !m.target.empty() ? m.target : payload.value("channel", "");
      if (channel.empty()) return PostLookup::absent();  // never sendable either
    } else {
      if (m.target.empty()) return PostLookup::absent();
      // Opening a DM that is open already just returns it (and posts nothing).
      SlackApiResult opened = api_->call("conversations.open", {{"users", m.target}});
      if (!opened.ok()) return lookup_failure(opened);
      if (auto c = opened.body.find("channel"); c != opened.body.end() && c->is_object()) {
        channel = c->value("id", "");
      }
      if (channel.empty()) return PostLookup::failure("lookup: bad_response", false);
    }
    return look_in(channel, thread_ts, outbox_id, m.idempotency_key, oldest);
  } catch (const std::exception& e) {
    // An odd reply (a field of the wrong type): unsure, like a bad response.
    return PostLookup::failure(std::string("lookup: internal: ") + e.what(), false);
  }
}

}  // namespace rolecall
