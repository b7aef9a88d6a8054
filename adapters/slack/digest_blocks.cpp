#include "adapters/slack/digest_blocks.hpp"

#include <functional>
#include <vector>

#include "adapters/slack/block_kit_limits.hpp"
#include "adapters/slack/slack_text.hpp"
#include "core/digest_text.hpp"

namespace rolecall {

namespace {

using nlohmann::json;

constexpr std::size_t header_limit = 150;
constexpr std::string_view bullet = "\xE2\x80\xA2 ";  // "• "
constexpr std::string_view em_dash = " \xE2\x80\x94 ";

// At most `max_bytes` bytes, cut at a code point boundary and never inside an
// entity ("&amp;") or a <…> span of the escaped text, "…" when cut.
std::string cut_bytes(std::string text, std::size_t max_bytes) {
  if (text.size() <= max_bytes) return text;
  constexpr std::string_view ellipsis = "\xE2\x80\xA6";
  std::size_t end = max_bytes >= ellipsis.size() ? max_bytes - ellipsis.size() : 0;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  text.resize(without_unfinished_markup(std::string_view(text).substr(0, end)).size());
  if (max_bytes >= ellipsis.size()) text += ellipsis;
  return text;
}

json section(std::string mrkdwn) {
  return json{{"type", "section"}, {"text", {{"type", "mrkdwn"}, {"text", std::move(mrkdwn)}}}};
}

json divider() { return json{{"type", "divider"}}; }

// Heading line, then as many `lines` as fit in `max_chars` (and at most
// lines.size()), then "and N more" for the rest of `total`.
std::string list_text(std::string heading, const std::vector<std::string>& lines, std::size_t total,
                      std::size_t max_chars) {
  const auto more_line = [](std::size_t n) { return "\n_" + and_more(n) + "_"; };
  std::string out = std::move(heading);
  std::size_t shown = 0;
  for (const std::string& line : lines) {
    const std::size_t after = out.size() + 1 + line.size();
    const std::size_t reserve = shown + 1 < total ? more_line(total).size() : 0;
    if (after + reserve > max_chars) break;
    out += '\n';
    out += line;
    ++shown;
  }
  if (shown < total) out += more_line(total - shown);
  return cut_bytes(std::move(out), max_chars);
}

std::string topics(const std::vector<TopicCount>& list) {
  std::string out;
  for (const TopicCount& t : list) {
    if (!out.empty()) out += ", ";
    out += digest_mrkdwn_escape(valid_utf8(t.title)) + " (" + std::to_string(t.count) + ")";
  }
  return out;
}

std::string channel_ref(const std::string& platform, const std::string& channel) {
  // Only Slack channel ids can be linked; others are not shown.
  if (platform == "slack" && !channel.empty()) {
    return " in <#" + digest_mrkdwn_escape(valid_utf8(channel)) + ">";
  }
  return {};
}

json build_blocks(const Digest& d, const SlackDigestLimits& lim, std::size_t items) {
  const std::size_t max_chars = lim.max_section_chars;
  json blocks = json::array();
  blocks.push_back({{"type", "header"},
                    {"text",
                     {{"type", "plain_text"},
                      {"text", cut_bytes(digest_title(d), header_limit)},
                      {"emoji", true}}}});
  if (d.empty) {
    blocks.push_back(section(cut_bytes(digest_mrkdwn_escape(empty_week_line(d)), max_chars)));
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
  summary += "\n" + digest_mrkdwn_escape(share_line(d));
  blocks.push_back(section(cut_bytes(std::move(summary), max_chars)));
  blocks.push_back(divider());

  // Reassignments: the alignment signal.
  if (d.moves == 0) {
    blocks.push_back(section("*Reassignments:* none"));
  } else {
    std::vector<std::string> lines;
    for (std::size_t i = 0; i < d.hotspots.size() && i < items; ++i) {
      lines.push_back(std::string(bullet) + digest_mrkdwn_escape(hotspot_line(d.hotspots[i])));
    }
    blocks.push_back(section(list_text("*Reassignments:* " + std::to_string(d.moves), lines,
                                       d.hotspots.size(), max_chars)));
    if (!d.suggestions.empty()) {
      std::vector<std::string> advice;
      for (std::size_t i = 0; i < d.suggestions.size() && i < items; ++i) {
        advice.push_back(":bulb: " + digest_mrkdwn_escape(valid_utf8(d.suggestions[i].text)));
      }
      blocks.push_back(section(list_text("*Suggested*", advice, d.suggestions.size(), max_chars)));
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
                         digest_mrkdwn_link(r.link, request_label(r, lim.excerpt_chars)) +
                         std::string(em_dash) + std::string(short_name(r.role)) + ", " +
                         digest_mrkdwn_escape(valid_utf8(r.title));
      if (!r.assignee.empty()) {
        line += ", waiting on " + digest_mrkdwn_escape(excerpt(r.assignee, 60));
      }
      line += channel_ref(r.platform, r.channel);
      lines.push_back(std::move(line));
    }
    blocks.push_back(
        section(list_text(waiting + std::to_string(d.unacknowledged.size()) + " (oldest first)",
                          lines, d.unacknowledged.size(), max_chars)));
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
        line +=
            std::string(bullet) + digest_mrkdwn_escape(excerpt(dec.text, lim.excerpt_chars * 2));
        if (!dec.decided_by.empty()) {
          line += " (" + digest_mrkdwn_escape(excerpt(dec.decided_by, 60)) + ")";
        }
        if (!dec.link.empty()) line += " " + digest_mrkdwn_link(dec.link, "link");
        lines.push_back(std::move(line));
      }
    }
    blocks.push_back(section(list_text("*Decisions:* " + std::to_string(d.decision_count), lines,
                                       static_cast<std::size_t>(d.decision_count), max_chars)));
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
                      digest_mrkdwn_link(q.link, question_label(q, lim.excerpt_chars)));
    }
    blocks.push_back(section(list_text(std::move(heading), lines, d.questions.size(), max_chars)));
  }

  blocks.push_back(
      {{"type", "context"},
       {"elements",
        json::array({{{"type", "mrkdwn"},
                      {"text", "rolecall weekly digest " + std::string(em_dash.substr(1)) +
                                   d.week_label + " (" + week_dates(d.week) + ")"}}})}});
  return blocks;
}

std::size_t text_chars(const json& blocks) {
  std::size_t n = 0;
  std::function<void(const json&)> walk = [&](const json& j) {
    if (j.is_object()) {
      for (auto it = j.begin(); it != j.end(); ++it) {
        if (it.key() == "text" && it->is_string()) {
          n += it->get_ref<const std::string&>().size();
        } else {
          walk(*it);
        }
      }
    } else if (j.is_array()) {
      for (const json& e : j) walk(e);
    }
  };
  walk(blocks);
  return n;
}

}  // namespace

std::string digest_mrkdwn_escape(std::string_view text) { return mrkdwn_escape(text); }

std::string digest_mrkdwn_link(std::string_view url, std::string_view label) {
  const std::string escaped_label = digest_mrkdwn_escape(valid_utf8(label));
  const bool web = url.rfind("https://", 0) == 0 || url.rfind("http://", 0) == 0;
  if (!web) return escaped_label;
  std::string target;
  for (char c : valid_utf8(url)) {
    // '|' would end the URL early; whitespace would end the link.
    if (c == '|') {
      target += "%7C";
    } else if (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
      target += "%20";
    } else {
      target += c;
    }
  }
  return "<" + digest_mrkdwn_escape(target) + "|" + escaped_label + ">";
}

nlohmann::json render_digest_blocks(const Digest& digest, const SlackDigestLimits& limits) {
  std::size_t items = limits.max_list_items;
  json blocks = build_blocks(digest, limits, items);
  while (items > 0 &&
         (text_chars(blocks) > limits.max_total_chars || blocks.size() > limits.max_blocks)) {
    items /= 2;
    blocks = build_blocks(digest, limits, items);
  }
  json message{{"text", digest_mrkdwn_escape(digest_summary(digest))},
               {"blocks", std::move(blocks)}};
  // The adapter-wide safety net; a no-op for what the fitting above produced.
  enforce_block_kit_limits(message);
  return message;
}

}  // namespace rolecall
