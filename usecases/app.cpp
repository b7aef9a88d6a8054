#include "usecases/app.hpp"

#include <spdlog/spdlog.h>

#include <random>

#include "storage/sha256.hpp"
#include "usecases/message_rules.hpp"

namespace rolecall {

namespace {

std::int64_t make_placeholder() {
  std::random_device rd;
  std::uniform_int_distribution<std::int64_t> digits(100'000'000'000'000'000LL,
                                                     999'999'999'999'999'999LL);
  return digits(rd);
}

void count(Counters* counters, std::string_view name, Labels labels) {
  if (counters) counters->inc(name, labels);
}

}  // namespace

std::int64_t routing_id_placeholder() noexcept {
  static const std::int64_t value = make_placeholder();
  return value;
}

void bind_routing_id(std::string& text, std::int64_t id) {
  const std::string from = std::to_string(routing_id_placeholder());
  const std::string to = std::to_string(id);
  for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
}

std::optional<CorrectionAction> parse_correction_action(std::string_view id) {
  if (id == "rolecall_ack" || id == "ack" || id == "acknowledge")
    return CorrectionAction::acknowledge;
  if (id == "rolecall_reassign" || id == "reassign") return CorrectionAction::reassign;
  if (id == "rolecall_dismiss" || id == "dismiss") return CorrectionAction::dismiss;
  if (id == "rolecall_choose_pm" || id == "choose_pm") return CorrectionAction::choose_pm;
  if (id == "rolecall_choose_po" || id == "choose_po") return CorrectionAction::choose_po;
  return std::nullopt;
}

DecisionQuery parse_decision_query(std::string_view typed) {
  DecisionQuery q;
  if (typed == "all") {
    q.all = true;
  } else if (typed == "pm" || typed == "PM") {
    q.role = Role::product_manager;
  } else if (typed == "po" || typed == "PO") {
    q.role = Role::product_owner;
  } else {
    q.text = std::string(typed);
  }
  return q;
}

std::string join_names(const std::vector<Person>& people) {
  std::string out;
  for (const auto& p : people) {
    if (!out.empty()) out += ", ";
    out += p.display_name;
  }
  return out;
}

App::App(const KnowledgeHolder& knowledge, Store& store, Counters* counters, AppOptions options,
         CrossPostRenderer cross_post)
    : knowledge_(knowledge),
      store_(store),
      counters_(counters),
      options_(options),
      cross_post_(std::move(cross_post)) {}

MessageOutcome App::answer(const std::string& text, const Team* team) const {
  const auto k = knowledge_.get();
  MessageOutcome out;
  out.classification = k->classifier.classify(text);
  out.answer = compose_answer(out.classification, k->taxonomy, team);
  out.kind = out.classification.role == Role::none ? MessageOutcome::Kind::help
                                                   : MessageOutcome::Kind::answer;
  count(counters_, "rolecall_classifications",
        {{"role", to_string(out.classification.role)},
         {"intent", to_string(out.classification.intent)}});
  return out;
}

MessageOutcome App::handle_message(const InboundMessage& m, std::int64_t now,
                                   const OutcomeRenderer& render) {
  MessageOutcome out;
  // A redelivery we know (a Slack retry, a Teams activity posted twice, one
  // message as app_mention and as message.channels) is acknowledged before
  // any work: an advisory read; remember_event in the batch below stays the
  // authority for deliveries that race past it.
  for (const auto& key : m.dedupe_keys) {
    if (store_.event_seen(key, now)) return duplicate(m, std::move(out));
  }

  // --- compute: everything but the writes
  const auto k = knowledge_.get();
  const Classification& c = out.classification = k->classifier.classify(m.text_to_classify());
  // Rule 5: a question in the thread of a request rolecall routed is about
  // that request. The routing log is read only for a message that may be.
  std::optional<RoutingRecord> thread;
  if (may_ask_about_thread(m, c, k->policy)) {
    thread = store_.find_routing(m.platform, m.channel, m.thread_root_id);
    if (thread && !is_thread_request(*thread, m.team ? m.team->id : "")) thread.reset();
  }
  MessageVerdict verdict;
  if (thread) {
    out.answer = thread_answer(*thread, *k, m.team);
    verdict = thread_request_verdict();
  } else {
    out.answer = compose_answer(c, k->taxonomy, m.team);
    if (m.team && may_route(m.addressing, c)) {
      out.routing = route(c, k->taxonomy, *m.team, store_.correction_counts(m.team->id), k->policy);
    }
    verdict = decide_response(m.addressing, c, out.routing);
  }
  switch (verdict.response) {
    case MessageResponse::silent: out.kind = MessageOutcome::Kind::silent; break;
    case MessageResponse::help: out.kind = MessageOutcome::Kind::help; break;
    case MessageResponse::answer: out.kind = MessageOutcome::Kind::answer; break;
    case MessageResponse::route:
      out.kind = out.routing.kind == RoutingKind::assigned ? MessageOutcome::Kind::routed
                                                           : MessageOutcome::Kind::clarification;
      break;
  }

  std::optional<RoutingRecord> row;
  if (verdict.log) {
    RoutingRecord r;
    r.platform = m.platform;
    r.team_id = m.team ? m.team->id : "";
    r.channel = m.channel;
    r.message_id = m.message_id;
    r.link = m.link;
    r.author = m.author;
    r.text = options_.store_message_text ? m.text : "";
    r.text_hash = sha256_hex(m.text);
    r.topic = thread ? thread->topic : c.topic;
    r.confidence = thread ? thread->confidence : c.confidence;
    r.created_at = now;
    r.updated_at = now;
    if (verdict.response == MessageResponse::route) {
      const bool assigned = out.routing.kind == RoutingKind::assigned;
      r.intent = Intent::request;
      r.role = assigned ? out.routing.role : Role::none;  // a clarification has no role yet
      r.original_role = assigned ? out.routing.role : c.role;
      r.assignee = join_names(out.routing.assignees);
    } else {
      r.intent = Intent::question;                 // answered on the spot
      r.role = r.original_role = out.answer.role;  // the thread's request's, or its own
      r.status = RoutingStatus::acknowledged;
      r.assignee = join_names(out.answer.owners);
    }
    row = std::move(r);
    out.routing_id = routing_id_placeholder();
  }
  std::vector<OutboxMessage> rows;
  if (render && out.kind != MessageOutcome::Kind::silent) rows = render(out);
  if (cross_post_ && m.team && out.kind == MessageOutcome::Kind::routed &&
      m.team->teams_routing_notices) {
    auto more = cross_post_(*m.team, m, out);
    rows.insert(rows.end(), std::make_move_iterator(more.begin()),
                std::make_move_iterator(more.end()));
  }

  // --- commit: store calls only. Nothing to keep and nothing to send (a
  // silent outcome) writes nothing at all: a redelivery is silent too.
  if (!row && rows.empty()) {
    out.routing_id = 0;
    return out;
  }
  bool seen_before = false;
  store_.write_batch([&](Store& s) {
    for (const auto& key : m.dedupe_keys) {
      if (!s.remember_event(key, now, now + options_.dedupe_ttl_seconds)) {
        seen_before = true;
        return;  // nothing else: the batch commits only the keys already new
      }
    }
    if (row) {
      const std::int64_t id = s.record_routing(*row);
      out.routing_id = id;
      for (auto& r : rows) {
        bind_routing_id(r.payload, id);
        bind_routing_id(r.idempotency_key, id);
      }
    }
    for (const auto& r : rows) s.enqueue(r, now);
  });

  if (seen_before) return duplicate(m, std::move(out));
  count(counters_, "rolecall_classifications",
        {{"role", to_string(c.role)}, {"intent", to_string(c.intent)}});
  if (out.kind == MessageOutcome::Kind::routed || out.kind == MessageOutcome::Kind::clarification) {
    const bool routed = out.kind == MessageOutcome::Kind::routed;
    count(counters_, "rolecall_routings",
          {{"role", to_string(out.routing.role)}, {"kind", routed ? "assigned" : "clarification"}});
    spdlog::info("routed {} message {} in {} to {} ({}; routing {})", m.platform, m.message_id,
                 m.channel, to_string(out.routing.role), out.routing.topic_id, out.routing_id);
  } else if (!row) {
    out.routing_id = 0;
  }
  if (thread) {
    spdlog::info("answered {} message {} in {} about its thread's request (routing {}, {})",
                 m.platform, m.message_id, m.channel, thread->id, to_string(thread->role));
  }
  return out;
}

Answer App::thread_answer(const RoutingRecord& request, const Knowledge& k, const Team* team) {
  // The request's owner as the log has it now (a reassignment moved the
  // role) and its topic: a fact, so composed as a certain classification.
  Classification routed;
  routed.intent = Intent::question;
  routed.role = request.role;
  routed.topic = request.topic;
  routed.confidence = 1.0;
  Answer a = compose_answer(routed, k.taxonomy, team);
  a.confidence = request.confidence;
  a.thread_routing_id = request.id;
  a.thread_routed_at = request.created_at;
  return a;
}

MessageOutcome App::duplicate(const InboundMessage& m, MessageOutcome out) const {
  count(counters_, "rolecall_duplicate_events", {{"platform", m.platform}});
  spdlog::info("{} message {} in {} seen before; nothing sent again", m.platform, m.message_id,
               m.channel);
  out.kind = MessageOutcome::Kind::duplicate;
  out.routing_id = 0;
  return out;
}

CorrectionOutcome App::correct(const CorrectionRequest& req, std::int64_t now,
                               const CorrectionRenderer& render) {
  CorrectionOutcome out;
  // --- compute
  std::optional<RoutingRecord> existing;
  if (req.routing_id) {
    existing = store_.get_routing(*req.routing_id);
  } else {
    for (const auto& id : req.message_ids) {
      if (id.empty()) continue;
      existing = store_.find_routing(req.platform, req.channel, id);
      if (existing && existing->intent == Intent::request) break;
      existing.reset();
    }
  }
  if (!existing || (req.team && existing->team_id != req.team->id)) {
    out.kind = CorrectionOutcome::Kind::not_found;
    if (render) {
      auto rows = render(out);
      store_.write_batch([&](Store& s) {
        for (const auto& r : rows) s.enqueue(r, now);
      });
    }
    return out;
  }
  const auto k = knowledge_.get();
  const Team* team = k->teams.find(existing->team_id);
  if (req.action == CorrectionAction::reassign && reassign_is_stale(req, *existing)) {
    return stale(*existing, team, now, render);
  }
  CorrectionAction action = req.action;
  if (action == CorrectionAction::reassign && req.reassign_to) {
    if (*req.reassign_to == existing->role) {
      out.kind = CorrectionOutcome::Kind::already;
      out.routing = *existing;
      return out;
    }
    // A routing with no PM/PO side yet (a clarification, a shared topic):
    // "reassign to the PM" is choosing the PM.
    if (existing->role != Role::product_manager && existing->role != Role::product_owner) {
      action = *req.reassign_to == Role::product_manager ? CorrectionAction::choose_pm
                                                         : CorrectionAction::choose_po;
    }
  }
  StatusChange& change = out.change;
  change.routing_id = existing->id;
  change.from = existing->status;
  change.by = req.by;
  change.at = now;
  change.from_role = existing->role;
  change.topic = existing->topic;
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
  const bool same_again = change.to == existing->status && !role_changes;
  // Shared or non-PM/PO routings have no "other role": nothing to move.
  const bool nothing_to_move = action == CorrectionAction::reassign && !role_changes;
  out.routing = *existing;
  if (same_again || nothing_to_move) {
    out.kind = CorrectionOutcome::Kind::unchanged;
    change.to = existing->status;
    change.new_role = existing->role;
  } else {
    out.kind = CorrectionOutcome::Kind::changed;
    out.routing.status = change.to;
    out.routing.role = change.new_role;
    out.routing.updated_at = now;
  }
  out.assignees = team ? team->holders(change.new_role) : std::vector<Person>{};
  std::vector<OutboxMessage> rows;
  if (render) rows = render(out);

  // --- commit. A reassign applies only while the routing still has the
  // owner it was read with: of two presses racing, the second is stale.
  if (action == CorrectionAction::reassign) change.if_role = existing->role;
  bool applied = true;
  store_.write_batch([&](Store& s) {
    if (out.kind == CorrectionOutcome::Kind::changed) applied = s.change_routing_status(change);
    if (applied)
      for (const auto& r : rows) s.enqueue(r, now);
  });
  if (!applied) {
    if (auto now_state = store_.get_routing(existing->id)) {
      return stale(*now_state, team, now, render);
    }
    out.kind = CorrectionOutcome::Kind::not_found;  // deleted in between
    return out;
  }
  if (out.kind == CorrectionOutcome::Kind::changed) {
    static constexpr const char* names[] = {"acknowledge", "reassign", "dismiss", "choose_pm",
                                            "choose_po"};
    count(counters_, "rolecall_corrections", {{"action", names[static_cast<int>(action)]}});
    spdlog::info("routing {} {} by {} (role {})", change.routing_id, to_string(change.to), req.by,
                 to_string(change.new_role));
  }
  return out;
}

bool App::reassign_is_stale(const CorrectionRequest& req, const RoutingRecord& current) {
  if (req.rendered_for) return *req.rendered_for != current.role;
  return !req.reassign_to && current.status == RoutingStatus::reassigned;
}

CorrectionOutcome App::stale(const RoutingRecord& current, const Team* team, std::int64_t now,
                             const CorrectionRenderer& render) {
  CorrectionOutcome out;
  out.kind = CorrectionOutcome::Kind::stale;
  out.routing = current;
  // The change that moved it: the last one logged at its updated_at.
  StatusChange& last = out.change;
  last.routing_id = current.id;
  last.to = current.status;
  last.new_role = current.role;
  last.at = current.updated_at;
  last.topic = current.topic;
  for (auto& c :
       store_.status_changes(current.team_id, current.updated_at, current.updated_at + 1)) {
    if (c.routing_id == current.id) last = std::move(c);
  }
  out.assignees = team ? team->holders(current.role) : std::vector<Person>{};
  if (render) {
    auto rows = render(out);
    if (!rows.empty()) {
      store_.write_batch([&](Store& s) {
        for (const auto& r : rows) s.enqueue(r, now);
      });
    }
  }
  spdlog::info("routing {}: stale reassign ignored (now with the {}, moved by {})", current.id,
               to_string(current.role), last.by);
  return out;
}

DecisionRecord App::record_decision(const std::string& platform, const Team* team,
                                    const std::string& text, const std::string& by,
                                    const std::string& channel, const std::string& link,
                                    std::optional<Role> role, std::int64_t now) {
  DecisionRecord d;
  d.platform = platform;
  d.team_id = team ? team->id : "";
  d.role = role ? *role : knowledge_.get()->classifier.classify(text).role;
  d.text = text;
  d.decided_by = by;
  d.channel = channel;
  d.link = link;
  d.created_at = now;
  d.id = store_.record_decision(d);
  count(counters_, "rolecall_decisions", {{"platform", platform}});
  spdlog::info("decision {} logged on {} for team {} ({})", d.id, platform, d.team_id,
               to_string(d.role));
  return d;
}

std::vector<DecisionRecord> App::find_decisions(const Team* team, const DecisionQuery& q) {
  const bool bare = q.text.empty() && !q.role && !q.all;
  const int limit =
      q.limit > 0 ? q.limit : (bare ? options_.recent_decisions : options_.search_limit);
  return store_.search_decisions(team ? team->id : "", q.text, q.role, limit);
}

}  // namespace rolecall
