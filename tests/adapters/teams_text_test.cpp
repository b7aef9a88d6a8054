#include "adapters/teams/teams_text.hpp"

#include <gtest/gtest.h>

#include <random>
#include <string>

namespace rolecall {
namespace {

constexpr auto kClassifier = PlainTextUse::classifier;

TEST(TeamsText, MentionsForPeopleAndForTheClassifier) {
  EXPECT_EQ(teams_to_plain("<at>RoleCall</at> who owns pricing?"), "RoleCall who owns pricing?");
  EXPECT_EQ(teams_to_plain("<at>RoleCall</at> who owns pricing?", kClassifier),
            ", who owns pricing?");
  EXPECT_EQ(teams_to_plain("ask <at>Ana Lee</at>&nbsp;now"), "ask Ana Lee now");
  EXPECT_EQ(teams_to_plain("ask <at>Ana Lee</at>&nbsp;now", kClassifier), "ask , now");
}

TEST(TeamsText, BlockTagsBreakLinesInlineTagsGo) {
  EXPECT_EQ(teams_to_plain("<p>first</p><p>second <b>bold</b></p>"), "first\nsecond bold");
  EXPECT_EQ(teams_to_plain("line<br/>break"), "line\nbreak");
  EXPECT_EQ(teams_to_plain("<div class=\"x\">a<span>b</span></div>", kClassifier), "a b \n");
  EXPECT_EQ(teams_to_plain("<ul><li>one</li><li>two</li></ul>", kClassifier), "one\ntwo\n");
}

TEST(TeamsText, EntitiesDecodeOnceInTheSamePass) {
  EXPECT_EQ(teams_to_plain("it&#39;s &quot;done&quot; &#x1F680;"),
            "it's \"done\" \xF0\x9F\x9A\x80");
  EXPECT_EQ(teams_to_plain("a&nbsp;b &ndash; c&hellip;"), "a b \u2013 c\u2026");
  EXPECT_EQ(teams_to_plain("fish &chips; &unknown; & more"), "fish &chips; &unknown; & more");
  // Typed tags arrive escaped; decoded once they are text, not markup.
  EXPECT_EQ(teams_to_plain("&lt;at&gt;x&lt;/at&gt; &lt;p&gt;", kClassifier), "<at>x</at> <p>");
  EXPECT_EQ(teams_to_plain("&gt; quoted", kClassifier), "> quoted");
}

TEST(TeamsText, LeavesOrdinaryTextAlone) {
  EXPECT_EQ(teams_to_plain("a < b and c > d"), "a < b and c > d");
  EXPECT_EQ(teams_to_plain("> quoted\n`code` *bold* :tada:"), "> quoted\n`code` *bold* :tada:");
  EXPECT_EQ(teams_to_plain("  spaced   out  "), "spaced out");
  EXPECT_EQ(teams_to_plain("<unknown tag> and <>"), "<unknown tag> and <>");
  EXPECT_EQ(teams_to_plain("<at>unclosed who owns it"), "<at>unclosed who owns it");
  EXPECT_EQ(teams_to_plain(""), "");
}

TEST(TeamsText, NeverThrowsNorGrowsForPeople) {
  std::mt19937 rng(7);
  std::uniform_int_distribution<int> byte(0, 255);
  const std::string alphabet = "<>/&#;atpbrx \n";
  for (int i = 0; i < 3000; ++i) {
    std::string s;
    const int n = byte(rng) % 64;
    for (int k = 0; k < n; ++k) {
      s.push_back(byte(rng) % 2 ? static_cast<char>(byte(rng))
                                : alphabet[static_cast<std::size_t>(byte(rng)) % alphabet.size()]);
    }
    EXPECT_NO_THROW({
      EXPECT_LE(teams_to_plain(s).size(), s.size());
      (void)teams_to_plain(s, kClassifier);
    });
  }
}

}  // namespace
}  // namespace rolecall
