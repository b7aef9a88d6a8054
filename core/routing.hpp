#pragma once
// Routing: a pure function from a classified request and its team to who
// should take it. Learning from corrections is an input (counts the store
// keeps), so the function stays pure.

#include <map>
#include <string>
#include <vector>

#include "core/classification.hpp"
#include "core/taxonomy.hpp"
#include "core/team.hpp"

namespace rolecall {

enum class RoutingKind {
  assigned,             // routed to `role` / `assignees`
  needs_clarification,  // confidence too low: ask "X (PM) or Y (PO)?"
  not_routed            // project_manager, none, or not a request
};

struct ClarifyOption {
  Role role = Role::none;
  std::string topic_id;
  std::string topic_title;
};

struct RoutingDecision {
  RoutingKind kind = RoutingKind::not_routed;
  Role role = Role::none;           // final role after learning
  Role taxonomy_role = Role::none;  // what the taxonomy alone said
  std::string topic_id;
  std::string topic_title;
  std::vector<Person> assignees;
  std::string reason;                  // one line: topic, cues, learning
  std::string pm_part, po_part;        // shared topics
  int learned_moves = 0;               // > 0 when team corrections changed the role
  std::vector<ClarifyOption> options;  // needs_clarification: the choices
  std::vector<std::string> cues;
  double confidence = 0.0;
};

// How often a team moved a topic from one role to another, from the store.
struct CorrectionCount {
  std::string topic_id;
  Role from = Role::none;
  Role to = Role::none;
  int count = 0;
};

struct RoutingPolicy {
  double clarify_below = 0.45;  // confidence under which we ask instead of routing
  int learn_threshold = 3;      // moves of one topic to the other role before we follow
};

// Decides, in this order:
//  - intent other than request, role none or project_manager: not_routed
//    (questions get answers elsewhere; the Project Manager is not ours to route);
//  - confidence < policy.clarify_below: needs_clarification, `options` holding
//    the top topic, the runner-up when it belongs to another role, and a
//    generic topic ("strategy" PM / "backlog and sprint work" PO, empty
//    topic_id) for whichever of PM and PO is still missing. Titles carry no
//    role suffix: show short_name(option.role) next to them;
//  - otherwise assigned to team.holders(role) (possibly empty: reason says so).
//    For PM/PO topics, when this team's net moves of the topic to the other
//    role (moves away minus moves back) reach policy.learn_threshold, the role
//    flips, `learned_moves` is that net count and the reason says why.
// `team_corrections` must hold this team's counts only; counts of other
// topics are ignored. Pure; never throws except std::bad_alloc.
RoutingDecision route(const Classification& c, const Taxonomy& taxonomy, const Team& team,
                      const std::vector<CorrectionCount>& team_corrections,
                      const RoutingPolicy& policy);

}  // namespace rolecall
