#pragma once
// The outbound port: deliver one outbox row to its platform. Implementations
// (Slack Web API, Teams Workflows) only translate and classify the outcome;
// retries, pacing, backoff and idempotency live once, in the outbox worker.
//
// Exactly once across crashes (issue 13): no platform API we post to takes an
// idempotency key, so the worker records each attempt before sending, and a
// deliverer whose platform can carry a tag puts the outbox row id on the post
// and can look for it later (find_post). A row whose earlier attempt was left
// unfinished is then looked up before it is sent again. Where the platform
// cannot be asked (Teams Workflows, ephemeral messages, response_url), the
// row is sent again: at least once, not exactly once.

#include <cstdint>
#include <optional>
#include <string>

#include "adapters/common/destination.hpp"
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
  // For retry: whether the request may have been carried out anyway (a 5xx,
  // a timeout, a dropped connection), so the next attempt must look first.
  // not_sent only when the platform certainly did nothing (429, ratelimited).
  SentState sent = SentState::maybe_sent;

  static DeliveryResult ok(std::string body = {}) {
    return {Outcome::delivered, -1, {}, std::move(body), SentState::maybe_sent};
  }
  static DeliveryResult retry_later(std::string error, std::int64_t after = -1,
                                    SentState sent = SentState::maybe_sent) {
    return {Outcome::retry, after, std::move(error), {}, sent};
  }
  static DeliveryResult permanent(std::string error) {
    return {Outcome::permanent_failure, -1, std::move(error), {}, SentState::not_sent};
  }
};

// What a deliverer found when it looked on the platform for the post of an
// outbox row whose earlier attempt was left unfinished.
struct PostLookup {
  enum class Outcome {
    found,       // the post is there: the row is delivered; send nothing
    not_found,   // looked where it would be, and it is not: safe to send
    failed,      // could not look (network, 5xx, 429, an odd reply): unsure
    unsupported  // this platform or destination cannot be asked
  };
  Outcome outcome = Outcome::unsupported;
  // For failed: true when looking can never succeed (missing_scope,
  // channel_not_found, ...); false when a later look may (retry_after_seconds
  // as in DeliveryResult).
  bool permanent = false;
  std::int64_t retry_after_seconds = -1;
  std::string error;  // for failed: short code, e.g. "lookup: http_503"
  std::string found;  // for found: the platform's copy of the post (JSON)

  static PostLookup found_post(std::string post = {}) {
    return {Outcome::found, false, -1, {}, std::move(post)};
  }
  static PostLookup absent() { return {Outcome::not_found, false, -1, {}, {}}; }
  static PostLookup failure(std::string error, bool permanent, std::int64_t after = -1) {
    return {Outcome::failed, permanent, after, std::move(error), {}};
  }
  static PostLookup cannot_look() { return {Outcome::unsupported, false, -1, {}, {}}; }
};

class Deliverer {
 public:
  virtual ~Deliverer() = default;
  // True when this deliverer handles rows with this destination prefix.
  virtual bool handles(const std::string& destination) const = 0;
  // Sends `message`, the outbox row `outbox_id`. Where the platform can carry
  // it, the post is tagged with the id (and a digest of the idempotency key)
  // so that find_post() recognises it; outbox_id <= 0 sends it untagged.
  // Blocking; must return within its own timeout, and never sleeps to pace
  // (pacing() says how; the worker schedules). Never throws.
  virtual DeliveryResult deliver(const OutboxMessage& message, std::int64_t outbox_id) = 0;
  // The destination of `message` and how posts to it are paced; nullopt when
  // the row is never held (it is sent whenever it is due). The worker sends
  // at most one row per destination per `interval` and holds a destination
  // for the platform's Retry-After; deliver() itself never waits. Default:
  // nullopt.
  virtual std::optional<Pacing> pacing(const OutboxMessage& /*message*/) const {
    return std::nullopt;
  }
  // An untagged send (tests, one-off tools).
  DeliveryResult deliver(const OutboxMessage& message) { return deliver(message, 0); }
  // Looks on the platform for the tagged post of row `outbox_id`, sent by an
  // attempt that started at `attempt_started_at` (Unix seconds). Blocking,
  // bounded by its own timeouts; never throws; never posts. Default:
  // unsupported.
  virtual PostLookup find_post(const OutboxMessage& /*message*/, std::int64_t /*outbox_id*/,
                               std::int64_t /*attempt_started_at*/) {
    return PostLookup::cannot_look();
  }
};

}  // namespace rolecall
