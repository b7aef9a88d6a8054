#include "adapters/slack/digest_blocks.hpp"

#include <vector>

#include "adapters/slack/block_kit_limits.hpp"
#include "adapters/slack/slack_list_fitter.hpp"
#include "adapters/slack/slack_text.hpp"
#include "core/digest_text.hpp"

namespace rolecall {

namespace {

using nlohmann::json;

constexpr std::string_view bullet = "\xE2\x80\xA2 ";  // "• "
constexpr std::string_view em_dash = " \xE2\x80\x94 ";

json section(std::string mrkdwn) {
  return json{{"type", "section"}, {"text", {{"type", "mrkdwn"}, {"text", std::move(mrkdwn)}}}};
}

json divider() { return json{{"type", "divider"}}; }

// A section's text: mrkdwn cut to Slack's section limit (entities and <…>
// spans kept whole).
json text_section(std::string_view mrkdwn) {
  return section(truncate_text(mrkdwn, BlockKitLimits::max_section_text));
}

// Heading line, then as many `lines` as fit in one section (and at most
// lines.size()), then "and N more" for the rest of `total`. Counted in
// characters, as Slack counts them.
json list_section(std::string heading, const std::vector<std::string>& lines, std::size_t total) {
  const std::size_t max_chars = BlockKitLimits::max_section_text;
  const auto more_line = [](std::size_t n) { return "\n_" + and_more(n) + "_"; };
  std::string out = std::move(heading);
  std::size_t chars = slack_char_count(out);
  std::size_t shown = 0;
  for (const std::string& line : lines) {
    const std::size_t line_chars = slack_char_count(line);
    const std::size_t reserve = shown + 1 < total ? slack_char_count(more_line(total)) : 0;
    if (chars + 1 + line_chars + reserve > max_chars) break;
    out += '\n';
    out += line;
    chars += 1 + line_chars;
    ++shown;
  }
  if (shown < total) out += more_line(total - shown);
  return text_section(out);
}

std::string topics(const std::vector<TopicCount>& list) {
  std::string out;
  for (const TopicCount& t : list) {
    if (!out.empty()) out += ", ";
    out += mrkdwn_escape(valid_utf8(t.title)) + " (" + std::to_string(t.count) + ")";
  }
  return out;
}

std::string channel_ref(const std::string& platform, const std::string& channel) {
  // Only Slack channel ids can be linked; others are not shown.
  if (platform == "slack" && !channel.empty()) {
    return " in <#" + mrkdwn_escape(valid_utf8(channel)) + ">";
  }
  return {};
}

json build_blocks(const Digest& d, const SlackDigestOptions& lim, std::size_t items) {
  json blocks = json::array();
  blocks.push_back({{"type", "header"},
                    {"text",
                     {{"type", "plain_text"},
                      {"text", truncate_text(digest_title(d), BlockKitLimits::max_header_text)},
                      {"emoji", true}}}});
  if (d.empty) {
    blocks.push_back(text_section(mrkdwn_escape(empty_week_line(d))));
    return blocks;
  }

  // What went to whom, and the share of strategy vs execution.
  std::string summary = "*Requests:* " + std::to_string(d.requests) + std::string(em_dash) + "*" +
                        std::to_string(d.to_pm.count) + "* to the PM, *" +
                        std::to_string(d.to_po.count) + "* to the PO, " +
                        std::to_string(d.to_both) + " shared, " + std::to_string(d.not_routed) +
                        " not routed";
  if (!d.to_pm.top_topics.empty()) summary += "\n*PM top topics:* " + topics(d.to_pm.top_topics);
  if (!d.to_po.top_topics.empty()) summary += "\n*PO top topics:* " + topics(d.to_po.top_topics);
  summary += "\n" + mrkdwn_escape(share_line(d));
  blocks.push_back(text_section(summary));
  blocks.push_back(divider());

  // Reassignments: the alignment signal.
  if (d.moves == 0) {
    blocks.push_back(section("*Reassignments:* none"));
  } else {
    std::vector<std::string> lines;
    for (std::size_t i = 0; i < d.hotspots.size() && i < items; ++i) {
      lines.push_back(std::string(bullet) + mrkdwn_escape(hotspot_line(d.hotspots[i])));
    }
    blocks.push_back(
        list_section("*Reassignments:* " + std::to_string(d.moves), lines, d.hotspots.size()));
    if (!d.suggestions.empty()) {
      std::vector<std::string> advice;
      for (std::size_t i = 0; i < d.suggestions.size() && i < items; ++i) {
        advice.push_back(":bulb: " + mrkdwn_escape(valid_utf8(d.suggestions[i].text)));
      }
      blocks.push_back(list_section("*Suggested*", advice, d.suggestions.size()));
    }
  }
  blocks.push_back(divider());

  // Still waiting for an acknowledgement, oldest first.
  const std::string waiting =
      "*Still unacknowledged after " + age_text(d.unacknowledged_after) + ":* ";
  if (d.unacknowledged.empty()) {
    blocks.push_back(section(waiting + "none"));
  } else {
    std::vector<std::string> lines;
    for (std::size_t i = 0; i < d.unacknowledged.size() && i < items; ++i) {
      const PendingRequest& r = d.unacknowledged[i];
      std::string line = std::string(bullet) + "[" + age_text(r.age_seconds) + "] " +
                         mrkdwn_link(r.link, request_label(r, lim.excerpt_chars)) +
                         std::string(em_dash) + std::string(short_name(r.role)) + ", " +
                         mrkdwn_escape(valid_utf8(r.title));
      if (!r.assignee.empty()) {
        line += ", waiting on " + mrkdwn_escape(excerpt(r.assignee, 60));
      }
      line += channel_ref(r.platform, r.channel);
      lines.push_back(std::move(line));
    }
    blocks.push_back(
        list_section(waiting + std::to_string(d.unacknowledged.size()) + " (oldest first)", lines,
                     d.unacknowledged.size()));
  }
  blocks.push_back(divider());

  // Decisions, grouped by role.
  if (d.decision_count == 0) {
    blocks.push_back(section("*Decisions:* none"));
  } else {
    std::vector<std::string> lines;
    const std::vector<std::size_t> quota = decision_quotas(d, items);
    for (std::size_t g = 0; g < d.decisions.size(); ++g) {
      for (std::size_t i = 0; i < quota[g]; ++i) {
        const DecisionRecord& dec = d.decisions[g].decisions[i];
        std::string line = i == 0 ? "*" + role_heading(d.decisions[g].role) + "*\n" : std::string();
        line += std::string(bullet) + mrkdwn_escape(excerpt(dec.text, lim.excerpt_chars * 2));
        if (!dec.decided_by.empty()) {
          line += " (" + mrkdwn_escape(excerpt(dec.decided_by, 60)) + ")";
        }
        if (!dec.link.empty()) line += " " + mrkdwn_link(dec.link, "link");
        lines.push_back(std::move(line));
      }
    }
    blocks.push_back(list_section("*Decisions:* " + std::to_string(d.decision_count), lines,
                                  static_cast<std::size_t>(d.decision_count)));
  }

  // Questions and what people keep asking about.
  if (d.questions.empty()) {
    blocks.push_back(section("*Questions:* none"));
  } else {
    std::string heading = "*Questions:* " + std::to_string(d.questions.size());
    if (!d.question_topics.empty()) {
      heading += std::string(em_dash) + "most asked about: " + topics(d.question_topics);
    }
    std::vector<std::string> lines;
    for (std::size_t i = 0; i < d.questions.size() && i < items; ++i) {
      const QuestionItem& q = d.questions[i];
      lines.push_back(std::string(bullet) +
                      mrkdwn_link(q.link, question_label(q, lim.excerpt_chars)));
    }
    blocks.push_back(list_section(std::move(heading), lines, d.questions.size()));
  }

  blocks.push_back(
      {{"type", "context"},
       {"elements",
        json::array({{{"type", "mrkdwn"},
                      {"text", "rolecall weekly digest " + std::string(em_dash.substr(1)) +
                                   d.week_label + " (" + week_dates(d.week) + ")"}}})}});
  return blocks;
}

}  // namespace

nlohmann::json render_digest_blocks(const Digest& digest, const SlackDigestOptions& options) {
  // Shortening every list alike keeps each part of the week in view, where
  // the generic cut would drop the last sections whole.
  SlackListFit fit = fit_slack_lists(options.max_list_items, [&](std::size_t items) {
    return json{{"text", mrkdwn_escape(digest_summary(digest))},
                {"blocks", build_blocks(digest, options, items)}};
  });
  // The adapter-wide safety net; a no-op for what the fitting above produced.
  enforce_block_kit_limits(fit.message);
  return std::move(fit.message);
}

}  // namespace rolecall
