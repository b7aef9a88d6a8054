// The shipped config/taxonomy.yaml: coverage of the roles and of the words
// people type, and that every cue, asked about on its own, leads the
// classifier to its own topic (no cue is shadowed by another topic's).

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <set>
#include <string>

#include "core/classifier.hpp"
#include "tests/core/test_taxonomy.hpp"

namespace rolecall {
namespace {

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

TEST(TaxonomyContent, CoversEveryRoleWithEnoughTopics) {
  const Taxonomy& t = test::shipped_taxonomy();
  EXPECT_GE(t.topics().size(), 40u);
  std::map<Role, int> per_role;
  for (const Topic& topic : t.topics()) {
    ++per_role[topic.role];
    EXPECT_FALSE(topic.explanation.empty()) << topic.id;
    // Product topics cite the seed articles; not-product ones (role none)
    // come from docs/labelling.md's definition of none.
    if (topic.role != Role::none) {
      EXPECT_FALSE(topic.seeds.empty()) << topic.id;
    }
    EXPECT_GE(topic.cues.size(), 3u) << topic.id;
    if (topic.role == Role::both) {
      EXPECT_FALSE(topic.pm_part.empty()) << topic.id;
      EXPECT_FALSE(topic.po_part.empty()) << topic.id;
    }
  }
  EXPECT_GE(per_role[Role::product_manager], 15);
  EXPECT_GE(per_role[Role::product_owner], 12);
  EXPECT_GE(per_role[Role::both], 4);
  EXPECT_GE(per_role[Role::project_manager], 3);
  EXPECT_GE(per_role[Role::none], 3);  // what is not product work
}

TEST(TaxonomyContent, CuesAreUniqueAndIncludeTheAbbreviationsPeopleType) {
  std::set<std::string> cues;
  for (const Topic& topic : test::shipped_taxonomy().topics()) {
    for (const std::string& cue : topic.cues) {
      EXPECT_TRUE(cues.insert(lower(cue)).second) << "cue listed twice: " << cue;
    }
  }
  for (const char* abbreviation : {"okrs", "kpi", "gtm", "icp", "prd", "ac", "dod", "dor", "pmf",
                                   "nps", "arr", "mrr", "qbr", "raid", "gantt", "pjm"}) {
    EXPECT_TRUE(cues.count(abbreviation)) << abbreviation;
  }
}

TEST(TaxonomyContent, EveryCueLeadsToItsOwnTopic) {
  const Taxonomy& t = test::shipped_taxonomy();
  const Classifier classifier(t);
  int checked = 0;
  for (const Topic& topic : t.topics()) {
    for (const std::string& cue : topic.cues) {
      const Classification c = classifier.classify("who owns " + cue + "?");
      EXPECT_EQ(c.role, topic.role) << cue;
      // A not-product topic is never the answer's topic; it says why nobody
      // owns the message.
      EXPECT_EQ(topic.role == Role::none ? c.not_product_topic : c.topic, topic.id) << cue;
      EXPECT_EQ(c.intent, Intent::question) << cue;
      ++checked;
    }
  }
  EXPECT_GT(checked, 500);
}

}  // namespace
}  // namespace rolecall
