#include "adapters/slack/slack_messages.hpp"

#include <gtest/gtest.h>

#include <set>

#include "adapters/slack/block_kit_limits.hpp"
#include "adapters/slack/slack_list_fitter.hpp"

namespace rolecall {
namespace {

using nlohmann::json;

// ---- test-side checks of a rendered message, independent of the renderer

std::size_t chars(const std::string& s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

// Every string anywhere in the message, concatenated (for "contains" checks).
void collect(const json& j, std::string& out) {
  if (j.is_string()) {
    out += j.get<std::string>();
    out += '\n';
  } else if (j.is_structured()) {
    for (const auto& x : j) collect(x, out);
  }
}
std::string all_text(const json& j) {
  std::string out;
  collect(j, out);
  return out;
}

void expect_valid_message(const json& m) {
  ASSERT_TRUE(m.is_object());
  ASSERT_TRUE(m.contains("text") && m["text"].is_string());
  EXPECT_FALSE(m["text"].get<std::string>().empty());
  EXPECT_LE(chars(m["text"].get<std::string>()), 3000u);
  ASSERT_TRUE(m.contains("blocks") && m["blocks"].is_array());
  EXPECT_GE(m["blocks"].size(), 1u);
  EXPECT_LE(m["blocks"].size(), 50u);
  EXPECT_LE(m["blocks"].dump().size(), 11000u * 3);  // bytes, generous for UTF-8
  static const std::set<std::string> known_actions = {"rolecall_ack", "rolecall_reassign",
                                                      "rolecall_dismiss", "rolecall_choose_pm",
                                                      "rolecall_choose_po"};
  for (const auto& b : m["blocks"]) {
    std::string type = b.at("type");
    if (type == "section") {
      EXPECT_EQ(b["text"]["type"], "mrkdwn");
      EXPECT_LE(chars(b["text"]["text"]), 3000u);
      EXPECT_FALSE(b["text"]["text"].get<std::string>().empty());
    } else if (type == "context") {
      EXPECT_LE(b["elements"].size(), 10u);
      for (const auto& e : b["elements"]) EXPECT_LE(chars(e["text"]), 3000u);
    } else if (type == "actions") {
      EXPECT_LE(b["elements"].size(), 25u);
      EXPECT_LE(chars(b["block_id"]), 255u);
      for (const auto& e : b["elements"]) {
        EXPECT_EQ(e["type"], "button");
        EXPECT_EQ(e["text"]["type"], "plain_text");
        EXPECT_LE(chars(e["text"]["text"]), 75u);
        EXPECT_TRUE(known_actions.count(e["action_id"].get<std::string>()));
        EXPECT_LE(chars(e["value"]), 2000u);
      }
    } else {
      ADD_FAILURE() << "unexpected block type " << type;
    }
  }
}

std::vector<json> buttons(const json& m) {
  std::vector<json> out;
  for (const auto& b : m["blocks"]) {
    if (b["type"] == "actions") {
      for (const auto& e : b["elements"]) out.push_back(e);
    }
  }
  return out;
}

Person person(std::string name, std::string slack_id) {
  Person p;
  p.display_name = std::move(name);
  p.slack_user_id = std::move(slack_id);
  return p;
}

// Hostile text: markup that must never reach Slack unescaped.
const std::string kHostile = "<!channel> & <@U666> <https://evil.example|click>";

void expect_no_raw_markup(const json& m) {
  std::string text = all_text(m);
  EXPECT_EQ(text.find("<!channel>"), std::string::npos) << text;
  EXPECT_EQ(text.find("<@U666>"), std::string::npos) << text;
  EXPECT_EQ(text.find("<https://evil"), std::string::npos) << text;
  EXPECT_NE(text.find("&lt;!channel&gt; &amp;"), std::string::npos) << text;
}

Answer po_answer() {
  Answer a;
  a.role = Role::product_owner;
  a.topic_id = "acceptance_criteria";
  a.topic_title = "Acceptance criteria";
  a.explanation = "The Product Owner writes acceptance criteria with the team.";
  a.owners = {person("Ana", "U1")};
  a.confidence = 0.9;
  a.team_name = "Checkout";
  return a;
}

// ---- answers

TEST(SlackMessages, AnswerNamesRoleOwnerAndReason) {
  json m = render_answer(po_answer());
  expect_valid_message(m);
  std::string text = all_text(m);
  EXPECT_NE(text.find("*Product Owner* owns this — <@U1>"), std::string::npos) << text;
  EXPECT_NE(text.find("*Why:* The Product Owner writes acceptance criteria"), std::string::npos);
  EXPECT_NE(text.find("Topic: Acceptance criteria"), std::string::npos);
  EXPECT_NE(text.find("Team: Checkout"), std::string::npos);
  EXPECT_TRUE(buttons(m).empty());
  EXPECT_FALSE(m.contains("response_type"));
  EXPECT_EQ(as_ephemeral(m)["response_type"], "ephemeral");
}

TEST(SlackMessages, AnswerWithoutSlackIdUsesEscapedName) {
  Answer a = po_answer();
  a.owners = {person("Ana <Lead> & co", ""), person("Bo", "not-an-id>")};
  std::string text = all_text(render_answer(a));
  EXPECT_NE(text.find("Ana &lt;Lead&gt; &amp; co and Bo"), std::string::npos) << text;
}

TEST(SlackMessages, SharedAnswerGivesBothHalves) {
  Answer a;
  a.role = Role::both;
  a.topic_title = "Stakeholder management";
  a.explanation = "Both talk to stakeholders.";
  a.pm_part = "external stakeholders, executives";
  a.po_part = "the Scrum team's internal stakeholders";
  a.pm_owners = {person("Pam", "UPM")};
  a.po_owners = {person("Otto", "UPO")};
  a.owners = {a.pm_owners[0], a.po_owners[0]};
  json m = render_answer(a);
  expect_valid_message(m);
  std::string text = all_text(m);
  EXPECT_NE(text.find("*Product Manager* and *Product Owner* share this — <@UPM> and <@UPO>"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("*Product Manager* (<@UPM>): external stakeholders"), std::string::npos);
  EXPECT_NE(text.find("*Product Owner* (<@UPO>): the Scrum team's"), std::string::npos);
}

TEST(SlackMessages, ProjectManagerAnswerSaysItIsNotTheProductManager) {
  Answer a;
  a.role = Role::project_manager;
  a.topic_title = "Project timeline";
  a.explanation = "Timelines belong to the Project Manager.";
  json m = render_answer(a);
  expect_valid_message(m);
  std::string text = all_text(m);
  EXPECT_NE(text.find("*Project Manager*, not the Product Manager"), std::string::npos) << text;
}

TEST(SlackMessages, NoneAnswerSaysIDontKnowAndWhatItCanAnswer) {
  Answer a;
  a.role = Role::none;
  a.example_topics = {"Pricing", "Sprint planning", kHostile};
  json m = render_answer(a);
  expect_valid_message(m);
  std::string text = all_text(m);
  EXPECT_NE(text.find("I don't know who owns that."), std::string::npos);
  EXPECT_NE(text.find("• Pricing"), std::string::npos);
  EXPECT_NE(text.find("• Sprint planning"), std::string::npos);
  expect_no_raw_markup(m);
}

TEST(SlackMessages, NotProductWorkSaysSoAndWhy) {
  Answer a;
  a.role = Role::none;
  a.topic_title = "Time off <and> life";
  a.explanation = "Leave is not product work.";
  a.example_topics = {"Pricing", kHostile};
  json m = render_answer(a);
  expect_valid_message(m);
  std::string text = all_text(m);
  EXPECT_NE(text.find("That doesn't look like product work (time off &lt;and&gt; life)."),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("*Why:* Leave is not product work."), std::string::npos) << text;
  EXPECT_EQ(text.find("I don't know"), std::string::npos) << text;
  expect_no_raw_markup(m);
}

TEST(SlackMessages, CombinedTeamNamesThePersonAndTheHat) {
  Answer a = po_answer();
  a.combined = true;
  a.hat = Role::product_manager;
  a.role = Role::product_manager;
  a.owners = {person("Sam", "USAM")};
  std::string text = all_text(render_answer(a));
  EXPECT_NE(text.find("<@USAM> owns this — wearing the *Product Manager* hat"), std::string::npos)
      << text;
  EXPECT_NE(text.find("one person holds both roles"), std::string::npos);
}

TEST(SlackMessages, LowConfidenceSaysProbablyAndOffersTheAlternative) {
  Answer a = po_answer();
  a.low_confidence = true;
  a.confidence = 0.3;
  a.alternative_title = "Roadmap";
  a.alternative_role = Role::product_manager;
  std::string text = all_text(render_answer(a));
  EXPECT_NE(text.find("Probably the *Product Owner* — <@U1>"), std::string::npos) << text;
  EXPECT_NE(text.find("or is it about _Roadmap_? That one is the *Product Manager*'s."),
            std::string::npos)
      << text;
}

TEST(SlackMessages, MissingOwnerIsSaid) {
  Answer a = po_answer();
  a.owners.clear();
  std::string text = all_text(render_answer(a));
  EXPECT_NE(text.find("*Product Owner* owns this."), std::string::npos);
  EXPECT_NE(text.find("no Product Owner is configured"), std::string::npos);
}

TEST(SlackMessages, AnswerEscapesEveryUserText) {
  Answer a = po_answer();
  a.topic_title = kHostile;
  a.explanation = kHostile;
  a.team_name = kHostile;
  a.low_confidence = true;
  a.alternative_title = kHostile;
  a.alternative_role = Role::product_manager;
  json m = render_answer(a);
  expect_valid_message(m);
  expect_no_raw_markup(m);
}

// ---- routing

RoutingDecision po_routing() {
  RoutingDecision d;
  d.kind = RoutingKind::assigned;
  d.role = Role::product_owner;
  d.taxonomy_role = Role::product_owner;
  d.topic_id = "sprint_scope";
  d.topic_title = "Sprint scope";
  d.assignees = {person("Otto", "UPO")};
  d.reason = "Pulling work into the sprint is the Product Owner's call.";
  d.confidence = 0.8;
  return d;
}

TEST(SlackMessages, RoutingNoticeHasOwnerReasonAndThreeButtons) {
  json m = render_routing_notice(po_routing(), 42);
  expect_valid_message(m);
  std::string text = all_text(m);
  EXPECT_NE(text.find("This goes to the *Product Owner* (_Sprint scope_) — <@UPO>"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("*Why:* Pulling work"), std::string::npos);
  EXPECT_NE(m["text"].get<std::string>().find("<@UPO>"), std::string::npos);  // notifies
  auto b = buttons(m);
  ASSERT_EQ(b.size(), 3u);
  EXPECT_EQ(b[0]["action_id"], "rolecall_ack");
  EXPECT_EQ(b[0]["text"]["text"], "Acknowledge");
  EXPECT_EQ(b[1]["action_id"], "rolecall_reassign");
  EXPECT_EQ(b[1]["text"]["text"], "Reassign to the PM");
  EXPECT_EQ(b[2]["action_id"], "rolecall_dismiss");
  EXPECT_EQ(b[2]["text"]["text"], "Not a request");
  EXPECT_EQ(b[0]["value"], "42");
  EXPECT_EQ(b[1]["value"], "42:product_owner");  // the owner it was drawn for rides along
  EXPECT_EQ(b[2]["value"], "42");
}

TEST(SlackMessages, ButtonValuesParseOldAndNew) {
  auto v = parse_slack_button_value("42");
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->routing_id, 42);
  EXPECT_FALSE(v->rendered_for.has_value());
  v = parse_slack_button_value(slack_button_value(7, Role::product_manager));
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->routing_id, 7);
  EXPECT_EQ(v->rendered_for, Role::product_manager);
  for (const char* bad : {"", "0", "-3", "x", "42:", "42:cto", "42x", ":product_owner"})
    EXPECT_FALSE(parse_slack_button_value(bad).has_value()) << bad;
}

TEST(SlackMessages, StaleReassignUpdateSaysWhoMovedItAndKeepsFreshButtons) {
  RoutingUpdate u;
  u.routing_id = 9;
  u.action = RoutingAction::already_reassigned;
  u.role = Role::product_manager;
  u.actor_user_id = "U0ANA";
  const json m = render_routing_update(u);
  EXPECT_NE(m.dump().find("Already reassigned to the PM by <@U0ANA>"), std::string::npos)
      << m.dump();
  const auto b = buttons(m);
  ASSERT_EQ(b.size(), 3u);
  EXPECT_EQ(b[1]["value"], "9:product_manager");
}

TEST(SlackMessages, RoutingNoticeLearnedNote) {
  RoutingDecision d = po_routing();
  d.taxonomy_role = Role::product_manager;
  d.learned_moves = 3;
  std::string text = all_text(render_routing_notice(d, 7));
  EXPECT_NE(text.find("moved to the PO 3 times"), std::string::npos) << text;
  EXPECT_NE(text.find("the taxonomy says PM"), std::string::npos);
  EXPECT_EQ(buttons(render_routing_notice(d, 7))[1]["text"]["text"], "Reassign to the PM");
  d.role = Role::product_manager;
  EXPECT_EQ(buttons(render_routing_notice(d, 7))[1]["text"]["text"], "Reassign to the PO");
}

TEST(SlackMessages, SharedRoutingHasNoReassignButton) {
  RoutingDecision d = po_routing();
  d.role = Role::both;
  d.pm_part = "pm half";
  d.po_part = "po half";
  json m = render_routing_notice(d, 5);
  expect_valid_message(m);
  auto b = buttons(m);
  ASSERT_EQ(b.size(), 2u);
  EXPECT_EQ(b[0]["action_id"], "rolecall_ack");
  EXPECT_EQ(b[1]["action_id"], "rolecall_dismiss");
  EXPECT_NE(all_text(m).find("*Product Manager*: pm half"), std::string::npos);
}

TEST(SlackMessages, ClarificationAsksAndOffersTwoChoices) {
  RoutingDecision d;
  d.kind = RoutingKind::needs_clarification;
  d.options = {{Role::product_manager, "pricing", "Pricing"},
               {Role::product_owner, "backlog", "Backlog priority"}};
  json m = render_routing_notice(d, 9);
  expect_valid_message(m);
  std::string text = all_text(m);
  EXPECT_NE(text.find("Is this about _Pricing_ (*Product Manager*) or _Backlog priority_ "
                      "(*Product Owner*)?"),
            std::string::npos)
      << text;
  auto b = buttons(m);
  ASSERT_EQ(b.size(), 2u);
  EXPECT_EQ(b[0]["action_id"], "rolecall_choose_pm");
  EXPECT_EQ(b[0]["text"]["text"], "Pricing (PM)");
  EXPECT_EQ(b[1]["action_id"], "rolecall_choose_po");
  EXPECT_EQ(b[1]["text"]["text"], "Backlog priority (PO)");
  EXPECT_EQ(b[0]["value"], "9");
}

TEST(SlackMessages, NotRoutedHasNoButtons) {
  RoutingDecision d;
  d.kind = RoutingKind::not_routed;
  d.role = Role::project_manager;
  json m = render_routing_notice(d, 1);
  expect_valid_message(m);
  EXPECT_TRUE(buttons(m).empty());
  EXPECT_NE(all_text(m).find("Project Manager"), std::string::npos);
}

TEST(SlackMessages, RoutingUpdates) {
  RoutingUpdate u;
  u.routing_id = 42;
  u.role = Role::product_owner;
  u.owners = {person("Otto", "UPO")};
  u.topic_title = "Sprint scope";
  u.actor_user_id = "U9";

  u.action = RoutingAction::acknowledged;
  json ack = render_routing_update(u);
  expect_valid_message(ack);
  EXPECT_EQ(ack["replace_original"], true);
  EXPECT_NE(all_text(ack).find("Acknowledged by <@U9>"), std::string::npos);
  EXPECT_TRUE(buttons(ack).empty());

  u.action = RoutingAction::reassigned;
  json re = render_routing_update(u);
  expect_valid_message(re);
  EXPECT_NE(all_text(re).find("Reassigned to the PO by <@U9>"), std::string::npos);
  EXPECT_NE(all_text(re).find("— <@UPO>"), std::string::npos);
  ASSERT_EQ(buttons(re).size(), 3u);
  EXPECT_EQ(buttons(re)[1]["text"]["text"], "Reassign to the PM");

  u.action = RoutingAction::dismissed;
  json dis = render_routing_update(u);
  expect_valid_message(dis);
  EXPECT_NE(all_text(dis).find("Dismissed by <@U9>"), std::string::npos);
  EXPECT_TRUE(buttons(dis).empty());

  u.action = RoutingAction::clarified;
  json cl = render_routing_update(u);
  EXPECT_NE(all_text(cl).find("<@U9> chose the PO"), std::string::npos);
  EXPECT_EQ(buttons(cl).size(), 3u);

  u.actor_user_id = "<!channel>";
  u.action = RoutingAction::acknowledged;
  EXPECT_NE(all_text(render_routing_update(u)).find("Acknowledged by &lt;!channel&gt;"),
            std::string::npos);
}

// ---- decisions, help

DecisionRecord decision(std::int64_t id, std::string text) {
  DecisionRecord d;
  d.id = id;
  d.platform = "slack";
  d.role = Role::product_manager;
  d.text = std::move(text);
  d.decided_by = "U5";
  d.channel = "C77";
  d.created_at = 1700000000;  // 2023-11-14
  return d;
}

TEST(SlackMessages, DecisionConfirmationIsInChannel) {
  json m = render_decision_confirmation(decision(12, "Drop the free tier\n& raise prices"));
  expect_valid_message(m);
  EXPECT_EQ(m["response_type"], "in_channel");
  std::string text = all_text(m);
  EXPECT_NE(text.find("*Decision #12 logged* (Product Manager)\n> Drop the free tier\n> &amp; "
                      "raise prices"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("by <@U5>"), std::string::npos);
  EXPECT_NE(text.find("in <#C77>"), std::string::npos);
  EXPECT_NE(text.find("<!date^1700000000^{date_short}|2023-11-14>"), std::string::npos);
}

TEST(SlackMessages, DecisionListIsEphemeralAndSaysHowManyMore) {
  std::vector<DecisionRecord> ds;
  for (int i = 40; i > 0; --i) ds.push_back(decision(i, "decision " + std::to_string(i)));
  json m = render_decision_list(ds, "pricing", 15);
  expect_valid_message(m);
  EXPECT_EQ(m["response_type"], "ephemeral");
  std::string text = all_text(m);
  EXPECT_NE(text.find("*Decisions* matching “pricing”"), std::string::npos) << text;
  EXPECT_NE(text.find("*#40* · PM"), std::string::npos);
  EXPECT_NE(text.find("decision 26"), std::string::npos);
  EXPECT_EQ(text.find("decision 25\n"), std::string::npos);
  EXPECT_NE(text.find("…and 25 more"), std::string::npos);

  json empty = render_decision_list({}, "");
  expect_valid_message(empty);
  EXPECT_NE(all_text(empty).find("No decisions recorded yet"), std::string::npos);
  EXPECT_NE(all_text(render_decision_list({}, "x")).find("No decisions matching “x”"),
            std::string::npos);
}

TEST(SlackMessages, HelpIsEphemeralAndNamesTheCommands) {
  json m = render_help();
  expect_valid_message(m);
  EXPECT_EQ(m["response_type"], "ephemeral");
  std::string text = all_text(m);
  for (const char* c : {"/whoowns TEXT", "/decision TEXT", "/decisions [TEXT]"}) {
    EXPECT_NE(text.find(c), std::string::npos) << c;
  }
  EXPECT_NE(all_text(render_help("/who<x>")).find("I don't know `/who&lt;x&gt;`"),
            std::string::npos);
}

TEST(SlackMessages, ForChannelAddsChannelAndThread) {
  json m = for_channel(render_notice("hi"), "C1", "1.2");
  EXPECT_EQ(m["channel"], "C1");
  EXPECT_EQ(m["thread_ts"], "1.2");
  EXPECT_FALSE(for_channel(render_notice("hi"), "C1").contains("thread_ts"));
}

// ---- limits

TEST(SlackMessages, HugeInputsStayWithinBlockKitLimits) {
  std::string huge(30000, 'x');
  std::string huge_utf8;
  for (int i = 0; i < 6000; ++i) huge_utf8 += "é&<";

  Answer a = po_answer();
  a.explanation = huge;
  a.topic_title = huge_utf8;
  a.team_name = huge;
  for (int i = 0; i < 200; ++i) a.owners.push_back(person("Person " + std::to_string(i), ""));
  a.example_topics.assign(500, huge);
  a.low_confidence = true;
  a.alternative_title = huge;
  a.alternative_role = Role::product_manager;
  expect_valid_message(render_answer(a));
  a.role = Role::none;
  expect_valid_message(render_answer(a));

  RoutingDecision d = po_routing();
  d.topic_title = huge_utf8;
  d.reason = huge;
  d.assignees.assign(300, person(huge, ""));
  json notice = render_routing_notice(d, 123456789012345);
  expect_valid_message(notice);
  // The buttons survive even when the text above them is huge.
  EXPECT_EQ(buttons(notice).size(), 3u);

  d.kind = RoutingKind::needs_clarification;
  d.options = {{Role::product_manager, "a", huge_utf8}, {Role::product_owner, "b", huge}};
  json clarify = render_routing_notice(d, 1);
  expect_valid_message(clarify);
  EXPECT_EQ(buttons(clarify).size(), 2u);

  std::vector<DecisionRecord> ds(1000, decision(1, huge_utf8));
  expect_valid_message(render_decision_list(ds, huge, 1000));
  expect_valid_message(render_decision_confirmation(decision(1, huge_utf8)));
}

TEST(SlackListFitter, HostileDecisionListHasOneHonestMoreLine) {
  std::string huge_utf8;
  for (int i = 0; i < 6000; ++i) huge_utf8 += "é&<";
  std::vector<DecisionRecord> ds(1000, decision(1, huge_utf8));
  const json m = render_decision_list(ds, "q", 1000);
  expect_valid_message(m);
  // Within every limit before the safety net: it had nothing to cut.
  EXPECT_TRUE(block_kit_fits(m["blocks"]));
  std::size_t shown = 0;
  std::vector<std::string> more;
  for (const json& b : m["blocks"]) {
    const std::string t = b.dump();
    if (b["type"] == "section" && t.find("*#1*") != std::string::npos) ++shown;
    if (t.find("more") != std::string::npos) more.push_back(t);
  }
  ASSERT_EQ(more.size(), 1u);
  EXPECT_GT(shown, 0u);
  EXPECT_NE(more[0].find("…and " + std::to_string(1000 - shown) + " more."), std::string::npos)
      << more[0];
  EXPECT_EQ(m.dump().find("not shown"), std::string::npos);
}

TEST(SlackListFitter, ShowsTheMostThatFit) {
  const auto render = [](std::size_t n) {
    json blocks = json::array();
    for (std::size_t i = 0; i < std::min<std::size_t>(n, 80); ++i)
      blocks.push_back({{"type", "section"}, {"text", {{"type", "mrkdwn"}, {"text", "row"}}}});
    return json{{"text", "t"}, {"blocks", std::move(blocks)}};
  };
  auto fit = fit_slack_lists(80, render);
  EXPECT_TRUE(fit.fits);
  EXPECT_EQ(fit.per_list, BlockKitLimits::max_blocks);
  EXPECT_EQ(fit.message, render(BlockKitLimits::max_blocks));
  fit = fit_slack_lists(10, render);
  EXPECT_EQ(fit.per_list, 10u);
  const auto never = [](std::size_t) {
    return json{
        {"blocks",
         json::array({{{"type", "section"},
                       {"text", {{"type", "mrkdwn"}, {"text", std::string(20000, 'x')}}}}})}};
  };
  EXPECT_FALSE(fit_slack_lists(5, never).fits);
}

TEST(BlockKitLimits, TruncateTextCountsCodePointsAndKeepsMarkupWhole) {
  EXPECT_EQ(truncate_text("hello", 5), "hello");
  EXPECT_EQ(truncate_text("hello world", 6), "hello…");
  EXPECT_EQ(truncate_text("ééééé", 3), "éé…");
  EXPECT_EQ(slack_char_count("ééé…"), 4u);
  EXPECT_EQ(truncate_text("ab &amp; cd", 6), "ab …");      // not "ab &a…"
  EXPECT_EQ(truncate_text("ab <@U12345> cd", 8), "ab …");  // not "ab <@U1…"
  EXPECT_EQ(truncate_text("abc", 0), "");
  EXPECT_EQ(truncate_text("abcdef", 1), "…");
}

TEST(BlockKitLimits, InvalidUtf8NeverReachesTheWire) {
  DecisionRecord d = decision(3, "bad \xFF\xFE bytes");
  d.decided_by = "\xC3";
  json m = render_decision_confirmation(d);
  EXPECT_NO_THROW(m.dump());
  EXPECT_NE(all_text(m).find("bad \xEF\xBF\xBD\xEF\xBF\xBD bytes"), std::string::npos);
  Answer a = po_answer();
  a.topic_title = std::string(5000, '\xE9');  // Latin-1 bytes, not UTF-8
  EXPECT_NO_THROW(render_answer(a).dump());
  expect_valid_message(render_answer(a));
}

TEST(BlockKitLimits, TooManyBlocksEndWithAMoreNote) {
  json m = {{"text", "t"}, {"blocks", json::array()}};
  for (int i = 0; i < 80; ++i) {
    m["blocks"].push_back({{"type", "section"}, {"text", {{"type", "mrkdwn"}, {"text", "b"}}}});
  }
  enforce_block_kit_limits(m);
  ASSERT_EQ(m["blocks"].size(), 50u);
  EXPECT_EQ(m["blocks"].back()["type"], "context");
  EXPECT_EQ(m["blocks"].back()["elements"][0]["text"], "…and 31 more not shown");

  json exact = {{"text", "t"}, {"blocks", json::array()}};
  for (int i = 0; i < 50; ++i) exact["blocks"].push_back(m["blocks"][0]);
  enforce_block_kit_limits(exact);
  EXPECT_EQ(exact["blocks"].size(), 50u);
  EXPECT_EQ(exact["blocks"].back()["type"], "section");
}

TEST(BlockKitLimits, TotalTextBudgetIsKept) {
  json m = {{"text", "t"}, {"blocks", json::array()}};
  for (int i = 0; i < 20; ++i) {
    m["blocks"].push_back(
        {{"type", "section"}, {"text", {{"type", "mrkdwn"}, {"text", std::string(2900, 'a')}}}});
  }
  enforce_block_kit_limits(m);
  std::size_t total = 0;
  for (const auto& b : m["blocks"]) total += b.dump().size();
  EXPECT_LE(total, 11000u + 400u);
  EXPECT_LT(m["blocks"].size(), 20u);
  EXPECT_EQ(m["blocks"].back()["type"], "context");
}

}  // namespace
}  // namespace rolecall
