#include "core/normalizer.hpp"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "core/stemmer.hpp"

namespace rolecall {
namespace {

using Tokens = std::vector<std::string>;

TEST(StripMarkup, SlackUserMentions) {
  EXPECT_EQ(strip_markup("<@U123ABC> who owns pricing?"), "@U123ABC who owns pricing?");
  EXPECT_EQ(strip_markup("ask <@U123|ana> please"), "ask @ana please");
  EXPECT_EQ(strip_markup("ask <@U123|@ana> please"), "ask @ana please");
  EXPECT_EQ(strip_markup("<@U123|ana> who owns pricing?", {.drop_mentions = true}),
            "who owns pricing?");
  EXPECT_EQ(strip_markup("hey <@U1> and <@U2> hi", {.drop_mentions = true}), "hey and hi");
}

TEST(StripMarkup, SlackChannelLinks) {
  EXPECT_EQ(strip_markup("see <#C024BE7LR|general>"), "see #general");
  EXPECT_EQ(strip_markup("see <#C024BE7LR>"), "see #C024BE7LR");
}

TEST(StripMarkup, SlackUrls) {
  EXPECT_EQ(strip_markup("read <https://wiki.example.com/x|the pricing doc> first"),
            "read the pricing doc first");
  EXPECT_EQ(strip_markup("read <https://wiki.example.com/x> first"),
            "read https://wiki.example.com/x first");
  EXPECT_EQ(strip_markup("mail <mailto:bob@example.com|bob@example.com>"), "mail bob@example.com");
  EXPECT_EQ(strip_markup("mail <mailto:bob@example.com>"), "mail bob@example.com");
}

TEST(StripMarkup, SlackSpecialMentionsAndDates) {
  EXPECT_EQ(strip_markup("<!here> standup in 5"), "@here standup in 5");
  EXPECT_EQ(strip_markup("<!channel> hi"), "@channel hi");
  EXPECT_EQ(strip_markup("<!subteam^SAZ94GDB8|@devs> look"), "@devs look");
  EXPECT_EQ(strip_markup("<!subteam^SAZ94GDB8> look"), "@SAZ94GDB8 look");
  EXPECT_EQ(strip_markup("due <!date^1392734382^{date_short}|Feb 18, 2014>"), "due Feb 18, 2014");
  EXPECT_EQ(strip_markup("<!here> standup in 5", {.drop_mentions = true}), "standup in 5");
}

TEST(StripMarkup, EntitiesAreDecodedAfterSpans) {
  EXPECT_EQ(strip_markup("R&amp;D &lt;3 &gt; quotes"), "R&D <3 > quotes");
  // An escaped span is text the user typed, not markup.
  EXPECT_EQ(strip_markup("type &lt;@U1&gt; to mention"), "type <@U1> to mention");
  EXPECT_EQ(strip_markup("it&#39;s &quot;done&quot; &#x1F680;"), "it's \"done\" \xF0\x9F\x9A\x80");
  EXPECT_EQ(strip_markup("a&nbsp;b"), "a b");
  EXPECT_EQ(strip_markup("fish &chips; &unknown; & more"), "fish &chips; &unknown; & more");
}

TEST(StripMarkup, TeamsMentionsAndHtml) {
  EXPECT_EQ(strip_markup("<at>RoleCall</at> who owns pricing?"), "RoleCall who owns pricing?");
  EXPECT_EQ(strip_markup("<at>RoleCall</at> who owns pricing?", {.drop_mentions = true}),
            "who owns pricing?");
  EXPECT_EQ(strip_markup("ask <at>Ana Lee</at>&nbsp;now"), "ask Ana Lee now");
  EXPECT_EQ(strip_markup("<p>first</p><p>second <b>bold</b></p>"), "first\nsecond bold");
  EXPECT_EQ(strip_markup("line<br/>break"), "line\nbreak");
}

TEST(StripMarkup, LeavesOrdinaryTextAlone) {
  EXPECT_EQ(strip_markup("a < b and c > d"), "a < b and c > d");
  EXPECT_EQ(strip_markup("> quoted\n`code` *bold* :tada:"), "> quoted\n`code` *bold* :tada:");
  EXPECT_EQ(strip_markup("  spaced   out  "), "spaced out");
  EXPECT_EQ(strip_markup("<unknown tag> and <>"), "<unknown tag> and <>");
  EXPECT_EQ(strip_markup(""), "");
}

TEST(StripBotMention, RemovesOnlyTheBot) {
  EXPECT_EQ(
      strip_bot_mention("<at>RoleCall</at> who owns X, <at>Alex</at> or <at>Sam</at>?", "rolecall"),
      "who owns X, <at>Alex</at> or <at>Sam</at>?");
  EXPECT_EQ(strip_bot_mention("<@UBOT> hi <@U2>", "UBOT"), "hi <@U2>");
  EXPECT_EQ(strip_bot_mention("<@UBOT|rolecall> hi", "UBOT"), "hi");
  EXPECT_EQ(strip_bot_mention("<@UBOTX> hi", "UBOT"), "<@UBOTX> hi");
  EXPECT_EQ(strip_bot_mention("no mention", "UBOT"), "no mention");
}

TEST(Tokenize, LowerCasesStemsAndDropsContractionTails) {
  EXPECT_EQ(tokenize("Who's grooming the stories?"), (Tokens{"who", "groom", "the", "story"}));
  EXPECT_EQ(tokenize("PRIORITISING, prioritized; Prioritize"),
            (Tokens{"prioritiz", "prioritiz", "prioritiz"}));
  EXPECT_EQ(tokenize("stand-up isn't done"), (Tokens{"stand", "up", "isn", "don"}));
}

TEST(Tokenize, DropsMarkupQuotesCodeEmojiAndUrls) {
  EXPECT_EQ(tokenize("<@U1|ana> <#C1|pricing> who owns <https://x.y|the roadmap>?"),
            (Tokens{"who", "own", "the", "roadmap"}));
  EXPECT_EQ(tokenize("> pricing is wrong\n&gt; also this\nwho owns AC"),
            (Tokens{"who", "own", "ac"}));
  EXPECT_EQ(tokenize("```\nbacklog sprint\n```\nsee `csv_export` :tada: https://x.y/z ok"),
            (Tokens{"see", "csv", "export", "ok"}));
  EXPECT_EQ(tokenize("<at>RoleCall</at>&nbsp;who&#39;s on it"), (Tokens{"who", "on", "it"}));
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
    EXPECT_NO_THROW({
      (void)tokenize(s);
      (void)strip_markup(s);
      (void)strip_markup(s, {.drop_mentions = true});
      (void)strip_bot_mention(s, "U1");
    });
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
