#include "adapters/teams/teams_cards.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>

#include "adapters/teams/card_rules.hpp"
#include "adapters/teams/teams_list_fitter.hpp"
#include "adapters/teams/teams_mentions.hpp"

namespace rolecall {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

Person alex() { return {"Alex Example", "U01ALEX", "29:alex-teams-id", "Alex Example"}; }
Person sam() { return {"Sam_Sample", "U02SAM", "", ""}; }  // no Teams id: plain, escaped name
Person kim() { return {"Kim Both", "", "kim@contoso.example", "Kim B."}; }

// Every reply must be a valid outgoing-webhook reply carrying both text and a card.
void expect_valid_reply(const json& envelope) {
  EXPECT_THAT(check_teams_message(envelope, TeamsSurface::outgoing_reply), IsEmpty())
      << envelope.dump(2);
  ASSERT_TRUE(envelope.contains("text"));
  EXPECT_FALSE(envelope["text"].get<std::string>().empty());
  ASSERT_NE(teams_card_of(envelope), nullptr);
  EXPECT_EQ(envelope["attachments"][0]["contentType"], "application/vnd.microsoft.card.adaptive");
}

// All the text a person sees on the card, for substring checks.
std::string card_text(const json& envelope) { return teams_card_of(envelope)->dump(); }

std::vector<json> entities(const json& envelope) {
  const json* card = teams_card_of(envelope);
  if (!card->contains("msteams")) return {};
  return (*card)["msteams"]["entities"].get<std::vector<json>>();
}

Answer po_answer() {
  Answer a;
  a.role = Role::product_owner;
  a.topic_id = "acceptance_criteria";
  a.topic_title = "Acceptance criteria";
  a.explanation = "The PO writes acceptance criteria so the team knows when a story is done.";
  a.owners = {alex(), sam()};
  a.team_name = "Web squad";
  a.confidence = 0.9;
  a.cues = {"acceptance criteria", "story"};
  return a;
}

TEST(TeamsCards, OwnerAnswerNamesThePeopleAndWhy) {
  const json reply = render_teams_answer_reply(po_answer());
  expect_valid_reply(reply);
  const std::string text = reply["text"];
  EXPECT_THAT(text, HasSubstr("**Product Owner**"));
  EXPECT_THAT(text, HasSubstr("Acceptance criteria"));
  EXPECT_THAT(text, HasSubstr("Alex Example and Sam\\_Sample"));
  const std::string card = card_text(reply);
  EXPECT_THAT(card, HasSubstr("Owner: Product Owner"));
  EXPECT_THAT(card, HasSubstr("<at>Alex Example</at>"));
  EXPECT_THAT(card, HasSubstr("Sam\\\\_Sample"));  // JSON-escaped backslash
  EXPECT_THAT(card, HasSubstr("so the team knows when a story is done"));
  EXPECT_THAT(card, HasSubstr("Web squad"));
  const auto ents = entities(reply);
  ASSERT_EQ(ents.size(), 1u);  // only Alex has a Teams id, mentioned once despite two places
  EXPECT_EQ(ents[0]["mentioned"]["id"], "29:alex-teams-id");
  EXPECT_EQ(ents[0]["text"], "<at>Alex Example</at>");
}

TEST(TeamsCards, LowConfidenceSaysProbablyAndOffersTheAlternative) {
  Answer a = po_answer();
  a.low_confidence = true;
  a.alternative_topic_id = "roadmap";
  a.alternative_title = "Roadmap";
  a.alternative_role = Role::product_manager;
  const json reply = render_teams_answer_reply(a);
  expect_valid_reply(reply);
  EXPECT_THAT(reply["text"].get<std::string>(), HasSubstr("Probably"));
  EXPECT_THAT(card_text(reply), HasSubstr("Or maybe"));
  EXPECT_THAT(card_text(reply), HasSubstr("Roadmap (Product Manager)"));
}

TEST(TeamsCards, OwnerAnswerWithoutPeopleOrTeam) {
  Answer a = po_answer();
  a.owners.clear();
  const json with_team = render_teams_answer_reply(a);
  expect_valid_reply(with_team);
  EXPECT_THAT(card_text(with_team), HasSubstr("none configured on Web squad"));
  a.team_name.clear();
  const json no_team = render_teams_answer_reply(a);
  expect_valid_reply(no_team);
  EXPECT_THAT(card_text(no_team), Not(HasSubstr("none configured")));
}

TEST(TeamsCards, SharedAnswerShowsBothHalves) {
  Answer a;
  a.role = Role::both;
  a.topic_title = "Stakeholder management";
  a.explanation = "Both talk to stakeholders, at different distances.";
  a.pm_part = "executives, sales and external partners";
  a.po_part = "the Scrum team's internal stakeholders";
  a.owners = {alex(), kim()};
  a.team_name = "Web squad";
  const json reply = render_teams_answer_reply(a);
  expect_valid_reply(reply);
  EXPECT_THAT(reply["text"].get<std::string>(), HasSubstr("shared"));
  const std::string card = card_text(reply);
  EXPECT_THAT(card, HasSubstr("executives, sales and external partners"));
  EXPECT_THAT(card, HasSubstr("internal stakeholders"));
  EXPECT_THAT(card, HasSubstr("<at>Kim B.</at>"));  // teams_name wins in mentions
  EXPECT_EQ(entities(reply).size(), 2u);
}

TEST(TeamsCards, ProjectManagerNote) {
  Answer a;
  a.role = Role::project_manager;
  a.topic_title = "Project timeline";
  a.explanation = "Timelines and day-to-day project operations are project management.";
  const json reply = render_teams_answer_reply(a);
  expect_valid_reply(reply);
  EXPECT_THAT(reply["text"].get<std::string>(), HasSubstr("**Project Manager**"));
  EXPECT_THAT(reply["text"].get<std::string>(), HasSubstr("not the Product Manager"));
  EXPECT_THAT(card_text(reply), HasSubstr("That's the Project Manager, not the PM"));
}

TEST(TeamsCards, NoneGivesHelpWithExamples) {
  Answer a;
  a.role = Role::none;
  a.example_topics = {"Pricing", "Backlog ordering", "Sprint goal"};
  TeamsCardOptions o;
  o.bot_name = "OwnerBot";
  const json reply = render_teams_answer_reply(a, o);
  expect_valid_reply(reply);
  EXPECT_THAT(reply["text"].get<std::string>(), HasSubstr("@OwnerBot help"));
  const std::string card = card_text(reply);
  EXPECT_THAT(card, HasSubstr("I couldn't tell who owns that"));
  EXPECT_THAT(card, HasSubstr("- Backlog ordering"));
}

TEST(TeamsCards, NotProductWorkSaysSoAndWhy) {
  Answer a;
  a.role = Role::none;
  a.topic_title = "Food and socials";
  a.explanation = "Lunch is not product work.";
  a.example_topics = {"Pricing"};
  const json reply = render_teams_answer_reply(a, TeamsCardOptions{});
  expect_valid_reply(reply);
  EXPECT_THAT(reply["text"].get<std::string>(),
              HasSubstr("That doesn't look like product work (food and socials)."));
  const std::string card = card_text(reply);
  EXPECT_THAT(card, HasSubstr("That doesn't look like product work"));
  EXPECT_THAT(card, HasSubstr("Lunch is not product work."));
  EXPECT_THAT(card, Not(HasSubstr("couldn't tell")));
}

TEST(TeamsCards, CombinedTeamNamesThePersonAndTheHat) {
  Answer a;
  a.role = Role::product_manager;
  a.combined = true;
  a.hat = Role::product_manager;
  a.topic_title = "Pricing";
  a.explanation = "Pricing is strategy.";
  a.owners = {kim()};
  a.team_name = "Startup";
  const json reply = render_teams_answer_reply(a);
  expect_valid_reply(reply);
  EXPECT_THAT(reply["text"].get<std::string>(), HasSubstr("Kim Both"));
  EXPECT_THAT(reply["text"].get<std::string>(), HasSubstr("**Product Manager** hat"));
  const std::string card = card_text(reply);
  EXPECT_THAT(card, HasSubstr("<at>Kim B.</at> holds both roles on Startup"));
  EXPECT_THAT(card, HasSubstr("\"Hat\""));

  a.role = Role::both;
  a.hat = Role::both;
  a.pm_part = "the why";
  a.po_part = "the what now";
  const json both = render_teams_answer_reply(a);
  expect_valid_reply(both);
  EXPECT_THAT(card_text(both), HasSubstr("As Product Owner"));
  EXPECT_THAT(both["text"].get<std::string>(), HasSubstr("both hats"));
}

TEST(TeamsCards, UserTextIsEscaped) {
  Answer a = po_answer();
  a.topic_title = "go_to_market *now* [x] <at>Eve</at>";
  const json reply = render_teams_answer_reply(a);
  expect_valid_reply(reply);  // the validator would flag an <at> without entity
  EXPECT_THAT(reply["text"].get<std::string>(),
              HasSubstr("go\\_to\\_market \\*now\\* \\[x\\] \\<at\\>Eve\\</at\\>"));
}

TeamsRoutingNotice assigned_notice() {
  TeamsRoutingNotice n;
  n.decision.kind = RoutingKind::assigned;
  n.decision.role = Role::product_owner;
  n.decision.taxonomy_role = Role::product_manager;
  n.decision.topic_id = "pricing_page";
  n.decision.topic_title = "Pricing-page copy";
  n.decision.assignees = {alex()};
  n.decision.reason = "pricing-page copy is backlog work; this team moved it to the PO";
  n.decision.learned_moves = 3;
  n.decision.confidence = 0.8;
  n.routing_id = 42;
  n.request_text = "Can we fix the pricing page wording this sprint?";
  n.requested_by = "Zo\xc3\xab Example";
  n.link = "https://teams.example.invalid/l/message/19:abc/1718112233445";
  n.team_name = "Web squad";
  return n;
}

TEST(TeamsCards, RoutingNoticeReply) {
  const json reply = render_teams_routing_reply(assigned_notice());
  expect_valid_reply(reply);
  EXPECT_THAT(reply["text"].get<std::string>(), HasSubstr("Routed #42 to the **Product Owner**"));
  const std::string card = card_text(reply);
  EXPECT_THAT(card, HasSubstr("Routed to the Product Owner"));
  EXPECT_THAT(card, HasSubstr("<at>Alex Example</at>, this looks like yours."));
  EXPECT_THAT(card, HasSubstr("Learned from this team"));
  EXPECT_THAT(card, HasSubstr("3 times"));
  EXPECT_THAT(card, HasSubstr("the taxonomy says the Product Manager"));
  EXPECT_THAT(card, HasSubstr("**@rolecall reassign #42** to hand it to the PM"));
  EXPECT_THAT(card, HasSubstr("**@rolecall ack #42**"));
  EXPECT_THAT(card, HasSubstr("**@rolecall dismiss #42**"));
  EXPECT_THAT(card, HasSubstr("fix the pricing page wording"));
  const json& actions = (*teams_card_of(reply))["actions"];
  ASSERT_EQ(actions.size(), 1u);
  EXPECT_EQ(actions[0]["type"], "Action.OpenUrl");
  EXPECT_EQ(actions[0]["url"], assigned_notice().link);
}

TEST(TeamsCards, RoutingNoticeWorkflowPost) {
  const json post = render_teams_routing_workflow_post(assigned_notice());
  EXPECT_THAT(check_teams_message(post, TeamsSurface::workflows), IsEmpty()) << post.dump(2);
  EXPECT_FALSE(post.contains("text"));
  EXPECT_TRUE(post["attachments"][0].contains("contentUrl"));
  EXPECT_TRUE(post["attachments"][0]["contentUrl"].is_null());
  // Same card as the reply variant.
  EXPECT_EQ(*teams_card_of(post), *teams_card_of(render_teams_routing_reply(assigned_notice())));
}

TEST(TeamsCards, RoutingNoticeVariants) {
  TeamsRoutingNotice n = assigned_notice();
  n.decision.learned_moves = 0;
  n.link = "javascript:alert(1)";  // never becomes an action
  n.decision.assignees.clear();
  json reply = render_teams_routing_reply(n);
  expect_valid_reply(reply);
  EXPECT_THAT(card_text(reply), Not(HasSubstr("Learned")));
  EXPECT_FALSE(teams_card_of(reply)->contains("actions"));

  n = assigned_notice();
  n.decision.role = Role::both;
  n.decision.pm_part = "positioning";
  n.decision.po_part = "the backlog item";
  reply = render_teams_routing_reply(n);
  expect_valid_reply(reply);
  EXPECT_THAT(card_text(reply), HasSubstr("reassign #42 to pm"));
  EXPECT_THAT(card_text(reply), HasSubstr("the backlog item"));

  n = assigned_notice();
  n.decision.kind = RoutingKind::needs_clarification;
  n.decision.assignees.clear();
  n.decision.options = {{Role::product_manager, "pricing", "Pricing"},
                        {Role::product_owner, "backlog", "Backlog ordering"}};
  reply = render_teams_routing_reply(n);
  expect_valid_reply(reply);
  EXPECT_THAT(card_text(reply),
              HasSubstr("Is it about *Pricing* (PM) or *Backlog ordering* (PO)?"));
  EXPECT_THAT(card_text(reply), HasSubstr("reassign #42 to po"));
  EXPECT_THAT(reply["text"].get<std::string>(), HasSubstr("#42"));

  n = assigned_notice();
  n.decision.kind = RoutingKind::not_routed;
  n.decision.role = Role::project_manager;
  n.decision.assignees.clear();
  reply = render_teams_routing_reply(n);
  expect_valid_reply(reply);
  EXPECT_THAT(card_text(reply), HasSubstr("this is for the Project Manager"));
  EXPECT_THAT(check_teams_message(render_teams_routing_workflow_post(n)), IsEmpty());

  n.decision.role = Role::none;
  n.routing_id = 0;  // not recorded: no correction hints
  reply = render_teams_routing_reply(n);
  expect_valid_reply(reply);
  EXPECT_THAT(card_text(reply), Not(HasSubstr("reassign")));
}

TEST(TeamsCards, StatusChanges) {
  StatusChange c;
  c.routing_id = 42;
  c.from = RoutingStatus::open;
  c.to = RoutingStatus::reassigned;
  c.new_role = Role::product_manager;
  c.by = "Zo\xc3\xab";
  json reply = render_teams_status_change_reply(c, {alex()});
  expect_valid_reply(reply);
  EXPECT_THAT(reply["text"].get<std::string>(),
              HasSubstr("#42 reassigned to the **Product Manager**"));
  EXPECT_THAT(card_text(reply), HasSubstr("<at>Alex Example</at>, this is yours now."));

  for (auto to : {RoutingStatus::acknowledged, RoutingStatus::dismissed, RoutingStatus::open}) {
    c.to = to;
    reply = render_teams_status_change_reply(c, {});
    expect_valid_reply(reply);
    EXPECT_THAT(reply["text"].get<std::string>(), HasSubstr("#42"));
  }
}

DecisionRecord decision(std::int64_t id, std::string text) {
  DecisionRecord d;
  d.id = id;
  d.platform = "teams";
  d.team_id = "web";
  d.role = Role::product_manager;
  d.text = std::move(text);
  d.decided_by = "Zo\xc3\xab Example";
  d.created_at = 1718112233;  // 2024-06-11
  return d;
}

TEST(TeamsCards, DecisionConfirmation) {
  DecisionRecord d = decision(7, "We drop the *legacy* CSV export in Q3");
  d.link = "https://teams.example.invalid/l/message/1";
  TeamsCardOptions o;
  o.decisions_url = "https://rolecall.example.invalid/decisions";
  const json reply = render_teams_decision_reply(d, o);
  expect_valid_reply(reply);
  EXPECT_THAT(reply["text"].get<std::string>(),
              HasSubstr("Logged decision #7: We drop the \\*legacy\\* CSV export"));
  const std::string card = card_text(reply);
  EXPECT_THAT(card, HasSubstr("Decision #7 logged"));
  EXPECT_THAT(card, HasSubstr("2024-06-11"));
  EXPECT_THAT(card, HasSubstr("Product Manager"));
  EXPECT_EQ((*teams_card_of(reply))["actions"].size(), 2u);
}

TEST(TeamsCards, DecisionsList) {
  std::vector<DecisionRecord> ds = {decision(3, "Third"), decision(2, "Second"),
                                    decision(1, "First")};
  ds[1].role = Role::product_owner;
  ds[2].role = Role::none;
  const json reply = render_teams_decisions_reply(ds, "Decisions this week");
  expect_valid_reply(reply);
  EXPECT_THAT(reply["text"].get<std::string>(), HasSubstr("3 decisions"));
  const json& body = (*teams_card_of(reply))["body"];
  const json& rows = body.back()["items"];
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0]["type"], "ColumnSet");
  EXPECT_EQ(rows[0]["columns"][0]["items"][0]["text"], "Third");
  EXPECT_EQ(rows[0]["columns"][1]["items"][0]["text"], "PM");
  EXPECT_EQ(rows[1]["columns"][1]["items"][0]["text"], "PO");
  EXPECT_EQ(rows[0]["columns"][2]["items"][0]["text"], "#3");
  EXPECT_THAT(rows[0]["columns"][0]["items"][1]["text"].get<std::string>(),
              HasSubstr("2024-06-11"));

  const json empty = render_teams_decisions_reply({}, "Decisions", "pricing");
  expect_valid_reply(empty);
  EXPECT_THAT(card_text(empty), HasSubstr("No decisions matching"));
  expect_valid_reply(render_teams_decisions_reply({}));
}

TEST(TeamsCards, LongDecisionListsEndInAndNMoreUnderTheLimit) {
  std::vector<DecisionRecord> ds;
  for (int i = 500; i > 0; --i) {
    // Multi-byte text so byte counting (not character counting) matters.
    ds.push_back(decision(
        i, "Entscheidung \xe2\x80\x93 Preisseite f\xc3\xbcr Zo\xc3\xab " + std::string(300, 'x')));
  }
  TeamsCardOptions o;
  o.max_list_items = 1000;  // only the byte budget limits
  const json reply = render_teams_decisions_reply(ds, "All decisions", {}, o);
  expect_valid_reply(reply);
  EXPECT_LE(teams_message_bytes(reply), o.max_message_bytes);
  EXPECT_LT(teams_message_bytes(reply), kTeamsMaxMessageBytes);
  const json& rows = (*teams_card_of(reply))["body"].back()["items"];
  ASSERT_GT(rows.size(), 10u);
  ASSERT_LT(rows.size(), 500u);
  const std::size_t shown = rows.size() - 1;
  EXPECT_EQ(rows.back()["text"],
            "\xe2\x80\xa6"
            "and " +
                std::to_string(500 - shown) + " more");

  // The item cap applies before the byte budget.
  o.max_list_items = 5;
  const json capped = render_teams_decisions_reply(ds, "All decisions", {}, o);
  expect_valid_reply(capped);
  const json& capped_rows = (*teams_card_of(capped))["body"].back()["items"];
  ASSERT_EQ(capped_rows.size(), 6u);
  EXPECT_EQ(capped_rows.back()["text"],
            "\xe2\x80\xa6"
            "and 495 more");
}

TEST(TeamsCards, HelpAndSimpleReplies) {
  const json help = render_teams_help_reply({"Pricing", "Backlog", "Sprint goal"});
  expect_valid_reply(help);
  EXPECT_THAT(card_text(help), HasSubstr("**@rolecall decision TEXT**"));
  EXPECT_THAT(card_text(help), HasSubstr("Topics I know include: Pricing, Backlog, Sprint goal."));
  expect_valid_reply(render_teams_help_reply());

  const json simple = render_teams_simple_reply("No routing #99 here. <at>x</at>");
  expect_valid_reply(simple);
  EXPECT_THAT(simple["text"].get<std::string>(), HasSubstr("No routing #99 here."));
}

// ------------------------------------------------------------ building blocks

TEST(TeamsCardParts, MentionsDeduplicateAndSanitise) {
  TeamsMentions m;
  EXPECT_EQ(m.mention(alex()), "<at>Alex Example</at>");
  EXPECT_EQ(m.mention(alex()), "<at>Alex Example</at>");
  EXPECT_EQ(m.mention(sam()), "Sam\\_Sample");
  Person odd{"<script>", "", "29:odd", ""};
  EXPECT_EQ(m.mention(odd), "<at>script</at>");
  EXPECT_EQ(m.mention_all({}, "nobody"), "nobody");
  EXPECT_EQ(m.mention_all({alex(), sam(), kim()}),
            "<at>Alex Example</at>, Sam\\_Sample and <at>Kim B.</at>");
  json card = teams_card_skeleton();
  card["msteams"]["width"] = "Full";
  m.attach_to(card);
  EXPECT_EQ(card["msteams"]["width"], "Full");
  EXPECT_EQ(card["msteams"]["entities"].size(), 3u);  // alex, odd, kim

  TeamsMentions none;
  json plain = teams_card_skeleton();
  none.attach_to(plain);
  EXPECT_FALSE(plain.contains("msteams"));
}

TEST(TeamsCardParts, TextHelpers) {
  EXPECT_EQ(escape_teams_markdown("a*b_c[d]e\\f`g~h<i>\nj"),
            "a\\*b\\_c\\[d\\]e\\\\f\\`g\\~h\\<i\\> j");
  EXPECT_EQ(truncate_utf8("short", 10), "short");
  // Never splits the 2-byte ë.
  const std::string cut = truncate_utf8("Zo\xc3\xab Example", 6);
  EXPECT_EQ(cut, "Zo\xe2\x80\xa6");
  EXPECT_LE(cut.size(), 6u);
  EXPECT_EQ(teams_format_date(1718112233), "2024-06-11");
  EXPECT_EQ(teams_format_date(0), "");
  EXPECT_TRUE(is_web_url("https://x.invalid/a?b=c&d=e"));
  EXPECT_TRUE(is_web_url("http://127.0.0.1:8080/"));
  EXPECT_FALSE(is_web_url("https://"));
  EXPECT_FALSE(is_web_url("javascript:alert(1)"));
  EXPECT_FALSE(is_web_url("https://x.invalid/a b"));
  EXPECT_FALSE(is_web_url(""));
}

// A card with one list of `rows` of which render(n) shows n, then "more".
json card_with_rows(const std::vector<json>& rows, std::size_t n) {
  json card = teams_card_skeleton();
  json& body = card["body"];
  body = json::array({text_block("header")});
  const std::size_t shown = std::min(n, rows.size());
  for (std::size_t i = 0; i < shown; ++i) body.push_back(rows[i]);
  if (shown < rows.size()) body.push_back(teams_and_more_text(rows.size() - shown));
  return teams_workflow_envelope(std::move(card));
}

TEST(TeamsListFitter, AllFitWhenThereIsRoom) {
  const std::vector<json> rows(10, text_block("row"));
  const auto fit = fit_teams_lists(100, kTeamsCardBudgetBytes,
                                   [&](std::size_t n) { return card_with_rows(rows, n); });
  EXPECT_TRUE(fit.fits);
  EXPECT_EQ(fit.per_list, 100u);
  EXPECT_EQ((*teams_card_of(fit.message))["body"].size(), 11u);  // header + 10, no "more"
}

TEST(TeamsListFitter, ShowsTheMostThatFitExactlyAtTheBudget) {
  std::vector<json> rows;
  for (int i = 0; i < 200; ++i) rows.push_back(text_block("row " + std::to_string(i)));
  const auto render = [&](std::size_t n) { return card_with_rows(rows, n); };
  for (std::size_t budget = 400; budget < 3000; budget += 37) {
    SCOPED_TRACE(budget);
    const auto fit = fit_teams_lists(1000, budget, render);
    ASSERT_TRUE(fit.fits);
    EXPECT_LE(teams_message_bytes(fit.message), budget);
    EXPECT_EQ(fit.message, render(fit.per_list));
    // One more row would not have fitted next to the "more" line.
    EXPECT_GT(teams_message_bytes(render(fit.per_list + 1)), budget);
  }
}

TEST(TeamsListFitter, SaysSoWhenNothingFits) {
  const std::vector<json> rows(3, text_block("abc"));
  const auto render = [&](std::size_t n) { return card_with_rows(rows, n); };
  const auto fit = fit_teams_lists(100, teams_message_bytes(render(0)) - 1, render);
  EXPECT_FALSE(fit.fits);
  EXPECT_EQ(fit.per_list, 0u);
  const auto none = fit_teams_lists(0, 100000, render);
  EXPECT_TRUE(none.fits);
  EXPECT_EQ((*teams_card_of(none.message))["body"].back()["text"],
            "\xe2\x80\xa6"
            "and 3 more");
}

TEST(TeamsListFitter, HostileDecisionListAndDigestKeepTheCardBudget) {
  // The answer path: 1000 decisions of 100 KB each.
  const std::string huge(100000, 'x');
  std::vector<DecisionRecord> ds;
  for (int i = 0; i < 1000; ++i) {
    DecisionRecord d;
    d.id = i + 1;
    d.text = huge;
    d.decided_by = huge;
    ds.push_back(d);
  }
  TeamsCardOptions o;
  o.max_list_items = 1000;
  const json reply = render_teams_decisions_reply(ds, "Decisions", huge, o);
  expect_valid_reply(reply);
  EXPECT_LE(teams_message_bytes(reply), o.max_message_bytes);
  // Exactly one "more" line, and what it says adds up with what is shown.
  const auto& list = (*teams_card_of(reply))["body"].back()["items"];
  ASSERT_GE(list.size(), 2u);
  const std::size_t shown = list.size() - 1;
  EXPECT_EQ(list.back()["text"],
            std::string("\xe2\x80\xa6") + "and " + std::to_string(1000 - shown) + " more");
}

}  // namespace
}  // namespace rolecall
