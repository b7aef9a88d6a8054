#pragma once
// The outbound port: deliver one outbox row to its platform. Implementations
// (Slack Web API, Teams Workflows) only translate and classify the outcome;
// retries, pacing, backoff and idempotency live once, in the outbox worker.

#include <cstdint>
#include <string>

#include "storage/store.hpp"

namespace rolecall {

struct DeliveryResult {
  enum class Outcome {
    delivered,         // done; never send again
    retry,             // transient (network, 5xx, 429, ratelimited): try later
    permanent_failure  // the request can never succeed (bad channel, bad auth, bad payload)
  };
  Outcome outcome = Outcome::delivered;
  // For retry: seconds the platform asked us to wait (Retry-After); -1 when it
  // did not say, and the worker's exponential backoff applies.
  std::int64_t retry_after_seconds = -1;
  std::string error;          // short code, e.g. "channel_not_found", "http_503"
  std::string response_body;  // platform reply (e.g. chat.postMessage's ts)

  static DeliveryResult ok(std::string body = {}) {
    return {Outcome::delivered, -1, {}, std::move(body)};
  }
  static DeliveryResult retry_later(std::string error, std::int64_t after = -1) {
    return {Outcome::retry, after, std::move(error), {}};
  }
  static DeliveryResult permanent(std::string error) {
    return {Outcome::permanent_failure, -1, std::move(error), {}};
  }
};

class Deliverer {
 public:
  virtual ~Deliverer() = default;
  // True when this deliverer handles rows with this destination prefix.
  virtual bool handles(const std::string& destination) const = 0;
  // Blocking; must return within its own timeout. Never throws.
  virtual DeliveryResult deliver(const OutboxMessage& message) = 0;
};

}  // namespace rolecall
