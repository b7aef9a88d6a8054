#pragma once
// The assistant: what rolecall does with one chat message, the same for every
// platform (Slack, Teams, the console). Adapters parse and render; this class
// classifies, answers or routes, and records everything in the store. It
// sends nothing itself: callers render the returned values and reply or
// enqueue outbox rows.
//
// Thread safety: all methods may be called concurrently.
// Errors: StoreError propagates (the caller answers 500/503 and logs).

#include <optional>
#include <string>
#include <vector>

#include "core/answer.hpp"
#include "core/routing.hpp"
#include "daemon/knowledge.hpp"
#include "storage/store.hpp"

namespace rolecall {

class Metrics;

struct InboundMessage {
  std::string platform;  // "slack" | "teams" | "console"
  const Team* team = nullptr;
  std::string channel;
  std::string author;      // platform user id
  std::string text;        // markup already stripped
  std::string message_id;  // Slack ts / Teams activity id
  std::string link;
  bool route_requests = false;   // intake channel, Teams mention, console
  bool answer_questions = true;  // direct mention / DM / slash command
};

struct AssistantReply {
  enum class Kind { nothing, answer, routed, clarification };
  Kind kind = Kind::nothing;
  Classification classification;
  Answer answer;            // kind answer (and always filled when a topic matched)
  RoutingDecision routing;  // kind routed / clarification
  std::int64_t routing_id = 0;
};

enum class CorrectionAction { acknowledge, reassign, dismiss, choose_pm, choose_po };
std::optional<CorrectionAction> parse_correction_action(std::string_view action_id);

struct CorrectionResult {
  bool found = false;
  bool changed = false;   // false when the routing already had that status
  RoutingRecord routing;  // after the change
  RoutingStatus new_status = RoutingStatus::open;
  Role new_role = Role::none;
  std::vector<Person> new_assignees;
};

class Assistant {
 public:
  Assistant(const KnowledgeHolder& knowledge, Store& store, Metrics* metrics,
            bool store_message_text);

  // Classify; answer a question, route a request, or ignore chatter.
  AssistantReply handle(const InboundMessage& message, std::int64_t now);
  // Answer only (slash command /whoowns, `rolecall ask`): never routes.
  AssistantReply answer(const std::string& text, const Team* team) const;

  CorrectionResult correct(std::int64_t routing_id, CorrectionAction action, const std::string& by,
                           std::int64_t now);

  DecisionRecord record_decision(const std::string& platform, const Team* team,
                                 const std::string& text, const std::string& by,
                                 const std::string& channel, const std::string& link,
                                 std::optional<Role> role, std::int64_t now);
  std::vector<DecisionRecord> recent_decisions(const Team* team, int limit);

  std::shared_ptr<const Knowledge> knowledge() const { return knowledge_.get(); }

 private:
  const KnowledgeHolder& knowledge_;
  Store& store_;
  Metrics* metrics_;
  bool store_text_;
};

std::string join_names(const std::vector<Person>& people);

}  // namespace rolecall
