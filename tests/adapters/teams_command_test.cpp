#include "adapters/teams/teams_command.hpp"

#include <gtest/gtest.h>

namespace rolecall {
namespace {

TeamsCommandKind kind_of(std::string_view text) { return parse_teams_command(text).kind; }

TEST(TeamsCommand, Help) {
  EXPECT_EQ(kind_of(""), TeamsCommandKind::help);
  EXPECT_EQ(kind_of("   "), TeamsCommandKind::help);
  EXPECT_EQ(kind_of("help"), TeamsCommandKind::help);
  EXPECT_EQ(kind_of("HELP!"), TeamsCommandKind::help);
  EXPECT_EQ(kind_of(", help"), TeamsCommandKind::help);
  EXPECT_EQ(kind_of("?"), TeamsCommandKind::help);
  EXPECT_EQ(kind_of("--"), TeamsCommandKind::help);
  // "help" inside a sentence is a question for the classifier.
  EXPECT_EQ(kind_of("help me find who owns pricing"), TeamsCommandKind::message);
}

TEST(TeamsCommand, Decision) {
  auto c = parse_teams_command("decision We ship the CSV export in Q3");
  EXPECT_EQ(c.kind, TeamsCommandKind::decision);
  EXPECT_EQ(c.text, "We ship the CSV export in Q3");

  c = parse_teams_command("Decision: drop the legacy plan.");
  EXPECT_EQ(c.kind, TeamsCommandKind::decision);
  EXPECT_EQ(c.text, "drop the legacy plan.");

  c = parse_teams_command(": DECISION - pricing page owned by PO");
  EXPECT_EQ(c.kind, TeamsCommandKind::decision);
  EXPECT_EQ(c.text, "pricing page owned by PO");

  c = parse_teams_command("decided: annual plans get 2 months free");
  EXPECT_EQ(c.kind, TeamsCommandKind::decision);
  EXPECT_EQ(c.text, "annual plans get 2 months free");

  c = parse_teams_command("decision");
  EXPECT_EQ(c.kind, TeamsCommandKind::decision);
  EXPECT_EQ(c.text, "");
}

TEST(TeamsCommand, QuestionsThatStartWithDecisionWordsAreMessages) {
  auto c = parse_teams_command("decision rights for pricing: PM or PO?");
  EXPECT_EQ(c.kind, TeamsCommandKind::message);
  EXPECT_EQ(c.text, "decision rights for pricing: PM or PO?");
  EXPECT_EQ(kind_of("decide who owns the sprint goal"), TeamsCommandKind::message);
}

TEST(TeamsCommand, DecisionsList) {
  auto c = parse_teams_command("decisions");
  EXPECT_EQ(c.kind, TeamsCommandKind::decisions);
  EXPECT_EQ(c.text, "");
  c = parse_teams_command("Decisions list");
  EXPECT_EQ(c.kind, TeamsCommandKind::decisions);
  EXPECT_EQ(c.text, "");
  c = parse_teams_command("list decisions");
  EXPECT_EQ(c.kind, TeamsCommandKind::decisions);
  EXPECT_EQ(c.text, "");
  c = parse_teams_command("decisions pricing");
  EXPECT_EQ(c.kind, TeamsCommandKind::decisions);
  EXPECT_EQ(c.text, "pricing");
}

TEST(TeamsCommand, Reassign) {
  auto c = parse_teams_command("reassign");
  EXPECT_EQ(c.kind, TeamsCommandKind::reassign);
  EXPECT_FALSE(c.reassign_to.has_value());
  EXPECT_FALSE(c.routing_id.has_value());

  c = parse_teams_command("Reassign to PO");
  EXPECT_EQ(c.kind, TeamsCommandKind::reassign);
  EXPECT_EQ(c.reassign_to, Role::product_owner);

  c = parse_teams_command("reassign #42 to the product manager");
  EXPECT_EQ(c.kind, TeamsCommandKind::reassign);
  EXPECT_EQ(c.reassign_to, Role::product_manager);
  EXPECT_EQ(c.routing_id, 42);

  c = parse_teams_command("- reassign to pm 7.");
  EXPECT_EQ(c.kind, TeamsCommandKind::reassign);
  EXPECT_EQ(c.reassign_to, Role::product_manager);
  EXPECT_EQ(c.routing_id, 7);

  // Not a command: names a person or a thing.
  c = parse_teams_command("reassign the login bug to Sam");
  EXPECT_EQ(c.kind, TeamsCommandKind::message);
  EXPECT_EQ(c.text, "reassign the login bug to Sam");
  EXPECT_EQ(kind_of("reassign #1 #2"), TeamsCommandKind::message);
}

TEST(TeamsCommand, Ack) {
  EXPECT_EQ(kind_of("ack"), TeamsCommandKind::ack);
  EXPECT_EQ(kind_of("Acknowledge"), TeamsCommandKind::ack);
  EXPECT_EQ(kind_of("acknowledged!"), TeamsCommandKind::ack);
  const auto c = parse_teams_command("ack #12");
  EXPECT_EQ(c.kind, TeamsCommandKind::ack);
  EXPECT_EQ(c.routing_id, 12);
  EXPECT_FALSE(c.reassign_to.has_value());
  EXPECT_EQ(kind_of("ack to po"), TeamsCommandKind::message);  // roles only for reassign
  EXPECT_EQ(kind_of("ack #0"), TeamsCommandKind::message);
}

TEST(TeamsCommand, Dismiss) {
  EXPECT_EQ(kind_of("dismiss"), TeamsCommandKind::dismiss);
  EXPECT_EQ(kind_of("Not a request."), TeamsCommandKind::dismiss);
  auto c = parse_teams_command("not a request #99");
  EXPECT_EQ(c.kind, TeamsCommandKind::dismiss);
  EXPECT_EQ(c.routing_id, 99);
  c = parse_teams_command("dismiss 5");
  EXPECT_EQ(c.kind, TeamsCommandKind::dismiss);
  EXPECT_EQ(c.routing_id, 5);
  EXPECT_EQ(kind_of("not a request, but who owns pricing?"), TeamsCommandKind::message);
}

TEST(TeamsCommand, MessagesKeepTheirText) {
  const auto c = parse_teams_command("  who owns the pricing-page copy: PM or PO?  ");
  EXPECT_EQ(c.kind, TeamsCommandKind::message);
  EXPECT_EQ(c.text, "who owns the pricing-page copy: PM or PO?");
  EXPECT_EQ(kind_of("can we pull the login bug into this sprint?"), TeamsCommandKind::message);
}

TEST(TeamsCommand, KindNames) {
  EXPECT_EQ(to_string(TeamsCommandKind::reassign), "reassign");
  EXPECT_EQ(to_string(TeamsCommandKind::message), "message");
}

}  // namespace
}  // namespace rolecall
