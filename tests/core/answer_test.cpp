#include "core/answer.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/core/team_fixtures.hpp"

namespace rolecall {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

Topic topic(std::string id, std::string title, Role role, std::string explanation) {
  Topic t;
  t.id = std::move(id);
  t.title = std::move(title);
  t.role = role;
  t.explanation = std::move(explanation);
  return t;
}

Taxonomy test_taxonomy() {
  Topic shared = topic("stakeholders", "Stakeholder management", Role::both,
                       "Both roles talk to stakeholders, at different distances.");
  shared.pm_part = "executives, sales, marketing and partners";
  shared.po_part = "the Scrum team and its internal stakeholders";
  return Taxonomy({
      topic("pricing", "Pricing and packaging", Role::product_manager,
            "Pricing is product strategy."),
      topic("acceptance_criteria", "Acceptance criteria", Role::product_owner,
            "The PO defines when a story is done."),
      shared,
      topic("project_timeline", "Project timelines", Role::project_manager,
            "Schedules are project management."),
      topic("roadmap", "Roadmap", Role::product_manager, "The roadmap carries the strategy."),
      topic("sprint_scope", "Sprint scope", Role::product_owner,
            "The PO decides what fits in the sprint."),
      topic("kpis", "KPIs and success metrics", Role::product_manager,
            "The PM defines what success means."),
      topic("refinement", "Backlog refinement", Role::product_owner, "The PO owns the backlog."),
      topic("time_off", "Time off", Role::none, "Leave is not product work."),
  });
}

using rolecall::testing::combined_team;
using rolecall::testing::person;
using rolecall::testing::split_team;

Classification classified(Role role, std::string topic_id, double confidence = 0.9) {
  Classification c;
  c.intent = Intent::question;
  c.role = role;
  c.topic = std::move(topic_id);
  c.confidence = confidence;
  return c;
}

TEST(AnswerTest, ProductOwnerTopicNamesTheOwnerAndTheReason) {
  const Taxonomy tx = test_taxonomy();
  const Team team = split_team();
  Classification c = classified(Role::product_owner, "acceptance_criteria");
  c.cues = {"acceptance criteria"};

  const Answer a = compose_answer(c, tx, &team);

  EXPECT_EQ(a.role, Role::product_owner);
  EXPECT_EQ(a.topic_id, "acceptance_criteria");
  EXPECT_EQ(a.topic_title, "Acceptance criteria");
  EXPECT_EQ(a.explanation, "The PO defines when a story is done.");
  ASSERT_EQ(a.owners.size(), 1u);
  EXPECT_EQ(a.owners[0].display_name, "Tom Becker");
  EXPECT_EQ(a.team_name, "Checkout");
  EXPECT_FALSE(a.combined);
  EXPECT_EQ(a.hat, Role::none);
  EXPECT_FALSE(a.low_confidence);
  EXPECT_THAT(a.cues, ElementsAre("acceptance criteria"));
  EXPECT_EQ(render_answer_text(a),
            "Product Owner — Tom Becker owns this (acceptance criteria).\n"
            "Why: The PO defines when a story is done.");
}

TEST(AnswerTest, ProductManagerTopicNamesTheProductManager) {
  const Taxonomy tx = test_taxonomy();
  const Team team = split_team();
  const Answer a = compose_answer(classified(Role::product_manager, "pricing"), tx, &team);

  ASSERT_EQ(a.owners.size(), 1u);
  EXPECT_EQ(a.owners[0].display_name, "Priya Nair");
  EXPECT_EQ(render_answer_text(a),
            "Product Manager — Priya Nair owns this (pricing and packaging).\n"
            "Why: Pricing is product strategy.");
}

TEST(AnswerTest, SeveralHoldersAreAllNamed) {
  const Taxonomy tx = test_taxonomy();
  Team team = split_team();
  team.product_owners.push_back(person("Lea Kim"));
  const Answer a = compose_answer(classified(Role::product_owner, "sprint_scope"), tx, &team);

  EXPECT_THAT(render_answer_text(a),
              StartsWith("Product Owner — Tom Becker and Lea Kim own this (sprint scope).\n"));
}

TEST(AnswerTest, AcronymTitlesKeepTheirCase) {
  const Taxonomy tx = test_taxonomy();
  const Team team = split_team();
  const Answer a = compose_answer(classified(Role::product_manager, "kpis"), tx, &team);
  EXPECT_THAT(render_answer_text(a), HasSubstr("(KPIs and success metrics)"));
}

TEST(AnswerTest, SharedTopicSaysWhoDoesWhichHalf) {
  const Taxonomy tx = test_taxonomy();
  const Team team = split_team();
  const Answer a = compose_answer(classified(Role::both, "stakeholders"), tx, &team);

  EXPECT_EQ(a.role, Role::both);
  EXPECT_EQ(a.pm_part, "executives, sales, marketing and partners");
  EXPECT_EQ(a.po_part, "the Scrum team and its internal stakeholders");
  ASSERT_EQ(a.owners.size(), 2u);
  ASSERT_EQ(a.pm_owners.size(), 1u);
  EXPECT_EQ(a.pm_owners[0].display_name, "Priya Nair");
  ASSERT_EQ(a.po_owners.size(), 1u);
  EXPECT_EQ(a.po_owners[0].display_name, "Tom Becker");
  EXPECT_EQ(render_answer_text(a),
            "Both — the Product Manager (Priya Nair) and the Product Owner (Tom Becker) share "
            "stakeholder management.\n"
            "Why: Both roles talk to stakeholders, at different distances.\n"
            "PM: executives, sales, marketing and partners\n"
            "PO: the Scrum team and its internal stakeholders");
}

// An answer about the request of the thread it was asked in (the routing
// log's owner, usecases/message_rules.hpp rule 5): says so, never "probably".
Answer about_thread(Answer a) {
  a.thread_routing_id = 42;
  a.thread_routed_at = 1'718'112'233;  // 2024-06-11 13:23:53 UTC
  return a;
}

TEST(AnswerTest, ThreadRequestAnswerNamesTheRequestItsOwnerAndTopic) {
  const Taxonomy tx = test_taxonomy();
  const Team split = split_team();
  const Team combined = combined_team();
  EXPECT_EQ(render_answer_text(about_thread(
                compose_answer(classified(Role::product_owner, "sprint_scope"), tx, &split))),
            "This thread's request (routed on 2024-06-11) is owned by the Product Owner, Tom "
            "Becker: sprint scope.\n"
            "Why: The PO decides what fits in the sprint.");
  EXPECT_THAT(render_answer_text(
                  about_thread(compose_answer(classified(Role::both, "stakeholders"), tx, &split))),
              StartsWith("This thread's request (routed on 2024-06-11) is shared by the Product "
                         "Manager (Priya Nair) and the Product Owner (Tom Becker): stakeholder "
                         "management.\n"));
  EXPECT_THAT(render_answer_text(about_thread(
                  compose_answer(classified(Role::product_manager, "roadmap"), tx, &combined))),
              StartsWith("This thread's request (routed on 2024-06-11) is owned by Ana Souza, "
                         "wearing the Product Manager hat: roadmap.\n"));
  EXPECT_THAT(render_answer_text(about_thread(
                  compose_answer(classified(Role::product_owner, "sprint_scope"), tx, nullptr))),
              StartsWith("This thread's request (routed on 2024-06-11) is owned by the Product "
                         "Owner: sprint scope.\n"));
}

TEST(AnswerTest, HalvesAreOnlyFilledForSharedTopics) {
  const Taxonomy tx = test_taxonomy();
  Classification c = classified(Role::product_owner, "acceptance_criteria");
  const Answer a = compose_answer(c, tx, nullptr);
  EXPECT_TRUE(a.pm_part.empty());
  EXPECT_TRUE(a.po_part.empty());
  EXPECT_THAT(render_answer_text(a), Not(HasSubstr("PM:")));
}

TEST(AnswerTest, ProjectManagerTopicSaysItIsNotTheProductManagersCall) {
  const Taxonomy tx = test_taxonomy();
  const Team team = split_team();
  const Answer a = compose_answer(classified(Role::project_manager, "project_timeline"), tx, &team);

  EXPECT_EQ(a.role, Role::project_manager);
  EXPECT_TRUE(a.owners.empty());
  const std::string text = render_answer_text(a);
  EXPECT_EQ(text,
            "Neither the PM nor the PO — this is the Project Manager's call (project timelines), "
            "not the Product Manager's.\n"
            "Why: Schedules are project management.");
  EXPECT_THAT(text, Not(HasSubstr("Priya")));
  EXPECT_THAT(text, Not(HasSubstr("Tom")));
}

TEST(AnswerTest, UnknownTopicOffersVariedExamples) {
  const Taxonomy tx = test_taxonomy();
  const Team team = split_team();
  Classification c;
  c.intent = Intent::question;
  const Answer a = compose_answer(c, tx, &team);

  EXPECT_EQ(a.role, Role::none);
  EXPECT_TRUE(a.owners.empty());
  EXPECT_FALSE(a.low_confidence);
  // PM, PO, shared, PM, PO in taxonomy order; the project manager topic is not offered.
  EXPECT_THAT(a.example_topics, ElementsAre("Pricing and packaging", "Acceptance criteria",
                                            "Stakeholder management", "Roadmap", "Sprint scope"));
  EXPECT_EQ(render_answer_text(a),
            "I don't know who owns that.\n"
            "I can answer questions like: pricing and packaging, acceptance criteria, "
            "stakeholder management, roadmap or sprint scope.");
}

// The taxonomy's not-product words matched: say so, and why, instead of
// "I don't know"; the examples still show what rolecall answers.
TEST(AnswerTest, NotProductWorkSaysSoAndWhy) {
  const Taxonomy tx = test_taxonomy();
  Classification c;
  c.not_product_topic = "time_off";
  c.cues = {"parental leave"};
  const Answer a = compose_answer(c, tx, nullptr);
  EXPECT_EQ(a.role, Role::none);
  EXPECT_EQ(a.topic_id, "time_off");
  EXPECT_FALSE(a.example_topics.empty());
  EXPECT_EQ(render_answer_text(a),
            "That doesn't look like product work (time off).\n"
            "Why: Leave is not product work.\n"
            "I can answer questions like: pricing and packaging, acceptance criteria, "
            "stakeholder management, roadmap or sprint scope.");
  // A product role never shows a not-product topic.
  c.role = Role::product_owner;
  c.topic = "refinement";
  EXPECT_EQ(compose_answer(c, tx, nullptr).topic_id, "refinement");
}

TEST(AnswerTest, UnknownTopicWithEmptyTaxonomySaysOnlyThatItDoesNotKnow) {
  const Answer a = compose_answer(Classification{}, Taxonomy{}, nullptr);
  EXPECT_TRUE(a.example_topics.empty());
  EXPECT_EQ(render_answer_text(a), "I don't know who owns that.");
}

TEST(AnswerTest, ExamplesFillFromWhateverRolesExist) {
  const Taxonomy tx({topic("a", "Alpha", Role::product_owner, "x"),
                     topic("b", "Beta", Role::product_owner, "x")});
  const Answer a = compose_answer(Classification{}, tx, nullptr);
  EXPECT_THAT(a.example_topics, ElementsAre("Alpha", "Beta"));
  EXPECT_THAT(render_answer_text(a), HasSubstr("questions like: alpha or beta."));
}

TEST(AnswerTest, CombinedTeamNamesThePersonAndTheHat) {
  const Taxonomy tx = test_taxonomy();
  const Team team = combined_team();
  const Answer a = compose_answer(classified(Role::product_owner, "sprint_scope"), tx, &team);

  EXPECT_TRUE(a.combined);
  EXPECT_EQ(a.hat, Role::product_owner);
  ASSERT_EQ(a.owners.size(), 1u);
  EXPECT_EQ(a.owners[0].display_name, "Ana Souza");
  EXPECT_EQ(render_answer_text(a),
            "Ana Souza owns this — wearing the Product Owner hat (sprint scope).\n"
            "Why: The PO decides what fits in the sprint.");
}

TEST(AnswerTest, CombinedTeamProductManagerHat) {
  const Taxonomy tx = test_taxonomy();
  const Team team = combined_team();
  const Answer a = compose_answer(classified(Role::product_manager, "roadmap"), tx, &team);

  EXPECT_EQ(a.hat, Role::product_manager);
  EXPECT_THAT(render_answer_text(a),
              StartsWith("Ana Souza owns this — wearing the Product Manager hat (roadmap).\n"));
}

TEST(AnswerTest, CombinedTeamSharedTopicWearsBothHats) {
  const Taxonomy tx = test_taxonomy();
  const Team team = combined_team();
  const Answer a = compose_answer(classified(Role::both, "stakeholders"), tx, &team);

  EXPECT_EQ(a.hat, Role::both);
  EXPECT_TRUE(a.pm_owners.empty());
  EXPECT_TRUE(a.po_owners.empty());
  const std::string text = render_answer_text(a);
  EXPECT_THAT(text, StartsWith("Ana Souza owns this — wearing both hats, Product Manager and "
                               "Product Owner (stakeholder management).\n"));
  EXPECT_THAT(text, HasSubstr("\nPM: executives, sales, marketing and partners\n"));
  EXPECT_THAT(text, HasSubstr("\nPO: the Scrum team and its internal stakeholders"));
}

TEST(AnswerTest, CombinedTeamProjectManagerTopicHasNoHat) {
  const Taxonomy tx = test_taxonomy();
  const Team team = combined_team();
  const Answer a = compose_answer(classified(Role::project_manager, "project_timeline"), tx, &team);
  EXPECT_EQ(a.hat, Role::none);
  EXPECT_TRUE(a.owners.empty());
  EXPECT_THAT(render_answer_text(a), StartsWith("Neither the PM nor the PO"));
}

TEST(AnswerTest, LowConfidenceSaysProbablyAndOffersTheAlternative) {
  const Taxonomy tx = test_taxonomy();
  const Team team = split_team();
  Classification c = classified(Role::product_owner, "sprint_scope", 0.4);
  c.alternative_topic = "pricing";
  const Answer a = compose_answer(c, tx, &team);

  EXPECT_TRUE(a.low_confidence);
  EXPECT_EQ(a.alternative_topic_id, "pricing");
  EXPECT_EQ(a.alternative_title, "Pricing and packaging");
  EXPECT_EQ(a.alternative_role, Role::product_manager);
  EXPECT_EQ(render_answer_text(a),
            "Probably the Product Owner — Tom Becker owns this (sprint scope).\n"
            "Why: The PO decides what fits in the sprint.\n"
            "If this is about pricing and packaging, it's the Product Manager's call.");
}

TEST(AnswerTest, LowConfidenceSharedAlternative) {
  const Taxonomy tx = test_taxonomy();
  Classification c = classified(Role::product_manager, "roadmap", 0.3);
  c.alternative_topic = "stakeholders";
  const Answer a = compose_answer(c, tx, nullptr);
  const std::string text = render_answer_text(a);
  EXPECT_THAT(text, StartsWith("Probably the Product Manager owns this (roadmap).\n"));
  EXPECT_THAT(text, HasSubstr("If this is about stakeholder management, the Product Manager and "
                              "the Product Owner share it."));
}

TEST(AnswerTest, LowConfidenceOnCombinedAndSharedAnswers) {
  const Taxonomy tx = test_taxonomy();
  const Team combined = combined_team();
  const Team split = split_team();
  EXPECT_THAT(render_answer_text(compose_answer(
                  classified(Role::product_owner, "sprint_scope", 0.2), tx, &combined)),
              StartsWith("Probably Ana Souza owns this — wearing the Product Owner hat"));
  EXPECT_THAT(
      render_answer_text(compose_answer(classified(Role::both, "stakeholders", 0.2), tx, &split)),
      StartsWith("Probably both — the Product Manager (Priya Nair)"));
  EXPECT_THAT(render_answer_text(compose_answer(
                  classified(Role::project_manager, "project_timeline", 0.2), tx, &split)),
              StartsWith("Probably neither the PM nor the PO"));
}

TEST(AnswerTest, LowConfidenceThresholdIsStrict) {
  const Taxonomy tx = test_taxonomy();
  EXPECT_FALSE(
      compose_answer(classified(Role::product_owner, "sprint_scope", answer_low_confidence_below),
                     tx, nullptr)
          .low_confidence);
  EXPECT_TRUE(compose_answer(classified(Role::product_owner, "sprint_scope",
                                        answer_low_confidence_below - 0.01),
                             tx, nullptr)
                  .low_confidence);
}

TEST(AnswerTest, LowConfidenceWithoutUsableAlternativeAddsNoAlternativeLine) {
  const Taxonomy tx = test_taxonomy();
  Classification c = classified(Role::product_owner, "sprint_scope", 0.3);
  c.alternative_topic = "no_such_topic";
  const Answer a = compose_answer(c, tx, nullptr);
  EXPECT_TRUE(a.low_confidence);
  EXPECT_TRUE(a.alternative_title.empty());
  EXPECT_EQ(render_answer_text(a),
            "Probably the Product Owner owns this (sprint scope).\n"
            "Why: The PO decides what fits in the sprint.");
}

TEST(AnswerTest, ConfidentAnswerIgnoresTheAlternative) {
  const Taxonomy tx = test_taxonomy();
  Classification c = classified(Role::product_owner, "sprint_scope", 0.9);
  c.alternative_topic = "pricing";
  const Answer a = compose_answer(c, tx, nullptr);
  EXPECT_TRUE(a.alternative_topic_id.empty());
  EXPECT_THAT(render_answer_text(a), Not(HasSubstr("If this is about")));
}

TEST(AnswerTest, WithoutTeamNamesTheRoleOnly) {
  const Taxonomy tx = test_taxonomy();
  const Answer a =
      compose_answer(classified(Role::product_owner, "acceptance_criteria"), tx, nullptr);
  EXPECT_TRUE(a.owners.empty());
  EXPECT_TRUE(a.team_name.empty());
  EXPECT_FALSE(a.combined);
  EXPECT_EQ(render_answer_text(a),
            "The Product Owner owns this (acceptance criteria).\n"
            "Why: The PO defines when a story is done.");
}

TEST(AnswerTest, TeamWithoutPeopleForTheRoleNamesTheRoleOnly) {
  const Taxonomy tx = test_taxonomy();
  Team team = split_team();
  team.product_owners.clear();
  const Answer po = compose_answer(classified(Role::product_owner, "sprint_scope"), tx, &team);
  EXPECT_EQ(po.team_name, "Checkout");
  EXPECT_THAT(render_answer_text(po), StartsWith("The Product Owner owns this (sprint scope).\n"));

  const Answer shared = compose_answer(classified(Role::both, "stakeholders"), tx, &team);
  EXPECT_THAT(render_answer_text(shared),
              StartsWith("Both — the Product Manager (Priya Nair) and the Product Owner share "
                         "stakeholder management.\n"));
}

TEST(AnswerTest, TopicMissingFromTaxonomyUsesItsIdAsTitle) {
  const Taxonomy tx = test_taxonomy();
  const Answer a = compose_answer(classified(Role::product_manager, "mystery"), tx, nullptr);
  EXPECT_EQ(a.topic_title, "mystery");
  EXPECT_TRUE(a.explanation.empty());
  EXPECT_EQ(render_answer_text(a), "The Product Manager owns this (mystery).");
}

}  // namespace
}  // namespace rolecall
