#pragma once
// The weekly alignment digest of one team: what went to whom, which topics
// people moved between the PM and the PO (where the boundary confused them),
// what is still unacknowledged, the decisions made and the questions asked.
//
// build_digest() is pure: the caller (the daemon's scheduler or
// `rolecall digest`) reads the stores and fills a DigestInput with the
// records themselves (core/records.hpp); adapters render the Digest
// (adapters/slack/digest_blocks, adapters/teams/digest_card,
// core/digest_text).
//
// Which week: see core/digest_schedule.hpp (the digest due in week W
// summarises week W-1); the caller queries the Store with
// iso_week_range(week, team zone).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/iso_week.hpp"
#include "core/records.hpp"
#include "core/role.hpp"
#include "core/taxonomy.hpp"

namespace rolecall {

// Requests by the role that ended up owning them: strategy = Product
// Manager, execution = Product Owner. Shared and unrouted requests are in
// neither.
struct WorkShare {
  std::int64_t strategy = 0;
  std::int64_t execution = 0;
  friend bool operator==(const WorkShare&, const WorkShare&) = default;
};

// Counts the requests (intent request) of `routings` by current role.
// Use it on the previous week's routings to fill DigestInput::previous_week.
WorkShare work_share(const std::vector<RoutingRecord>& routings) noexcept;

struct DigestOptions {
  std::size_t top_topics = 3;          // per role, and for questions
  std::int64_t hotspot_threshold = 3;  // moves of one topic in one direction -> suggestion
  std::int64_t unacknowledged_after = 48 * 3600;  // seconds
};

struct DigestInput {
  std::string team_id;
  std::string team_name;  // shown; team_id when empty
  IsoWeek week;
  // Routings created in the week (requests and questions; `other` is ignored).
  std::vector<RoutingRecord> routings;
  // Reassignments made in the week: status changes with to == reassigned, as
  // the routing log returns them (from_role and topic filled).
  std::vector<StatusChange> moves;
  // Routings still open (never acknowledged), from any week: e.g.
  // list_routings with status open and until = now - 48 h. build_digest
  // keeps those created at least options.unacknowledged_after before `now`
  // and drops duplicate ids.
  std::vector<RoutingRecord> unacknowledged;
  // Decisions logged in the week.
  std::vector<DecisionRecord> decisions;
  // work_share() of the week before; nullopt when unknown.
  std::optional<WorkShare> previous_week;
  DigestOptions options;
};

struct TopicCount {
  std::string topic_id;  // empty for requests without a topic
  std::string title;     // the taxonomy's title, else the id, else "(no topic)"
  std::int64_t count = 0;
};

struct RoleTally {
  Role role = Role::none;
  std::int64_t count = 0;
  std::vector<TopicCount> top_topics;  // most first (ties by title), at most options.top_topics
};

// Moves of one topic from one role to another during the week.
struct MoveHotspot {
  std::string topic_id;
  std::string title;
  Role from = Role::none;
  Role to = Role::none;
  std::int64_t count = 0;  // moves from -> to
  std::int64_t back = 0;   // moves to -> from in the same week
};

struct Suggestion {
  std::string topic_id;
  Role to = Role::none;  // none for "back and forth"
  std::string text;      // plain text, one sentence
};

struct PendingRequest {
  std::int64_t id = 0;
  std::string platform;
  Role role = Role::none;
  std::string topic_id;
  std::string title;
  std::string text;
  std::string link;
  std::string channel;
  std::string assignee;
  std::int64_t created_at = 0;
  std::int64_t age_seconds = 0;  // at the digest's `now`
};

struct DecisionGroup {
  Role role = Role::none;
  std::vector<DecisionRecord> decisions;  // oldest first
};

struct QuestionItem {
  std::int64_t id = 0;
  std::string platform;
  Role role = Role::none;
  std::string title;  // topic title
  std::string text;
  std::string link;
  std::int64_t created_at = 0;
};

struct Digest {
  std::string team_id;
  std::string team_name;
  IsoWeek week;
  std::string week_label;  // "YYYY-Www"
  std::int64_t generated_at = 0;
  // Nothing happened and nothing is pending: renderers show one line.
  bool empty = true;

  // Requests, by the role rolecall routed them to (original_role).
  std::int64_t requests = 0;
  RoleTally to_pm{Role::product_manager, 0, {}};
  RoleTally to_po{Role::product_owner, 0, {}};
  std::int64_t to_both = 0;     // shared topics
  std::int64_t not_routed = 0;  // project manager, none

  // Reassignments: every (topic, from, to) seen, most moves first.
  std::int64_t moves = 0;
  std::vector<MoveHotspot> hotspots;
  std::vector<Suggestion> suggestions;

  // Still unacknowledged after options.unacknowledged_after, oldest first.
  std::int64_t unacknowledged_after = 0;  // seconds (the option, for the heading)
  std::vector<PendingRequest> unacknowledged;

  // Decisions by role: PM, PO, both, project manager, none; empty groups left out.
  std::int64_t decision_count = 0;
  std::vector<DecisionGroup> decisions;

  // Questions asked (intent question), oldest first, and their top topics.
  std::vector<QuestionItem> questions;
  std::vector<TopicCount> question_topics;

  // Strategy (PM) vs execution (PO), by the role that ended up owning each
  // request. Percentages are rounded to whole numbers; the delta is the
  // difference of the rounded figures, so the numbers shown add up.
  WorkShare share;
  std::optional<int> strategy_percent;           // nullopt without PM/PO requests
  std::optional<int> previous_strategy_percent;  // nullopt when unknown or zero
  std::optional<int> strategy_delta_pp;          // strategy_percent - previous
};

// Never throws except std::bad_alloc. `now` (epoch seconds UTC) is when the
// digest is built: it decides which open requests are overdue and their age.
Digest build_digest(const DigestInput& input, const Taxonomy& taxonomy, std::int64_t now);

}  // namespace rolecall
