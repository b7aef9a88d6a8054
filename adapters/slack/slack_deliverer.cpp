#include "adapters/slack/slack_deliverer.hpp"

#include <array>
#include <string_view>
#include <thread>

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
    return DeliveryResult::retry_later(r.error().empty() ? "ratelimited" : r.error(),
                                       r.retry_after);
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
  if (is_transient_code(code)) return DeliveryResult::retry_later(code, r.retry_after);
  return DeliveryResult::permanent(code);
}

DeliveryResult classify_response_url_result(const SlackApiResult& r) {
  if (r.http_status == 0) return network_retry(r);
  if (r.http_status == 429) return DeliveryResult::retry_later("rate_limited", r.retry_after);
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
    if (is_transient_code(code)) return DeliveryResult::retry_later(code, r.retry_after);
    return DeliveryResult::permanent(code);
  }
  return DeliveryResult::ok(r.raw_body);
}

SlackDeliverer::SlackDeliverer(std::shared_ptr<SlackWebApi> api, SlackDelivererOptions options)
    : api_(std::move(api)), options_(std::move(options)), pacer_(options_.channel_interval) {
  if (!options_.now) options_.now = [] { return ChannelPacer::Clock::now(); };
  if (!options_.sleep) {
    options_.sleep = [](std::chrono::milliseconds d) { std::this_thread::sleep_for(d); };
  }
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

DeliveryResult SlackDeliverer::post_paced(const std::string& method, const std::string& channel,
                                          const json& body) {
  auto wait = pacer_.reserve(channel, options_.now());
  if (wait.count() > 0) options_.sleep(wait);
  return classify_web_api_result(api_->call(method, body));
}

DeliveryResult SlackDeliverer::deliver(const OutboxMessage& m) {
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

    if (dest == "slack:chat.postMessage" || dest == "slack:chat.postEphemeral") {
      if (!m.target.empty()) payload["channel"] = m.target;
      std::string channel = payload.value("channel", "");
      if (channel.empty()) return DeliveryResult::permanent("channel_not_found");
      return post_paced(dest.substr(6), channel, payload);
    }

    if (dest == "slack:chat.update") {
      if (!m.target.empty()) payload["channel"] = m.target;
      return classify_web_api_result(api_->call("chat.update", payload));
    }

    if (dest == "slack:conversations.open+post") {
      if (m.target.empty()) return DeliveryResult::permanent("user_not_found");
      SlackApiResult opened = api_->call("conversations.open", {{"users", m.target}});
      DeliveryResult open_result = classify_web_api_result(opened);
      if (open_result.outcome != DeliveryResult::Outcome::delivered) return open_result;
      std::string channel;
      if (auto c = opened.body.find("channel"); c != opened.body.end() && c->is_object()) {
        channel = c->value("id", "");
      }
      if (channel.empty()) return DeliveryResult::retry_later("bad_response");
      payload["channel"] = channel;
      return post_paced("chat.postMessage", channel, payload);
    }

    return DeliveryResult::permanent("unknown_destination");
  } catch (const std::exception& e) {
    // json type errors on odd payloads, bad_alloc: never escape the worker.
    return DeliveryResult::permanent(std::string("internal: ") + e.what());
  }
}

}  // namespace rolecall
