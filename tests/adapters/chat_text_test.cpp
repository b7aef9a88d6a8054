#include "adapters/chat_text.hpp"

#include <gtest/gtest.h>

namespace rolecall {
namespace {

TEST(ChatText, DetectsSlackSpansElseTeams) {
  EXPECT_EQ(detect_chat_markup("<@U1> who owns pricing?"), ChatMarkup::slack);
  EXPECT_EQ(detect_chat_markup("see <#C1|pricing>"), ChatMarkup::slack);
  EXPECT_EQ(detect_chat_markup("<!here> hi"), ChatMarkup::slack);
  EXPECT_EQ(detect_chat_markup("read <https://x.example|this>"), ChatMarkup::slack);
  EXPECT_EQ(detect_chat_markup("<at>Bot</at> who owns pricing?"), ChatMarkup::teams);
  EXPECT_EQ(detect_chat_markup("<p>it&#39;s mine</p>"), ChatMarkup::teams);
  EXPECT_EQ(detect_chat_markup("plain a < b"), ChatMarkup::teams);
  EXPECT_EQ(detect_chat_markup("trailing <"), ChatMarkup::teams);
}

TEST(ChatText, TranslatesByTheDetectedPlatform) {
  constexpr auto c = PlainTextUse::classifier;
  EXPECT_EQ(chat_text_to_plain("<@U1|ana> can we fix it?", c), ", can we fix it?");
  EXPECT_EQ(chat_text_to_plain("<at>Ana</at> can we fix it?", c), ", can we fix it?");
  EXPECT_EQ(chat_text_to_plain("<p>R&amp;D&#39;s</p>", c), "R&D's\n");
  EXPECT_EQ(chat_text_to_plain("plain text stays", c), "plain text stays");
  // A named platform wins over detection.
  EXPECT_EQ(chat_text_to_plain("it&#39;s", ChatMarkup::slack, c), "it&#39;s");
  EXPECT_EQ(chat_text_to_plain("it&#39;s", ChatMarkup::teams, c), "it's");
  EXPECT_EQ(chat_markup_from_string("teams"), ChatMarkup::teams);
  EXPECT_EQ(chat_markup_from_string("Slack"), std::nullopt);
}

}  // namespace
}  // namespace rolecall
