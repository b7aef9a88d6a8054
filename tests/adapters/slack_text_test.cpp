#include "adapters/slack/slack_text.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "core/normalizer.hpp"

namespace rolecall {
namespace {

TEST(SlackText, ForTheClassifierMentionsChannelsAndLinksAreClauseBreaks) {
  constexpr auto c = PlainTextUse::classifier;
  EXPECT_EQ(slack_to_plain("<@U123|ana> who owns pricing?", c), ", who owns pricing?");
  EXPECT_EQ(slack_to_plain("hey <@U1> and <#C1|general> <!here>", c), "hey , and , ,");
  EXPECT_EQ(slack_to_plain("due <!date^1392734382^{date_short}|Feb 18, 2014>", c), "due ,");
  EXPECT_EQ(slack_to_plain("read <https://w.example/x|the pricing doc> first", c),
            "read ,the pricing doc, first");
  EXPECT_EQ(slack_to_plain("read <https://w.example/x> or <mailto:a@b.c>", c), "read , or ,");
  // Entities are Slack's three, decoded after the spans, once.
  EXPECT_EQ(slack_to_plain("R&amp;D &lt;3\n&gt; quoted &lt;@U1&gt;", c), "R&D <3\n> quoted <@U1>");
  EXPECT_EQ(slack_to_plain("*bold* `code` :tada:", c), "*bold* `code` :tada:");
}

TEST(SlackText, TypedMarkupIsReadOnceAndStaysText) {
  // A Slack user typing "<at>pricing</at>" or "<@U1>" sends them escaped.
  // The adapter unescapes them once; the core, which no longer reads markup,
  // keeps the word (it used to take the unescaped "<at>…</at>" for a Teams
  // mention and drop "pricing").
  const std::string typed = "who owns &lt;at&gt;pricing&lt;/at&gt;?";
  EXPECT_EQ(slack_to_plain(typed, PlainTextUse::classifier), "who owns <at>pricing</at>?");
  const auto tokens = tokenize(slack_to_plain(typed, PlainTextUse::classifier));
  EXPECT_NE(std::find(tokens.begin(), tokens.end(), tokenize("pricing").at(0)), tokens.end());
}

TEST(SlackText, MentionsChannelsLinksAndSpecials) {
  EXPECT_EQ(slack_to_plain("hi <@U1|ana> and <@U2>"), "hi @ana and @U2");
  EXPECT_EQ(slack_to_plain("see <#C1|general> or <#C2>"), "see #general or #C2");
  EXPECT_EQ(slack_to_plain("<https://a.example|the doc> and <https://b.example>"),
            "the doc and https://b.example");
  EXPECT_EQ(slack_to_plain("<mailto:x@y.z|x@y.z>"), "x@y.z");
  EXPECT_EQ(slack_to_plain("<!here> <!channel> <!everyone>"), "@here @channel @everyone");
  EXPECT_EQ(slack_to_plain("<!subteam^S1|@devs> ping"), "@devs ping");
  EXPECT_EQ(slack_to_plain("<!subteam^S1>"), "@subteam");
  EXPECT_EQ(slack_to_plain("<!date^1392734382^{date_short}|Feb 18>"), "Feb 18");
}

TEST(SlackText, EntitiesAreUnescapedAfterSpans) {
  EXPECT_EQ(slack_to_plain("a &amp; b &lt;c&gt;"), "a & b <c>");
  // An escaped span is literal text, not a mention.
  EXPECT_EQ(slack_to_plain("&lt;@U1&gt;"), "<@U1>");
  // Double escaping is undone once only.
  EXPECT_EQ(slack_to_plain("&amp;lt;"), "&lt;");
  EXPECT_EQ(slack_to_plain("<https://x.example?a=1&amp;b=2|Q&amp;A>"), "Q&A");
  EXPECT_EQ(slack_to_plain("&quot; &#39; &"), "&quot; &#39; &");
}

TEST(SlackText, UnterminatedSpansAndEdgeCases) {
  EXPECT_EQ(slack_to_plain(""), "");
  EXPECT_EQ(slack_to_plain("a < b"), "a < b");
  EXPECT_EQ(slack_to_plain("<@U1"), "<@U1");
  EXPECT_EQ(slack_to_plain("<>"), "");
  EXPECT_EQ(slack_to_plain("<@U1|>"), "@U1");
  EXPECT_EQ(slack_to_plain("x <@U1|@ana> y"), "x @ana y");
  EXPECT_EQ(slack_to_plain("café ✓"), "café ✓");
}

TEST(SlackText, StripLeadingMention) {
  EXPECT_EQ(strip_leading_mention("<@U111> hey", "U111"), "hey");
  EXPECT_EQ(strip_leading_mention("  <@U111|rolecall>: who owns pricing?", "U111"),
            "who owns pricing?");
  EXPECT_EQ(strip_leading_mention("<@U111>, hi", "U111"), "hi");
  EXPECT_EQ(strip_leading_mention("<@U111>", "U111"), "");
  EXPECT_EQ(strip_leading_mention("hey <@U111>", "U111"), "hey <@U111>");
  EXPECT_EQ(strip_leading_mention("<@U1112> hey", "U111"), "<@U1112> hey");
  EXPECT_EQ(strip_leading_mention("<@U222> hey", "U111"), "<@U222> hey");
  EXPECT_EQ(strip_leading_mention("<@U111> hey", ""), "<@U111> hey");
  EXPECT_EQ(strip_leading_mention("<@U111|unterminated", "U111"), "<@U111|unterminated");
}

TEST(SlackText, MrkdwnEscape) {
  EXPECT_EQ(mrkdwn_escape("a & b < c > d"), "a &amp; b &lt; c &gt; d");
  EXPECT_EQ(mrkdwn_escape("&lt;"), "&amp;lt;");
  EXPECT_EQ(mrkdwn_escape("it's \"*bold*\""), "it's \"*bold*\"");
  EXPECT_EQ(mrkdwn_escape("<!channel>"), "&lt;!channel&gt;");
  // Round trip through the inbound decoder.
  EXPECT_EQ(slack_to_plain(mrkdwn_escape("<@U1> & <!here>")), "<@U1> & <!here>");
}

}  // namespace
}  // namespace rolecall
