#include "core/answer.hpp"

#include <array>
#include <string_view>

#include "core/utc_date.hpp"

namespace rolecall {

namespace {

bool is_ascii_upper(char c) { return c >= 'A' && c <= 'Z'; }

// Titles are written for headings ("Acceptance criteria"); inside a sentence
// they read better lower-cased, unless they open with an acronym ("KPIs").
std::string in_sentence(const std::string& title) {
  std::string s = title;
  if (!s.empty() && is_ascii_upper(s[0]) && !(s.size() > 1 && is_ascii_upper(s[1]))) {
    s[0] = static_cast<char>(s[0] - 'A' + 'a');
  }
  return s;
}

// "a", "a and b", "a, b and c" (or "or" for alternatives).
std::string join_list(const std::vector<std::string>& items, std::string_view last_sep) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += (i + 1 == items.size()) ? std::string(last_sep) : std::string(", ");
    out += items[i];
  }
  return out;
}

std::string names_of(const std::vector<Person>& people) {
  std::vector<std::string> names;
  names.reserve(people.size());
  for (const auto& p : people) names.push_back(p.display_name);
  return join_list(names, " and ");
}

// Round-robin over the roles people ask about most, in taxonomy order, so the
// suggestions are varied and the same for the same taxonomy.
std::vector<std::string> pick_example_topics(const Taxonomy& taxonomy) {
  constexpr std::array<Role, 3> order{Role::product_manager, Role::product_owner, Role::both};
  std::array<std::vector<const Topic*>, 3> by_role;
  for (const auto& t : taxonomy.topics()) {
    for (std::size_t r = 0; r < order.size(); ++r) {
      if (t.role == order[r]) by_role[r].push_back(&t);
    }
  }
  std::vector<std::string> out;
  for (std::size_t round = 0; out.size() < answer_example_topic_count; ++round) {
    bool any = false;
    for (std::size_t r = 0; r < order.size() && out.size() < answer_example_topic_count; ++r) {
      if (round < by_role[r].size()) {
        out.push_back(by_role[r][round]->title);
        any = true;
      }
    }
    if (!any) break;
  }
  return out;
}

// The answer about the request of the thread it was asked in. Its owner is
// what the routing log says, not a guess: never "probably".
std::string thread_headline(const Answer& a) {
  std::string line = "This thread's request";
  if (a.thread_routed_at > 0) line += " (routed on " + utc_date(a.thread_routed_at) + ")";
  const bool combined = a.combined && !a.owners.empty();
  switch (a.role) {
    case Role::product_manager:
    case Role::product_owner:
    case Role::project_manager:
      if (combined && a.role != Role::project_manager) {
        line += " is owned by " + names_of(a.owners) + ", wearing the " +
                std::string(display_name(a.role)) + " hat";
      } else {
        line += " is owned by the " + std::string(display_name(a.role));
        if (!a.owners.empty()) line += ", " + names_of(a.owners);
      }
      break;
    case Role::both: {
      if (combined) {
        line += " is owned by " + names_of(a.owners) + ", wearing both hats";
        break;
      }
      std::string pm = "the Product Manager";
      if (!a.pm_owners.empty()) pm += " (" + names_of(a.pm_owners) + ")";
      std::string po = "the Product Owner";
      if (!a.po_owners.empty()) po += " (" + names_of(a.po_owners) + ")";
      line += " is shared by " + pm + " and " + po;
      break;
    }
    case Role::none: line += " has no owner yet"; break;
  }
  if (!a.topic_title.empty()) line += ": " + in_sentence(a.topic_title);
  return line + ".";
}

std::string headline(const Answer& a) {
  if (a.thread_routing_id > 0) return thread_headline(a);
  const std::string topic = in_sentence(a.topic_title);
  const bool probably = a.low_confidence;
  switch (a.role) {
    case Role::product_manager:
    case Role::product_owner: {
      const std::string role(display_name(a.role));
      if (a.combined && !a.owners.empty()) {
        return std::string(probably ? "Probably " : "") + names_of(a.owners) +
               " owns this — wearing the " + role + " hat (" + topic + ").";
      }
      if (a.owners.empty()) {
        return std::string(probably ? "Probably the " : "The ") + role + " owns this (" + topic +
               ").";
      }
      return std::string(probably ? "Probably the " : "") + role + " — " + names_of(a.owners) +
             (a.owners.size() == 1 ? " owns" : " own") + " this (" + topic + ").";
    }
    case Role::both: {
      if (a.combined && !a.owners.empty()) {
        return std::string(probably ? "Probably " : "") + names_of(a.owners) +
               " owns this — wearing both hats, Product Manager and Product Owner (" + topic + ").";
      }
      std::string pm = "the Product Manager";
      if (!a.pm_owners.empty()) pm += " (" + names_of(a.pm_owners) + ")";
      std::string po = "the Product Owner";
      if (!a.po_owners.empty()) po += " (" + names_of(a.po_owners) + ")";
      return std::string(probably ? "Probably both — " : "Both — ") + pm + " and " + po +
             " share " + topic + ".";
    }
    case Role::project_manager:
      return std::string(probably ? "Probably neither" : "Neither") +
             " the PM nor the PO — this is the Project Manager's call (" + topic +
             "), not the Product Manager's.";
    case Role::none: break;
  }
  if (!a.topic_title.empty()) return not_product_headline(a);
  return "I don't know who owns that.";
}

std::string alternative_line(const Answer& a) {
  const std::string prefix = "If this is about " + in_sentence(a.alternative_title) + ", ";
  switch (a.alternative_role) {
    case Role::product_manager:
    case Role::product_owner:
    case Role::project_manager:
      return prefix + "it's the " + std::string(display_name(a.alternative_role)) + "'s call.";
    case Role::both: return prefix + "the Product Manager and the Product Owner share it.";
    case Role::none: break;
  }
  return {};
}

}  // namespace

Answer compose_answer(const Classification& c, const Taxonomy& taxonomy, const Team* team) {
  Answer a;
  a.role = c.role;
  a.topic_id = c.topic;
  a.confidence = c.confidence;
  a.cues = c.cues;

  // Nobody owns it: the topic shown is the not-product one the message
  // matched, if any ("That doesn't look like product work (time off)").
  if (c.role == Role::none) a.topic_id = c.not_product_topic;
  const Topic* topic = a.topic_id.empty() ? nullptr : taxonomy.find(a.topic_id);
  if (topic != nullptr) {
    a.topic_title = topic->title;
    a.explanation = topic->explanation;
    if (c.role == Role::both) {
      a.pm_part = topic->pm_part;
      a.po_part = topic->po_part;
    }
  } else {
    a.topic_title = a.topic_id;
  }

  if (team != nullptr) {
    a.team_name = team->name;
    a.owners = team->holders(c.role);
    a.combined = team->is_combined();
    if (c.role == Role::both && !a.combined) {
      a.pm_owners = team->product_managers;
      a.po_owners = team->product_owners;
    }
  }
  if (a.combined &&
      (c.role == Role::product_manager || c.role == Role::product_owner || c.role == Role::both)) {
    a.hat = c.role;
  }

  if (c.role == Role::none) {
    a.example_topics = pick_example_topics(taxonomy);
    return a;
  }

  a.low_confidence = c.confidence < answer_low_confidence_below;
  if (a.low_confidence && !c.alternative_topic.empty() && c.alternative_topic != c.topic) {
    if (const Topic* alt = taxonomy.find(c.alternative_topic)) {
      a.alternative_topic_id = alt->id;
      a.alternative_title = alt->title;
      a.alternative_role = alt->role;
    }
  }
  return a;
}

std::string not_product_headline(const Answer& a) {
  return "That doesn't look like product work (" + in_sentence(a.topic_title) + ").";
}

std::string render_answer_text(const Answer& a) {
  std::vector<std::string> lines;
  lines.push_back(headline(a));

  if (a.role == Role::none) {
    if (!a.explanation.empty()) lines.push_back("Why: " + a.explanation);
    if (!a.example_topics.empty()) {
      std::vector<std::string> examples;
      for (const auto& t : a.example_topics) examples.push_back(in_sentence(t));
      lines.push_back("I can answer questions like: " + join_list(examples, " or ") + ".");
    }
  } else {
    if (!a.explanation.empty()) lines.push_back("Why: " + a.explanation);
    if (a.role == Role::both) {
      if (!a.pm_part.empty()) lines.push_back("PM: " + a.pm_part);
      if (!a.po_part.empty()) lines.push_back("PO: " + a.po_part);
    }
    if (a.low_confidence && !a.alternative_title.empty()) {
      std::string alt = alternative_line(a);
      if (!alt.empty()) lines.push_back(std::move(alt));
    }
  }

  std::string out;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (i > 0) out += '\n';
    out += lines[i];
  }
  return out;
}

}  // namespace rolecall
