#include "core/routing.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/core/team_fixtures.hpp"

namespace rolecall {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

Topic topic(std::string id, std::string title, Role role) {
  Topic t;
  t.id = std::move(id);
  t.title = std::move(title);
  t.role = role;
  t.explanation = "because";
  return t;
}

Taxonomy test_taxonomy() {
  Topic shared = topic("stakeholders", "Stakeholder management", Role::both);
  shared.pm_part = "executives and sales";
  shared.po_part = "the Scrum team";
  return Taxonomy({
      topic("pricing", "Pricing", Role::product_manager),
      topic("release_dates", "Release dates", Role::product_manager),
      topic("sprint_scope", "Sprint scope", Role::product_owner),
      topic("backlog", "Backlog prioritisation", Role::product_owner),
      shared,
      topic("project_timeline", "Project timelines", Role::project_manager),
  });
}

using rolecall::testing::combined_team;
using rolecall::testing::person;
using rolecall::testing::split_team;

Classification request(Role role, std::string topic_id, std::vector<std::string> cues = {},
                       double confidence = 0.9) {
  Classification c;
  c.intent = Intent::request;
  c.role = role;
  c.topic = std::move(topic_id);
  c.cues = std::move(cues);
  c.confidence = confidence;
  return c;
}

std::vector<std::string> names(const std::vector<Person>& people) {
  std::vector<std::string> out;
  for (const auto& p : people) out.push_back(p.display_name);
  return out;
}

const RoutingPolicy policy{};  // clarify_below 0.45, learn_threshold 3

TEST(RoutingTest, ProductManagerRequestGoesToThePm) {
  const RoutingDecision d = route(request(Role::product_manager, "pricing", {"pricing"}),
                                  test_taxonomy(), split_team(), {}, policy);
  EXPECT_EQ(d.kind, RoutingKind::assigned);
  EXPECT_EQ(d.role, Role::product_manager);
  EXPECT_EQ(d.taxonomy_role, Role::product_manager);
  EXPECT_EQ(d.topic_id, "pricing");
  EXPECT_EQ(d.topic_title, "Pricing");
  EXPECT_THAT(names(d.assignees), ::testing::ElementsAre("Priya Nair"));
  EXPECT_EQ(d.learned_moves, 0);
  EXPECT_EQ(d.reason, "Pricing — matched \"pricing\"");
  EXPECT_DOUBLE_EQ(d.confidence, 0.9);
}

TEST(RoutingTest, ProductOwnerRequestGoesToThePoWithTheDecisiveCues) {
  const RoutingDecision d =
      route(request(Role::product_owner, "sprint_scope", {"this sprint", "pull into"}),
            test_taxonomy(), split_team(), {}, policy);
  EXPECT_EQ(d.kind, RoutingKind::assigned);
  EXPECT_EQ(d.role, Role::product_owner);
  EXPECT_THAT(names(d.assignees), ::testing::ElementsAre("Tom Becker"));
  EXPECT_EQ(d.reason, "Sprint scope — matched \"this sprint\", \"pull into\"");
  EXPECT_THAT(d.cues, ::testing::ElementsAre("this sprint", "pull into"));
  EXPECT_TRUE(d.pm_part.empty());
  EXPECT_TRUE(d.options.empty());
}

TEST(RoutingTest, ReasonQuotesAtMostThreeCues) {
  const RoutingDecision d =
      route(request(Role::product_owner, "sprint_scope", {"a", "b", "c", "d"}), test_taxonomy(),
            split_team(), {}, policy);
  EXPECT_EQ(d.reason, "Sprint scope — matched \"a\", \"b\", \"c\"");
  EXPECT_EQ(d.cues.size(), 4u);
}

TEST(RoutingTest, SharedTopicGoesToBothWithWhoDoesWhat) {
  const RoutingDecision d = route(request(Role::both, "stakeholders", {"stakeholders"}),
                                  test_taxonomy(), split_team(), {}, policy);
  EXPECT_EQ(d.kind, RoutingKind::assigned);
  EXPECT_EQ(d.role, Role::both);
  EXPECT_THAT(names(d.assignees), ::testing::ElementsAre("Priya Nair", "Tom Becker"));
  EXPECT_EQ(d.pm_part, "executives and sales");
  EXPECT_EQ(d.po_part, "the Scrum team");
  EXPECT_THAT(d.reason, HasSubstr("Stakeholder management"));
  EXPECT_THAT(d.reason, HasSubstr("shared"));
}

TEST(RoutingTest, ProjectManagerTopicIsNotRouted) {
  const RoutingDecision d = route(request(Role::project_manager, "project_timeline", {"timeline"}),
                                  test_taxonomy(), split_team(), {}, policy);
  EXPECT_EQ(d.kind, RoutingKind::not_routed);
  EXPECT_THAT(d.assignees, IsEmpty());
  EXPECT_EQ(d.topic_title, "Project timelines");
  EXPECT_THAT(d.reason, HasSubstr("Project Manager"));
  EXPECT_THAT(d.reason, HasSubstr("not the PM's or the PO's"));
}

TEST(RoutingTest, UnknownTopicIsNotRouted) {
  Classification c;
  c.intent = Intent::request;
  const RoutingDecision d = route(c, test_taxonomy(), split_team(), {}, policy);
  EXPECT_EQ(d.kind, RoutingKind::not_routed);
  EXPECT_EQ(d.role, Role::none);
  EXPECT_THAT(d.assignees, IsEmpty());
  EXPECT_THAT(d.reason, HasSubstr("no known topic"));
}

TEST(RoutingTest, QuestionsAndChatterAreNotRouted) {
  Classification question = request(Role::product_owner, "sprint_scope");
  question.intent = Intent::question;
  const RoutingDecision q = route(question, test_taxonomy(), split_team(), {}, policy);
  EXPECT_EQ(q.kind, RoutingKind::not_routed);
  EXPECT_THAT(q.assignees, IsEmpty());
  EXPECT_THAT(q.reason, HasSubstr("question"));

  Classification chatter = request(Role::product_owner, "sprint_scope");
  chatter.intent = Intent::other;
  EXPECT_EQ(route(chatter, test_taxonomy(), split_team(), {}, policy).kind,
            RoutingKind::not_routed);
}

TEST(RoutingTest, LowConfidenceAsksBetweenTopTopicAndAlternative) {
  Classification c = request(Role::product_owner, "sprint_scope", {"sprint"}, 0.3);
  c.alternative_topic = "pricing";
  const RoutingDecision d = route(c, test_taxonomy(), split_team(), {}, policy);

  EXPECT_EQ(d.kind, RoutingKind::needs_clarification);
  EXPECT_THAT(d.assignees, IsEmpty());
  ASSERT_EQ(d.options.size(), 2u);
  EXPECT_EQ(d.options[0].role, Role::product_owner);
  EXPECT_EQ(d.options[0].topic_id, "sprint_scope");
  EXPECT_EQ(d.options[0].topic_title, "Sprint scope");
  EXPECT_EQ(d.options[1].role, Role::product_manager);
  EXPECT_EQ(d.options[1].topic_id, "pricing");
  EXPECT_EQ(d.options[1].topic_title, "Pricing");
  EXPECT_EQ(d.reason, "unsure: Sprint scope (PO) or Pricing (PM)?");
}

TEST(RoutingTest, LowConfidenceWithoutAlternativeOffersTheOtherRoleGenerically) {
  const RoutingDecision pm = route(request(Role::product_manager, "pricing", {}, 0.2),
                                   test_taxonomy(), split_team(), {}, policy);
  ASSERT_EQ(pm.options.size(), 2u);
  EXPECT_EQ(pm.options[0].topic_id, "pricing");
  EXPECT_EQ(pm.options[1].role, Role::product_owner);
  EXPECT_EQ(pm.options[1].topic_id, "");
  EXPECT_EQ(pm.options[1].topic_title, "backlog and sprint work");

  const RoutingDecision po = route(request(Role::product_owner, "backlog", {}, 0.2),
                                   test_taxonomy(), split_team(), {}, policy);
  ASSERT_EQ(po.options.size(), 2u);
  EXPECT_EQ(po.options[1].role, Role::product_manager);
  EXPECT_EQ(po.options[1].topic_title, "strategy");
}

TEST(RoutingTest, LowConfidenceAlternativeOfTheSameRoleIsReplacedByTheOtherRole) {
  Classification c = request(Role::product_manager, "pricing", {}, 0.2);
  c.alternative_topic = "release_dates";  // also PM: would not help anyone choose
  const RoutingDecision d = route(c, test_taxonomy(), split_team(), {}, policy);
  ASSERT_EQ(d.options.size(), 2u);
  EXPECT_EQ(d.options[0].role, Role::product_manager);
  EXPECT_EQ(d.options[1].role, Role::product_owner);
  EXPECT_EQ(d.options[1].topic_title, "backlog and sprint work");
}

TEST(RoutingTest, LowConfidenceSharedTopicOffersBothSides) {
  const RoutingDecision d = route(request(Role::both, "stakeholders", {}, 0.2), test_taxonomy(),
                                  split_team(), {}, policy);
  EXPECT_EQ(d.kind, RoutingKind::needs_clarification);
  ASSERT_EQ(d.options.size(), 3u);
  EXPECT_EQ(d.options[0].role, Role::both);
  EXPECT_EQ(d.options[1].role, Role::product_manager);
  EXPECT_EQ(d.options[2].role, Role::product_owner);
}

TEST(RoutingTest, ConfidenceAtTheThresholdIsRouted) {
  const RoutingDecision d =
      route(request(Role::product_owner, "sprint_scope", {}, policy.clarify_below), test_taxonomy(),
            split_team(), {}, policy);
  EXPECT_EQ(d.kind, RoutingKind::assigned);
}

TEST(RoutingTest, CombinedTeamAssignsTheOnePersonAndNamesTheHat) {
  const RoutingDecision d = route(request(Role::product_owner, "sprint_scope", {"this sprint"}),
                                  test_taxonomy(), combined_team(), {}, policy);
  EXPECT_EQ(d.kind, RoutingKind::assigned);
  EXPECT_EQ(d.role, Role::product_owner);
  EXPECT_THAT(names(d.assignees), ::testing::ElementsAre("Ana Souza"));
  EXPECT_EQ(d.reason, "Sprint scope — matched \"this sprint\"; Ana Souza wears the PO hat");
}

TEST(RoutingTest, CombinedTeamSharedTopicHasOneAssigneeWithBothHats) {
  const RoutingDecision d =
      route(request(Role::both, "stakeholders"), test_taxonomy(), combined_team(), {}, policy);
  EXPECT_THAT(names(d.assignees), ::testing::ElementsAre("Ana Souza"));
  EXPECT_EQ(d.pm_part, "executives and sales");
  EXPECT_THAT(d.reason, HasSubstr("both hats"));
}

TEST(RoutingTest, MissingHolderIsAssignedToNobodyAndSaysSo) {
  Team team = split_team();
  team.product_owners.clear();
  const RoutingDecision d =
      route(request(Role::product_owner, "sprint_scope"), test_taxonomy(), team, {}, policy);
  EXPECT_EQ(d.kind, RoutingKind::assigned);
  EXPECT_THAT(d.assignees, IsEmpty());
  EXPECT_THAT(d.reason, HasSubstr("no Product Owner is configured"));
}

TEST(RoutingTest, LearnsWhenTheTeamKeepsMovingATopic) {
  const std::vector<CorrectionCount> corrections{
      {"release_dates", Role::product_manager, Role::product_owner, 4}};
  const RoutingDecision d = route(request(Role::product_manager, "release_dates", {"release date"}),
                                  test_taxonomy(), split_team(), corrections, policy);
  EXPECT_EQ(d.kind, RoutingKind::assigned);
  EXPECT_EQ(d.taxonomy_role, Role::product_manager);
  EXPECT_EQ(d.role, Role::product_owner);
  EXPECT_EQ(d.learned_moves, 4);
  EXPECT_THAT(names(d.assignees), ::testing::ElementsAre("Tom Becker"));
  EXPECT_EQ(d.reason,
            "Release dates — matched \"release date\"; routed to the PO: this team has moved "
            "'Release dates' to the PO 4 times");
}

TEST(RoutingTest, LearnsExactlyAtTheThreshold) {
  const std::vector<CorrectionCount> corrections{
      {"sprint_scope", Role::product_owner, Role::product_manager, policy.learn_threshold}};
  const RoutingDecision d = route(request(Role::product_owner, "sprint_scope"), test_taxonomy(),
                                  split_team(), corrections, policy);
  EXPECT_EQ(d.role, Role::product_manager);
  EXPECT_EQ(d.learned_moves, policy.learn_threshold);
}

TEST(RoutingTest, MovesBelowTheThresholdChangeNothing) {
  const std::vector<CorrectionCount> corrections{
      {"release_dates", Role::product_manager, Role::product_owner, policy.learn_threshold - 1}};
  const RoutingDecision d = route(request(Role::product_manager, "release_dates"), test_taxonomy(),
                                  split_team(), corrections, policy);
  EXPECT_EQ(d.role, Role::product_manager);
  EXPECT_EQ(d.learned_moves, 0);
  EXPECT_THAT(names(d.assignees), ::testing::ElementsAre("Priya Nair"));
  EXPECT_THAT(d.reason, Not(HasSubstr("moved")));
}

TEST(RoutingTest, MovesBackAreSubtracted) {
  std::vector<CorrectionCount> corrections{
      {"release_dates", Role::product_manager, Role::product_owner, 4},
      {"release_dates", Role::product_owner, Role::product_manager, 2}};
  const RoutingDecision undecided = route(request(Role::product_manager, "release_dates"),
                                          test_taxonomy(), split_team(), corrections, policy);
  EXPECT_EQ(undecided.role, Role::product_manager);
  EXPECT_EQ(undecided.learned_moves, 0);

  corrections[0].count = 5;
  const RoutingDecision learned = route(request(Role::product_manager, "release_dates"),
                                        test_taxonomy(), split_team(), corrections, policy);
  EXPECT_EQ(learned.role, Role::product_owner);
  EXPECT_EQ(learned.learned_moves, 3);
  EXPECT_THAT(learned.reason, HasSubstr("to the PO 5 times (and back twice)"));
}

TEST(RoutingTest, MovesInTheTaxonomysDirectionDoNotFlip) {
  const std::vector<CorrectionCount> corrections{
      {"release_dates", Role::product_owner, Role::product_manager, 10}};
  const RoutingDecision d = route(request(Role::product_manager, "release_dates"), test_taxonomy(),
                                  split_team(), corrections, policy);
  EXPECT_EQ(d.role, Role::product_manager);
  EXPECT_EQ(d.learned_moves, 0);
}

TEST(RoutingTest, CorrectionsOfOtherTopicsDoNotApply) {
  const std::vector<CorrectionCount> corrections{
      {"pricing", Role::product_manager, Role::product_owner, 10}};
  const RoutingDecision d = route(request(Role::product_manager, "release_dates"), test_taxonomy(),
                                  split_team(), corrections, policy);
  EXPECT_EQ(d.role, Role::product_manager);
  EXPECT_EQ(d.learned_moves, 0);
}

TEST(RoutingTest, LearningIsPerTeam) {
  // The caller passes each team's own counts: the team that moved the topic
  // gets the learned role, another team with no corrections does not.
  const std::vector<CorrectionCount> checkout_corrections{
      {"release_dates", Role::product_manager, Role::product_owner, 5}};
  Team other = split_team();
  other.id = "payments";
  other.product_owners = {person("Lea Kim")};

  EXPECT_EQ(route(request(Role::product_manager, "release_dates"), test_taxonomy(), split_team(),
                  checkout_corrections, policy)
                .role,
            Role::product_owner);
  const RoutingDecision d =
      route(request(Role::product_manager, "release_dates"), test_taxonomy(), other, {}, policy);
  EXPECT_EQ(d.role, Role::product_manager);
  EXPECT_EQ(d.learned_moves, 0);
}

TEST(RoutingTest, LearnedRoleOnACombinedTeamChangesTheHat) {
  const std::vector<CorrectionCount> corrections{
      {"release_dates", Role::product_manager, Role::product_owner, 3}};
  const RoutingDecision d = route(request(Role::product_manager, "release_dates"), test_taxonomy(),
                                  combined_team(), corrections, policy);
  EXPECT_EQ(d.role, Role::product_owner);
  EXPECT_THAT(names(d.assignees), ::testing::ElementsAre("Ana Souza"));
  EXPECT_THAT(d.reason, HasSubstr("moved 'Release dates' to the PO 3 times"));
  EXPECT_THAT(d.reason, HasSubstr("Ana Souza wears the PO hat"));
}

TEST(RoutingTest, LowConfidenceAsksEvenWhenTheTeamHasLearned) {
  const std::vector<CorrectionCount> corrections{
      {"release_dates", Role::product_manager, Role::product_owner, 9}};
  const RoutingDecision d = route(request(Role::product_manager, "release_dates", {}, 0.1),
                                  test_taxonomy(), split_team(), corrections, policy);
  EXPECT_EQ(d.kind, RoutingKind::needs_clarification);
  EXPECT_EQ(d.learned_moves, 0);
}

TEST(RoutingTest, SharedTopicsDoNotLearn) {
  const std::vector<CorrectionCount> corrections{
      {"stakeholders", Role::both, Role::product_owner, 9}};
  const RoutingDecision d = route(request(Role::both, "stakeholders"), test_taxonomy(),
                                  split_team(), corrections, policy);
  EXPECT_EQ(d.role, Role::both);
  EXPECT_EQ(d.learned_moves, 0);
}

}  // namespace
}  // namespace rolecall
