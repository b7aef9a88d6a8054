// The digest rendered for Slack (Block Kit), Teams (Adaptive Card 1.4 in a
// Workflows message) and the terminal: platform limits on big weeks,
// escaping of stored text, the empty week.

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <set>
#include <string>

#include "adapters/slack/block_kit_limits.hpp"
#include "adapters/slack/digest_blocks.hpp"
#include "adapters/slack/slack_text.hpp"
#include "adapters/teams/card_rules.hpp"
#include "adapters/teams/digest_card.hpp"
#include "adapters/teams/teams_card_parts.hpp"
#include "core/digest.hpp"
#include "core/digest_text.hpp"

namespace rolecall {
namespace {

using nlohmann::json;

constexpr std::int64_t hour = 3600;
constexpr std::int64_t day = 24 * hour;
constexpr std::int64_t now = 1795424400;                       // Mon 2026-11-23 09:00 UTC
constexpr std::int64_t week_start = now - 7 * day - 9 * hour;  // Mon 2026-11-16 00:00 UTC

Taxonomy taxonomy() {
  std::vector<Topic> topics;
  const auto add = [&](std::string id, std::string title, Role role) {
    Topic t;
    t.id = std::move(id);
    t.title = std::move(title);
    t.role = role;
    topics.push_back(std::move(t));
  };
  add("pricing", "Pricing", Role::product_manager);
  add("roadmap", "Roadmap", Role::product_manager);
  add("release_dates", "Release dates", Role::product_manager);
  add("backlog", "Backlog", Role::product_owner);
  add("sprint", "Sprint planning", Role::product_owner);
  add("weird", "A <b> & *c* [d]_e_", Role::product_owner);
  return Taxonomy(std::move(topics));
}

RoutingRecord routing(std::int64_t id, Intent intent, Role role, std::string topic,
                      std::string text, std::int64_t at) {
  RoutingRecord r;
  r.id = id;
  r.platform = "slack";
  r.intent = intent;
  r.role = role;
  r.original_role = role;
  r.topic = std::move(topic);
  r.text = std::move(text);
  r.link = "https://example.slack.com/archives/C1/p" + std::to_string(id) + "?thread_ts=1&cid=C1";
  r.channel = "C1";
  r.assignee = "Maria";
  r.created_at = at;
  return r;
}

DigestInput base_input() {
  DigestInput in;
  in.team_id = "checkout";
  in.team_name = "Checkout";
  in.week = IsoWeek{2026, 47};
  return in;
}

// A heavy week: 1,000 requests over 40 topics (30 unknown to the taxonomy),
// 400 reassignments, 300 overdue requests with long texts, 120 decisions
// and 200 questions, with multi-byte text everywhere.
DigestInput thousand_requests() {
  DigestInput in = base_input();
  const std::string long_text =
      "Can we pull the login bug into this sprint? \xF0\x9F\x99\x8F It blocks checkout for "
      "\xC3\xBC"
      "ber-users & <admins> in the EU, and *nobody* owns [it] yet; see the thread for details "
      "and the customer escalation from last Tuesday.";
  for (int i = 0; i < 1000; ++i) {
    const bool pm = i % 5 < 3;
    const std::string topic = "topic_" + std::to_string(i % 40);
    RoutingRecord r =
        routing(i + 1, Intent::request, pm ? Role::product_manager : Role::product_owner, topic,
                long_text, week_start + i * 300);
    in.routings.push_back(r);
    if (i < 300) {
      r.created_at = now - 3 * day - i * 60;
      in.unacknowledged.push_back(r);
    }
    if (i < 400) {
      in.moves.push_back(reassignment(r.id, topic, r.role, other_role(r.role), "U1", r.created_at));
    }
  }
  for (int i = 0; i < 120; ++i) {
    DecisionRecord d;
    d.id = i + 1;
    d.role = i % 3 == 0 ? Role::product_manager : (i % 3 == 1 ? Role::product_owner : Role::both);
    d.text = "We decided " + long_text;
    d.decided_by = "Ana \xC3\x96zt\xC3\xBCrk";
    d.link = "https://example.slack.com/archives/C1/p" + std::to_string(9000 + i);
    d.created_at = week_start + i * 600;
    in.decisions.push_back(d);
  }
  for (int i = 0; i < 200; ++i) {
    in.routings.push_back(routing(5000 + i, Intent::question, Role::product_manager,
                                  i % 2 ? "pricing" : "roadmap", "who owns " + long_text,
                                  week_start + i * 700));
  }
  in.previous_week = WorkShare{500, 500};
  return in;
}

// --- Slack helpers

std::vector<std::string> section_texts(const json& blocks) {
  std::vector<std::string> out;
  for (const json& b : blocks) {
    if (b["type"] == "section") out.push_back(b["text"]["text"].get<std::string>());
  }
  return out;
}

// Slack's limits as BlockKitLimits states them, the one set every Slack
// renderer keeps (lengths in characters, as Slack counts them).
void expect_slack_limits(const json& message) {
  ASSERT_TRUE(message.contains("text"));
  ASSERT_TRUE(message["blocks"].is_array());
  const json& blocks = message["blocks"];
  EXPECT_LE(blocks.size(), BlockKitLimits::max_blocks);
  EXPECT_LE(slack_char_count(message["text"].get<std::string>()),
            BlockKitLimits::max_fallback_text);
  std::size_t total = 0;
  for (const json& b : blocks) {
    const std::string type = b["type"];
    EXPECT_TRUE(type == "header" || type == "section" || type == "divider" || type == "context")
        << type;
    if (type == "header") {
      EXPECT_EQ(b["text"]["type"], "plain_text");
      const std::size_t n = slack_char_count(b["text"]["text"].get<std::string>());
      EXPECT_LE(n, BlockKitLimits::max_header_text);
      total += n;
    }
    if (type == "section") {
      EXPECT_EQ(b["text"]["type"], "mrkdwn");
      const std::size_t n = slack_char_count(b["text"]["text"].get<std::string>());
      EXPECT_LE(n, BlockKitLimits::max_section_text);
      total += n;
    }
  }
  EXPECT_LE(total, BlockKitLimits::max_total_block_text)
      << "keep well under Slack's msg_blocks_too_long";
  EXPECT_NO_THROW((void)message.dump());
  // The adapter-wide limiter has nothing left to cut.
  json again = message;
  enforce_block_kit_limits(again);
  EXPECT_EQ(again, message);
}

// --- Teams helpers

// The element types of Adaptive Cards 1.4 the digest may use.
const std::set<std::string> allowed_types = {"TextBlock", "FactSet",       "Container",
                                             "ColumnSet", "Column",        "ActionSet",
                                             "Image",     "RichTextBlock", "TextRun"};

void collect_types(const json& elements, std::vector<std::string>& types) {
  for (const json& e : elements) {
    types.push_back(e.value("type", std::string("<none>")));
    for (const char* child : {"items", "columns", "inlines"}) {
      if (e.contains(child)) collect_types(e[child], types);
    }
  }
}

void expect_teams_rules(const json& message) {
  ASSERT_EQ(message["type"], "message");
  ASSERT_EQ(message["attachments"].size(), 1u);
  const json& att = message["attachments"][0];
  EXPECT_EQ(att["contentType"], "application/vnd.microsoft.card.adaptive");
  EXPECT_TRUE(att.contains("contentUrl") && att["contentUrl"].is_null());
  const json& card = att["content"];
  EXPECT_EQ(card["type"], "AdaptiveCard");
  EXPECT_EQ(card["version"], "1.4");
  EXPECT_FALSE(card.contains("actions"));
  std::vector<std::string> types;
  collect_types(card["body"], types);
  for (const std::string& t : types) {
    EXPECT_TRUE(allowed_types.count(t)) << "element type " << t;
    EXPECT_NE(t, "Table");
  }
  for (const json& e : card["body"]) {
    if (e["type"] == "TextBlock") {
      EXPECT_EQ(e.value("wrap", false), true);
    }
  }
  const std::string wire = message.dump();  // compact, UTF-8 as is
  EXPECT_LT(wire.size(), 28000u) << "Teams refuses messages over ~28 KB";
  // The Teams helper's rule checker (element set, version, actions, size).
  EXPECT_EQ(check_adaptive_card_1_4(card), std::vector<std::string>{});
  EXPECT_EQ(check_teams_message(message, TeamsSurface::workflows), std::vector<std::string>{});
}

std::string all_text(const json& j) {
  std::string out;
  std::function<void(const json&)> walk = [&](const json& v) {
    if (v.is_string()) {
      out += v.get<std::string>();
      out += '\n';
    } else if (v.is_structured()) {
      for (const json& e : v) walk(e);
    }
  };
  walk(j);
  return out;
}

TEST(DigestRender, EmptyWeekIsOneLineEverywhere) {
  const Digest d = build_digest(base_input(), taxonomy(), now);
  ASSERT_TRUE(d.empty);
  const std::string line = empty_week_line(d);

  const json slack = render_digest_blocks(d);
  expect_slack_limits(slack);
  ASSERT_EQ(slack["blocks"].size(), 2u);
  EXPECT_EQ(slack["blocks"][0]["type"], "header");
  EXPECT_EQ(slack["blocks"][1]["text"]["text"], line);
  EXPECT_EQ(slack["text"], line);

  const json teams = render_digest_message(d);
  expect_teams_rules(teams);
  const json& body = teams["attachments"][0]["content"]["body"];
  ASSERT_EQ(body.size(), 2u);
  EXPECT_EQ(body[1]["text"], line);

  const std::string text = render_digest_text(d);
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 2);
}

// Found by tests/fuzz/slack_render.cpp: the digest cut long sections by bytes
// after escaping and could end one inside "&lt;" ("…&l…"), which Slack shows
// as a broken entity. Cuts now keep entities and <…> spans whole.
TEST(DigestRender, SlackCutsNeverSplitAnEntity) {
  for (std::size_t pad = 0; pad < 10; ++pad) {
    DigestInput input = base_input();
    input.team_name = std::string(pad, 'x');
    for (int i = 0; i < 400; ++i) input.team_name += "<at>&";
    const Digest d = build_digest(input, taxonomy(), now);
    ASSERT_TRUE(d.empty);
    const json slack = render_digest_blocks(d);
    expect_slack_limits(slack);
    for (const std::string& text : {slack["text"].get<std::string>(),
                                    slack["blocks"][1]["text"]["text"].get<std::string>()}) {
      const std::string ellipsis = "\xE2\x80\xA6";
      ASSERT_GE(text.size(), ellipsis.size());
      ASSERT_EQ(text.substr(text.size() - ellipsis.size()), ellipsis) << "pad " << pad;
      const std::string head = text.substr(0, text.size() - ellipsis.size());
      const std::size_t amp = head.rfind('&');
      ASSERT_NE(amp, std::string::npos);
      EXPECT_NE(head.find(';', amp), std::string::npos)
          << "cut inside an entity, pad " << pad << ": ..." << head.substr(amp);
    }
  }
}

TEST(DigestRender, ThousandRequestsKeepSlackLimits) {
  const Digest d = build_digest(thousand_requests(), taxonomy(), now);
  ASSERT_EQ(d.requests, 1000);
  ASSERT_EQ(d.to_pm.count, 600);
  ASSERT_EQ(d.unacknowledged.size(), 300u);
  const json slack = render_digest_blocks(d);
  expect_slack_limits(slack);
  const std::vector<std::string> sections = section_texts(slack["blocks"]);
  ASSERT_GE(sections.size(), 5u);
  EXPECT_EQ(sections[0].rfind("*Requests:* 1000 \xE2\x80\x94 *600* to the PM, *400* to the PO", 0),
            0u)
      << sections[0];
  const std::string all = all_text(slack["blocks"]);
  EXPECT_NE(all.find("*Still unacknowledged after 48 h:* 300 (oldest first)"), std::string::npos);
  EXPECT_NE(all.find("*Decisions:* 120"), std::string::npos);
  // Every role's decisions get lines, not just the first group's.
  EXPECT_NE(all.find("*Product Owner*\n"), std::string::npos);
  EXPECT_NE(all.find("*Shared (PM and PO)*\n"), std::string::npos);
  EXPECT_NE(all.find("*Questions:* 200"), std::string::npos);
  // Every long list ends in "and N more", and the shown + N adds up.
  for (const std::string& s : sections) {
    if (s.rfind("*Still unacknowledged", 0) == 0) {
      const std::size_t shown = static_cast<std::size_t>(std::count(s.begin(), s.end(), '\n') -
                                                         1);  // heading and "and N more" lines
      EXPECT_NE(s.find("_and " + std::to_string(300 - shown) + " more_"), std::string::npos) << s;
    }
  }
  EXPECT_NE(slack["text"].get<std::string>().find("1000 requests (PM 600, PO 400)"),
            std::string::npos);
  // Oldest first: request 300 was created earliest (3 days + 299 minutes ago).
  EXPECT_NE(all.find("/p300?"), std::string::npos);
}

TEST(DigestRender, ThousandRequestsFitTeams) {
  const Digest d = build_digest(thousand_requests(), taxonomy(), now);
  const json teams = render_digest_message(d);
  expect_teams_rules(teams);
  const json& body = teams["attachments"][0]["content"]["body"];
  const json& facts = body[1]["facts"];
  EXPECT_EQ(facts[0]["title"], "Requests");
  EXPECT_EQ(facts[0]["value"], "1000");
  EXPECT_EQ(facts[1]["value"].get<std::string>().rfind("600", 0), 0u);
  const std::string all = all_text(teams);
  EXPECT_NE(all.find(" more"), std::string::npos);
  EXPECT_NE(all.find("Still unacknowledged after 48 h (300)"), std::string::npos);
  EXPECT_NE(all.find("**Shared (PM and PO)**"), std::string::npos);

  // A tighter budget shortens the lists but keeps the counts.
  TeamsCardOptions tight = teams_digest_options();
  tight.max_message_bytes = 8000;
  const json small = render_digest_message(d, tight);
  expect_teams_rules(small);
  EXPECT_LE(small.dump().size(), 8000u);
  EXPECT_EQ(small["attachments"][0]["content"]["body"][1]["facts"][0]["value"], "1000");
}

TEST(DigestRender, ThousandRequestsBoundedText) {
  const Digest d = build_digest(thousand_requests(), taxonomy(), now);
  const std::string text = render_digest_text(d);
  EXPECT_LT(std::count(text.begin(), text.end(), '\n'), 150);
  EXPECT_NE(text.find("  - and 280 more"), std::string::npos);  // 300 overdue, 20 shown
  EXPECT_NE(text.find("Requests: 1000 \xE2\x80\x94 600 to the PM, 400 to the PO"),
            std::string::npos);
}

TEST(DigestRender, SlackEscapesStoredTextAmpersandFirst) {
  EXPECT_EQ(mrkdwn_escape("a < b & c > d"), "a &lt; b &amp; c &gt; d");
  EXPECT_EQ(mrkdwn_escape("&lt;"), "&amp;lt;");
  EXPECT_EQ(mrkdwn_escape("it's *fine* _here_"), "it's *fine* _here_");
  EXPECT_EQ(mrkdwn_link("https://x.test/p?a=1&b=2", "a <b>"),
            "<https://x.test/p?a=1&amp;b=2|a &lt;b&gt;>");
  EXPECT_EQ(mrkdwn_link("https://x.test/a|b", "l"), "<https://x.test/a%7Cb|l>");
  EXPECT_EQ(mrkdwn_link("javascript:alert(1)", "l<"), "l&lt;");
  EXPECT_EQ(mrkdwn_link("", "plain"), "plain");

  DigestInput in = base_input();
  in.team_name = "R&D <core>";
  RoutingRecord r = routing(7, Intent::request, Role::product_owner, "weird",
                            "ship <@U123> & <!channel> now", now - 3 * day);
  in.routings.push_back(r);
  in.unacknowledged.push_back(r);
  const json slack = render_digest_blocks(build_digest(in, taxonomy(), now));
  expect_slack_limits(slack);
  const std::string all = all_text(slack["blocks"]);
  EXPECT_EQ(all.find("<@U123>"), std::string::npos) << "no mention smuggled in";
  EXPECT_EQ(all.find("<!channel>"), std::string::npos);
  EXPECT_NE(all.find("ship &lt;@U123&gt; &amp; &lt;!channel&gt; now"), std::string::npos) << all;
  EXPECT_NE(all.find("A &lt;b&gt; &amp; *c* [d]_e_"), std::string::npos);
  // The header is plain text: not escaped.
  EXPECT_NE(slack["blocks"][0]["text"]["text"].get<std::string>().find("R&D <core>"),
            std::string::npos);
  EXPECT_NE(slack["text"].get<std::string>().find("R&amp;D &lt;core&gt;"), std::string::npos);
  EXPECT_NE(all.find(" in <#C1>"), std::string::npos);
}

TEST(DigestRender, TeamsEscapesMarkdownAndLinks) {
  EXPECT_EQ(escape_teams_markdown("*a* _b_ [c]"), "\\*a\\* \\_b\\_ \\[c\\]");
  EXPECT_EQ(teams_markdown_link("https://x.test/a (1)", "t*"),
            "[t\\*](https://x.test/a%20%281%29)");
  EXPECT_EQ(teams_markdown_link("ftp://x", "t"), "t");

  DigestInput in = base_input();
  RoutingRecord r = routing(7, Intent::request, Role::product_owner, "weird",
                            "**urgent** [click](https://evil.test)", now - 3 * day);
  in.routings.push_back(r);
  in.unacknowledged.push_back(r);
  const json teams = render_digest_message(build_digest(in, taxonomy(), now));
  expect_teams_rules(teams);
  const std::string all = all_text(teams);
  EXPECT_NE(all.find("\\*\\*urgent\\*\\* \\[click\\](https://evil.test)"), std::string::npos)
      << all;
  // The topic title's "<b>" is escaped too now (the digest had its own
  // escaper that missed < >).
  EXPECT_NE(all.find("A \\<b\\> & \\*c\\* \\[d\\]\\_e\\_"), std::string::npos) << all;
}

// Issue 12: the digest had its own escaper, which missed <, > and the
// backtick, so a typed <at>…</at> reached the Teams digest as markup.
TEST(DigestRender, TeamsDigestEscapesTypedMentionsHtmlAndCode) {
  DigestInput in = base_input();
  DecisionRecord dec;
  dec.id = 1;
  dec.role = Role::product_owner;
  dec.text = "ask <at>Bob</at> about <script>alert(1)</script>, `rm -rf` and *bold* _it_";
  dec.decided_by = "<at>Eve</at>";
  dec.created_at = week_start + day;
  in.decisions.push_back(dec);
  const Digest d = build_digest(in, taxonomy(), now);
  ASSERT_EQ(d.decision_count, 1);
  const json teams = render_digest_message(d);
  expect_teams_rules(teams);
  const std::string all = all_text(teams);
  for (const char* raw : {"<at>", "</at>", "<script>", "*bold*", "_it_"}) {
    EXPECT_EQ(all.find(raw), std::string::npos) << raw << " reached the card:\n" << all;
  }
  for (std::size_t i = all.find('`'); i != std::string::npos; i = all.find('`', i + 1)) {
    EXPECT_TRUE(i > 0 && all[i - 1] == '\\') << "an unescaped backtick:\n" << all;
  }
  EXPECT_NE(all.find("ask \\<at\\>Bob\\</at\\> about \\<script\\>alert(1)\\</script\\>, "
                     "\\`rm -rf\\` and \\*bold\\* \\_it\\_"),
            std::string::npos)
      << all;
  EXPECT_NE(all.find("(\\<at\\>Eve\\</at\\>)"), std::string::npos) << all;
  // The same escaper as the answers and routing notices.
  EXPECT_NE(all.find(escape_teams_markdown(dec.text)), std::string::npos);
}

// Issue 12: the Slack digest applied limits of its own; now BlockKitLimits.
DigestInput hostile_huge_week() {
  DigestInput in = base_input();
  std::string huge;
  for (int i = 0; i < 5000; ++i) huge += "<!channel> & <@U1> \xE2\x80\x94 ";  // ~115 KB
  in.team_name = huge;
  for (int i = 0; i < 500; ++i) {
    DecisionRecord dec;
    dec.id = i + 1;
    dec.role = i % 3 == 0 ? Role::product_manager : Role::product_owner;
    dec.text = huge;
    dec.decided_by = huge;
    dec.link = "https://x.test/" + huge;
    dec.created_at = week_start + day;
    in.decisions.push_back(dec);
  }
  for (int i = 0; i < 300; ++i) {
    RoutingRecord r =
        routing(i + 1, Intent::question, Role::product_manager, "weird", huge, week_start + hour);
    r.assignee = huge;
    in.routings.push_back(r);
    in.unacknowledged.push_back(r);
  }
  return in;
}

TEST(DigestRender, SlackDigestWithHostileHugeTextStaysWithinBlockKitLimits) {
  const json slack = render_digest_blocks(build_digest(hostile_huge_week(), taxonomy(), now));
  expect_slack_limits(slack);  // BlockKitLimits, and nothing left for the limiter to cut
  const std::string wire = slack.dump();
  EXPECT_EQ(json::parse(wire), slack);
  // Every mrkdwn text escapes the markup (the header is plain_text, where
  // Slack renders none).
  std::string mrkdwn;
  for (const std::string& text : section_texts(slack["blocks"])) mrkdwn += text + "\n";
  EXPECT_EQ(mrkdwn.find("<!channel>"), std::string::npos);
  EXPECT_EQ(mrkdwn.find("<@U1>"), std::string::npos);
  EXPECT_NE(mrkdwn.find("&lt;!channel&gt; &amp; &lt;@U1&gt;"), std::string::npos);
  EXPECT_NE(mrkdwn.find("more_"), std::string::npos);
  EXPECT_EQ(slack["blocks"][0]["type"], "header");
}

TEST(DigestRender, TeamsDigestWithHostileHugeTextFitsTheCard) {
  const Digest d = build_digest(hostile_huge_week(), taxonomy(), now);
  const json teams = render_digest_message(d);
  expect_teams_rules(teams);
  EXPECT_LE(teams_message_bytes(teams), teams_digest_options().max_message_bytes);
  // The same fitter as the decision list: the lists shrank, the counts stayed.
  const std::string all = all_text(teams);
  EXPECT_NE(all.find("Still unacknowledged after"), std::string::npos) << all.substr(0, 2000);
  EXPECT_NE(all.find("(300)"), std::string::npos);
  EXPECT_NE(all.find(" more"), std::string::npos);
}

TEST(DigestRender, InvalidUtf8NeverBreaksJson) {
  DigestInput in = base_input();
  in.team_name = "Team \xFF";
  RoutingRecord r =
      routing(7, Intent::request, Role::product_owner, "bad\xC0", "text \xE2\x82", now - 3 * day);
  r.link = "https://x.test/\xFE";
  in.routings.push_back(r);
  in.unacknowledged.push_back(r);
  in.moves.push_back(
      reassignment(7, "bad\xC0", Role::product_manager, Role::product_owner, "U", 0));
  const Digest d = build_digest(in, taxonomy(), now);
  EXPECT_NO_THROW((void)render_digest_blocks(d).dump());
  EXPECT_NO_THROW((void)render_digest_message(d).dump());
}

TEST(DigestRender, SuggestionAndShareAppearInEveryRendering) {
  DigestInput in = base_input();
  for (int i = 0; i < 4; ++i) {
    RoutingRecord r = routing(i + 1, Intent::request, Role::product_owner, "release_dates",
                              "when do we ship?", week_start + hour);
    r.original_role = Role::product_manager;
    in.routings.push_back(r);
    in.moves.push_back(
        reassignment(r.id, "release_dates", Role::product_manager, Role::product_owner, "U1", 0));
  }
  in.routings.push_back(
      routing(9, Intent::request, Role::product_manager, "pricing", "price?", week_start + hour));
  in.previous_week = WorkShare{3, 1};
  const Digest d = build_digest(in, taxonomy(), now);
  ASSERT_EQ(d.suggestions.size(), 1u);
  const std::string advice = d.suggestions[0].text;
  EXPECT_EQ(d.strategy_delta_pp, 20 - 75);
  const std::string share = share_line(d);

  EXPECT_NE(all_text(render_digest_blocks(d)).find(advice), std::string::npos);
  EXPECT_NE(all_text(render_digest_blocks(d)).find(share), std::string::npos);
  const std::string teams = all_text(render_digest_message(d));
  EXPECT_NE(teams.find(escape_teams_markdown(advice)), std::string::npos);
  EXPECT_NE(teams.find(share), std::string::npos);
  EXPECT_NE(render_digest_text(d).find(advice), std::string::npos);
}

}  // namespace
}  // namespace rolecall
