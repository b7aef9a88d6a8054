#include "core/message_features.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <set>
#include <utility>

#include "core/classifier.hpp"
#include "core/intent_detector.hpp"
#include "core/lexicon.hpp"
#include "core/normalizer.hpp"
#include "core/text_hash.hpp"
#include "tests/core/test_taxonomy.hpp"

namespace rolecall {
namespace {

std::set<std::string> names_of(std::string_view message) {
  const Classifier c(test::shipped_taxonomy());
  Classifier::Evidence ev;
  c.gather(message, ev);
  std::set<std::string> names;
  std::vector<MessageFeature> all(ev.features.begin(), ev.features.end());
  all.insert(all.end(), ev.role_only_features.begin(), ev.role_only_features.end());
  for (const MessageFeature& f : all) {
    const std::string name = feature_name(ev.text, f);
    // The hash classify() looks up is the hash of the readable name.
    EXPECT_EQ(text_hash(name), f.hash) << name;
    EXPECT_TRUE(names.insert(name).second) << "feature twice: " << name;
  }
  return names;
}

TEST(MessageFeatures, WordsPairsClauseStartsAndFindings) {
  const auto n = names_of("Can we pull the login bug into this sprint? Who approves that?");
  for (const char* want : {"u:sprint", "b:login bug", "s:can", "s:who", "i:ownership_question",
                           "i:question_mark", "i:ends_asking", "len:8-15"}) {
    EXPECT_TRUE(n.count(want)) << want;
  }
  // Pairs never cross a sentence boundary.
  EXPECT_FALSE(n.count("b:sprint who"));
}

TEST(MessageFeatures, QuotedLinesGiveNoFeatures) {
  const auto n = names_of("> pricing tiers for the enterprise plan\nok thanks");
  EXPECT_FALSE(n.count("u:pricing"));
  EXPECT_TRUE(n.count("u:thank") || n.count("u:thanks"));
}

TEST(MessageFeatures, RoleNamesAndTypoCorrectedWords) {
  const auto n = names_of("can the PO refine the backlgo");
  EXPECT_TRUE(n.count("m:product_owner"));
  // The typo is read as the cue word it was corrected to.
  EXPECT_TRUE(n.count("u:backlog")) << "corrected stem";
}

TEST(MessageFeatures, TheEndOfAMessageTellsATitleFromAStatement) {
  const auto title = names_of("Export audit log as CSV");
  EXPECT_TRUE(title.count("p:title"));
  EXPECT_TRUE(title.count("p:unmarked"));
  EXPECT_FALSE(title.count("p:full_stop"));
  const auto statement = names_of("We exported the audit log as CSV.");
  EXPECT_TRUE(statement.count("p:full_stop"));
  EXPECT_FALSE(statement.count("p:title"));
  // Long and unmarked is not a title.
  EXPECT_FALSE(names_of("so we talked about it for a while and then we exported the whole log")
                   .count("p:title"));
  EXPECT_FALSE(names_of("who owns pricing?").count("p:unmarked"));
}

TEST(MessageFeatures, WordsOfFourLettersOrMoreAreAlsoCutIntoPieces) {
  const auto n = names_of("Reprioritise the roadmap");
  // "<reprioritise>" in 4-letter pieces, edges included.
  for (const char* want : {"c:<rep", "c:prio", "c:ise>", "c:<roa", "c:map>"})
    EXPECT_TRUE(n.count(want)) << want;
  // Short words, function words and numbers are not cut.
  const auto m = names_of("what is the ETA for 2026 now");
  for (const std::string& name : m) {
    EXPECT_NE(name.substr(0, 2), "c:") << name;
  }
  EXPECT_TRUE(names_of("pricing").count("c:pric"));
}

TEST(MessageFeatures, WordsOutsideAsciiAreNotCut) {
  // A piece could split a UTF-8 sequence; the model file is text.
  const auto n = names_of("Roadmap-Überprüfung bitte");
  for (const std::string& name : n) {
    if (name.substr(0, 2) != "c:") continue;
    for (char c : name) EXPECT_LT(static_cast<unsigned char>(c), 0x80) << name;
  }
  EXPECT_TRUE(n.count("c:bitt"));
}

TEST(MessageFeatures, CharacterPiecesComeSeparately) {
  const Classifier c(test::shipped_taxonomy());
  Classifier::Evidence ev;
  c.gather("Reprioritise the roadmap", ev);
  ASSERT_FALSE(ev.role_only_features.empty());
  for (const MessageFeature& f : ev.role_only_features)
    EXPECT_TRUE(role_only_feature(feature_name(ev.text, f))) << feature_name(ev.text, f);
  for (const MessageFeature& f : ev.features)
    EXPECT_FALSE(role_only_feature(feature_name(ev.text, f))) << feature_name(ev.text, f);
}

TEST(MessageFeatures, OnlyCharacterPiecesAreRoleOnly) {
  EXPECT_TRUE(role_only_feature("c:<rep"));
  EXPECT_FALSE(role_only_feature("u:roadmap"));
  EXPECT_FALSE(role_only_feature("b:c: x"));
  EXPECT_FALSE(role_only_feature("i:request"));
}

TEST(MessageFeatures, EmptyMessageHasOnlyItsLength) {
  const auto n = names_of("");
  EXPECT_EQ(n, std::set<std::string>{"len:1"});
}

// classify() scores extract_known_features' keys; the trainer learns from
// extract_features. The keys must be exactly the features the model knows,
// in the order extract_features leaves them, each with the same first word.
TEST(MessageFeatures, KnownFeatureKeysFollowTheFeaturesTheModelKnows) {
  const Taxonomy& taxonomy = test::shipped_taxonomy();
  const std::shared_ptr<const ClassifierModel> model = test::shipped_model();
  const Lexicon lexicon(taxonomy);
  const IntentDetector intent;
  // Each model row's place among the rows sorted by feature hash.
  const std::vector<std::string>& names = model->feature_names();
  std::vector<std::pair<std::uint64_t, std::uint32_t>> by_hash;
  for (std::uint32_t r = 0; r < names.size(); ++r) by_hash.emplace_back(text_hash(names[r]), r);
  std::sort(by_hash.begin(), by_hash.end());
  std::vector<std::uint32_t> place_of_row(names.size());
  for (std::uint32_t p = 0; p < by_hash.size(); ++p) place_of_row[by_hash[p].second] = p;

  for (const std::string message :
       {"", "who owns pricing for the pro tier?", "Reprioritise the roadmap, reprioritise it!",
        "can the PO refine the backlgo? the PO or the PM?",
        "> the CEO wants a new pricing page\nok but who writes the user stories for it?",
        "Roadmap-Überprüfung bitte, roadmap roadmap roadmap", "sprint sprint sprint planning",
        "I saw the roadmap deck. Can we add the SSO story to the next sprint though? Customers "
        "need it."}) {
    AnalyzedText text;
    analyze_text(message, text);
    std::pmr::vector<CueHit> hits;
    std::pmr::vector<RoleMention> roles;
    lexicon.match(text, hits, roles);
    std::pmr::vector<SentenceIntent> sentences;
    intent.sentence_intents(text, roles, sentences);
    std::pmr::vector<MessageFeature> features, role_only;
    extract_features(text, roles, sentences, features, role_only);

    std::vector<std::uint64_t> shared(max_shared_features(text, roles.size()));
    std::vector<std::uint64_t> pieces(max_role_only_features(text));
    const KnownFeatureCounts known = extract_known_features(
        text, roles, sentences, *model, place_of_row, shared.data(), pieces.data());
    auto expected = [&](const std::pmr::vector<MessageFeature>& list) {
      std::vector<std::uint64_t> keys;
      for (const MessageFeature& f : list) {
        if (const ClassifierModel::Row* row = model->find(f.hash))
          keys.push_back(std::uint64_t{place_of_row[row - model->rows().data()]} << 32 | f.token);
      }
      return keys;
    };
    EXPECT_EQ(std::vector<std::uint64_t>(shared.begin(), shared.begin() + known.shared),
              expected(features))
        << message;
    EXPECT_EQ(std::vector<std::uint64_t>(pieces.begin(), pieces.begin() + known.role_only),
              expected(role_only))
        << message;
    EXPECT_GT(known.shared, 0u) << message;
  }
}

}  // namespace
}  // namespace rolecall
