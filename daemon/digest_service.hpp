#pragma once
// The weekly digest, from the store to the outbox: reads one team's week,
// builds the Digest (core/digest.hpp) and enqueues it for each of the team's
// destinations (Slack channels, Teams Workflows URLs) exactly once per
// (team, week, destination): the outbox idempotency key and the store's
// digests-sent table both carry that triple, across restarts and retries.
//
// Thread safety: methods may be called concurrently (the store serialises).

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "config/app_config.hpp"
#include "core/digest.hpp"
#include "storage/store.hpp"
#include "usecases/knowledge.hpp"

namespace rolecall {

class Metrics;

struct DigestPostResult {
  std::vector<std::string> enqueued;      // destination labels, e.g. "slack:C0123"
  std::vector<std::string> already_sent;  // skipped: this week went out before
  std::vector<std::string> unavailable;   // e.g. Slack channel but no bot token
  // Posting stopped because the fence no longer held: another replica took
  // the digest lease (nothing was written for the destination where it stopped).
  bool fenced_out = false;
};

class DigestService {
 public:
  DigestService(Store& store, const KnowledgeHolder& knowledge, const AppConfig& config,
                Metrics* metrics, std::function<void()> outbox_notify);

  // The team's IANA zone (UTC when unknown).
  const date::time_zone* zone_of(const Team& team) const;
  // The week whose digest posts in the current week: the previous ISO week.
  IsoWeek default_week(const Team& team, std::int64_t now) const;

  Digest build(const Team& team, const IsoWeek& week, std::int64_t now);
  // Enqueues the digest for every destination not yet sent (all when force).
  // Each destination's outbox row and ledger mark are one write_batch; with a
  // `fence` (the scheduler's digest lease) the batch first checks it
  // (LeaseStore::lease_valid) and writes nothing when it no longer holds.
  DigestPostResult post(const Team& team, const IsoWeek& week, std::int64_t now, bool force,
                        const Fence* fence = nullptr);
  // The teams of the current knowledge (follows SIGHUP reloads).
  std::vector<Team> teams() const { return knowledge_.get()->teams.teams(); }
  // True when every destination of the team already got this week.
  bool all_sent(const Team& team, const IsoWeek& week);

 private:
  struct Destination {
    std::string label;        // stored in digests-sent; never contains a secret
    std::string outbox_kind;  // "slack:chat.postMessage" | "teams:workflow"
    std::string target;       // channel id or Workflows URL
    bool available = true;
  };
  std::vector<Destination> destinations(const Team& team) const;

  Store& store_;
  const KnowledgeHolder& knowledge_;
  const AppConfig& config_;
  Metrics* metrics_;
  std::function<void()> notify_;
};

}  // namespace rolecall
