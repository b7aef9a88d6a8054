#include "adapters/teams/teams_workflow_deliverer.hpp"

#include <spdlog/spdlog.h>

#include <charconv>
#include <nlohmann/json.hpp>

#include "adapters/teams/card_rules.hpp"
#include "adapters/teams/cpprest_teams_http_poster.hpp"

namespace rolecall {

TeamsWorkflowDeliverer::TeamsWorkflowDeliverer(std::shared_ptr<TeamsHttpPoster> poster,
                                               std::chrono::milliseconds timeout)
    : poster_(std::move(poster)), timeout_(timeout) {}

bool TeamsWorkflowDeliverer::handles(const std::string& destination) const {
  return destination == kTeamsWorkflowDestination;
}

std::optional<Pacing> TeamsWorkflowDeliverer::pacing(const OutboxMessage& message) const {
  return Pacing{{Platform::teams, message.target}, std::chrono::milliseconds(0)};
}

DeliveryResult TeamsWorkflowDeliverer::deliver(const OutboxMessage& message,
                                               std::int64_t /*outbox_id*/) {
  const std::string& url = message.target;
  const std::string safe_url = redact_url(url);
  if (url.rfind("https://", 0) != 0 && url.rfind("http://", 0) != 0) {
    spdlog::error("teams workflow: target is not an http(s) URL: {}", safe_url);
    return DeliveryResult::permanent("invalid_url");
  }
  if (nlohmann::json::parse(message.payload, nullptr, false).is_discarded()) {
    return DeliveryResult::permanent("invalid_payload");
  }
  if (message.payload.size() >= kTeamsMaxMessageBytes) {
    // Workflows would refuse it ("Request entity too large"); retrying cannot help.
    return DeliveryResult::permanent("payload_too_large");
  }

  const TeamsPostResult r = poster_->post_json(url, message.payload, timeout_);
  if (!r.responded) {
    spdlog::warn("teams workflow: post to {} failed: {}", safe_url, r.error);
    return DeliveryResult::retry_later(r.timed_out ? "timeout" : "network_error: " + r.error);
  }
  const std::string code = "http_" + std::to_string(r.status);
  if (r.status >= 200 && r.status < 300) return DeliveryResult::ok(r.body);
  if (r.status == 429) {
    std::int64_t after = -1;
    if (const auto it = r.headers.find("retry-after"); it != r.headers.end()) {
      after = parse_retry_after_seconds(it->second).value_or(-1);
    }
    spdlog::warn("teams workflow: {} throttled (429), retry after {}s", safe_url, after);
    return DeliveryResult::retry_later(code, after, SentState::not_sent);
  }
  if (r.status == 408 || r.status >= 500) {
    spdlog::warn("teams workflow: {} answered {}; will retry", safe_url, r.status);
    return DeliveryResult::retry_later(code);
  }
  spdlog::error("teams workflow: {} answered {}; giving up", safe_url, r.status);
  return DeliveryResult::permanent(code);
}

std::unique_ptr<TeamsWorkflowDeliverer> make_teams_workflow_deliverer(
    std::chrono::milliseconds timeout, std::string proxy_url) {
  return std::make_unique<TeamsWorkflowDeliverer>(
      std::make_shared<CpprestTeamsHttpPoster>(std::move(proxy_url)), timeout);
}

std::string redact_url(std::string_view url) {
  url = url.substr(0, url.find_first_of("?#"));
  // Drop user:password@ from the authority, should a URL ever carry one.
  const std::size_t scheme_end = url.find("://");
  if (scheme_end != std::string_view::npos) {
    const std::size_t authority = scheme_end + 3;
    const std::size_t path = url.find('/', authority);
    const std::size_t at = url.substr(0, path).find('@', authority);
    if (at != std::string_view::npos) {
      return std::string(url.substr(0, authority)) + std::string(url.substr(at + 1));
    }
  }
  return std::string(url);
}

std::optional<std::int64_t> parse_retry_after_seconds(std::string_view value) {
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
  if (value.empty() || value.size() > 12) return std::nullopt;
  std::int64_t seconds = 0;
  const auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
  if (ec != std::errc{} || ptr != value.data() + value.size() || seconds < 0) return std::nullopt;
  return seconds;
}

}  // namespace rolecall
