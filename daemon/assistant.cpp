#include "daemon/assistant.hpp"

#include <spdlog/spdlog.h>

#include "daemon/metrics.hpp"
#include "storage/sha256.hpp"

namespace rolecall {

std::optional<CorrectionAction> parse_correction_action(std::string_view id) {
  if (id == "rolecall_ack" || id == "ack" || id == "acknowledge")
    return CorrectionAction::acknowledge;
  if (id == "rolecall_reassign" || id == "reassign") return CorrectionAction::reassign;
  if (id == "rolecall_dismiss" || id == "dismiss") return CorrectionAction::dismiss;
  if (id == "rolecall_choose_pm" || id == "choose_pm") return CorrectionAction::choose_pm;
  if (id == "rolecall_choose_po" || id == "choose_po") return CorrectionAction::choose_po;
  return std::nullopt;
}

std::string join_names(const std::vector<Person>& people) {
  std::string out;
  for (const auto& p : people) {
    if (!out.empty()) out += ", ";
    out += p.display_name;
  }
  return out;
}

Assistant::Assistant(const KnowledgeHolder& knowledge, Store& store, Metrics* metrics,
                     bool store_message_text)
    : knowledge_(knowledge), store_(store), metrics_(metrics), store_text_(store_message_text) {}

AssistantReply Assistant::answer(const std::string& text, const Team* team) const {
  auto k = knowledge_.get();
  AssistantReply reply;
  reply.classification = k->classifier.classify(text);
  reply.answer = compose_answer(reply.classification, k->taxonomy, team);
  reply.kind = AssistantReply::Kind::answer;
  if (metrics_) {
    metrics_->inc("rolecall_classifications", {{"role", to_string(reply.classification.role)},
                                               {"intent", to_string(reply.classification.intent)}});
  }
  return reply;
}

AssistantReply Assistant::handle(const InboundMessage& m, std::int64_t now) {
  auto k = knowledge_.get();
  AssistantReply reply;
  const Classification c = k->classifier.classify(m.text);
  reply.classification = c;
  if (metrics_) {
    metrics_->inc("rolecall_classifications",
                  {{"role", to_string(c.role)}, {"intent", to_string(c.intent)}});
  }
  reply.answer = compose_answer(c, k->taxonomy, m.team);

  RoutingRecord rec;
  rec.platform = m.platform;
  rec.team_id = m.team ? m.team->id : "";
  rec.channel = m.channel;
  rec.message_id = m.message_id;
  rec.link = m.link;
  rec.author = m.author;
  rec.text = store_text_ ? m.text : "";
  rec.text_hash = sha256_hex(m.text);
  rec.intent = c.intent;
  rec.role = c.role;
  rec.original_role = c.role;
  rec.topic = c.topic;
  rec.confidence = c.confidence;
  rec.created_at = now;
  rec.updated_at = now;

  if (c.intent == Intent::request && m.route_requests && m.team) {
    const auto corrections = store_.correction_counts(m.team->id);
    RoutingDecision d = route(c, k->taxonomy, *m.team, corrections, k->policy);
    if (d.kind != RoutingKind::not_routed) {
      rec.role = d.kind == RoutingKind::assigned ? d.role : Role::none;
      rec.original_role = d.kind == RoutingKind::assigned ? d.role : c.role;
      rec.assignee = join_names(d.assignees);
      reply.routing_id = store_.record_routing(rec);
      reply.routing = std::move(d);
      reply.kind = reply.routing.kind == RoutingKind::assigned
                       ? AssistantReply::Kind::routed
                       : AssistantReply::Kind::clarification;
      if (metrics_) {
        metrics_->inc(
            "rolecall_routings",
            {{"role", to_string(reply.routing.role)},
             {"kind", reply.kind == AssistantReply::Kind::routed ? "assigned" : "clarification"}});
      }
      spdlog::info("routed {} message {} in {} to {} ({}; routing {})", m.platform, m.message_id,
                   m.channel, to_string(reply.routing.role), reply.routing.topic_id,
                   reply.routing_id);
      return reply;
    }
    // A request we cannot route (project manager, unknown topic) still gets an answer
    // when someone spoke to us directly.
  }

  if (!m.answer_questions) return reply;  // chatter in an intake channel: stay quiet
  // Spoken to directly with nothing we recognise: the answer (role none) says
  // what we can answer, which beats silence.
  reply.kind = AssistantReply::Kind::answer;
  if (c.intent == Intent::question || c.role != Role::none) {
    rec.intent = Intent::question;
    rec.status = RoutingStatus::acknowledged;  // questions are answered on the spot
    rec.assignee = join_names(reply.answer.owners);
    reply.routing_id = store_.record_routing(rec);
  }
  return reply;
}

CorrectionResult Assistant::correct(std::int64_t routing_id, CorrectionAction action,
                                    const std::string& by, std::int64_t now) {
  CorrectionResult result;
  auto existing = store_.get_routing(routing_id);
  if (!existing) return result;
  result.found = true;
  auto k = knowledge_.get();
  const Team* team = k->teams.find(existing->team_id);

  StatusChange change;
  change.routing_id = routing_id;
  change.from = existing->status;
  change.by = by;
  change.at = now;
  switch (action) {
    case CorrectionAction::acknowledge:
      change.to = RoutingStatus::acknowledged;
      change.new_role = existing->role;
      break;
    case CorrectionAction::dismiss:
      change.to = RoutingStatus::dismissed;
      change.new_role = existing->role;
      break;
    case CorrectionAction::reassign:
      change.to = RoutingStatus::reassigned;
      change.new_role = other_role(existing->role);
      break;
    case CorrectionAction::choose_pm:
    case CorrectionAction::choose_po:
      change.to = RoutingStatus::open;
      change.new_role =
          action == CorrectionAction::choose_pm ? Role::product_manager : Role::product_owner;
      break;
  }
  const bool role_changes = change.new_role != existing->role;
  if (change.to == existing->status && !role_changes) {
    result.routing = *existing;
    result.new_status = existing->status;
    result.new_role = existing->role;
    result.new_assignees = team ? team->holders(existing->role) : std::vector<Person>{};
    return result;  // pressing the same button twice changes nothing
  }
  if (action == CorrectionAction::reassign && !role_changes) {
    // Shared or non-PM/PO routings have no "other role": nothing to move.
    result.routing = *existing;
    result.new_status = existing->status;
    result.new_role = existing->role;
    return result;
  }
  store_.change_routing_status(change);
  result.changed = true;
  result.new_status = change.to;
  result.new_role = change.new_role;
  result.new_assignees = team ? team->holders(change.new_role) : std::vector<Person>{};
  result.routing = store_.get_routing(routing_id).value_or(*existing);
  if (metrics_) {
    static constexpr const char* names[] = {"acknowledge", "reassign", "dismiss", "choose_pm",
                                            "choose_po"};
    metrics_->inc("rolecall_corrections", {{"action", names[static_cast<int>(action)]}});
  }
  spdlog::info("routing {} {} by {} (role {})", routing_id, to_string(change.to), by,
               to_string(change.new_role));
  return result;
}

DecisionRecord Assistant::record_decision(const std::string& platform, const Team* team,
                                          const std::string& text, const std::string& by,
                                          const std::string& channel, const std::string& link,
                                          std::optional<Role> role, std::int64_t now) {
  DecisionRecord d;
  d.platform = platform;
  d.team_id = team ? team->id : "";
  if (role) {
    d.role = *role;
  } else {
    auto k = knowledge_.get();
    d.role = k->classifier.classify(text).role;
  }
  d.text = text;
  d.decided_by = by;
  d.channel = channel;
  d.link = link;
  d.created_at = now;
  d.id = store_.record_decision(d);
  if (metrics_) metrics_->inc("rolecall_decisions", {{"platform", platform}});
  spdlog::info("decision {} logged on {} for team {} ({})", d.id, platform, d.team_id,
               to_string(d.role));
  return d;
}

std::vector<DecisionRecord> Assistant::recent_decisions(const Team* team, int limit) {
  ListFilter f;
  f.team_id = team ? team->id : "";
  f.limit = limit;
  return store_.list_decisions(f);
}

}  // namespace rolecall
