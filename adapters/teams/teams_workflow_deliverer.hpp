#pragma once
// Delivers outbox rows with destination "teams:workflow": POSTs the payload
// (a Workflows message envelope, see teams_cards.hpp) to the row's target,
// a Teams Workflows "When a Teams webhook request is received" URL.
//
// Outcome (shared/platforms/teams.md section 2.2): any 2xx is delivered and
// never retried (Workflows answers 202 and runs the flow later; treating 202
// as failure is how other clients posted duplicates). 429 → retry after
// Retry-After seconds when given; 408, 5xx, timeouts and network errors →
// retry with the worker's backoff; every other status (400, 404, 413, 3xx)
// and payloads that can never succeed (not JSON, above 28 KB, not an http(s)
// URL) → permanent failure.
//
// The URL is a secret (its `sig` query parameter authorises the post): it is
// never logged or put in an error; use redact_url for logs.
//
// At least once, not exactly once: a Workflows URL only accepts posts; there
// is no way to ask Teams whether an earlier post arrived, so a row whose
// attempt was cut short (rolecall killed after Teams accepted it, or a
// timeout) is posted again and may appear twice. find_post is unsupported.
//
// Pacing: none, but each Workflows URL is a destination {teams, url}, so a
// 429's Retry-After holds that URL's later rows too (the outbox worker).
//
// Thread-safe if the poster is (CpprestTeamsHttpPoster is). Never throws.

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "adapters/common/deliverer.hpp"
#include "adapters/teams/teams_http_poster.hpp"

namespace rolecall {

inline constexpr std::string_view kTeamsWorkflowDestination = "teams:workflow";

class TeamsWorkflowDeliverer : public Deliverer {
 public:
  // `timeout` bounds each POST.
  explicit TeamsWorkflowDeliverer(std::shared_ptr<TeamsHttpPoster> poster,
                                  std::chrono::milliseconds timeout = std::chrono::seconds(10));

  bool handles(const std::string& destination) const override;
  using Deliverer::deliver;
  // `outbox_id` is not used: a Workflows post carries no tag we could read back.
  DeliveryResult deliver(const OutboxMessage& message, std::int64_t outbox_id) override;
  std::optional<Pacing> pacing(const OutboxMessage& message) const override;

 private:
  std::shared_ptr<TeamsHttpPoster> poster_;
  std::chrono::milliseconds timeout_;
};

// The production deliverer: cpprest poster, optional proxy.
std::unique_ptr<TeamsWorkflowDeliverer> make_teams_workflow_deliverer(
    std::chrono::milliseconds timeout = std::chrono::seconds(10), std::string proxy_url = {});

// `url` without its query string, fragment and user info, safe to log:
// "https://x.example/workflows/abc/triggers/manual/paths/invoke?sig=…" →
// "https://x.example/workflows/abc/triggers/manual/paths/invoke".
std::string redact_url(std::string_view url);

// Retry-After as delta-seconds ("120"); nullopt for anything else (an
// HTTP-date, garbage, negative).
std::optional<std::int64_t> parse_retry_after_seconds(std::string_view value);

}  // namespace rolecall
