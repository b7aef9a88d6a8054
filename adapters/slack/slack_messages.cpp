#include "adapters/slack/slack_messages.hpp"

#include <charconv>

#include "adapters/slack/block_kit_limits.hpp"
#include "adapters/slack/slack_list_fitter.hpp"
#include "adapters/slack/slack_text.hpp"
#include "core/utc_date.hpp"

namespace rolecall {

namespace {

using nlohmann::json;

// Slack ids: upper-case letters and digits (U…, W…, C…, G…, D…). Anything
// else from config or a payload is shown as text, never as markup.
bool is_slack_id(std::string_view id) {
  if (id.empty() || id.size() > 32) return false;
  for (char c : id) {
    if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) return false;
  }
  return true;
}

std::string channel_link(std::string_view channel_id) {
  if (is_slack_id(channel_id)) return "<#" + std::string(channel_id) + ">";
  return mrkdwn_escape(channel_id);
}

std::string join_list(const std::vector<std::string>& items, std::string_view last_sep) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += (i + 1 == items.size()) ? std::string(last_sep) : std::string(", ");
    out += items[i];
  }
  return out;
}

// Inputs are clipped before they are escaped and joined, so a 1 MB field
// costs no more than a short one; enforce_block_kit_limits has the last word.
constexpr std::size_t kMaxNameChars = 80;
constexpr std::size_t kMaxPeople = 8;
constexpr std::size_t kMaxLineChars = 1000;
constexpr std::size_t kMaxListItems = 10;

std::string clip(std::string_view text, std::size_t max_chars = kMaxLineChars) {
  return truncate_text(text, max_chars);
}

std::string people(const std::vector<Person>& persons) {
  std::vector<std::string> names;
  std::size_t shown = std::min(persons.size(), kMaxPeople);
  names.reserve(shown + 1);
  for (std::size_t i = 0; i < shown; ++i) names.push_back(slack_mention(persons[i]));
  if (persons.size() > shown) {
    std::size_t rest = persons.size() - shown;
    names.push_back(std::to_string(rest) + (rest == 1 ? " other" : " others"));
  }
  return join_list(names, " and ");
}

std::string bold_role(Role role) { return "*" + std::string(display_name(role)) + "*"; }

// The builders below set members one by one: a braced initializer list would
// build every key/value pair as a temporary two-element array and copy it,
// three extra allocations per member on the path of every reply.
json text_object(std::string mrkdwn) {
  json o(json::value_t::object);
  o["type"] = "mrkdwn";
  o["text"] = std::move(mrkdwn);
  return o;
}

json section(std::string mrkdwn) {
  json b(json::value_t::object);
  b["type"] = "section";
  b["text"] = text_object(std::move(mrkdwn));
  return b;
}

json context(std::string mrkdwn) {
  json elements(json::value_t::array);
  elements.push_back(text_object(std::move(mrkdwn)));
  json b(json::value_t::object);
  b["type"] = "context";
  b["elements"] = std::move(elements);
  return b;
}

json button(std::string text, std::string_view action_id, std::string value,
            std::string_view style = {}) {
  json label(json::value_t::object);
  label["type"] = "plain_text";
  label["text"] = std::move(text);
  label["emoji"] = false;
  json b(json::value_t::object);
  b["type"] = "button";
  b["text"] = std::move(label);
  b["action_id"] = action_id;
  b["value"] = std::move(value);
  if (!style.empty()) b["style"] = style;
  return b;
}

json actions(std::int64_t routing_id, json elements) {
  json b(json::value_t::object);
  b["type"] = "actions";
  b["block_id"] = "rolecall_routing_" + std::to_string(routing_id);
  b["elements"] = std::move(elements);
  return b;
}

json message(std::string fallback, json blocks) {
  json m(json::value_t::object);
  m["text"] = std::move(fallback);
  m["blocks"] = std::move(blocks);
  enforce_block_kit_limits(m);
  return m;
}

// Plain fallback text of mrkdwn: markup characters we add are harmless in a
// notification, but user text in it must still be escaped.
std::string esc(std::string_view text) { return mrkdwn_escape(clip(text)); }

// Slack renders <!date^…> in the reader's time zone; the fallback is UTC.
std::string slack_date(std::int64_t epoch_seconds) {
  if (epoch_seconds <= 0) return {};
  return "<!date^" + std::to_string(epoch_seconds) + "^{date_short}|" + utc_date(epoch_seconds) +
         ">";
}

// Lines of `text`, each prefixed with "> " so mrkdwn shows a quote.
std::string quote_lines(std::string_view text) {
  std::string out = "> ";
  for (char c : mrkdwn_escape(clip(text, 2500))) {
    out.push_back(c);
    if (c == '\n') out += "> ";
  }
  return out;
}

// ---- answers

// The answer about the request of the thread it was asked in, in the words
// of the routing notice it got ("This goes to the *PO* (_topic_) — <@U…>").
// Never "probably": the owner is what the routing log says.
std::string thread_answer_headline(const Answer& a) {
  std::string line = "This thread's request";
  if (a.thread_routed_at > 0) line += " (routed on " + slack_date(a.thread_routed_at) + ")";
  const std::string topic = a.topic_title.empty() ? "" : " (_" + esc(a.topic_title) + "_)";
  const bool combined = a.combined && !a.owners.empty();
  switch (a.role) {
    case Role::product_manager:
    case Role::product_owner:
      if (combined) {
        return line + " is owned by " + people(a.owners) + " — wearing the " + bold_role(a.role) +
               " hat" + topic;
      }
      line += " is owned by the " + bold_role(a.role) + topic;
      break;
    case Role::both:
      if (combined)
        return line + " is owned by " + people(a.owners) + " — wearing both hats" + topic;
      line += " is shared by the " + bold_role(Role::product_manager) + " and the " +
              bold_role(Role::product_owner) + topic;
      break;
    case Role::project_manager: line += " is for the " + bold_role(a.role) + topic; break;
    case Role::none: return line + " has no owner yet.";
  }
  return a.owners.empty() ? line + "." : line + " — " + people(a.owners);
}

std::string answer_headline(const Answer& a) {
  if (a.thread_routing_id > 0) return thread_answer_headline(a);
  const std::string probably = a.low_confidence ? "Probably " : "";
  switch (a.role) {
    case Role::product_manager:
    case Role::product_owner: {
      if (a.combined && !a.owners.empty()) {
        Role hat = a.hat == Role::none ? a.role : a.hat;
        return probably + people(a.owners) + " owns this — wearing the " + bold_role(hat) + " hat";
      }
      if (a.owners.empty()) {
        return a.low_confidence ? "Probably the " + bold_role(a.role) + "."
                                : bold_role(a.role) + " owns this.";
      }
      return a.low_confidence ? "Probably the " + bold_role(a.role) + " — " + people(a.owners)
                              : bold_role(a.role) + " owns this — " + people(a.owners);
    }
    case Role::both: {
      if (a.combined && !a.owners.empty()) {
        return probably + people(a.owners) + " owns this — wearing both hats, " +
               bold_role(Role::product_manager) + " and " + bold_role(Role::product_owner);
      }
      std::string line = probably + bold_role(Role::product_manager) + " and " +
                         bold_role(Role::product_owner) + " share this";
      if (!a.owners.empty()) line += " — " + people(a.owners);
      return line;
    }
    case Role::project_manager:
      return probably + "That's for the " + bold_role(Role::project_manager) +
             ", not the Product Manager: project timelines and day-to-day operations, not "
             "the product vision.";
    case Role::none: break;
  }
  if (!a.topic_title.empty()) return esc(not_product_headline(a));
  return "I don't know who owns that.";
}

std::string owner_phrase(Role role) {
  switch (role) {
    case Role::product_manager:
    case Role::product_owner:
    case Role::project_manager: return "the " + bold_role(role) + "'s";
    case Role::both:
      return "shared by the " + bold_role(Role::product_manager) + " and the " +
             bold_role(Role::product_owner);
    case Role::none: break;
  }
  return {};
}

std::string half_line(Role role, const std::vector<Person>& owners, const std::string& part) {
  std::string line = bold_role(role);
  if (!owners.empty()) line += " (" + people(owners) + ")";
  return line + ": " + esc(part);
}

// ---- routing

std::string short_role(Role role) { return std::string(short_name(role)); }

json routing_buttons(Role role, std::int64_t routing_id) {
  json elements = json::array();
  const std::string id = std::to_string(routing_id);
  elements.push_back(button("Acknowledge", kActionAck, id, "primary"));
  if (role == Role::product_manager || role == Role::product_owner) {
    // The owner it was rendered for rides along: a second press of this
    // button after the routing moved is stale, not a move back.
    elements.push_back(button("Reassign to the " + short_role(other_role(role)), kActionReassign,
                              slack_button_value(routing_id, role)));
  }
  elements.push_back(button("Not a request", kActionDismiss, id));
  return elements;
}

std::string routed_headline(Role role, const std::vector<Person>& owners,
                            const std::string& topic_title) {
  std::string topic = topic_title.empty() ? "" : " (_" + esc(topic_title) + "_)";
  if (role == Role::both) {
    std::string line = "This is shared by the " + bold_role(Role::product_manager) + " and the " +
                       bold_role(Role::product_owner) + topic;
    return owners.empty() ? line + "." : line + " — " + people(owners);
  }
  std::string line = "This goes to the " + bold_role(role) + topic;
  return owners.empty() ? line + "." : line + " — " + people(owners);
}

std::string routed_fallback(Role role, const std::vector<Person>& owners,
                            const std::string& topic_title) {
  std::string line = owners.empty()
                         ? "For the " + std::string(display_name(role))
                         : "For " + people(owners) + " (" + std::string(display_name(role)) + ")";
  if (!topic_title.empty()) line += ": " + esc(topic_title);
  return line;
}

}  // namespace

std::string slack_user_mention(std::string_view user_id) {
  if (is_slack_id(user_id)) return "<@" + std::string(user_id) + ">";
  return user_id.empty() ? std::string("someone") : mrkdwn_escape(clip(user_id, kMaxNameChars));
}

std::string slack_mention(const Person& person) {
  if (is_slack_id(person.slack_user_id)) return "<@" + person.slack_user_id + ">";
  if (!person.display_name.empty()) return mrkdwn_escape(clip(person.display_name, kMaxNameChars));
  return "someone";
}

json render_answer(const Answer& input) {
  // Everything below, including core's plain-text rendering (the fallback),
  // runs on a clipped copy; the lists are copied only as far as shown.
  Answer a;
  a.role = input.role;
  a.topic_id = clip(input.topic_id, 100);
  a.topic_title = clip(input.topic_title);
  a.explanation = clip(input.explanation);
  a.pm_part = clip(input.pm_part);
  a.po_part = clip(input.po_part);
  a.combined = input.combined;
  a.hat = input.hat;
  a.confidence = input.confidence;
  a.low_confidence = input.low_confidence;
  a.alternative_topic_id = clip(input.alternative_topic_id, 100);
  a.alternative_title = clip(input.alternative_title);
  a.alternative_role = input.alternative_role;
  a.team_name = clip(input.team_name, 200);
  a.thread_routing_id = input.thread_routing_id;
  a.thread_routed_at = input.thread_routed_at;
  auto copy_people = [](const std::vector<Person>& from, std::vector<Person>& to) {
    to.reserve(std::min(from.size(), kMaxPeople));
    for (std::size_t i = 0; i < from.size(); ++i) {
      Person p = i < kMaxPeople ? from[i] : Person{};
      p.display_name = i < kMaxPeople ? clip(p.display_name, kMaxNameChars) : "someone";
      to.push_back(std::move(p));  // keep the count so "N others" stays right
    }
  };
  copy_people(input.owners, a.owners);
  copy_people(input.pm_owners, a.pm_owners);
  copy_people(input.po_owners, a.po_owners);
  for (std::size_t i = 0; i < input.example_topics.size() && i < kMaxListItems; ++i) {
    a.example_topics.push_back(clip(input.example_topics[i], 100));
  }

  json blocks = json::array();
  blocks.push_back(section(answer_headline(a)));

  if (a.role == Role::none) {
    if (!a.explanation.empty()) blocks.push_back(section("*Why:* " + esc(a.explanation)));
    if (!a.example_topics.empty()) {
      std::string list = "I can answer questions like:";
      std::size_t n = std::min(a.example_topics.size(), kMaxListItems);
      for (std::size_t i = 0; i < n; ++i) list += "\n• " + esc(clip(a.example_topics[i], 100));
      blocks.push_back(section(list));
    }
    blocks.push_back(context("Try `/whoowns pricing` or `/whoowns acceptance criteria`."));
  } else {
    if (!a.explanation.empty()) blocks.push_back(section("*Why:* " + esc(a.explanation)));
    if (a.role == Role::both && (!a.pm_part.empty() || !a.po_part.empty())) {
      std::string halves;
      if (!a.pm_part.empty()) halves += half_line(Role::product_manager, a.pm_owners, a.pm_part);
      if (!a.po_part.empty()) {
        if (!halves.empty()) halves += "\n";
        halves += half_line(Role::product_owner, a.po_owners, a.po_part);
      }
      blocks.push_back(section(halves));
    }
    if (a.low_confidence && !a.alternative_title.empty() && a.alternative_role != Role::none) {
      blocks.push_back(section("…or is it about _" + esc(a.alternative_title) + "_? That one is " +
                               owner_phrase(a.alternative_role) + "."));
    }
    std::vector<std::string> notes;
    // A thread's request names its topic in the headline already.
    if (!a.topic_title.empty() && a.thread_routing_id == 0)
      notes.push_back("Topic: " + esc(a.topic_title));
    if (!a.team_name.empty()) notes.push_back("Team: " + esc(a.team_name));
    if (a.combined) notes.push_back("one person holds both roles on this team");
    if ((a.role == Role::product_manager || a.role == Role::product_owner) && a.owners.empty() &&
        !a.team_name.empty()) {
      notes.push_back("no " + std::string(display_name(a.role)) + " is configured for this team");
    }
    if (!notes.empty()) {
      std::string line;
      for (const auto& n : notes) line += (line.empty() ? "" : " · ") + n;
      blocks.push_back(context(line));
    }
  }
  return message(esc(render_answer_text(a)), std::move(blocks));
}

json render_routing_notice(const RoutingDecision& d, std::int64_t routing_id) {
  json blocks = json::array();
  switch (d.kind) {
    case RoutingKind::assigned: {
      blocks.push_back(section(routed_headline(d.role, d.assignees, d.topic_title)));
      if (!d.reason.empty()) blocks.push_back(section("*Why:* " + esc(d.reason)));
      if (d.role == Role::both && (!d.pm_part.empty() || !d.po_part.empty())) {
        std::string halves;
        if (!d.pm_part.empty()) halves += half_line(Role::product_manager, {}, d.pm_part);
        if (!d.po_part.empty()) {
          if (!halves.empty()) halves += "\n";
          halves += half_line(Role::product_owner, {}, d.po_part);
        }
        blocks.push_back(section(halves));
      }
      if (d.learned_moves > 0 && d.taxonomy_role != d.role) {
        blocks.push_back(context(
            "Learned from this team: requests like this were moved to the " + short_role(d.role) +
            " " + std::to_string(d.learned_moves) + (d.learned_moves == 1 ? " time" : " times") +
            ", so it goes there now (the taxonomy says " + short_role(d.taxonomy_role) + ")."));
      }
      blocks.push_back(actions(routing_id, routing_buttons(d.role, routing_id)));
      return message(routed_fallback(d.role, d.assignees, d.topic_title), std::move(blocks));
    }
    case RoutingKind::needs_clarification: {
      std::string pm_title = "strategy", po_title = "execution";
      for (const auto& o : d.options) {
        if (o.role == Role::product_manager && !o.topic_title.empty()) pm_title = o.topic_title;
        if (o.role == Role::product_owner && !o.topic_title.empty()) po_title = o.topic_title;
      }
      std::string question = "Is this about _" + esc(pm_title) + "_ (" +
                             bold_role(Role::product_manager) + ") or _" + esc(po_title) + "_ (" +
                             bold_role(Role::product_owner) + ")?";
      blocks.push_back(section(question));
      blocks.push_back(context("Pick one and I'll hand it to the right person."));
      json elements = json::array();
      elements.push_back(
          button(truncate_text(pm_title, BlockKitLimits::max_button_text - 5) + " (PM)",
                 kActionChoosePm, std::to_string(routing_id)));
      elements.push_back(
          button(truncate_text(po_title, BlockKitLimits::max_button_text - 5) + " (PO)",
                 kActionChoosePo, std::to_string(routing_id)));
      blocks.push_back(actions(routing_id, std::move(elements)));
      return message("Is this about " + esc(pm_title) + " (Product Manager) or " + esc(po_title) +
                         " (Product Owner)?",
                     std::move(blocks));
    }
    case RoutingKind::not_routed: break;
  }
  std::string note = d.role == Role::project_manager
                         ? "This looks like a " + bold_role(Role::project_manager) +
                               " matter (timelines, day-to-day operations), so I'm not routing it."
                         : std::string("I couldn't tell who owns this, so I'm not routing it.");
  blocks.push_back(section(note));
  return message(note, std::move(blocks));
}

std::string slack_button_value(std::int64_t routing_id, Role rendered_for) {
  return std::to_string(routing_id) + ":" + std::string(to_string(rendered_for));
}

std::optional<SlackButtonValue> parse_slack_button_value(std::string_view value) noexcept {
  const std::size_t colon = value.find(':');
  const std::string_view digits = value.substr(0, colon);
  SlackButtonValue out;
  auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), out.routing_id);
  if (ec != std::errc{} || p != digits.data() + digits.size() || out.routing_id <= 0)
    return std::nullopt;
  if (colon != std::string_view::npos) {
    out.rendered_for = parse_role(value.substr(colon + 1));
    if (!out.rendered_for) return std::nullopt;
  }
  return out;
}

json render_routing_update(const RoutingUpdate& u) {
  json blocks = json::array();
  std::string actor = slack_user_mention(u.actor_user_id);
  std::string status;
  switch (u.action) {
    case RoutingAction::acknowledged: status = "Acknowledged by " + actor; break;
    case RoutingAction::reassigned:
      status = "Reassigned to the " + short_role(u.role) + " by " + actor;
      break;
    case RoutingAction::already_reassigned:
      status = "Already reassigned to the " + short_role(u.role) +
               (u.actor_user_id.empty() ? std::string() : " by " + actor) +
               " — that press changed nothing";
      break;
    case RoutingAction::dismissed: status = "Dismissed by " + actor + " — not a request"; break;
    case RoutingAction::clarified: status = actor + " chose the " + short_role(u.role); break;
  }
  if (u.action == RoutingAction::dismissed) {
    std::string line = "Not a request";
    if (!u.topic_title.empty()) line += " (_" + esc(u.topic_title) + "_)";
    blocks.push_back(section(line + "."));
  } else {
    blocks.push_back(section(routed_headline(u.role, u.owners, u.topic_title)));
  }
  blocks.push_back(context(status));
  if (u.action == RoutingAction::reassigned || u.action == RoutingAction::already_reassigned ||
      u.action == RoutingAction::clarified) {
    blocks.push_back(actions(u.routing_id, routing_buttons(u.role, u.routing_id)));
  }
  json m = message(status, std::move(blocks));
  m["replace_original"] = true;
  return m;
}

json render_decision_confirmation(const DecisionRecord& d) {
  std::string title = "*Decision #" + std::to_string(d.id) + " logged*";
  if (d.role != Role::none) title += " (" + std::string(display_name(d.role)) + ")";
  json blocks = json::array();
  blocks.push_back(section(title + "\n" + quote_lines(d.text)));
  std::vector<std::string> notes;
  if (!d.decided_by.empty()) notes.push_back("by " + slack_user_mention(d.decided_by));
  if (!d.channel.empty()) notes.push_back("in " + channel_link(d.channel));
  if (d.created_at > 0) notes.push_back(slack_date(d.created_at));
  if (!notes.empty()) {
    std::string line;
    for (const auto& n : notes) line += (line.empty() ? "" : " · ") + n;
    blocks.push_back(context(line));
  }
  return as_in_channel(
      message("Decision #" + std::to_string(d.id) + " logged: " + esc(truncate_text(d.text, 500)),
              std::move(blocks)));
}

json render_decision_list(const std::vector<DecisionRecord>& decisions, std::string_view query,
                          std::size_t max_items) {
  json blocks = json::array();
  std::string q = query.empty() ? "" : " matching “" + esc(truncate_text(query, 100)) + "”";
  if (decisions.empty()) {
    std::string text = query.empty() ? "No decisions recorded yet. Log one with `/decision TEXT`."
                                     : "No decisions" + q + ".";
    blocks.push_back(section(text));
    return as_ephemeral(message(text, std::move(blocks)));
  }
  // Leave room for the title and the "more" line within the 50-block limit;
  // the fitter keeps the whole list within the total text too, so the
  // safety net never cuts it and adds a second "more" line.
  max_items = std::min<std::size_t>(max_items, BlockKitLimits::max_blocks - 3);
  const std::string title = "*Decisions*" + q + " — newest first";
  const std::string fallback =
      std::to_string(decisions.size()) + (decisions.size() == 1 ? " decision" : " decisions") + q;
  SlackListFit fit = fit_slack_lists(max_items, [&](std::size_t per_list) {
    json list = json::array();
    const std::size_t shown = std::min(decisions.size(), per_list);
    list.push_back(section(title));
    for (std::size_t i = 0; i < shown; ++i) {
      const auto& d = decisions[i];
      std::string meta = "*#" + std::to_string(d.id) + "*";
      if (d.role != Role::none) meta += " · " + short_role(d.role);
      if (d.created_at > 0) meta += " · " + slack_date(d.created_at);
      if (!d.decided_by.empty()) meta += " · by " + slack_user_mention(d.decided_by);
      list.push_back(section(meta + "\n" + esc(truncate_text(d.text, 500))));
    }
    if (decisions.size() > shown) {
      list.push_back(context("…and " + std::to_string(decisions.size() - shown) +
                             " more. Narrow it down with `/decisions TEXT`."));
    }
    return json{{"text", fallback}, {"blocks", std::move(list)}};
  });
  return as_ephemeral(
      message(fit.message["text"].get<std::string>(), std::move(fit.message["blocks"])));
}

json render_help(std::string_view unknown_command) {
  json blocks = json::array();
  std::string intro;
  if (!unknown_command.empty()) {
    intro = "I don't know `" + esc(truncate_text(unknown_command, 50)) + "`. ";
  }
  intro +=
      "I settle who owns what — the *Product Manager* (strategy) or the *Product Owner* "
      "(execution).";
  blocks.push_back(section(intro));
  blocks.push_back(section(
      "`/whoowns TEXT` — who owns a topic, e.g. `/whoowns pricing` or `/whoowns sprint goal`\n"
      "`/decision TEXT` — log a product decision for your team\n"
      "`/decisions [TEXT]` — recent decisions, optionally only those mentioning TEXT"));
  blocks.push_back(context(
      "You can also mention me or send me a direct message. In intake channels I route requests "
      "to their owner automatically."));
  return as_ephemeral(
      message("rolecall: /whoowns TEXT, /decision TEXT, /decisions [TEXT]", std::move(blocks)));
}

json render_notice(std::string_view text) {
  json blocks(json::value_t::array);
  blocks.push_back(section(esc(text)));
  return as_ephemeral(message(esc(text), std::move(blocks)));
}

json as_ephemeral(json m) {
  m["response_type"] = "ephemeral";
  return m;
}

json as_in_channel(json m) {
  m["response_type"] = "in_channel";
  return m;
}

json for_channel(json m, std::string_view channel, std::string_view thread_ts) {
  m["channel"] = channel;
  if (!thread_ts.empty()) m["thread_ts"] = thread_ts;
  return m;
}

}  // namespace rolecall
