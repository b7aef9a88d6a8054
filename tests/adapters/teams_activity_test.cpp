#include "adapters/teams/teams_activity.hpp"

#include <gtest/gtest.h>

#include "tests/adapters/teams_test_support.hpp"

namespace rolecall {
namespace {

using teams_test::read_fixture;

TEST(TeamsActivity, ParsesTheCurrentShapeFixture) {
  const auto r = parse_teams_activity(read_fixture("outgoing-webhook-request.json"));
  ASSERT_TRUE(r.ok()) << to_string(r.error);
  const TeamsActivity& a = *r.activity;
  EXPECT_EQ(a.id, "1718112233445");
  EXPECT_EQ(a.type, "message");
  EXPECT_EQ(a.text, "<at>OwnerBot</at> who owns the pricing-page copy: PM or PO?");
  EXPECT_EQ(a.clean_text, "who owns the pricing-page copy: PM or PO?");
  EXPECT_EQ(a.from_id, "29:1Zk3example-user-id-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789");
  EXPECT_EQ(a.from_name, "Zo\xc3\xab Example");
  EXPECT_EQ(a.from_aad, "00000000-0000-4000-8000-000000000001");
  EXPECT_EQ(a.conversation_id,
            "19:5f2c8e0a41b94c0d9e3f7a6b1c2d3e4f@thread.tacv2;messageid=1718112233445");
  EXPECT_EQ(a.thread_root_id, "1718112233445");
  EXPECT_TRUE(teams_thread_root(a).empty()) << "a new post names itself: no thread to reply in";
  EXPECT_EQ(a.channel_id, "19:5f2c8e0a41b94c0d9e3f7a6b1c2d3e4f@thread.tacv2");
  EXPECT_EQ(a.team_id, "19:0a1b2c3d4e5f40718293a4b5c6d7e8f9@thread.tacv2");
  EXPECT_EQ(a.tenant_id, "00000000-0000-4000-8000-0000000000aa");
  EXPECT_EQ(a.service_url, "https://smba.trafficmanager.net/emea/");
  ASSERT_EQ(a.mentions.size(), 1u);  // the clientInfo entity is not a mention
  EXPECT_EQ(a.mentions[0].id, "28:00000000-0000-4000-8000-0000000000bb");
  EXPECT_EQ(a.mentions[0].name, "OwnerBot");
  EXPECT_EQ(a.mentions[0].text, "<at>OwnerBot</at>");
}

TEST(TeamsActivity, ParsesTheDocs2017Example) {
  const auto r = parse_teams_activity(read_fixture("outgoing-webhook-request.docs-2017.json"));
  ASSERT_TRUE(r.ok()) << to_string(r.error);
  const TeamsActivity& a = *r.activity;
  EXPECT_EQ(a.id, "1485983408511");
  EXPECT_TRUE(a.from_aad.empty());
  EXPECT_EQ(a.from_name, "Tim Jones");
  // Old shape: only teamsChannelId / teamsTeamId, no tenant.
  EXPECT_EQ(a.channel_id, "19:253b1f341670408fb6fe51050b6e5ceb@thread.skype");
  EXPECT_EQ(a.team_id, "19:712c61d0ef384e5fa681ba90ca943398@thread.skype");
  EXPECT_TRUE(a.tenant_id.empty());
  EXPECT_EQ(a.thread_root_id, "1485983194839");
  EXPECT_EQ(teams_thread_root(a), "1485983194839");  // a reply in that message's thread
  ASSERT_EQ(a.mentions.size(), 2u);
  EXPECT_EQ(a.mentions[1].name, "Larry Brown");
  // The text names "MyCustomBot" but the 28: entity says "MyWebHook" (the
  // docs' own inconsistency): the first tag is the webhook's; Larry stays.
  EXPECT_EQ(a.clean_text, "Hello Larry Brown");
}

TEST(TeamsActivity, ConfiguredBotNameWinsOverPosition) {
  const std::vector<TeamsMention> none;
  EXPECT_EQ(clean_teams_text("who owns X, <at>Alex</at> or <at>rolecall</at>?", none, "RoleCall"),
            "who owns X, Alex or ?");
  // Without a configured name the first tag is taken as the webhook's.
  EXPECT_EQ(clean_teams_text("<at>rolecall</at> who owns X, <at>Alex</at> or <at>Sam</at>?", none),
            "who owns X, Alex or Sam?");
}

TEST(TeamsActivity, WebhookEntityWithTwentyEightIdIsStrippedWherever) {
  const std::vector<TeamsMention> mentions = {
      {"29:alex", "Alex", "<at>Alex</at>"},
      {"28:bot", "rolecall", "<at>rolecall</at>"},
  };
  EXPECT_EQ(clean_teams_text("<at>Alex</at> asked: <at>rolecall</at> who owns pricing?", mentions),
            "Alex asked: who owns pricing?");
}

TEST(TeamsActivity, StripsEveryOccurrenceOfTheWebhookTag) {
  const std::vector<TeamsMention> mentions = {{"28:bot", "OwnerBot", "<at>OwnerBot</at>"}};
  EXPECT_EQ(clean_teams_text("<at>OwnerBot</at> help <at>OwnerBot</at>", mentions), "help");
}

TEST(TeamsActivity, DropsAddressingPunctuation) {
  const std::vector<TeamsMention> none;
  EXPECT_EQ(clean_teams_text("<at>rolecall</at>, help", none), "help");
  EXPECT_EQ(clean_teams_text("<at>rolecall</at>: decision ship it", none), "decision ship it");
}

TEST(TeamsActivity, TagsWithAttributesAndOddCase) {
  const std::vector<TeamsMention> none;
  EXPECT_EQ(clean_teams_text("<AT id=\"0\">Bot</AT> ask <at id=\"1\">Sam</at>", none), "ask Sam");
  // Teams text is HTML: "<b less than b>" is a <b> tag with attributes
  // (a typed "<" arrives as &lt;), so it goes; an unknown tag stays text.
  EXPECT_EQ(clean_teams_text("<at>Bot</at> is a<b less than b>", none), "is a");
  EXPECT_EQ(clean_teams_text("<at>Bot</at> is a<q less than b>", none), "is a<q less than b>");
  // Unclosed tag: left alone.
  EXPECT_EQ(clean_teams_text("<at>Bot who owns it", none), "<at>Bot who owns it");
}

TEST(TeamsActivity, DecodesEntitiesAndCollapsesWhitespace) {
  const std::vector<TeamsMention> none;
  EXPECT_EQ(clean_teams_text("<at>Bot</at>&nbsp;who&nbsp;owns&nbsp;&quot;R&amp;D&quot;?\n\n  "
                             "&lt;tbd&gt; it&#39;s &#x2013; &#8220;ok&#8221;&#160;",
                             none),
            "who owns \"R&D\"? <tbd> it's \xe2\x80\x93 \xe2\x80\x9cok\xe2\x80\x9d");
}

TEST(TeamsActivity, EncodedTagsAreNotMentions) {
  // &lt;at&gt; decodes after tag stripping, so it stays literal text.
  const std::vector<TeamsMention> none;
  EXPECT_EQ(clean_teams_text("<at>Bot</at> what is &lt;at&gt;x&lt;/at&gt;", none),
            "what is <at>x</at>");
}

TEST(TeamsActivity, HtmlIsTranslatedForPeopleAndForTheClassifier) {
  const std::vector<TeamsMention> none;
  const std::string html =
      "<p><at>rolecall</at> can we pull <b>SSO</b> in, <at>Ana Lee</at>?</p><p>&gt; quote</p>";
  EXPECT_EQ(clean_teams_text(html, none), "can we pull SSO in, Ana Lee? > quote");
  EXPECT_EQ(clean_teams_text(html, none, {}, PlainTextUse::classifier),
            "  can we pull  SSO  in, ,?\n> quote\n");
  // A command in a formatted message is still a command.
  EXPECT_EQ(clean_teams_text("<p><at>rolecall</at> decision ship it</p>", none),
            "decision ship it");
}

TEST(TeamsActivity, EntityDecoderKeepsWhatItDoesNotKnow) {
  EXPECT_EQ(decode_html_entities("a & b &bogus; &#; &#xZZ; &#0; &#xD800; &amp"),
            "a & b &bogus; &#; &#xZZ; &#0; &#xD800; &amp");
  EXPECT_EQ(decode_html_entities("&#128640;&#x1F680;"), "\xf0\x9f\x9a\x80\xf0\x9f\x9a\x80");
  EXPECT_EQ(decode_html_entities("&apos;&gt;&lt;"), "'><");
}

TEST(TeamsActivity, ErrorValues) {
  EXPECT_EQ(parse_teams_activity("").error, TeamsActivityError::malformed_json);
  EXPECT_EQ(parse_teams_activity("{\"type\":").error, TeamsActivityError::malformed_json);
  EXPECT_EQ(parse_teams_activity("[1,2]").error, TeamsActivityError::not_an_object);
  EXPECT_EQ(parse_teams_activity("\"message\"").error, TeamsActivityError::not_an_object);
  EXPECT_EQ(parse_teams_activity(R"({"type":"message"})").error, TeamsActivityError::missing_text);
  EXPECT_EQ(parse_teams_activity(R"({"type":"message","text":42})").error,
            TeamsActivityError::missing_text);
  EXPECT_EQ(parse_teams_activity(R"({"type":"conversationUpdate","text":"x"})").error,
            TeamsActivityError::not_a_message);
  EXPECT_EQ(parse_teams_activity(R"({"text":"x"})").error, TeamsActivityError::not_a_message);
  const auto bad = parse_teams_activity("{]");
  EXPECT_FALSE(bad.ok());
  EXPECT_FALSE(bad.activity.has_value());
  EXPECT_EQ(to_string(bad.error), "malformed_json");
}

TEST(TeamsActivity, WrongTypedFieldsAreIgnoredNotFatal) {
  const auto r = parse_teams_activity(
      R"({"type":"message","text":"<at>Bot</at> hi","id":12345,"from":"nobody",)"
      R"("conversation":{"id":true},"channelData":[],"entities":[{"type":"mention"},5,"x"]})");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.activity->id, "12345");
  EXPECT_TRUE(r.activity->from_id.empty());
  EXPECT_TRUE(r.activity->conversation_id.empty());
  EXPECT_TRUE(r.activity->channel_id.empty());
  ASSERT_EQ(r.activity->mentions.size(), 1u);
  EXPECT_TRUE(r.activity->mentions[0].id.empty());
  EXPECT_EQ(r.activity->clean_text, "hi");
}

TEST(TeamsActivity, DeeplyNestedGarbageIsAValue) {
  const std::string deep(100000, '[');
  EXPECT_EQ(parse_teams_activity(deep).error, TeamsActivityError::malformed_json);
  std::string nested = std::string(20000, '[') + std::string(20000, ']');
  EXPECT_EQ(parse_teams_activity(nested).error, TeamsActivityError::not_an_object);
}

}  // namespace
}  // namespace rolecall
