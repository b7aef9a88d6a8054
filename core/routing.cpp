#include "core/routing.hpp"

#include <string_view>

namespace rolecall {

namespace {

// A reason is one line; three cues are enough to see why.
constexpr std::size_t max_cues_in_reason = 3;

std::string matched(const std::vector<std::string>& cues) {
  if (cues.empty()) return {};
  std::string out = " — matched ";
  for (std::size_t i = 0; i < cues.size() && i < max_cues_in_reason; ++i) {
    if (i > 0) out += ", ";
    out += '"' + cues[i] + '"';
  }
  return out;
}

std::string times(int n) {
  if (n == 1) return "once";
  if (n == 2) return "twice";
  return std::to_string(n) + " times";
}

std::string option_label(const ClarifyOption& o) {
  return o.topic_title + " (" + std::string(short_name(o.role)) + ")";
}

// Without a runner-up from the classifier we still offer the other side of the
// PM/PO boundary, described by what that role does in general.
ClarifyOption generic_option(Role role) {
  if (role == Role::product_manager) return {role, "", "strategy"};
  return {Role::product_owner, "", "backlog and sprint work"};
}

bool offers(const std::vector<ClarifyOption>& options, Role role) {
  for (const auto& o : options)
    if (o.role == role) return true;
  return false;
}

std::vector<ClarifyOption> clarify_options(const Classification& c, const Taxonomy& taxonomy,
                                           const std::string& title) {
  std::vector<ClarifyOption> options{{c.role, c.topic, title}};
  if (!c.alternative_topic.empty() && c.alternative_topic != c.topic) {
    const Topic* alt = taxonomy.find(c.alternative_topic);
    // Only a runner-up on another side of the boundary helps the person choose.
    if (alt != nullptr && alt->role != c.role &&
        (alt->role == Role::product_manager || alt->role == Role::product_owner ||
         alt->role == Role::both)) {
      options.push_back({alt->role, alt->id, alt->title});
    }
  }
  for (Role r : {Role::product_manager, Role::product_owner}) {
    if (!offers(options, r)) options.push_back(generic_option(r));
  }
  return options;
}

struct Moves {
  int away = 0;  // from the taxonomy role to the other one
  int back = 0;  // undoing that
};

Moves count_moves(const std::vector<CorrectionCount>& corrections, const std::string& topic,
                  Role role) {
  Moves m;
  const Role other = other_role(role);
  for (const auto& cc : corrections) {
    if (cc.topic_id != topic || cc.count <= 0) continue;
    if (cc.from == role && cc.to == other) m.away += cc.count;
    if (cc.from == other && cc.to == role) m.back += cc.count;
  }
  return m;
}

}  // namespace

RoutingDecision route(const Classification& c, const Taxonomy& taxonomy, const Team& team,
                      const std::vector<CorrectionCount>& team_corrections,
                      const RoutingPolicy& policy) {
  RoutingDecision d;
  d.role = c.role;
  d.taxonomy_role = c.role;
  d.topic_id = c.topic;
  const Topic* topic = c.topic.empty() ? nullptr : taxonomy.find(c.topic);
  d.topic_title = topic != nullptr ? topic->title : c.topic;
  d.cues = c.cues;
  d.confidence = c.confidence;
  const std::string what = d.topic_title + matched(c.cues);

  if (c.intent != Intent::request) {
    d.reason = "not routed: a " + std::string(to_string(c.intent)) + ", not a request";
    return d;
  }
  if (c.role == Role::none) {
    d.reason = "not routed: no known topic matched";
    return d;
  }
  if (c.role == Role::project_manager) {
    d.reason = what + "; not routed: the Project Manager's call, not the PM's or the PO's";
    return d;
  }

  if (c.confidence < policy.clarify_below) {
    d.kind = RoutingKind::needs_clarification;
    d.options = clarify_options(c, taxonomy, d.topic_title);
    std::string choices;
    for (std::size_t i = 0; i < d.options.size(); ++i) {
      if (i > 0) choices += (i + 1 == d.options.size()) ? " or " : ", ";
      choices += option_label(d.options[i]);
    }
    d.reason = "unsure: " + choices + "?";
    return d;
  }

  d.kind = RoutingKind::assigned;
  d.reason = what;

  if (c.role == Role::both) {
    if (topic != nullptr) {
      d.pm_part = topic->pm_part;
      d.po_part = topic->po_part;
    }
    d.reason += "; shared by the PM and the PO";
  } else {
    const Moves m = count_moves(team_corrections, c.topic, c.role);
    if (m.away - m.back >= policy.learn_threshold) {
      d.role = other_role(c.role);
      d.learned_moves = m.away - m.back;
      const std::string to(short_name(d.role));
      d.reason += "; routed to the " + to + ": this team has moved '" + d.topic_title +
                  "' to the " + to + " " + times(m.away);
      if (m.back > 0) d.reason += " (and back " + times(m.back) + ")";
    }
  }

  d.assignees = team.holders(d.role);
  if (team.is_combined()) {
    const std::string who = team.combined->display_name;
    d.reason += d.role == Role::both
                    ? "; " + who + " wears both hats"
                    : "; " + who + " wears the " + std::string(short_name(d.role)) + " hat";
  } else if (d.assignees.empty()) {
    d.reason += d.role == Role::both
                    ? std::string("; no PM or PO is configured for this team")
                    : "; no " + std::string(display_name(d.role)) + " is configured for this team";
  }
  return d;
}

}  // namespace rolecall
