#include "adapters/teams/digest_card.hpp"

#include <algorithm>
#include <vector>

#include "adapters/teams/card_rules.hpp"
#include "adapters/teams/teams_card_parts.hpp"
#include "adapters/teams/teams_list_fitter.hpp"
#include "core/digest_text.hpp"
#include "core/utf8.hpp"

namespace rolecall {

namespace {

using nlohmann::json;

constexpr std::string_view em_dash = " \xE2\x80\x94 ";

// The digest's texts are stored, so any bytes at all: valid UTF-8 first.
std::string esc(std::string_view text) { return escape_teams_markdown(valid_utf8(text)); }

// Message texts in lists are cut to this many characters.
constexpr std::size_t kExcerptChars = 100;

json heading(std::string text) {
  json b = text_block(std::move(text));
  b["weight"] = "Bolder";
  b["size"] = "Medium";
  return b;
}

json subtle(std::string text) {
  json b = text_block(std::move(text));
  b["isSubtle"] = true;
  return b;
}

// A markdown list in one TextBlock ("- a\r- b": Teams' list syntax), then
// "and N more" when `total` exceeds the lines shown.
void add_list(json& items, const std::vector<std::string>& lines, std::size_t total) {
  if (!lines.empty()) {
    std::string list;
    for (const std::string& line : lines) {
      if (!list.empty()) list += '\r';
      list += "- " + line;
    }
    items.push_back(text_block(std::move(list)));
  }
  if (total > lines.size()) items.push_back(subtle(and_more(total - lines.size())));
}

json section(json items) {
  return json{{"type", "Container"},
              {"separator", true},
              {"spacing", "Medium"},
              {"items", std::move(items)}};
}

// At most `limit` topics: the lists shrink with the card (render_digest_message).
std::string topics(const std::vector<TopicCount>& list, std::size_t limit) {
  std::string out;
  for (std::size_t i = 0; i < list.size() && i < limit; ++i) {
    const TopicCount& t = list[i];
    if (!out.empty()) out += ", ";
    out += esc(t.title) + " (" + std::to_string(t.count) + ")";
  }
  return out;
}

}  // namespace

TeamsCardOptions teams_digest_options() {
  TeamsCardOptions options;
  options.max_list_items = 15;
  return options;
}

nlohmann::json render_digest_card(const Digest& d, const TeamsCardOptions& options) {
  const std::size_t items = options.max_list_items;
  json body = json::array();
  json title = text_block(esc(excerpt(digest_title(d), 200)));
  title["size"] = "Large";
  title["weight"] = "Bolder";
  body.push_back(std::move(title));

  if (d.empty) {
    body.push_back(text_block(esc(empty_week_line(d))));
  } else {
    json facts = json::array();
    facts.push_back(fact("Requests", std::to_string(d.requests)));
    std::string pm = std::to_string(d.to_pm.count);
    if (!d.to_pm.top_topics.empty())
      pm += std::string(em_dash) + topics(d.to_pm.top_topics, std::max<std::size_t>(items, 1));
    facts.push_back(fact("To the PM", std::move(pm)));
    std::string po = std::to_string(d.to_po.count);
    if (!d.to_po.top_topics.empty())
      po += std::string(em_dash) + topics(d.to_po.top_topics, std::max<std::size_t>(items, 1));
    facts.push_back(fact("To the PO", std::move(po)));
    facts.push_back(fact("Shared / not routed",
                         std::to_string(d.to_both) + " / " + std::to_string(d.not_routed)));
    facts.push_back(fact("Reassigned", std::to_string(d.moves)));
    facts.push_back(fact("Unacknowledged after " + age_text(d.unacknowledged_after),
                         std::to_string(d.unacknowledged.size())));
    facts.push_back(fact("Decisions", std::to_string(d.decision_count)));
    facts.push_back(fact("Questions", std::to_string(d.questions.size())));
    body.push_back(json{{"type", "FactSet"}, {"facts", std::move(facts)}});
    body.push_back(subtle(esc(share_line(d))));

    if (d.moves > 0) {
      json sec = json::array({heading("Reassignments (" + std::to_string(d.moves) + ")")});
      std::vector<std::string> lines;
      for (std::size_t i = 0; i < d.hotspots.size() && i < items; ++i) {
        lines.push_back(esc(hotspot_line(d.hotspots[i])));
      }
      add_list(sec, lines, d.hotspots.size());
      std::vector<std::string> advice;
      for (std::size_t i = 0; i < d.suggestions.size() && i < items; ++i) {
        advice.push_back("**Suggestion:** " + esc(d.suggestions[i].text));
      }
      add_list(sec, advice, d.suggestions.size());
      body.push_back(section(std::move(sec)));
    }

    if (!d.unacknowledged.empty()) {
      json sec =
          json::array({heading("Still unacknowledged after " + age_text(d.unacknowledged_after) +
                               " (" + std::to_string(d.unacknowledged.size()) + ")")});
      std::vector<std::string> lines;
      for (std::size_t i = 0; i < d.unacknowledged.size() && i < items; ++i) {
        const PendingRequest& r = d.unacknowledged[i];
        std::string line = "(";
        line += age_text(r.age_seconds);
        line += ") ";
        line += teams_markdown_link(r.link, request_label(r, kExcerptChars));
        line += em_dash;
        line += short_name(r.role);
        line += ", ";
        line += esc(r.title);
        if (!r.assignee.empty()) line += ", waiting on " + esc(excerpt(r.assignee, 60));
        lines.push_back(std::move(line));
      }
      add_list(sec, lines, d.unacknowledged.size());
      body.push_back(section(std::move(sec)));
    }

    if (d.decision_count > 0) {
      json sec = json::array({heading("Decisions (" + std::to_string(d.decision_count) + ")")});
      const std::vector<std::size_t> quota = decision_quotas(d, items);
      std::size_t shown = 0;
      for (std::size_t g = 0; g < d.decisions.size(); ++g) {
        if (quota[g] == 0) continue;
        std::vector<std::string> lines;
        for (std::size_t i = 0; i < quota[g]; ++i) {
          const DecisionRecord& dec = d.decisions[g].decisions[i];
          std::string line = esc(excerpt(dec.text, kExcerptChars * 2));
          if (!dec.decided_by.empty()) line += " (" + esc(excerpt(dec.decided_by, 60)) + ")";
          if (!dec.link.empty()) {
            line += ' ';
            line += teams_markdown_link(dec.link, "link");
          }
          lines.push_back(std::move(line));
          ++shown;
        }
        json role_title = text_block("**" + role_heading(d.decisions[g].role) + "**");
        role_title["spacing"] = "Small";
        sec.push_back(std::move(role_title));
        add_list(sec, lines, lines.size());
      }
      if (static_cast<std::size_t>(d.decision_count) > shown) {
        sec.push_back(subtle(and_more(static_cast<std::size_t>(d.decision_count) - shown)));
      }
      body.push_back(section(std::move(sec)));
    }

    if (!d.questions.empty()) {
      std::string head = "Questions (" + std::to_string(d.questions.size()) + ")";
      json sec = json::array({heading(std::move(head))});
      if (!d.question_topics.empty()) {
        sec.push_back(text_block("Most asked about: " +
                                 topics(d.question_topics, std::max<std::size_t>(items, 1))));
      }
      std::vector<std::string> lines;
      for (std::size_t i = 0; i < d.questions.size() && i < items; ++i) {
        const QuestionItem& q = d.questions[i];
        lines.push_back(teams_markdown_link(q.link, question_label(q, kExcerptChars)));
      }
      add_list(sec, lines, d.questions.size());
      body.push_back(section(std::move(sec)));
    }
  }

  return json{{"type", "AdaptiveCard"},
              {"$schema", "http://adaptivecards.io/schemas/adaptive-card.json"},
              {"version", "1.4"},
              {"msteams", {{"width", "Full"}}},
              {"body", std::move(body)}};
}

nlohmann::json render_digest_message(const Digest& digest, const TeamsCardOptions& options) {
  // Every list shrinks alike, so each part of the week stays in view.
  TeamsListFit fit =
      fit_teams_lists(options.max_list_items, options.max_message_bytes, [&](std::size_t items) {
        TeamsCardOptions fitted = options;
        fitted.max_list_items = items;
        return teams_workflow_envelope(render_digest_card(digest, fitted));
      });
  json message = std::move(fit.message);
  if (!fit.fits) {
    // Still too large with every list empty (found by fuzzing: a week whose
    // counts, titles and topic names alone overflow the card). Say so in a
    // card that always fits, rather than post one Teams refuses.
    json body = json::array();
    json title = text_block(esc(excerpt(digest_title(digest), 200)));
    title["size"] = "Large";
    title["weight"] = "Bolder";
    body.push_back(std::move(title));
    body.push_back(
        text_block("This week's digest is too large for a Teams card. "
                   "`rolecall digest --preview` or the console shows all of it."));
    message = teams_workflow_envelope(
        json{{"type", "AdaptiveCard"},
             {"$schema", "http://adaptivecards.io/schemas/adaptive-card.json"},
             {"version", "1.4"},
             {"msteams", {{"width", "Full"}}},
             {"body", std::move(body)}});
  }
  return message;
}

}  // namespace rolecall
