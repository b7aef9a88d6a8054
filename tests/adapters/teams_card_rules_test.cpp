#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "adapters/teams/card_rules.hpp"
#include "tests/adapters/teams_test_support.hpp"

namespace rolecall {
namespace {

using nlohmann::json;
using teams_test::read_fixture;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

json fixture(const std::string& name) { return json::parse(read_fixture(name)); }

json card_with(json body) {
  return json{{"type", "AdaptiveCard"}, {"version", "1.4"}, {"body", std::move(body)}};
}

std::string joined(const std::vector<std::string>& problems) {
  std::string out;
  for (const auto& p : problems) out += p + "\n";
  return out;
}

TEST(TeamsCardRules, FixtureCardsPass) {
  EXPECT_THAT(
      check_teams_message(fixture("workflows-post.digest-card.json"), TeamsSurface::workflows),
      IsEmpty());
  EXPECT_THAT(check_teams_message(fixture("card-with-mention.json"), TeamsSurface::workflows),
              IsEmpty());
  EXPECT_THAT(check_teams_message(fixture("outgoing-webhook-reply.adaptive-card.json"),
                                  TeamsSurface::outgoing_reply),
              IsEmpty());
  EXPECT_THAT(check_teams_message(fixture("outgoing-webhook-reply.text.json"),
                                  TeamsSurface::outgoing_reply),
              IsEmpty());
  const json digest = fixture("workflows-post.digest-card.json");
  EXPECT_THAT(check_adaptive_card_1_4(digest["attachments"][0]["content"]), IsEmpty());
}

TEST(TeamsCardRules, LegacyMessageCardIsNotAWorkflowsPayload) {
  const auto problems =
      check_teams_message(fixture("legacy-connector.messagecard.json"), TeamsSurface::workflows);
  EXPECT_FALSE(problems.empty());
  EXPECT_THAT(joined(problems), HasSubstr("attachments"));
  // A text-only reply is fine for an outgoing webhook but not for Workflows.
  EXPECT_FALSE(
      check_teams_message(fixture("outgoing-webhook-reply.text.json"), TeamsSurface::workflows)
          .empty());
}

TEST(TeamsCardRules, TableIsRejected) {
  json digest = fixture("workflows-post.digest-card.json");
  digest["attachments"][0]["content"]["body"].push_back(
      {{"type", "Table"},
       {"columns", json::array({{{"width", 1}}})},
       {"rows", json::array({{{"type", "TableRow"}, {"cells", json::array()}}})}});
  const auto problems = check_teams_message(digest);
  ASSERT_EQ(problems.size(), 1u) << joined(problems);
  EXPECT_THAT(problems[0], HasSubstr("'Table' is not allowed"));
  EXPECT_THAT(problems[0], HasSubstr("body[5]"));
}

TEST(TeamsCardRules, VersionMustBeOnePointFour) {
  json card = card_with(json::array({{{"type", "TextBlock"}, {"text", "hi"}}}));
  EXPECT_THAT(check_adaptive_card_1_4(card), IsEmpty());
  card["version"] = "1.5";
  EXPECT_THAT(joined(check_adaptive_card_1_4(card)), HasSubstr("card.version"));
  card["version"] = 1.4;
  EXPECT_THAT(joined(check_adaptive_card_1_4(card)), HasSubstr("card.version"));
  card.erase("version");
  EXPECT_THAT(joined(check_adaptive_card_1_4(card)), HasSubstr("card.version"));
  card["version"] = "1.4";
  card["type"] = "MessageCard";
  EXPECT_THAT(joined(check_adaptive_card_1_4(card)), HasSubstr("card.type"));
  card["type"] = "AdaptiveCard";
  card["$schema"] = 5;
  EXPECT_THAT(joined(check_adaptive_card_1_4(card)), HasSubstr("$schema"));
}

TEST(TeamsCardRules, RequiredFieldsOfElements) {
  const auto problems_of = [](json element) {
    return joined(check_adaptive_card_1_4(card_with(json::array({std::move(element)}))));
  };
  EXPECT_THAT(problems_of({{"type", "TextBlock"}}), HasSubstr("body[0].text"));
  EXPECT_THAT(problems_of({{"type", "TextBlock"}, {"text", 3}}), HasSubstr("body[0].text"));
  EXPECT_THAT(problems_of({{"type", "FactSet"}}), HasSubstr("body[0].facts"));
  EXPECT_THAT(problems_of({{"type", "FactSet"}, {"facts", {{{"title", "a"}, {"value", 1}}}}}),
              HasSubstr("body[0].facts[0].value"));
  EXPECT_THAT(problems_of({{"type", "Container"}}), HasSubstr("body[0].items"));
  EXPECT_THAT(
      problems_of({{"type", "Container"}, {"items", {{{"type", "Input.Text"}, {"id", "x"}}}}}),
      HasSubstr("body[0].items[0]: element type 'Input.Text'"));
  EXPECT_THAT(problems_of({{"type", "ColumnSet"}, {"columns", {{{"type", "Column"}}}}}),
              HasSubstr("body[0].columns[0].items"));
  EXPECT_THAT(
      problems_of({{"type", "ColumnSet"},
                   {"columns", {{{"type", "Column"}, {"items", {{{"type", "TextBlock"}}}}}}}}),
      HasSubstr("body[0].columns[0].items[0].text"));
  EXPECT_THAT(problems_of({{"type", "Image"}}), HasSubstr("body[0].url"));
  EXPECT_THAT(problems_of({{"type", "ImageSet"}, {"images", {{{"type", "Image"}}}}}),
              HasSubstr("body[0].images[0].url"));
  EXPECT_THAT(problems_of({{"type", "RichTextBlock"}, {"inlines", {{{"type", "TextRun"}}}}}),
              HasSubstr("body[0].inlines[0].text"));
  EXPECT_THAT(problems_of({{"text", "no type"}}), HasSubstr("body[0].type"));
  EXPECT_THAT(problems_of(json("just a string")), HasSubstr("body[0]"));
  EXPECT_THAT(problems_of({{"type", "Media"}, {"sources", json::array()}}), HasSubstr("'Media'"));
  // Allowed elements with their required fields pass.
  EXPECT_THAT(check_adaptive_card_1_4(card_with(json::array(
                  {{{"type", "RichTextBlock"},
                    {"inlines", {"plain", {{"type", "TextRun"}, {"text", "run"}}}}},
                   {{"type", "Image"}, {"url", "https://example.invalid/a.png"}},
                   {{"type", "ImageSet"},
                    {"images", {{{"type", "Image"}, {"url", "https://example.invalid/b.png"}}}}},
                   {{"type", "ColumnSet"}, {"columns", json::array()}}}))),
              IsEmpty());
}

TEST(TeamsCardRules, OnlyOpenUrlActions) {
  json card = card_with(json::array({{{"type", "TextBlock"}, {"text", "hi"}}}));
  card["actions"] = {{{"type", "Action.OpenUrl"}, {"title", "x"}, {"url", "https://a.invalid/"}}};
  EXPECT_THAT(check_adaptive_card_1_4(card), IsEmpty());

  card["actions"] = {{{"type", "Action.Submit"}, {"title", "Ack"}, {"data", {{"x", 1}}}}};
  EXPECT_THAT(joined(check_adaptive_card_1_4(card)), HasSubstr("'Action.Submit' is not supported"));
  card["actions"] = {{{"type", "Action.OpenUrl"}, {"title", "x"}}};
  EXPECT_THAT(joined(check_adaptive_card_1_4(card)), HasSubstr("actions[0].url"));
  card["actions"] = {{{"type", "Action.OpenUrl"}, {"title", "x"}, {"url", "javascript:alert(1)"}}};
  EXPECT_THAT(joined(check_adaptive_card_1_4(card)), HasSubstr("actions[0].url"));
  card.erase("actions");
  card["body"].push_back({{"type", "ActionSet"}, {"actions", {{{"type", "Action.Execute"}}}}});
  EXPECT_THAT(joined(check_adaptive_card_1_4(card)), HasSubstr("body[1].actions[0]"));
  card["body"][1] = {{"type", "Container"},
                     {"items", json::array()},
                     {"selectAction", {{"type", "Action.ToggleVisibility"}}}};
  EXPECT_THAT(joined(check_adaptive_card_1_4(card)), HasSubstr("body[1].selectAction"));
}

TEST(TeamsCardRules, MentionsMustBeWellFormedAndShown) {
  json msg = fixture("card-with-mention.json");
  json& card = msg["attachments"][0]["content"];
  EXPECT_THAT(check_adaptive_card_1_4(card), IsEmpty());

  json bad = card;
  bad["msteams"]["entities"][0]["mentioned"].erase("id");
  EXPECT_THAT(joined(check_adaptive_card_1_4(bad)), HasSubstr("mentioned.id"));

  bad = card;
  bad["msteams"]["entities"][0]["text"] = "Alex Example";
  EXPECT_THAT(joined(check_adaptive_card_1_4(bad)), HasSubstr("<at>Name</at>"));

  bad = card;
  bad["msteams"]["entities"].push_back(
      {{"type", "mention"},
       {"text", "<at>Sam Example</at>"},
       {"mentioned", {{"id", "29:sam"}, {"name", "Sam Example"}}}});
  EXPECT_THAT(joined(check_adaptive_card_1_4(bad)),
              HasSubstr("<at>Sam Example</at> does not appear"));

  // A tag in the text without its entity would show raw markup.
  bad = card;
  bad.erase("msteams");
  EXPECT_THAT(joined(check_adaptive_card_1_4(bad)),
              HasSubstr("no mention entity for <at>Alex Example</at>"));
  // ... unless it is escaped.
  bad["body"][0]["text"] = "\\<at>Alex Example\\</at> typed this";
  bad["body"][1]["facts"][0]["value"] = "Alex Example";
  EXPECT_THAT(check_adaptive_card_1_4(bad), IsEmpty());

  bad = card;
  bad["msteams"]["entities"][0]["type"] = "channel";
  EXPECT_THAT(joined(check_adaptive_card_1_4(bad)), HasSubstr("\"mention\""));
}

TEST(TeamsCardRules, SizeLimitCountsCompactUtf8Bytes) {
  json msg = fixture("workflows-post.digest-card.json");
  // Multi-byte text: 3 bytes per character.
  std::string big;
  while (big.size() < kTeamsMaxMessageBytes) big += "\xe2\x80\x93";
  msg["attachments"][0]["content"]["body"].push_back({{"type", "TextBlock"}, {"text", big}});
  const auto problems = check_teams_message(msg);
  ASSERT_FALSE(problems.empty());
  EXPECT_THAT(joined(problems), HasSubstr("bytes; must stay under 28672"));

  EXPECT_EQ(teams_message_bytes(json{{"a", "\xc3\xab"}}),
            std::string("{\"a\":\"\xc3\xab\"}").size());
  // Invalid UTF-8 does not throw; it is replaced.
  EXPECT_NO_THROW(teams_compact_json(json{{"a", std::string("\xff\xfe")}}));
}

TEST(TeamsCardRules, EnvelopeShape) {
  json msg = fixture("card-with-mention.json");
  msg["type"] = "note";
  EXPECT_THAT(joined(check_teams_message(msg)), HasSubstr("message.type"));
  msg = fixture("card-with-mention.json");
  msg["attachments"][0]["contentType"] = "application/vnd.microsoft.card.hero";
  EXPECT_THAT(joined(check_teams_message(msg)), HasSubstr("contentType"));
  msg = fixture("card-with-mention.json");
  msg["attachments"] = json::array();
  EXPECT_THAT(joined(check_teams_message(msg)), HasSubstr("non-empty"));
  msg = fixture("card-with-mention.json");
  msg["attachments"][0]["content"]["body"][0].erase("text");
  EXPECT_THAT(joined(check_teams_message(msg)),
              HasSubstr("message.attachments[0].content.body[0].text"));
  EXPECT_FALSE(check_teams_message(json::array()).empty());
}

}  // namespace
}  // namespace rolecall
