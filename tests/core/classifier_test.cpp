#include "core/classifier.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "tests/core/test_taxonomy.hpp"

namespace rolecall {
namespace {

class ClassifierTest : public ::testing::Test {
 protected:
  static const Classifier& classifier() { return test::shipped_classifier(); }
  static Classification run(std::string_view text) { return classifier().classify(text); }
};

TEST_F(ClassifierTest, AnswersAPlainOwnershipQuestion) {
  const Classification c = run("Who owns pricing for the pro tier?");
  EXPECT_EQ(c.intent, Intent::question);
  EXPECT_EQ(c.role, Role::product_manager);
  EXPECT_EQ(c.topic, "pricing");
  EXPECT_GT(c.confidence, 0.6);
  EXPECT_NE(std::find(c.cues.begin(), c.cues.end(), "pro tier"), c.cues.end());
}

TEST_F(ClassifierTest, CanWeWithQuestionMarkIsARequest) {
  const Classification c = run("can we pull the login bug into this sprint?");
  EXPECT_EQ(c.intent, Intent::request);
  EXPECT_EQ(c.role, Role::product_owner);
  EXPECT_EQ(c.topic, "sprint_scope");
}

TEST_F(ClassifierTest, WeShouldIsARequest) {
  const Classification c = run("we should reposition for enterprise buyers");
  EXPECT_EQ(c.intent, Intent::request);
  EXPECT_EQ(c.role, Role::product_manager);
  EXPECT_EQ(c.topic, "positioning");
}

TEST_F(ClassifierTest, ImperativesAndPleaseAreRequests) {
  EXPECT_EQ(run("please add the CSV export to the backlog").intent, Intent::request);
  EXPECT_EQ(run("Update the roadmap before friday").intent, Intent::request);
  EXPECT_EQ(run("let's define the KPIs for search").intent, Intent::request);
  EXPECT_EQ(run("need someone to write stories for the export epic").intent, Intent::request);
  EXPECT_EQ(run("could someone update the roadmap").intent, Intent::request);
}

TEST_F(ClassifierTest, QuestionForms) {
  EXPECT_EQ(run("whose call is it to drop the annual discount").intent, Intent::question);
  EXPECT_EQ(run("is it the PM or the PO who writes the acceptance criteria").intent,
            Intent::question);
  EXPECT_EQ(run("wondering who decides on the launch date").intent, Intent::question);
  EXPECT_EQ(run("which role sets the sprint goal").intent, Intent::question);
  EXPECT_EQ(run("is this story ready for dev?").intent, Intent::question);
}

TEST_F(ClassifierTest, OwnershipQuestionWinsOverRequestInOneMessage) {
  EXPECT_EQ(run("can we add the SSO story to the sprint? who approves that?").intent,
            Intent::question);
}

TEST_F(ClassifierTest, ChatterIsOtherAndNone) {
  for (const char* text : {"lunch?", "thanks!", "deploy done", "lgtm", "ok :+1:", "brb",
                           "can you send me the zoom link", "who's up for pizza?", ""}) {
    const Classification c = run(text);
    EXPECT_EQ(c.intent, Intent::other) << text;
    EXPECT_EQ(c.role, Role::none) << text;
    EXPECT_TRUE(c.topic.empty()) << text;
    // Words the taxonomy lists as not product work explain the "none".
    EXPECT_EQ(c.cues.empty(), c.not_product_topic.empty()) << text;
  }
  EXPECT_EQ(run("who's up for pizza?").not_product_topic, "food_and_socials");
  EXPECT_EQ(run("can you send me the zoom link").not_product_topic, "it_help");
  EXPECT_TRUE(run("lgtm").not_product_topic.empty());
}

TEST_F(ClassifierTest, OwnershipQuestionWithoutTopicIsQuestionNone) {
  const Classification c = run("who owns the coffee machine?");
  EXPECT_EQ(c.intent, Intent::question);
  EXPECT_EQ(c.role, Role::none);
  EXPECT_TRUE(c.topic.empty());
}

TEST_F(ClassifierTest, IgnoresSlackMarkup) {
  const Classification c =
      run("<@U024BE7LH|ana> <!here> who decides <https://wiki.example.com/p|the pricing> in "
          "<#C1|product>? :thinking_face:");
  EXPECT_EQ(c.intent, Intent::question);
  EXPECT_EQ(c.role, Role::product_manager);
  EXPECT_EQ(c.topic, "pricing");
}

TEST_F(ClassifierTest, IgnoresTeamsMarkupAndEntities) {
  const Classification c = run("<at>RoleCall</at>&nbsp;who writes user stories &amp; AC?");
  EXPECT_EQ(c.intent, Intent::question);
  EXPECT_EQ(c.role, Role::product_owner);
}

TEST_F(ClassifierTest, QuotedLinesAreDownWeighted) {
  const Classification c =
      run("> the CEO wants new pricing tiers and a new positioning\nok, who writes the user "
          "stories for it?");
  EXPECT_EQ(c.role, Role::product_owner);
  EXPECT_EQ(c.topic, "user_stories");
  // Quoted only: no decision from someone else's words alone.
  EXPECT_EQ(run("> pricing?\nhaha").role, Role::none);
}

TEST_F(ClassifierTest, CodeBlocksAreIgnored) {
  const Classification c = run("```\nroadmap pricing strategy okr\n```\nwho triages this bug?");
  EXPECT_EQ(c.role, Role::product_owner);
  EXPECT_EQ(c.topic, "bug_triage");
}

TEST_F(ClassifierTest, ToleratesOneTypoInLongWords) {
  EXPECT_EQ(run("whos responsable for the acceptence critera").role, Role::product_owner);
  EXPECT_EQ(run("who decides the prcing of the enterprize plan").role, Role::product_manager);
  EXPECT_EQ(run("who does competitve anaylsis").role, Role::product_manager);
  EXPECT_EQ(run("can somone refine the backlgo").intent, Intent::request);
}

TEST_F(ClassifierTest, DoesNotCorrectShortOrCommonWords) {
  EXPECT_EQ(run("lunch at noon?").role, Role::none);           // not "launch"
  EXPECT_EQ(run("spring picnic on friday").role, Role::none);  // not "sprint"
}

TEST_F(ClassifierTest, PluralsAndVerbForms) {
  EXPECT_EQ(run("who is prioritising the stories").topic, "backlog_prioritization");
  EXPECT_EQ(run("who prioritized this story").role, Role::product_owner);
  EXPECT_EQ(run("who priced the add-ons").topic, "pricing");
  EXPECT_EQ(run("who launches the new editor").topic, "go_to_market");
}

TEST_F(ClassifierTest, Abbreviations) {
  EXPECT_EQ(run("who owns the OKRs").topic, "success_metrics");
  EXPECT_EQ(run("who writes the AC").topic, "acceptance_criteria");
  EXPECT_EQ(run("GTM owner?").topic, "go_to_market");
  EXPECT_EQ(run("who maintains the DoD").topic, "definition_of_done");
  EXPECT_EQ(run("who defines the ICP").topic, "target_segments");
  EXPECT_EQ(run("who tracks ARR").topic, "revenue_targets");
}

TEST_F(ClassifierTest, SeveralSentencesFocusOnTheOneThatAsks) {
  const Classification c =
      run("Morning all. I read the roadmap deck last night. Can we add the SSO story to the next "
          "sprint?");
  EXPECT_EQ(c.intent, Intent::request);
  EXPECT_EQ(c.role, Role::product_owner);
}

TEST_F(ClassifierTest, MixedSignalsWhereOneSideDominates) {
  const Classification c =
      run("the roadmap is set, but can we pull the export story into this sprint and update its "
          "acceptance criteria?");
  EXPECT_EQ(c.role, Role::product_owner);
  EXPECT_EQ(c.intent, Intent::request);
}

TEST_F(ClassifierTest, TopicOutweighsAWrongRoleWord) {
  const Classification c = run("can the product manager sign off the AC?");
  EXPECT_EQ(c.role, Role::product_owner);
  EXPECT_EQ(c.topic, "acceptance_criteria");
  EXPECT_EQ(run("should our PO set the price of the pro tier?").role, Role::product_manager);
}

TEST_F(ClassifierTest, RoleWordsAloneAreWeak) {
  // A role named in passing is not a question or a request for that role:
  // rolecall neither answers nor routes it (the learned model may still lean
  // toward the named role, which is harmless for a statement).
  for (const char* text : {"is the PM around today?", "the PO is out sick", "3 pm works for me"}) {
    const Classification c = run(text);
    EXPECT_TRUE(c.role == Role::none || c.intent == Intent::other)
        << text << ": " << to_string(c.role) << " " << to_string(c.intent);
  }
  EXPECT_EQ(run("3 pm works for me").role, Role::none);
}

TEST_F(ClassifierTest, ProjectManagerIsNotProductManager) {
  const Classification gantt = run("who updates the Gantt chart for the office move?");
  EXPECT_EQ(gantt.role, Role::project_manager);
  EXPECT_EQ(gantt.topic, "project_timeline");
  EXPECT_EQ(run("is the PjM responsible for the project budget tracking?").role,
            Role::project_manager);
  // The project manager named, the roadmap asked about: still the Product Manager.
  EXPECT_EQ(run("should the project manager own the product roadmap?").role, Role::product_manager);
}

TEST_F(ClassifierTest, MarketingSprintIsNotAScrumSprint) {
  const Classification c = run("who plans the marketing sprint for the launch campaign?");
  EXPECT_EQ(c.role, Role::product_manager);
  EXPECT_EQ(run("who runs the sales sprint?").role, Role::product_manager);
}

TEST_F(ClassifierTest, SupportTicketBacklogIsNotTheProductBacklog) {
  const Classification c = run("the backlog of support tickets keeps growing, who looks at it?");
  EXPECT_EQ(c.role, Role::product_manager);
  EXPECT_EQ(c.topic, "support_collaboration");
}

TEST_F(ClassifierTest, SharedTopicsAnswerBoth) {
  const Classification c = run("who handles stakeholder management for the payments product?");
  EXPECT_EQ(c.role, Role::both);
  EXPECT_EQ(c.topic, "stakeholder_management");
}

TEST_F(ClassifierTest, CloseScoresGiveBothOrLowConfidence) {
  const Classification c = run("who owns the roadmap and the sprint goal?");
  EXPECT_FALSE(c.alternative_topic.empty());
  // Two roles' topics in one question: `both`, or an answer that is visibly
  // unsure (well below the single-topic question's confidence).
  EXPECT_TRUE(c.role == Role::both || c.confidence < 0.75)
      << to_string(c.role) << " " << c.confidence;
  const Classification clear = run("who writes the acceptance criteria for the user stories?");
  EXPECT_GT(clear.confidence, c.confidence);
  EXPECT_TRUE(clear.alternative_topic.empty());
}

TEST_F(ClassifierTest, ConfidenceIsAlwaysInRange) {
  for (const char* text :
       {"who owns pricing?", "lunch?", "roadmap sprint pricing backlog", "", "AC AC AC AC AC",
        "who owns the roadmap and the sprint goal and the gantt chart and the stakeholders?"}) {
    const Classification c = run(text);
    EXPECT_GE(c.confidence, 0.0) << text;
    EXPECT_LE(c.confidence, 1.0) << text;
  }
}

TEST_F(ClassifierTest, NeverThrowsOnArbitraryBytesOrHugeInput) {
  std::mt19937 rng(7);
  std::uniform_int_distribution<int> byte(0, 255);
  for (int i = 0; i < 2000; ++i) {
    std::string s;
    const int n = byte(rng) % 80;
    for (int k = 0; k < n; ++k) s.push_back(static_cast<char>(byte(rng)));
    EXPECT_NO_THROW((void)run(s));
  }
  std::string big;
  while (big.size() < 200000) big += "who owns the roadmap? <@U1> &amp; \xC3\x28 :x: ";
  const Classification c = run(big);
  EXPECT_EQ(c.role, Role::product_manager);
}

TEST_F(ClassifierTest, IsSafeToShareBetweenThreads) {
  const std::vector<std::string> texts = {"who owns pricing?",
                                          "can we pull the bug into the sprint?",
                                          "who updates the gantt chart?", "lunch?"};
  std::vector<Classification> expected;
  for (const auto& t : texts) expected.push_back(run(t));
  std::vector<std::thread> threads;
  std::vector<int> mismatches(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 500; ++i) {
        const std::size_t k = static_cast<std::size_t>(i + t) % texts.size();
        const Classification c = classifier().classify(texts[k]);
        if (c.role != expected[k].role || c.topic != expected[k].topic) ++mismatches[t];
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int m : mismatches) EXPECT_EQ(m, 0);
}

TEST_F(ClassifierTest, BuildsFromAnyTaxonomy) {
  Topic t;
  t.id = "coffee";
  t.title = "Coffee";
  t.role = Role::product_owner;
  t.explanation = "The PO buys the beans.";
  t.cues = {"coffee beans", "espresso"};
  const Classifier small(Taxonomy({t}));
  const Classification c = small.classify("who orders the espresso?");
  EXPECT_EQ(c.topic, "coffee");
  EXPECT_EQ(c.role, Role::product_owner);
  EXPECT_EQ(Classifier(Taxonomy{}).classify("who owns pricing?").role, Role::none);
}

}  // namespace
}  // namespace rolecall

namespace rolecall {
namespace {

Taxonomy with_extra_cue(const std::string& topic_id, const std::string& cue) {
  std::vector<Topic> topics = test::shipped_taxonomy().topics();
  for (Topic& t : topics) {
    if (t.id == topic_id) t.cues.push_back(cue);
  }
  return Taxonomy(std::move(topics));
}

TEST(ClassifierSteering, ACueAddedToTheTaxonomyChangesTheAnswer) {
  const std::string message = "who decides the zorblax for the new plan?";
  const Classification before = test::shipped_classifier().classify(message);
  EXPECT_NE(before.topic, "user_stories");
  const Classifier steered(with_extra_cue("user_stories", "zorblax"), test::shipped_model());
  const Classification after = steered.classify(message);
  EXPECT_EQ(after.role, Role::product_owner);
  EXPECT_EQ(after.topic, "user_stories");
  EXPECT_NE(std::find(after.cues.begin(), after.cues.end(), "zorblax"), after.cues.end());
}

// The same property over many cases: a word the model never saw, added as a
// cue to one topic, in six everyday carrier sentences. Not every case moves
// (the carrier's own words weigh too: "...for the new plan?" leans to
// pricing), so this guards a share: 66 of 108 cases moved with the model of
// 2026-12-07, 60 with the character pieces of 2026-12-08, 87 since the
// trainer learns from the taxonomy's own questions and from lines with their
// cue words masked (tools/train_classifier.cpp).
TEST(ClassifierSteering, MadeUpCuesMoveMostAnswers) {
  const std::pair<const char*, Role> topics[] = {
      {"user_stories", Role::product_owner},       {"pricing", Role::product_manager},
      {"project_timeline", Role::project_manager}, {"sprint_scope", Role::product_owner},
      {"roadmap", Role::product_manager},          {"bug_triage", Role::product_owner}};
  const char* words[] = {"zorblax", "quindle", "frobnitz"};
  const char* carriers[] = {"who decides the %s for the new plan?",
                            "who owns the %s?",
                            "can someone take care of the %s this week?",
                            "who should I ask about the %s for the enterprise customers?",
                            "we need a decision on the %s before the release",
                            "who is responsible for the %s in our team?"};
  int moved = 0, cases = 0;
  for (const auto& [topic, role] : topics) {
    for (const char* word : words) {
      const Classifier steered(with_extra_cue(topic, word), test::shipped_model());
      for (const char* carrier : carriers) {
        char text[128];
        std::snprintf(text, sizeof text, carrier, word);
        const Classification r = steered.classify(text);
        ++cases;
        if (r.role == role && r.topic == topic) ++moved;
      }
    }
  }
  EXPECT_GE(moved * 100, cases * 75) << moved << " of " << cases << " moved";
}

// The taxonomy's not-product words steer too: a product word used in another
// sense ("the backlog of <hobby>") stays a product answer until the operator
// lists the other sense under a `role: none` topic: 12 of these 18 then turn
// to none (the pricing and roadmap questions stay product questions).
TEST(ClassifierSteering, ANotProductCueTurnsAProductWordAwayFromProduct) {
  const char* carriers[] = {"the %s backlog is getting out of hand again",
                            "who decides the pricing for the %s?",
                            "the backlog of %s keeps growing",
                            "what's the roadmap for %s?",
                            "I need to give a sprint's notice before my %s",
                            "who owns the %s vision?"};
  const char* words[] = {"zorblax", "quindle", "frobnitz"};
  int product_before = 0, none_after = 0, cases = 0;
  for (const char* word : words) {
    const Classifier steered(with_extra_cue("time_off_and_life", word), test::shipped_model());
    for (const char* carrier : carriers) {
      char text[128];
      std::snprintf(text, sizeof text, carrier, word);
      ++cases;
      if (test::shipped_classifier().classify(text).role != Role::none) ++product_before;
      const Classification after = steered.classify(text);
      if (after.role == Role::none && after.not_product_topic == "time_off_and_life") ++none_after;
    }
  }
  EXPECT_GE(product_before * 100, cases * 80) << product_before << " of " << cases;
  EXPECT_GE(none_after * 100, cases * 60) << none_after << " of " << cases;
}

// Asked plainly about a topic's first cue, in words the trainer's own
// questions do not use, rolecall names the topic's role: 38 of 54 topics with
// the model of 2026-12-07, 46 now (the rest are answered "none" below 0.5,
// which asks or hedges).
TEST(ClassifierSteering, APlainQuestionAboutATopicGoesToItsRole) {
  const Classifier& c = test::shipped_classifier();
  int right = 0, topics = 0;
  for (const Topic& t : test::shipped_taxonomy().topics()) {
    const Classification r =
        c.classify("quick question: who is in charge of " + t.cues.front() + "?");
    ++topics;
    if (r.role == t.role) ++right;
  }
  EXPECT_GE(right * 100, topics * 80) << right << " of " << topics;
}

// The other side of the taxonomy's questions: the same kind of question
// about office life is nobody's product work. The model of 2026-12-07 gave a
// product role to 1 of these 12 (lunch, below 0.45); training on the
// taxonomy's questions alone made it 4; the trainer's "not product"
// questions (about other things than these) brought it back to 1; with the
// taxonomy's not-product topics ("lunch" is one of their cues) it is 0.
TEST(ClassifierSteering, OwnershipQuestionsAboutOfficeLifeAreNone) {
  const char* questions[] = {"who decides where we go for lunch?",
                             "who owns the coffee machine?",
                             "who's bringing cake on friday?",
                             "who is responsible for watering the office plants",
                             "whose turn is it to do the dishes",
                             "who handles the parking permits?",
                             "who decides on the team offsite location?",
                             "who owns the wifi password",
                             "who should I ask about my payslip?",
                             "who is in charge of the christmas party playlist?",
                             "who owns the on-call rota?",
                             "who's responsible for renewing the SSL certs?"};
  int none = 0;
  for (const char* q : questions) {
    const Classification r = test::shipped_classifier().classify(q);
    if (r.role == Role::none) {
      ++none;
    } else {
      EXPECT_LT(r.confidence, 0.5) << q << " answered with a role confidently";
    }
  }
  EXPECT_GE(none, 10) << none << " of 12 are none";
}

TEST(ClassifierSteering, ATopicTheModelNeverSawIsAnsweredFromItsCues) {
  std::vector<Topic> topics = test::shipped_taxonomy().topics();
  Topic t;
  t.id = "localisation_budget";
  t.title = "Localisation budget";
  t.role = Role::project_manager;
  t.explanation = "The translation vendor budget is tracked by the project manager.";
  t.cues = {"translation vendor", "localisation budget"};
  topics.push_back(t);
  const Classifier c(Taxonomy(std::move(topics)), test::shipped_model());
  const Classification r =
      c.classify("who owns the localisation budget for the translation vendor?");
  EXPECT_EQ(r.role, Role::project_manager);
  EXPECT_EQ(r.topic, "localisation_budget");
}

TEST(ClassifierExplanation, TheDecidingWordsAreInTheMessage) {
  for (const char* text : {"should there be a free option, or is it paid only?",
                           "can we pull the login bug into this sprint?",
                           "who sends the weekly status report to the steering committee?"}) {
    const Classification c = test::shipped_classifier().classify(text);
    ASSERT_NE(c.role, Role::none) << text;
    ASSERT_FALSE(c.cues.empty()) << text;
    std::string lower = text;
    for (char& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    for (const std::string& cue : c.cues) {
      // Each word of a cue appears in the message (cues are matched on stems,
      // so compare a prefix of each word).
      std::size_t start = 0;
      while (start < cue.size()) {
        std::size_t end = cue.find(' ', start);
        if (end == std::string::npos) end = cue.size();
        const std::string word = cue.substr(start, std::min<std::size_t>(end - start, 4));
        EXPECT_NE(lower.find(word), std::string::npos) << text << " / " << cue;
        start = end + 1;
      }
    }
  }
}

TEST(ClassifierLexiconOnly, WithoutAModelTheCuesDecide) {
  const Classifier c(test::shipped_taxonomy());
  EXPECT_EQ(c.classify("who owns pricing?").role, Role::product_manager);
  EXPECT_EQ(c.classify("who owns pricing?").intent, Intent::question);
  EXPECT_EQ(c.classify("lunch?").role, Role::none);
}

}  // namespace
}  // namespace rolecall
