#include "adapters/teams/teams_cards.hpp"

#include <algorithm>

#include "adapters/teams/teams_list_fitter.hpp"
#include "adapters/teams/teams_mentions.hpp"

namespace rolecall {
namespace {

using nlohmann::json;

// Longest user text shown in one place; keeps one oversized message from
// pushing a card past the limit.
constexpr std::size_t kMaxShownTextBytes = 2000;

std::string esc(std::string_view text) { return escape_teams_markdown(text); }

// At most max_bytes once escaped and written as JSON: Markdown/HTML
// escaping can grow a text several times (an entity per '<') and JSON six
// times (\u0001 per control character), so the cut is made on the input
// until the result fits (found by fuzzing: 4,000 bytes of control characters
// grew a reply past Teams' 28 KB).
std::string esc_cut(std::string_view text, std::size_t max_bytes = kMaxShownTextBytes) {
  auto wire_size = [](const std::string& s) {
    return nlohmann::json(s).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).size();
  };
  std::size_t keep = max_bytes;
  std::string out = escape_teams_markdown(truncate_utf8(text, keep));
  for (std::size_t size = wire_size(out); size > max_bytes && keep > 0; size = wire_size(out)) {
    keep = std::min(keep - 1, keep * max_bytes / size);
    out = escape_teams_markdown(truncate_utf8(text, keep));
  }
  return out;
}

std::string str(std::string_view s) { return std::string(s); }

json title_block(std::string text) {
  json tb = text_block(std::move(text));
  tb["size"] = "Medium";
  tb["weight"] = "Bolder";
  return tb;
}

json subtle_block(std::string text) {
  json tb = text_block(std::move(text));
  tb["isSubtle"] = true;
  tb["size"] = "Small";
  return tb;
}

json fact_set(std::vector<json> facts) {
  return {{"type", "FactSet"}, {"facts", std::move(facts)}};
}

json open_url(std::string title, std::string url) {
  return {{"type", "Action.OpenUrl"}, {"title", std::move(title)}, {"url", std::move(url)}};
}

// "**@rolecall reassign #42**"
std::string hint(const TeamsCardOptions& o, std::string_view command) {
  return "**@" + esc(o.bot_name) + " " + str(command) + "**";
}

std::string id_tag(std::int64_t id) { return id > 0 ? "#" + std::to_string(id) : std::string{}; }

// " #42" or "" — for commands that take an optional id.
std::string id_arg(std::int64_t id) { return id > 0 ? " #" + std::to_string(id) : std::string{}; }

std::string plain_names(const std::vector<Person>& people) {
  std::string out;
  for (std::size_t i = 0; i < people.size(); ++i) {
    if (i > 0) out += (i + 1 == people.size()) ? " and " : ", ";
    out += esc(people[i].display_name.empty() ? people[i].teams_name : people[i].display_name);
  }
  return out;
}

// "*Pricing*" or "" when there is no topic.
std::string topic_em(const std::string& title) {
  return title.empty() ? "" : "*" + esc(title) + "*";
}

json finish_reply(std::string text, json card, const TeamsMentions& mentions) {
  mentions.attach_to(card);
  return teams_reply_envelope(std::move(text), std::move(card));
}

void add_cues(json& body, const std::vector<std::string>& cues) {
  if (cues.empty()) return;
  std::string list;
  for (std::size_t i = 0; i < cues.size() && i < 8; ++i) {
    if (i > 0) list += ", ";
    list += esc(truncate_utf8(cues[i], 80));
  }
  body.push_back(subtle_block("Matched: " + list));
}

// ---------------------------------------------------------------- answers

json answer_none(const Answer& a, const TeamsCardOptions& o) {
  json card = teams_card_skeleton();
  json& body = card["body"];
  const bool not_product = !a.topic_title.empty();
  body.push_back(title_block(not_product ? "That doesn't look like product work"
                                         : "I couldn't tell who owns that"));
  body.push_back(text_block(
      a.explanation.empty()
          ? "I answer who owns a product topic: the **Product Manager** (strategy: vision, "
            "roadmap, market, pricing) or the **Product Owner** (execution: backlog, user "
            "stories, acceptance criteria, sprints)."
          : esc(a.explanation)));
  if (!a.example_topics.empty()) {
    std::string list = "Try asking about:";
    for (std::size_t i = 0; i < a.example_topics.size() && i < 8; ++i) {
      list += "\r- " + esc(truncate_utf8(a.example_topics[i], 120));
    }
    body.push_back(text_block(list));
  }
  body.push_back(subtle_block("Type " + hint(o, "help") + " for everything I can do."));
  return teams_reply_envelope(
      (not_product ? not_product_headline(a) : "I couldn't tell who owns that.") + " Try " +
          hint(o, "help") + ".",
      std::move(card));
}

json answer_project_manager(const Answer& a) {
  json card = teams_card_skeleton();
  json& body = card["body"];
  body.push_back(title_block("That's the Project Manager, not the PM"));
  if (!a.explanation.empty()) body.push_back(text_block(esc(a.explanation)));
  body.push_back(text_block(
      "Project timelines and day-to-day project operations belong to the **Project Manager**. "
      "The Product Manager (strategy) and the Product Owner (execution) own the product, not "
      "the project plan."));
  std::vector<json> facts;
  if (!a.topic_title.empty()) facts.push_back(fact("Topic", esc(a.topic_title)));
  if (!a.team_name.empty()) facts.push_back(fact("Team", esc(a.team_name)));
  if (!facts.empty()) body.push_back(fact_set(std::move(facts)));
  add_cues(body, a.cues);
  std::string text = a.topic_title.empty() ? "That" : topic_em(a.topic_title);
  text += " belongs to the **Project Manager** (timelines, operations), not the Product Manager.";
  return teams_reply_envelope(std::move(text), std::move(card));
}

void add_alternative(const Answer& a, std::vector<json>& facts) {
  if (!a.low_confidence || a.alternative_title.empty()) return;
  std::string alt = esc(a.alternative_title);
  if (a.alternative_role != Role::none) alt += " (" + str(display_name(a.alternative_role)) + ")";
  facts.push_back(fact("Or maybe", alt));
}

json answer_combined(const Answer& a, const TeamsCardOptions&) {
  TeamsMentions m;
  json card = teams_card_skeleton();
  json& body = card["body"];
  const Role hat = a.hat == Role::none ? a.role : a.hat;
  const Person* person = a.owners.empty() ? nullptr : &a.owners.front();
  const std::string who = person ? m.mention(*person) : "The person holding both roles";
  const std::string hat_name =
      hat == Role::both ? "both hats" : "the **" + str(display_name(hat)) + "** hat";
  body.push_back(title_block(str(a.low_confidence ? "Probably " : "") + "Owner: " +
                             (person ? esc(person->display_name) : "PM and PO in one person")));
  std::string line = who + " holds both roles" +
                     (a.team_name.empty() ? "" : " on " + esc(a.team_name)) +
                     "; this question wears " + hat_name + ".";
  body.push_back(text_block(line));
  if (!a.explanation.empty()) body.push_back(text_block(esc(a.explanation)));
  std::vector<json> facts;
  if (!a.topic_title.empty()) facts.push_back(fact("Topic", esc(a.topic_title)));
  facts.push_back(fact("Hat", str(display_name(hat))));
  if (person) facts.push_back(fact("Person", who));
  if (hat == Role::both) {
    if (!a.pm_part.empty()) facts.push_back(fact("As Product Manager", esc(a.pm_part)));
    if (!a.po_part.empty()) facts.push_back(fact("As Product Owner", esc(a.po_part)));
  }
  add_alternative(a, facts);
  body.push_back(fact_set(std::move(facts)));
  add_cues(body, a.cues);

  std::string text = a.topic_title.empty() ? "This" : topic_em(a.topic_title);
  text += ": **" + (person ? esc(person->display_name) : std::string("your PM/PO")) + "**" +
          (a.team_name.empty() ? "" : " (PM and PO on " + esc(a.team_name) + ")") + ", wearing " +
          hat_name + ".";
  return finish_reply(std::move(text), std::move(card), m);
}

json answer_shared(const Answer& a) {
  TeamsMentions m;
  json card = teams_card_skeleton();
  json& body = card["body"];
  body.push_back(title_block(str(a.low_confidence ? "Probably shared" : "Shared") +
                             ": Product Manager and Product Owner"));
  if (!a.explanation.empty()) body.push_back(text_block(esc(a.explanation)));
  std::vector<json> facts;
  if (!a.topic_title.empty()) facts.push_back(fact("Topic", esc(a.topic_title)));
  if (!a.pm_part.empty()) facts.push_back(fact("Product Manager", esc(a.pm_part)));
  if (!a.po_part.empty()) facts.push_back(fact("Product Owner", esc(a.po_part)));
  if (!a.owners.empty()) facts.push_back(fact("People", m.mention_all(a.owners)));
  if (!a.team_name.empty()) facts.push_back(fact("Team", esc(a.team_name)));
  add_alternative(a, facts);
  body.push_back(fact_set(std::move(facts)));
  add_cues(body, a.cues);
  std::string text = a.topic_title.empty() ? "This" : topic_em(a.topic_title);
  text += " is shared: the **Product Manager** and the **Product Owner** each own a half.";
  return finish_reply(std::move(text), std::move(card), m);
}

json answer_single(const Answer& a) {
  TeamsMentions m;
  json card = teams_card_skeleton();
  json& body = card["body"];
  const std::string role = str(display_name(a.role));
  body.push_back(title_block(a.low_confidence ? "Probably the " + role : "Owner: " + role));
  if (!a.owners.empty()) {
    body.push_back(text_block(m.mention_all(a.owners) + " on " +
                              (a.team_name.empty() ? std::string("your team") : esc(a.team_name)) +
                              (a.owners.size() == 1 ? " is the " : " are the ") + role +
                              (a.owners.size() == 1 ? "." : "s.")));
  }
  if (!a.explanation.empty()) body.push_back(text_block(esc(a.explanation)));
  std::vector<json> facts;
  if (!a.topic_title.empty()) facts.push_back(fact("Topic", esc(a.topic_title)));
  facts.push_back(fact("Owner", role));
  if (!a.team_name.empty()) {
    facts.push_back(fact("Person", a.owners.empty() ? "none configured on " + esc(a.team_name)
                                                    : m.mention_all(a.owners)));
    facts.push_back(fact("Team", esc(a.team_name)));
  }
  add_alternative(a, facts);
  body.push_back(fact_set(std::move(facts)));
  add_cues(body, a.cues);

  std::string text = (a.low_confidence ? "Probably the **" : "The **") + role + "**";
  if (!a.topic_title.empty()) text += " owns " + topic_em(a.topic_title);
  if (!a.owners.empty()) text += ": " + plain_names(a.owners);
  text += ".";
  return finish_reply(std::move(text), std::move(card), m);
}

// ---------------------------------------------------------------- routing

std::string role_with_article(Role role) {
  switch (role) {
    case Role::both: return "the Product Manager and the Product Owner";
    case Role::none: return "nobody";
    default: return "the " + str(display_name(role));
  }
}

void add_request_quote(json& body, const TeamsRoutingNotice& n) {
  if (n.request_text.empty()) return;
  json tb = text_block("\xe2\x80\x9c" + esc_cut(n.request_text, 600) + "\xe2\x80\x9d");
  tb["isSubtle"] = true;
  body.push_back(std::move(tb));
}

// Builds the routing card; `text` receives the one-line summary.
json routing_card(const TeamsRoutingNotice& n, const TeamsCardOptions& o, std::string& text) {
  const RoutingDecision& d = n.decision;
  TeamsMentions m;
  json card = teams_card_skeleton();
  json& body = card["body"];
  const std::string id = id_tag(n.routing_id);
  const std::string arg = id_arg(n.routing_id);
  std::vector<json> facts;
  if (!d.topic_title.empty()) facts.push_back(fact("Topic", esc(d.topic_title)));

  switch (d.kind) {
    case RoutingKind::assigned: {
      body.push_back(title_block("Routed to " + role_with_article(d.role)));
      if (!d.assignees.empty()) {
        body.push_back(text_block(m.mention_all(d.assignees) + ", this looks like yours."));
      }
      add_request_quote(body, n);
      facts.push_back(
          fact("Owner", m.mention_all(d.assignees, str(display_name(d.role))) +
                            (n.team_name.empty() ? "" : " (" + esc(n.team_name) + ")")));
      if (d.role == Role::both) {
        if (!d.pm_part.empty()) facts.push_back(fact("Product Manager", esc(d.pm_part)));
        if (!d.po_part.empty()) facts.push_back(fact("Product Owner", esc(d.po_part)));
      }
      if (!d.reason.empty()) facts.push_back(fact("Why", esc_cut(d.reason, 600)));
      if (!n.requested_by.empty()) facts.push_back(fact("Asked by", esc(n.requested_by)));
      if (!id.empty()) facts.push_back(fact("Routing", id));
      body.push_back(fact_set(std::move(facts)));
      if (d.learned_moves > 0) {
        body.push_back(text_block(
            "Learned from this team: people moved " +
            (d.topic_title.empty() ? std::string("this topic") : topic_em(d.topic_title)) + " to " +
            role_with_article(d.role) + " " + std::to_string(d.learned_moves) +
            (d.learned_moves == 1 ? " time" : " times") +
            ", so it goes there now (the taxonomy says " + role_with_article(d.taxonomy_role) +
            ")."));
      }
      if (!id.empty()) {
        const std::string reassign =
            (d.role == Role::product_manager || d.role == Role::product_owner)
                ? hint(o, "reassign" + arg) + " to hand it to the " +
                      str(short_name(other_role(d.role)))
                : hint(o, "reassign" + arg + " to pm") + " or " +
                      hint(o, "reassign" + arg + " to po") + " to pick one owner";
        body.push_back(subtle_block("Not right? Reply " + reassign + ", " + hint(o, "ack" + arg) +
                                    " to take it, or " + hint(o, "dismiss" + arg) +
                                    " if it isn't a request."));
      }
      text = "Routed" + (id.empty() ? "" : " " + id) + " to the **" +
             str(d.role == Role::both ? "PM and PO" : display_name(d.role)) + "**" +
             (d.assignees.empty() ? "" : " (" + plain_names(d.assignees) + ")") +
             (d.topic_title.empty() ? "" : ": " + topic_em(d.topic_title)) + ".";
      break;
    }
    case RoutingKind::needs_clarification: {
      body.push_back(title_block("Who should take this: PM or PO?"));
      add_request_quote(body, n);
      std::string question = "Is it about ";
      for (std::size_t i = 0; i < d.options.size() && i < 4; ++i) {
        if (i > 0) question += (i + 1 == d.options.size() || i == 3) ? " or " : ", ";
        const auto& opt = d.options[i];
        question +=
            (opt.topic_title.empty() ? std::string("something else") : topic_em(opt.topic_title)) +
            " (" + str(short_name(opt.role)) + ")";
      }
      if (d.options.empty())
        question = "I could not tell whether this is strategy (PM) or execution (PO)";
      body.push_back(text_block(question + "?"));
      if (!d.reason.empty()) facts.push_back(fact("Why", esc_cut(d.reason, 600)));
      if (!n.requested_by.empty()) facts.push_back(fact("Asked by", esc(n.requested_by)));
      if (!id.empty()) facts.push_back(fact("Routing", id));
      if (!facts.empty()) body.push_back(fact_set(std::move(facts)));
      if (!id.empty()) {
        body.push_back(subtle_block("Reply " + hint(o, "reassign" + arg + " to pm") + " or " +
                                    hint(o, "reassign" + arg + " to po") + " to route it, or " +
                                    hint(o, "dismiss" + arg) + " if it isn't a request."));
      }
      text = "Routing" + (id.empty() ? "" : " " + id) + " needs a hand: **PM** or **PO**?";
      break;
    }
    case RoutingKind::not_routed: {
      const bool project = d.role == Role::project_manager;
      body.push_back(
          title_block(project ? "Not routed: this is for the Project Manager" : "Not routed"));
      add_request_quote(body, n);
      body.push_back(text_block(
          project ? "Project timelines and day-to-day operations belong to the **Project "
                    "Manager**, not the Product Manager or the Product Owner."
                  : (d.reason.empty() ? "I could not match this to a PM or PO topic."
                                      : esc_cut(d.reason, 600))));
      if (project && !d.reason.empty()) facts.push_back(fact("Why", esc_cut(d.reason, 600)));
      if (!id.empty()) facts.push_back(fact("Routing", id));
      if (!facts.empty()) body.push_back(fact_set(std::move(facts)));
      if (!id.empty()) {
        body.push_back(subtle_block("To route it anyway, reply " +
                                    hint(o, "reassign" + arg + " to pm") + " or " +
                                    hint(o, "reassign" + arg + " to po") + "."));
      }
      text = "Not routed" + (id.empty() ? "" : " (" + id + ")") +
             (project ? ": that's the **Project Manager**." : ".");
      break;
    }
  }
  if (is_web_url(n.link)) card["actions"] = json::array({open_url("Open message", n.link)});
  m.attach_to(card);
  return card;
}

// An answer about the request of the thread it was asked in (its owner is
// what the routing log says: never "probably"). The card opens by saying so,
// and its facts name the routing, the number "reassign #42" takes.
json about_thread_request(json reply, const Answer& a) {
  const std::string date = teams_format_date(a.thread_routed_at);
  const std::string lead =
      "This thread's request" + (date.empty() ? std::string() : " (routed on " + date + ")");
  reply["text"] = lead + " — " + reply.value("text", std::string());
  json& card = reply["attachments"][0]["content"];
  json& body = card["body"];
  body.insert(body.begin(), subtle_block(lead + ":"));
  for (json& block : body) {
    if (block.value("type", "") == "FactSet") {
      block["facts"].push_back(fact("Routing", id_tag(a.thread_routing_id)));
      break;
    }
  }
  return reply;
}

}  // namespace

json render_teams_answer_reply(const Answer& answer, const TeamsCardOptions& options) {
  if (answer.thread_routing_id > 0 && answer.role != Role::none) {
    Answer owned = answer;
    owned.low_confidence = false;
    owned.thread_routing_id = 0;
    return about_thread_request(render_teams_answer_reply(owned, options), answer);
  }
  switch (answer.role) {
    case Role::none: return answer_none(answer, options);
    case Role::project_manager: return answer_project_manager(answer);
    case Role::both:
      return answer.combined ? answer_combined(answer, options) : answer_shared(answer);
    case Role::product_manager:
    case Role::product_owner:
      return answer.combined ? answer_combined(answer, options) : answer_single(answer);
  }
  return answer_none(answer, options);
}

json render_teams_routing_reply(const TeamsRoutingNotice& notice, const TeamsCardOptions& options) {
  std::string text;
  json card = routing_card(notice, options, text);
  return teams_reply_envelope(std::move(text), std::move(card));
}

json render_teams_routing_workflow_post(const TeamsRoutingNotice& notice,
                                        const TeamsCardOptions& options) {
  std::string text;
  json card = routing_card(notice, options, text);
  return teams_workflow_envelope(std::move(card));
}

json render_teams_status_change_reply(const StatusChange& change,
                                      const std::vector<Person>& assignees,
                                      const TeamsCardOptions&) {
  TeamsMentions m;
  json card = teams_card_skeleton();
  json& body = card["body"];
  const std::string id = id_tag(change.routing_id);
  std::string title;
  std::string text;
  std::vector<json> facts;
  facts.push_back(fact("Routing", id.empty() ? "?" : id));
  switch (change.to) {
    case RoutingStatus::acknowledged:
      title = "Acknowledged " + id;
      text = id + " acknowledged" + (change.by.empty() ? "" : " by " + esc(change.by)) + ".";
      break;
    case RoutingStatus::reassigned:
      title = "Reassigned " + id + " to " + role_with_article(change.new_role);
      if (!assignees.empty()) {
        body.push_back(title_block(title));
        title.clear();
        body.push_back(text_block(m.mention_all(assignees) + ", this is yours now."));
      }
      facts.push_back(fact("Owner", m.mention_all(assignees, str(display_name(change.new_role)))));
      text = id + " reassigned to the **" + str(display_name(change.new_role)) + "**" +
             (assignees.empty() ? "" : " (" + plain_names(assignees) + ")") + ".";
      break;
    case RoutingStatus::dismissed:
      title = "Dismissed " + id;
      text = id + " dismissed: not a request.";
      break;
    case RoutingStatus::open:
      title = "Reopened " + id;
      text = id + " is open again.";
      break;
  }
  if (!title.empty()) body.insert(body.begin(), title_block(title));
  facts.push_back(fact("Status", str(to_string(change.to))));
  if (!change.by.empty()) facts.push_back(fact("By", esc(change.by)));
  body.push_back(fact_set(std::move(facts)));
  return finish_reply(std::move(text), std::move(card), m);
}

json render_teams_decision_reply(const DecisionRecord& d, const TeamsCardOptions& options) {
  json card = teams_card_skeleton();
  json& body = card["body"];
  const std::string id = id_tag(d.id);
  body.push_back(title_block("Decision " + (id.empty() ? "" : id + " ") + "logged"));
  body.push_back(text_block(esc_cut(d.text, 4000)));
  std::vector<json> facts;
  if (d.role != Role::none) facts.push_back(fact("Owner", str(display_name(d.role))));
  if (!d.decided_by.empty()) facts.push_back(fact("Decided by", esc(d.decided_by)));
  if (d.created_at != 0) facts.push_back(fact("Date", teams_format_date(d.created_at)));
  if (!facts.empty()) body.push_back(fact_set(std::move(facts)));
  json actions = json::array();
  if (is_web_url(d.link)) actions.push_back(open_url("Open in channel", d.link));
  if (is_web_url(options.decisions_url))
    actions.push_back(open_url("All decisions", options.decisions_url));
  if (!actions.empty()) card["actions"] = std::move(actions);
  return teams_reply_envelope(
      "Logged decision" + (id.empty() ? "" : " " + id) + ": " + esc_cut(d.text, 300),
      std::move(card));
}

json render_teams_decisions_reply(const std::vector<DecisionRecord>& decisions,
                                  const std::string& heading, const std::string& filter,
                                  const TeamsCardOptions& options) {
  json card = teams_card_skeleton();
  json& body = card["body"];
  // The heading is the caller's (a constant today), cut all the same: the
  // fuzzer built a 144 KB card from a long one.
  const std::string shown_heading =
      esc_cut(heading.empty() ? std::string("Decisions") : heading, 200);
  body.push_back(title_block(shown_heading));
  const std::string count =
      std::to_string(decisions.size()) + (decisions.size() == 1 ? " decision" : " decisions");
  const std::string filter_note =
      filter.empty() ? "" : " matching \xe2\x80\x9c" + esc_cut(filter, 200) + "\xe2\x80\x9d";
  if (decisions.empty()) {
    body.push_back(text_block(filter.empty() ? "No decisions logged yet. Log one with **@" +
                                                   esc(options.bot_name) + " decision TEXT**."
                                             : "No decisions" + filter_note + "."));
  } else {
    json sub = text_block(count + filter_note);
    sub["isSubtle"] = true;
    sub["spacing"] = "None";
    body.push_back(std::move(sub));
  }
  if (is_web_url(options.decisions_url))
    card["actions"] = json::array({open_url("All decisions", options.decisions_url)});

  std::string text = shown_heading + ": " + count + filter_note + ".";
  json envelope = teams_reply_envelope(std::move(text), std::move(card));
  if (decisions.empty()) return envelope;

  std::vector<json> rows;
  rows.reserve(decisions.size());
  for (const auto& d : decisions) {
    std::string meta;
    if (!d.decided_by.empty()) meta = "by " + esc(truncate_utf8(d.decided_by, 80));
    const std::string date = teams_format_date(d.created_at);
    if (!date.empty()) meta += (meta.empty() ? "" : " \xc2\xb7 ") + date;
    json first = json::array({text_block(esc_cut(d.text, 500))});
    if (!meta.empty()) {
      json m = text_block(meta);
      m["isSubtle"] = true;
      m["size"] = "Small";
      m["spacing"] = "None";
      first.push_back(std::move(m));
    }
    json role = text_block(d.role == Role::none ? "\xe2\x80\x93" : str(short_name(d.role)), false);
    role["weight"] = "Bolder";
    json idb = text_block(id_tag(d.id), false);
    idb["isSubtle"] = true;
    rows.push_back(
        {{"type", "ColumnSet"},
         {"spacing", "Small"},
         {"separator", true},
         {"columns", json::array({{{"type", "Column"}, {"width", "stretch"}, {"items", first}},
                                  {{"type", "Column"}, {"width", "auto"}, {"items", {role}}},
                                  {{"type", "Column"}, {"width", "auto"}, {"items", {idb}}}})}});
  }
  // The list goes in a Container after the header; the fitter shows as many
  // rows as the card's byte budget allows, then "…and N more".
  envelope["attachments"][0]["content"]["body"].push_back(
      {{"type", "Container"}, {"items", json::array()}});
  TeamsListFit fit =
      fit_teams_lists(options.max_list_items, options.max_message_bytes, [&](std::size_t n) {
        json m = envelope;
        json& items = m["attachments"][0]["content"]["body"].back()["items"];
        const std::size_t shown = std::min(n, rows.size());
        for (std::size_t i = 0; i < shown; ++i) items.push_back(rows[i]);
        if (shown < rows.size()) items.push_back(teams_and_more_text(rows.size() - shown));
        return m;
      });
  return std::move(fit.message);
}

json render_teams_help_reply(const std::vector<std::string>& example_topics,
                             const TeamsCardOptions& o) {
  json card = teams_card_skeleton();
  json& body = card["body"];
  body.push_back(title_block("rolecall: who owns this, PM or PO?"));
  body.push_back(
      text_block("Mention me with a question and I answer with the owner on your team and why: the "
                 "**Product Manager** for strategy, the **Product Owner** for execution."));
  body.push_back(text_block("- " + hint(o, "who owns pricing?") + " the owner and the reason\r- " +
                            hint(o, "decision TEXT") + " logs a product decision\r- " +
                            hint(o, "decisions") + " lists recent decisions\r- " +
                            hint(o, "ack #ID") + ", " + hint(o, "reassign #ID to pm") + ", " +
                            hint(o, "dismiss #ID") + " update a routed request\r- " +
                            hint(o, "help") + " shows this"));
  if (!example_topics.empty()) {
    std::string list;
    for (std::size_t i = 0; i < example_topics.size() && i < 12; ++i) {
      if (i > 0) list += ", ";
      list += esc(truncate_utf8(example_topics[i], 120));
    }
    body.push_back(subtle_block("Topics I know include: " + list +
                                (example_topics.size() > 12 ? ", \xe2\x80\xa6" : "") + "."));
  }
  return teams_reply_envelope("Ask me who owns a topic, e.g. " + hint(o, "who owns pricing?"),
                              std::move(card));
}

json render_teams_simple_reply(const std::string& text, const TeamsCardOptions&) {
  json card = teams_card_skeleton();
  card["body"].push_back(text_block(esc_cut(text, 4000)));
  return teams_reply_envelope(esc_cut(text, 4000), std::move(card));
}

}  // namespace rolecall
