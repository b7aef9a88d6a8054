#include "daemon/outbox_worker.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>

#include "daemon/metrics.hpp"
#include "storage/sha256.hpp"

namespace rolecall {

OutboxWorker::OutboxWorker(Store& store, std::vector<std::shared_ptr<Deliverer>> deliverers,
                           OutboxOptions options, Metrics* metrics, Clock clock)
    : store_(store),
      deliverers_(std::move(deliverers)),
      options_(options),
      metrics_(metrics),
      clock_(clock ? std::move(clock)
                   : [] {
                       return std::chrono::duration_cast<Millis>(
                           std::chrono::system_clock::now().time_since_epoch());
                     }),
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

namespace {
// The store keeps Unix seconds; a row due at second S is due from S*1000 ms.
std::int64_t floor_seconds(std::chrono::milliseconds t) {
  return std::chrono::floor<std::chrono::seconds>(t).count();
}
}  // namespace

std::int64_t OutboxWorker::now_seconds() const { return floor_seconds(clock_()); }

int OutboxWorker::run_once(Millis now) {
  next_release_.reset();
  last_due_seconds_ = floor_seconds(now);
  int attempted = 0;
  // Pages through the due rows: a page full of rows for one held channel
  // must not hide the Teams row or the other channel's row behind it.
  std::int64_t after_id = 0;
  for (;;) {
    // Claimed (a lease) before anything is done with them, so replicas
    // sharing the database never handle one row at once. A row skipped
    // below for pacing stays claimed by us and is taken again next run.
    const auto rows =
        store_.claim_outbox(last_due_seconds_, options_.batch, options_.claim_lease.count(),
                            options_.claim_owner, after_id);
    if (metrics_ && !rows.empty()) {
      metrics_->inc("rolecall_outbox_claims", {}, static_cast<double>(rows.size()));
    }
    for (const auto& row : rows) {
      after_id = row.id;
      if (stopping_ && attempted > 0) return attempted;  // finish the one in hand only
      Deliverer* d = deliverer_for(row.message.destination);
      const std::string& dest = row.message.destination;
      if (!d) {
        ++attempted;
        spdlog::error("outbox: no deliverer for destination {} (row {}); giving up", dest, row.id);
        store_.mark_failed(row.id, "no deliverer for " + dest);
        if (metrics_) metrics_->inc("rolecall_outbox_failures", {{"destination", dest}});
        continue;
      }
      const std::optional<Pacing> pacing = d->pacing(row.message);
      if (pacing) {
        if (auto until = pacer_.held_until(pacing->destination, now)) {
          // Stays due, untouched: picked up in the run after `until`.
          next_release_ = next_release_ ? std::min(*next_release_, *until) : *until;
          continue;
        }
      }
      if (!process(row, *d, pacing, now)) continue;  // another replica holds its destination
      ++attempted;
      if (attempted >= options_.batch) return attempted;  // the thread comes back at once
    }
    if (options_.batch <= 0 || static_cast<int>(rows.size()) < options_.batch) break;
  }
  return attempted;
}

namespace {
// The shared pacing key of a destination (storage/send_pacing.hpp): never
// the secret a Teams Workflows URL carries.
std::string pacing_key(const Destination& d) {
  if (d.platform == Platform::slack) return "slack:" + d.channel;
  return "teams:" + sha256_hex(d.channel).substr(0, 32);
}
}  // namespace

bool OutboxWorker::process(const OutboxRow& row, Deliverer& d, const std::optional<Pacing>& pacing,
                           Millis now) {
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
        store_.mark_delivered(row.id, now_seconds());
        if (metrics_)
          metrics_->inc("rolecall_outbox_deliveries",
                        {{"destination", dest}, {"outcome", "delivered"}});
        return true;
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
          return true;
        }
        // Unsure: never send blindly. Look again later, on the row's backoff.
        retry_or_give_up(row, look.error, look.retry_after_seconds, SentState::maybe_sent);
        return true;
      case PostLookup::Outcome::unsupported:
        count_lookup("unsupported");
        spdlog::warn(
            "outbox: row {} to {}: an earlier attempt may have arrived and the platform cannot "
            "be asked; sending again (at least once: it may appear twice)",
            row.id, dest);
        break;
    }
  }

  // The slot is booked from when the post leaves (a run's earlier posts take
  // time), and never before the run's `now`, so a test's clock that stands
  // still still gets one post per destination per run. It is booked in the
  // store, which every replica shares (PostgreSQL), so replicas posting to
  // one channel keep its pace together; a slot another replica booked holds
  // the row back like a local one.
  const Millis sent_at = std::max(now, clock_());
  if (pacing) {
    if (auto until = store_.take_send_slot(pacing_key(pacing->destination), sent_at.count(),
                                           pacing->interval.count())) {
      pacer_.hold(pacing->destination, sent_at, Millis(*until));
      next_release_ = next_release_ ? std::min(*next_release_, Millis(*until)) : Millis(*until);
      return false;
    }
    pacer_.sent(pacing->destination, sent_at, pacing->interval);
  }
  // Committed before the request leaves: a crash from here on leaves the
  // mark behind, and the next run looks before it sends.
  store_.mark_attempt_started(row.id, now_seconds());
  if (pacing) {
    // The mark is a database write, so the post leaves later than its slot
    // began (on a slow database noticeably). Nobody else may post before
    // sent_at + interval, so moving the hold to the real moment plus the
    // interval keeps the whole gap after this post, as a slot taken after
    // the mark would; taking the slot first means a row whose destination
    // is held is never marked as an attempt it did not make.
    const Millis post_at = clock_();
    if (post_at > sent_at) {
      store_.hold_destination(pacing_key(pacing->destination),
                              (post_at + pacing->interval).count());
      pacer_.hold(pacing->destination, post_at, post_at + pacing->interval);
    }
  }
  DeliveryResult result = d.deliver(row.message, row.id);
  if (pacing && result.outcome == DeliveryResult::Outcome::retry &&
      result.retry_after_seconds >= 0) {
    // The platform said when it takes posts again (Slack's 429 Retry-After):
    // the destination's later rows wait too, not only this one.
    const Millis until = sent_at + std::chrono::seconds(result.retry_after_seconds);
    pacer_.hold(pacing->destination, sent_at, until);
    store_.hold_destination(pacing_key(pacing->destination), until.count());
  }
  switch (result.outcome) {
    case DeliveryResult::Outcome::delivered:
      store_.mark_delivered(row.id, now_seconds());
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
  return true;
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
  store_.mark_retry(row.id, now_seconds() + wait, error, sent);
  if (metrics_) metrics_->inc("rolecall_outbox_retries", {{"destination", dest}});
}

OutboxWorker::Millis OutboxWorker::idle_wait() {
  Millis wait = options_.idle_poll;
  const Millis now = clock_();
  if (next_release_) wait = std::min(wait, std::max(Millis(0), *next_release_ - now));
  try {
    // Rows due at the last run's time were attempted or held (held ones are
    // next_release_); what matters is the next row to come due after it.
    if (auto next = store_.next_outbox_due(last_due_seconds_)) {
      wait = std::min(wait, std::max(Millis(0), Millis(*next * 1000) - now));
    }
  } catch (const std::exception&) {
    // The store is failing: the idle poll retries it.
  }
  return wait;
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
    const Millis wait = idle_wait();
    std::unique_lock lock(mutex_);
    wake_.wait_for(lock, wait, [this] { return notified_ || stopping_.load(); });
    notified_ = false;
  }
}

}  // namespace rolecall
