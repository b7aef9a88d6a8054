#include "core/normalizer.hpp"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "core/stemmer.hpp"

namespace rolecall {
namespace {

using Tokens = std::vector<std::string>;

// Platform markup is the adapters' (tests/adapters/slack_text_test.cpp,
// teams_text_test.cpp, chat_text_test.cpp); the core reads plain text only.

TEST(Tokenize, LowerCasesStemsAndDropsContractionTails) {
  EXPECT_EQ(tokenize("Who's grooming the stories?"), (Tokens{"who", "groom", "the", "story"}));
  EXPECT_EQ(tokenize("PRIORITISING, prioritized; Prioritize"),
            (Tokens{"prioritiz", "prioritiz", "prioritiz"}));
  EXPECT_EQ(tokenize("stand-up isn't done"), (Tokens{"stand", "up", "isn", "don"}));
}

TEST(Tokenize, DropsQuotesCodeEmojiAndUrls) {
  EXPECT_EQ(tokenize("> pricing is wrong\n  > also this\nwho owns AC"),
            (Tokens{"who", "own", "ac"}));
  EXPECT_EQ(tokenize("```\nbacklog sprint\n```\nsee `csv_export` :tada: https://x.y/z ok"),
            (Tokens{"see", "csv", "export", "ok"}));
  // What an adapter writes for the classifier: mentions and links as ",".
  EXPECT_EQ(tokenize(", , who owns ,the roadmap,?"), (Tokens{"who", "own", "the", "roadmap"}));
}

TEST(Tokenize, MarkupIsJustCharactersToTheCore) {
  // The adapters translate markup once. What reaches the core after that is
  // typed text: a Slack user's literal "<at>pricing</at>" (sent as
  // &lt;at&gt;…, unescaped by the adapter) keeps its word, an entity that
  // was typed stays characters, and a quote needs a real '>'.
  const std::string pricing = tokenize("pricing").at(0);
  EXPECT_EQ(tokenize("who owns <at>pricing</at>?"), (Tokens{"who", "own", "at", pricing, "at"}));
  EXPECT_EQ(tokenize("<@U1> pricing"), (Tokens{"u1", pricing}));
  EXPECT_EQ(tokenize("&gt; R&amp;D"), (Tokens{"gt", "r", "amp", "d"}));
}

TEST(Tokenize, UnicodePunctuationSeparatesWords) {
  // em dash, curly apostrophe, emoji, accented letters
  EXPECT_EQ(tokenize("roadmap\u2014who\u2019s on it \xF0\x9F\x9A\x80 caf\u00e9"),
            (Tokens{"roadmap", "who", "on", "it", "caf\u00e9"}));
}

TEST(Tokenize, NeverThrowsOnArbitraryBytes) {
  std::mt19937 rng(42);
  std::uniform_int_distribution<int> byte(0, 255);
  const std::string alphabet = "<>@#!|&;:`>\n ?.abcAT/";
  for (int i = 0; i < 3000; ++i) {
    std::string s;
    const int n = byte(rng) % 64;
    for (int k = 0; k < n; ++k) {
      s.push_back(byte(rng) % 2 ? static_cast<char>(byte(rng))
                                : alphabet[static_cast<std::size_t>(byte(rng)) % alphabet.size()]);
    }
    EXPECT_NO_THROW({ (void)tokenize(s); });
  }
}

TEST(Stemmer, MapsChatFormsOntoOneKey) {
  struct Case {
    const char* a;
    const char* b;
  };
  for (const Case& c :
       {Case{"stories", "story"}, Case{"pricing", "price"}, Case{"prices", "price"},
        Case{"planning", "plan"}, Case{"planned", "plans"}, Case{"prioritising", "prioritize"},
        Case{"prioritisation", "prioritization"}, Case{"estimates", "estimating"},
        Case{"launches", "launch"}, Case{"clarified", "clarify"}, Case{"owned", "owns"},
        Case{"kpis", "kpi"}, Case{"monthly", "month"}}) {
    EXPECT_EQ(stem(c.a), stem(c.b)) << c.a << " vs " << c.b;
  }
  EXPECT_EQ(stem("business"), "business");
  EXPECT_EQ(stem("status"), "status");
  EXPECT_EQ(stem("analysis"), "analysis");
  EXPECT_EQ(stem("p1"), "p1");
  EXPECT_EQ(stem("pos"), "pos");  // three letters: left alone
}

}  // namespace
}  // namespace rolecall
