#include "daemon/outbox_worker.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <ctime>

#include "daemon/metrics.hpp"

namespace rolecall {

OutboxWorker::OutboxWorker(Store& store, std::vector<std::shared_ptr<Deliverer>> deliverers,
                           OutboxOptions options, Metrics* metrics, Clock clock)
    : store_(store),
      deliverers_(std::move(deliverers)),
      options_(options),
      metrics_(metrics),
      clock_(clock ? std::move(clock)
                   : [] { return static_cast<std::int64_t>(std::time(nullptr)); }),
      depth_watch_(store, options_.max_depth, metrics),
      rng_(std::random_device{}()) {}

OutboxWorker::~OutboxWorker() { stop(); }

void OutboxWorker::start() {
  if (thread_.joinable()) return;
  thread_ = std::thread([this] { loop(); });
}

void OutboxWorker::notify() {
  {
    std::lock_guard lock(mutex_);
    notified_ = true;
  }
  wake_.notify_one();
}

void OutboxWorker::stop() {
  stopping_ = true;
  notify();
  if (thread_.joinable()) thread_.join();
}

Deliverer* OutboxWorker::deliverer_for(const std::string& destination) const {
  for (const auto& d : deliverers_)
    if (d->handles(destination)) return d.get();
  return nullptr;
}

std::int64_t OutboxWorker::backoff_seconds(int attempts) {
  // Exponential with "equal jitter": half fixed, half random, so retries of
  // many rows spread out but never come back sooner than half the delay.
  const double base_ms = static_cast<double>(options_.base_backoff.count());
  const double cap_ms = static_cast<double>(options_.max_backoff.count());
  const double delay = std::min(cap_ms, base_ms * std::pow(2.0, std::min(attempts, 30)));
  std::uniform_real_distribution<double> jitter(delay / 2, delay);
  return std::max<std::int64_t>(1, static_cast<std::int64_t>(jitter(rng_) / 1000.0 + 0.5));
}

int OutboxWorker::run_once(std::int64_t now) {
  auto rows =
      store_.claim_outbox(now, options_.batch, options_.claim_lease.count(), options_.claim_owner);
  if (metrics_ && !rows.empty()) {
    metrics_->inc("rolecall_outbox_claims", {}, static_cast<double>(rows.size()));
  }
  int attempted = 0;
  for (const auto& row : rows) {
    if (stopping_ && attempted > 0) break;  // finish the one in hand, leave the rest pending
    ++attempted;
    Deliverer* d = deliverer_for(row.message.destination);
    const std::string& dest = row.message.destination;
    if (!d) {
      spdlog::error("outbox: no deliverer for destination {} (row {}); giving up", dest, row.id);
      store_.mark_failed(row.id, "no deliverer for " + dest);
      if (metrics_) metrics_->inc("rolecall_outbox_failures", {{"destination", dest}});
      continue;
    }
    process(row, *d);
  }
  return attempted;
}

void OutboxWorker::process(const OutboxRow& row, Deliverer& d) {
  const std::string& dest = row.message.destination;
  auto count_lookup = [&](const char* outcome) {
    if (metrics_)
      metrics_->inc("rolecall_outbox_lookups", {{"destination", dest}, {"outcome", outcome}});
  };

  if (row.attempt_started_at != 0) {
    // The attempt that started then never recorded its outcome, or ended in
    // a way that may have posted. Slack's chat.postMessage takes no
    // idempotency key, so the only way to know is to look.
    const PostLookup look = d.find_post(row.message, row.id, row.attempt_started_at);
    switch (look.outcome) {
      case PostLookup::Outcome::found:
        count_lookup("found");
        spdlog::info("outbox: row {} to {} was posted by an earlier attempt; not posting again",
                     row.id, dest);
        store_.mark_delivered(row.id, clock_());
        if (metrics_)
          metrics_->inc("rolecall_outbox_deliveries",
                        {{"destination", dest}, {"outcome", "delivered"}});
        return;
      case PostLookup::Outcome::not_found:
        count_lookup("not_found");
        spdlog::info("outbox: row {} to {}: the earlier attempt posted nothing; sending", row.id,
                     dest);
        break;
      case PostLookup::Outcome::failed:
        count_lookup("failed");
        if (look.permanent) {
          // Looking can never work here (e.g. a missing *:history scope), and
          // sending without looking may post twice: give the row up.
          spdlog::error(
              "outbox: row {} to {}: cannot check whether an earlier attempt posted it ({}); "
              "giving up rather than risk posting twice",
              row.id, dest, look.error);
          store_.mark_failed(row.id, look.error);
          if (metrics_) metrics_->inc("rolecall_outbox_failures", {{"destination", dest}});
          return;
        }
        // Unsure: never send blindly. Look again later, on the row's backoff.
        retry_or_give_up(row, look.error, look.retry_after_seconds, SentState::maybe_sent);
        return;
      case PostLookup::Outcome::unsupported:
        count_lookup("unsupported");
        spdlog::warn(
            "outbox: row {} to {}: an earlier attempt may have arrived and the platform cannot "
            "be asked; sending again (at least once: it may appear twice)",
            row.id, dest);
        break;
    }
  }

  // Committed before the request leaves: a crash from here on leaves the
  // mark behind, and the next run looks before it sends.
  store_.mark_attempt_started(row.id, clock_());
  DeliveryResult result = d.deliver(row.message, row.id);
  switch (result.outcome) {
    case DeliveryResult::Outcome::delivered:
      store_.mark_delivered(row.id, clock_());
      if (metrics_)
        metrics_->inc("rolecall_outbox_deliveries",
                      {{"destination", dest}, {"outcome", "delivered"}});
      spdlog::debug("outbox: delivered row {} to {}", row.id, dest);
      break;
    case DeliveryResult::Outcome::retry:
      retry_or_give_up(row, result.error, result.retry_after_seconds, result.sent);
      break;
    case DeliveryResult::Outcome::permanent_failure:
      spdlog::error("outbox: row {} to {} failed permanently: {}", row.id, dest, result.error);
      store_.mark_failed(row.id, result.error);
      if (metrics_) {
        metrics_->inc("rolecall_outbox_failures", {{"destination", dest}});
        metrics_->inc("rolecall_outbox_deliveries",
                      {{"destination", dest}, {"outcome", "permanent_failure"}});
      }
      break;
  }
}

void OutboxWorker::retry_or_give_up(const OutboxRow& row, const std::string& error,
                                    std::int64_t retry_after_seconds, SentState sent) {
  const std::string& dest = row.message.destination;
  const int attempts = row.attempts + 1;
  if (attempts >= options_.max_attempts) {
    spdlog::error("outbox: row {} to {} failed {} times, giving up: {}", row.id, dest, attempts,
                  error);
    store_.mark_failed(row.id, error);
    if (metrics_) metrics_->inc("rolecall_outbox_failures", {{"destination", dest}});
    return;
  }
  const std::int64_t wait = retry_after_seconds >= 0
                                ? std::max<std::int64_t>(1, retry_after_seconds)
                                : backoff_seconds(row.attempts);
  spdlog::warn("outbox: row {} to {} will be retried in {} s (attempt {}): {}", row.id, dest, wait,
               attempts, error);
  store_.mark_retry(row.id, clock_() + wait, error, sent);
  if (metrics_) metrics_->inc("rolecall_outbox_retries", {{"destination", dest}});
}

void OutboxWorker::loop() {
  while (!stopping_) {
    int attempted = 0;
    try {
      attempted = run_once(clock_());
    } catch (const std::exception& e) {
      spdlog::error("outbox: store error, will retry: {}", e.what());
    }
    depth_watch_.check();
    if (stopping_) break;
    if (attempted >= options_.batch) continue;  // more may be due right now
    auto wait = options_.idle_poll;
    try {
      if (auto next = store_.next_outbox_due()) {
        auto secs = std::max<std::int64_t>(0, *next - clock_());
        wait = std::min(wait, std::chrono::milliseconds(secs * 1000));
      }
    } catch (const std::exception&) {
    }
    std::unique_lock lock(mutex_);
    wake_.wait_for(lock, wait, [this] { return notified_ || stopping_.load(); });
    notified_ = false;
  }
}

}  // namespace rolecall
