#include "config/taxonomy_loader.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "config/config_error.hpp"
#include "tests/config/config_test_util.hpp"
#include "tests/support/test_helpers.hpp"

namespace rolecall {
namespace {

using testing::error_count;
using testing::has_problem;
using testing::problems_of;

std::vector<Problem> taxonomy_problems(std::string_view yaml) {
  return problems_of([&] { load_taxonomy_from_string(yaml, "tax.yaml"); });
}

constexpr const char* kDataDir = ROLECALL_SOURCE_DIR "/tests/config/data/";

TEST(TaxonomyLoader, LoadsAValidFile) {
  Taxonomy t = load_taxonomy(std::string(kDataDir) + "taxonomy_small.yaml");
  ASSERT_EQ(t.topics().size(), 4u);
  const Topic* pricing = t.find("pricing");
  ASSERT_NE(pricing, nullptr);
  EXPECT_EQ(pricing->title, "Pricing and packaging");
  EXPECT_EQ(pricing->role, Role::product_manager);
  EXPECT_EQ(pricing->cues, (std::vector<std::string>{"pricing", "price", "pro tier"}));
  EXPECT_EQ(pricing->seeds, std::vector<std::string>{"001_example.txt"});
  const Topic* shared = t.find("stakeholders");
  ASSERT_NE(shared, nullptr);
  EXPECT_EQ(shared->role, Role::both);
  EXPECT_EQ(shared->title, "stakeholders");  // defaults to the id
  EXPECT_EQ(shared->pm_part, "executives, sales and partners");
  EXPECT_FALSE(shared->po_part.empty());
  EXPECT_EQ(t.find("timeline")->role, Role::project_manager);
}

TEST(TaxonomyLoader, MissingFileIsAProblemNamingThePath) {
  auto problems = problems_of([] { load_taxonomy("/nonexistent/dir/taxonomy.yaml"); });
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].file, "/nonexistent/dir/taxonomy.yaml");
  EXPECT_EQ(problems[0].line, 0);
  EXPECT_TRUE(has_problem(problems, "cannot read"));
}

TEST(TaxonomyLoader, SyntaxErrorHasFileLineColumn) {
  auto problems = taxonomy_problems("version: 1\ntopics: [a, b\nx: 1\n");
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].file, "tax.yaml");
  EXPECT_GT(problems[0].line, 0);
  EXPECT_GT(problems[0].column, 0);
  EXPECT_TRUE(has_problem(problems, "YAML syntax error"));
  // what() renders file:line:col: message
  try {
    load_taxonomy_from_string("version: 1\ntopics: [a, b\nx: 1\n", "tax.yaml");
  } catch (const ConfigError& e) {
    std::string what = e.what();
    EXPECT_EQ(what.rfind("tax.yaml:" + std::to_string(problems[0].line) + ":" +
                             std::to_string(problems[0].column) + ": YAML syntax error",
                         0),
              0u)
        << what;
  }
}

TEST(TaxonomyLoader, RootMustBeAMapping) {
  EXPECT_TRUE(has_problem(taxonomy_problems("- a\n- b\n"), 1, 1, "must be a mapping"));
  EXPECT_TRUE(has_problem(taxonomy_problems(""), "empty"));
}

TEST(TaxonomyLoader, MissingOrEmptyTopics) {
  EXPECT_TRUE(has_problem(taxonomy_problems("version: 1\n"), "missing required key 'topics'"));
  EXPECT_TRUE(
      has_problem(taxonomy_problems("version: 1\ntopics: []\n"), 2, 9, "topics must not be empty"));
  EXPECT_TRUE(has_problem(taxonomy_problems("version: 1\ntopics:\n"), 2, 1,
                          "missing required key 'topics'"));
  EXPECT_TRUE(has_problem(taxonomy_problems("version: 2\ntopics: {a: 1}\n"), 2, 9,
                          "topics must be a list"));
  EXPECT_TRUE(has_problem(taxonomy_problems("version: 2\ntopics: {a: 1}\n"), 1, 10,
                          "unsupported taxonomy version 2"));
}

// Every kind of topic problem in one file: all of them are reported together,
// each at its own line and column.
TEST(TaxonomyLoader, ReportsAllTopicProblemsAtOnce) {
  const char* yaml = R"(version: 1
roles: [product_manager, scrum_master]
topics:
  - id: pricing
    role: product_manager
    explanation: Strategy.
    cues: [pricing]
  - id: pricing
    role: product_manager
    explanation: Again.
    cues: [price]
  - title: No id here
    role: product_owner
    explanation: Missing id.
    cues: [x]
  - id: backlog
    role: scrum_lead
    explanation: Bad role.
    cues: [backlog]
  - id: sprint
    role: product_owner
    cues: [sprint]
  - id: roadmap
    role: product_manager
    explanation: No cues.
  - id: vision
    role: product_manager
    explanation: Empty cue.
    cues: [vision, ""]
  - id: stories
    role: product_owner
    explanation: Duplicate cue.
    cues: [user story, stories, User  Story]
  - id: stakeholders
    role: both
    explanation: Missing halves.
    pm_part: executives
  - id: goals
    role: product_owner
    explanation: Typo.
    cue: [goal]
  - id: kpis
    role: product_manager
    explanation: Empty list.
    cues: []
  - id: scope
    role: product_owner
    explanation: Half on a non-shared topic.
    po_part: scope
    cues: [scope]
)";
  auto problems = taxonomy_problems(yaml);
  EXPECT_TRUE(has_problem(problems, 2, 26, "unknown role 'scrum_master' in roles"));
  EXPECT_TRUE(
      has_problem(problems, 8, 9, "duplicate topic id 'pricing' (first defined at line 4)"));
  EXPECT_TRUE(has_problem(problems, 12, 5, "missing required key 'topics[2].id'"));
  EXPECT_TRUE(has_problem(problems, 17, 11, "unknown role 'scrum_lead'"));
  EXPECT_TRUE(
      has_problem(problems, 17, 11,
                  "valid roles: product_manager, product_owner, both, project_manager, none"));
  EXPECT_TRUE(has_problem(problems, 20, 5, "missing required key 'topics[sprint].explanation'"));
  EXPECT_TRUE(has_problem(problems, 23, 5, "topics[roadmap] needs a non-empty list of cues"));
  EXPECT_TRUE(has_problem(problems, 29, 20, "topics[vision].cues[1] must not be empty"));
  EXPECT_TRUE(has_problem(problems, 33, 33, "cue 'User  Story' appears twice in topics[stories]"));
  EXPECT_TRUE(has_problem(problems, 33, 33, "first at line 33"));
  EXPECT_TRUE(has_problem(problems, 34, 5, "missing required key 'topics[stakeholders].po_part'"));
  EXPECT_TRUE(
      has_problem(problems, 41, 5, "unknown key 'cue' in topics[goals] (did you mean 'cues'?)"));
  EXPECT_TRUE(has_problem(problems, 34, 5, "topics[stakeholders] needs a non-empty list of cues"));
  EXPECT_TRUE(has_problem(problems, 38, 5, "topics[goals] needs a non-empty list of cues"));
  EXPECT_TRUE(has_problem(problems, 45, 11, "topics[kpis] needs a non-empty list of cues"));
  EXPECT_TRUE(
      has_problem(problems, 49, 14, "topics[scope].po_part is only allowed when role is both"));
  EXPECT_EQ(error_count(problems), 14u) << to_string(problems);
}

TEST(TaxonomyLoader, EmptyExplanationAndEmptyPartsAreErrors) {
  const char* yaml = R"(topics:
  - id: a
    role: both
    explanation: ""
    pm_part: "  "
    po_part: x
    cues: [a]
)";
  auto problems = taxonomy_problems(yaml);
  EXPECT_TRUE(has_problem(problems, 4, 18, "topics[a].explanation must not be empty"));
  EXPECT_TRUE(has_problem(problems, 5, 14, "topics[a].pm_part must not be empty"));
  EXPECT_EQ(error_count(problems), 2u);
}

TEST(TaxonomyLoader, DuplicateKeyInATopicIsAnError) {
  const char* yaml = R"(topics:
  - id: a
    role: product_owner
    explanation: x
    cues: [a]
    role: product_manager
)";
  EXPECT_TRUE(has_problem(taxonomy_problems(yaml), 6, 5,
                          "duplicate key 'topics[a].role' (first given at line 3)"));
}

TEST(TaxonomyLoader, BadIdsAndNonMappingTopics) {
  const char* yaml = R"(topics:
  - id: Pricing Page
    role: product_manager
    explanation: x
    cues: [a]
  - just a string
  - id: ok
    role: nobody
    explanation: x
    cues: [b]
)";
  auto problems = taxonomy_problems(yaml);
  EXPECT_TRUE(has_problem(problems, 2, 9, "may only contain lowercase letters"));
  EXPECT_TRUE(has_problem(problems, 6, 5, "topics[1] must be a mapping"));
  EXPECT_TRUE(has_problem(problems, 8, 11, "unknown role 'nobody'"));
}

// `role: none` names what is not product work ("lunch", "parental leave"):
// its cues count towards nobody owning the message. Halves stay for shared
// topics only.
TEST(TaxonomyLoader, NotProductTopicsHaveRoleNone) {
  const char* ok = R"(topics:
  - id: food
    title: Food and socials
    role: none
    explanation: Lunch is not product work.
    cues: [lunch, cake]
)";
  const Taxonomy t = load_taxonomy_from_string(ok, "t.yaml");
  ASSERT_EQ(t.topics().size(), 1u);
  EXPECT_EQ(t.topics()[0].role, Role::none);
  const char* halves = R"(topics:
  - id: food
    role: none
    explanation: x
    pm_part: y
    cues: [lunch]
)";
  EXPECT_TRUE(has_problem(taxonomy_problems(halves), 5, 14,
                          "topics[food].pm_part is only allowed when role is both (role is none)"));
}

TEST(TaxonomyLoader, LoadsFromAFileOnDisk) {
  testing::TempDir dir;
  {
    std::ofstream out(dir.file("t.yaml"));
    out << "topics:\n  - id: a\n    role: product_owner\n    explanation: x\n    cues: [a]\n"
        << "  - id: a\n    role: product_owner\n    explanation: x\n    cues: [a]\n";
  }
  auto problems = problems_of([&] { load_taxonomy(dir.file("t.yaml")); });
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].file, dir.file("t.yaml"));
  EXPECT_EQ(to_string(problems[0]),
            dir.file("t.yaml") + ":6:9: duplicate topic id 'a' (first defined at line 2)");
}

TEST(TaxonomyLoader, ShippedTaxonomyLoadsCleanly) {
  std::string path = std::string(ROLECALL_SOURCE_DIR) + "/config/taxonomy.yaml";
  if (!std::ifstream(path)) GTEST_SKIP() << "config/taxonomy.yaml does not exist yet";
  Taxonomy t;
  try {
    t = load_taxonomy(path);
  } catch (const ConfigError& e) {
    FAIL() << e.what();
  }
  EXPECT_FALSE(t.topics().empty());
}

}  // namespace
}  // namespace rolecall
