#include "adapters/console/console_json.hpp"

namespace rolecall {

using nlohmann::json;

namespace {

std::string str(std::string_view s) { return std::string(s); }

json role_json(Role role) { return str(to_string(role)); }

json optional_text(const std::string& s) { return s.empty() ? json(nullptr) : json(s); }

// "the Product Manager", "the Product Owner", "the Product Manager and Product Owner".
std::string the_role(Role role) {
  if (role == Role::none) return "nobody";
  return "the " + str(display_name(role));
}

std::string names_or_nobody(const std::vector<Person>& people) {
  std::string out;
  for (std::size_t i = 0; i < people.size(); ++i) {
    if (i > 0) out += i + 1 == people.size() ? " and " : ", ";
    out += people[i].display_name;
  }
  return out;
}

}  // namespace

std::string_view console_kind_name(RoutingKind kind) noexcept {
  switch (kind) {
    case RoutingKind::assigned: return "assigned";
    case RoutingKind::needs_clarification: return "needs_clarification";
    case RoutingKind::not_routed: return "not_routed";
  }
  return "not_routed";
}

json console_people_json(const std::vector<Person>& people) {
  json out = json::array();
  for (const auto& p : people) out.push_back(p.display_name);
  return out;
}

json console_team_json(const Team& team) {
  return json{
      {"id", team.id},
      {"name", team.name.empty() ? team.id : team.name},
      {"combined", team.is_combined()},
      {"product_managers", console_people_json(team.product_managers)},
      {"product_owners", console_people_json(team.product_owners)},
      {"combined_person", team.combined ? json(team.combined->display_name) : json(nullptr)},
  };
}

json console_classification_json(const Classification& c) {
  return json{
      {"intent", str(to_string(c.intent))},
      {"role", role_json(c.role)},
      {"topic", c.topic},
      {"confidence", c.confidence},
      {"cues", c.cues},
      {"alternative_topic", optional_text(c.alternative_topic)},
  };
}

json console_answer_json(const Answer& a) {
  json alternative = nullptr;
  if (!a.alternative_topic_id.empty() || !a.alternative_title.empty()) {
    alternative = json{{"topic_id", a.alternative_topic_id},
                       {"title", a.alternative_title},
                       {"role", role_json(a.alternative_role)},
                       {"role_name", str(display_name(a.alternative_role))}};
  }
  return json{
      {"role", role_json(a.role)},
      {"role_name", str(display_name(a.role))},
      {"role_short", str(short_name(a.role))},
      {"topic_id", a.topic_id},
      {"topic_title", a.topic_title},
      {"explanation", a.explanation},
      {"pm_part", a.pm_part},
      {"po_part", a.po_part},
      {"owners", console_people_json(a.owners)},
      {"pm_owners", console_people_json(a.pm_owners)},
      {"po_owners", console_people_json(a.po_owners)},
      {"combined", a.combined},
      {"hat", role_json(a.hat)},
      {"confidence", a.confidence},
      {"low_confidence", a.low_confidence},
      {"alternative", alternative},
      {"cues", a.cues},
      {"team_name", a.team_name},
      {"example_topics", a.example_topics},
      {"thread_request", a.thread_routing_id > 0 ? json{{"routing_id", a.thread_routing_id},
                                                        {"routed_at", a.thread_routed_at}}
                                                 : json(nullptr)},
  };
}

json console_routing_decision_json(const RoutingDecision& d) {
  json options = json::array();
  for (const auto& o : d.options) {
    options.push_back(json{{"role", role_json(o.role)},
                           {"role_short", str(short_name(o.role))},
                           {"topic_id", o.topic_id},
                           {"topic_title", o.topic_title}});
  }
  return json{
      {"kind", str(console_kind_name(d.kind))},
      {"role", role_json(d.role)},
      {"role_name", str(display_name(d.role))},
      {"taxonomy_role", role_json(d.taxonomy_role)},
      {"topic_id", d.topic_id},
      {"topic_title", d.topic_title},
      {"assignees", console_people_json(d.assignees)},
      {"reason", d.reason},
      {"pm_part", d.pm_part},
      {"po_part", d.po_part},
      {"learned_moves", d.learned_moves},
      {"options", options},
      {"cues", d.cues},
      {"confidence", d.confidence},
  };
}

json console_routing_record_json(const RoutingRecord& r) {
  return json{
      {"id", r.id},
      {"platform", r.platform},
      {"team_id", r.team_id},
      {"channel", r.channel},
      {"message_id", r.message_id},
      {"link", r.link},
      {"author", r.author},
      {"text", r.text},
      {"intent", str(to_string(r.intent))},
      {"role", role_json(r.role)},
      {"role_name", str(display_name(r.role))},
      {"original_role", role_json(r.original_role)},
      {"topic", r.topic},
      {"confidence", r.confidence},
      {"assignee", r.assignee},
      {"status", str(to_string(r.status))},
      {"created_at", r.created_at},
      {"updated_at", r.updated_at},
  };
}

json console_decision_json(const DecisionRecord& d) {
  return json{
      {"id", d.id},
      {"platform", d.platform},
      {"team_id", d.team_id},
      {"role", role_json(d.role)},
      {"role_name", str(display_name(d.role))},
      {"text", d.text},
      {"decided_by", d.decided_by},
      {"channel", d.channel},
      {"link", d.link},
      {"created_at", d.created_at},
  };
}

std::vector<ConsoleAction> console_actions(Role role, RoutingStatus status) {
  std::vector<ConsoleAction> out;
  if (status == RoutingStatus::dismissed) return out;
  if (role == Role::none) {
    // A clarification nobody has answered yet.
    out.push_back({"choose_pm", "PM"});
    out.push_back({"choose_po", "PO"});
    return out;
  }
  if (status != RoutingStatus::acknowledged) out.push_back({"ack", "Acknowledge"});
  if (other_role(role) != role) {
    out.push_back({"reassign", "Reassign to " + str(short_name(other_role(role)))});
  }
  out.push_back({"dismiss", "Not a request"});
  return out;
}

json console_actions_json(const std::vector<ConsoleAction>& actions) {
  json out = json::array();
  for (const auto& a : actions) out.push_back(json{{"action", a.action}, {"label", a.label}});
  return out;
}

std::string render_routing_text(const RoutingDecision& d) {
  switch (d.kind) {
    case RoutingKind::assigned: {
      std::string out = "Routed to " + the_role(d.role);
      if (d.assignees.empty()) {
        out += " (nobody on this team holds that role).";
      } else {
        out += ": " + names_or_nobody(d.assignees) + ".";
      }
      if (!d.reason.empty()) out += "\n" + d.reason;
      return out;
    }
    case RoutingKind::needs_clarification: {
      std::string out = "Not sure who should take this. Is it about ";
      for (std::size_t i = 0; i < d.options.size(); ++i) {
        if (i > 0) out += " or ";
        const auto& o = d.options[i];
        out += (o.topic_title.empty() ? std::string("something else") : o.topic_title) + " (" +
               str(short_name(o.role)) + ")";
      }
      out += d.options.empty() ? "the PM or the PO?" : "?";
      return out;
    }
    case RoutingKind::not_routed: break;
  }
  return "Not routed.";
}

std::string render_status_text(RoutingStatus status, Role role,
                               const std::vector<Person>& assignees, bool changed) {
  std::string who = the_role(role);
  if (!assignees.empty()) who += " (" + names_or_nobody(assignees) + ")";
  std::string out;
  switch (status) {
    case RoutingStatus::acknowledged: out = "Acknowledged: " + who + " has it."; break;
    case RoutingStatus::reassigned: out = "Reassigned to " + who + "."; break;
    case RoutingStatus::dismissed: out = "Dismissed: not a request."; break;
    case RoutingStatus::open:
      out = role == Role::none ? "Waiting for someone to choose PM or PO."
                               : "Assigned to " + who + ".";
      break;
  }
  if (!changed) out += " (No change.)";
  return out;
}

std::string console_dump(const json& value) {
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace rolecall
