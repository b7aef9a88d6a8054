#include "daemon/digest_service.hpp"

#include <date/tz.h>
#include <spdlog/spdlog.h>

#include "adapters/slack/digest_blocks.hpp"
#include "adapters/teams/digest_card.hpp"
#include "daemon/metrics.hpp"
#include "storage/sha256.hpp"

namespace rolecall {

DigestService::DigestService(Store& store, const KnowledgeHolder& knowledge,
                             const AppConfig& config, Metrics* metrics,
                             std::function<void()> outbox_notify)
    : store_(store),
      knowledge_(knowledge),
      config_(config),
      metrics_(metrics),
      notify_(std::move(outbox_notify)) {}

const date::time_zone* DigestService::zone_of(const Team& team) const {
  try {
    return date::locate_zone(team.digest.time_zone);
  } catch (const std::exception&) {
    return date::locate_zone("UTC");
  }
}

IsoWeek DigestService::default_week(const Team& team, std::int64_t now) const {
  return previous_week(iso_week_at(now, zone_of(team)));
}

Digest DigestService::build(const Team& team, const IsoWeek& week, std::int64_t now) {
  const auto* zone = zone_of(team);
  const UtcRange range = iso_week_range(week, zone);
  DigestInput in;
  in.team_id = team.id;
  in.team_name = team.name;
  in.week = week;

  ListFilter f;
  f.team_id = team.id;
  f.since = range.start;
  f.until = range.end;
  in.routings = store_.list_routings(f);

  for (const auto& c : store_.status_changes(team.id, range.start, range.end)) {
    if (c.to != RoutingStatus::reassigned) continue;
    in.moves.push_back(c);
  }

  ListFilter open;
  open.team_id = team.id;
  open.status = RoutingStatus::open;
  for (auto& r : store_.list_routings(open))
    if (r.intent == Intent::request) in.unacknowledged.push_back(std::move(r));

  in.decisions = store_.list_decisions(f);

  const UtcRange before = iso_week_range(previous_week(week), zone);
  ListFilter pf = f;
  pf.since = before.start;
  pf.until = before.end;
  in.previous_week = work_share(store_.list_routings(pf));

  return build_digest(in, knowledge_.get()->taxonomy, now);
}

std::vector<DigestService::Destination> DigestService::destinations(const Team& team) const {
  std::vector<Destination> out;
  const bool slack_can_post = config_.slack.active && !config_.slack.bot_token.empty();
  for (const auto& ch : team.slack_channels) {
    out.push_back({"slack:" + ch, "slack:chat.postMessage", ch, slack_can_post});
  }
  for (const auto& url : team.teams_workflow_urls) {
    // The URL carries its signature: store a hash of it, never the URL.
    out.push_back({"teams:" + sha256_hex(url).substr(0, 16), "teams:workflow", url, true});
  }
  return out;
}

bool DigestService::all_sent(const Team& team, const IsoWeek& week) {
  const std::string label = to_string(week);
  for (const auto& d : destinations(team)) {
    if (d.available && !store_.digest_sent(team.id, label, d.label)) return false;
  }
  return true;
}

namespace {
// Thrown inside write_batch only, to roll the batch back, and caught around it.
struct FencedOut {};
}  // namespace

DigestPostResult DigestService::post(const Team& team, const IsoWeek& week, std::int64_t now,
                                     bool force, const Fence* fence) {
  DigestPostResult result;
  const std::string label = to_string(week);
  std::optional<Digest> digest;
  for (const auto& d : destinations(team)) {
    if (!d.available) {
      result.unavailable.push_back(d.label);
      continue;
    }
    if (!force && store_.digest_sent(team.id, label, d.label)) {
      result.already_sent.push_back(d.label);
      continue;
    }
    if (!digest) digest = build(team, week, now);
    OutboxMessage m;
    m.destination = d.outbox_kind;
    m.target = d.target;
    if (d.outbox_kind == "teams:workflow") {
      m.payload = render_digest_message(*digest).dump(-1, ' ', false,
                                                      nlohmann::json::error_handler_t::replace);
    } else {
      auto body = render_digest_blocks(*digest);
      body["channel"] = d.target;
      m.payload = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    }
    m.idempotency_key = "digest:" + team.id + ":" + label + ":" + d.label;
    if (force) m.idempotency_key += ":forced:" + std::to_string(now);
    // One transaction: the row and the mark, or (fenced out, or a failing
    // store) neither. The idempotency key would turn a second enqueue into
    // a no-op anyway; the fence keeps a stale scheduler from writing at all.
    bool enqueued = false;
    try {
      store_.write_batch([&](Store& s) {
        if (fence && !s.lease_valid(*fence)) throw FencedOut{};
        enqueued = s.enqueue(m, now);
        s.mark_digest_sent(team.id, label, d.label, now);
      });
    } catch (const FencedOut&) {
      spdlog::warn(
          "digest {} for team {}: the digest lease (token {}) was taken by another "
          "replica; leaving the rest to it",
          label, team.id, fence->token);
      result.fenced_out = true;
      break;
    }
    if (enqueued || force) {
      result.enqueued.push_back(d.label);
      if (metrics_) {
        metrics_->inc("rolecall_digests_posted",
                      {{"team", team.id},
                       {"platform", d.outbox_kind == "teams:workflow" ? "teams" : "slack"}});
      }
      spdlog::info("digest {} for team {} enqueued for {}", label, team.id, d.label);
    } else {
      result.already_sent.push_back(d.label);
    }
  }
  if (!result.enqueued.empty() && notify_) notify_();
  return result;
}

}  // namespace rolecall
