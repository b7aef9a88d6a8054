#pragma once
// Port: the outbox. Every message rolecall sends later (thread replies, DMs,
// routing notices, digests) is a row here first, committed with the request
// that caused it; the outbox worker (daemon/outbox_worker.hpp) delivers it.
//
// Contract (tests/storage/store_contract_test.cpp, for every backend):
// - enqueue returns false and changes nothing when the idempotency key
//   exists; inside Store::write_batch the row exists only if the batch
//   commits.
// - due_outbox returns pending rows with next_attempt_at <= now and an id
//   above after_id, oldest (lowest id) first, at most `limit` (<= 0: all),
//   claimed or not: a read for tests and tools; it changes nothing.
// - claim_outbox returns the due rows above after_id whose claim is free,
//   has expired or is already `owner`'s, and claims them for `owner` until
//   now + lease_seconds, oldest first, atomically: a claimed row is returned
//   to no other owner, from any thread, process or replica sharing the
//   database, until its lease expires or mark_delivered / mark_retry /
//   mark_failed releases it. A replica that dies holding a claim leaves its
//   rows to the others when the lease ends, and to itself (same owner) at
//   once when it restarts. One owner claims from one thread at a time.
//   after_id pages on: the worker skips rows whose destination is held
//   (pacing) and must still reach the rows behind them; a held row stays
//   claimed by its owner, who takes it again when its destination is free.
// - next_outbox_due: the earliest time a pending row can be claimed (its
//   next_attempt_at, or its claim's expiry when that is later); with
//   `after`, the earliest such time later than `after`.
// - mark_* change one row; outbox_depth counts pending rows.
// Thread-safe. Errors: StoreError.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "storage/store_error.hpp"

namespace rolecall {

enum class OutboxState { pending, delivered, failed };

struct OutboxMessage {
  std::string destination;      // e.g. "slack:chat.postMessage", "teams:workflow"
  std::string target;           // channel id, response_url or Workflows URL
  std::string payload;          // JSON body
  std::string idempotency_key;  // a second enqueue with the same key is a no-op
};

struct OutboxRow {
  std::int64_t id = 0;
  OutboxMessage message;
  int attempts = 0;
  std::int64_t next_attempt_at = 0;
  OutboxState state = OutboxState::pending;
  std::string last_error;
  std::int64_t created_at = 0;
  // When the last attempt to send this row started (mark_attempt_started),
  // while that attempt is unfinished: it may have reached the platform (the
  // process died before recording the outcome, or the platform answered 5xx
  // or not at all). 0 = no unfinished attempt. The outbox worker looks for
  // the earlier post before sending such a row again (issue 13).
  std::int64_t attempt_started_at = 0;
};

// Whether a failed attempt may still have reached the platform (mark_retry).
enum class SentState {
  not_sent,   // known to have left nothing (HTTP 429, ratelimited, not sent at all)
  maybe_sent  // unknown (5xx, timeout, reset, an unanswered lookup): look before resending
};

class OutboxStore {
 public:
  virtual ~OutboxStore() = default;

  virtual bool enqueue(const OutboxMessage& m, std::int64_t now) = 0;
  virtual std::vector<OutboxRow> due_outbox(std::int64_t now, int limit,
                                            std::int64_t after_id = 0) = 0;
  // limit <= 0 = no limit; lease_seconds > 0.
  virtual std::vector<OutboxRow> claim_outbox(std::int64_t now, int limit,
                                              std::int64_t lease_seconds, const std::string& owner,
                                              std::int64_t after_id = 0) = 0;
  virtual std::optional<std::int64_t> next_outbox_due(
      std::optional<std::int64_t> after = std::nullopt) = 0;
  // Records, before anything is sent, that an attempt to send pending row
  // `id` starts at `now`: until mark_delivered, mark_failed or a not_sent
  // mark_retry, the row's attempt_started_at says that a post may exist.
  // Does not count as an attempt.
  virtual void mark_attempt_started(std::int64_t id, std::int64_t now) = 0;
  virtual void mark_delivered(std::int64_t id, std::int64_t now) = 0;
  // The three outcomes release the row's claim.
  // `sent`: not_sent clears attempt_started_at; maybe_sent keeps it.
  virtual void mark_retry(std::int64_t id, std::int64_t next_attempt_at, const std::string& error,
                          SentState sent) = 0;
  virtual void mark_failed(std::int64_t id, const std::string& error) = 0;
  virtual std::int64_t outbox_depth() = 0;  // pending rows
};

}  // namespace rolecall
