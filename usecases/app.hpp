#pragma once
// The application layer: what rolecall does, free of any platform. Slack,
// Teams, the console and the CLI verify and parse their input, call one of
// these use cases, and render what it returns. Every rule lives here or in
// core/ (the message rule: usecases/message_rules.hpp).
//
// Compute, then commit. Each use case first reads what it needs, classifies,
// routes and has the caller's renderer build the outgoing messages; only
// then does it open one Store::write_batch, which makes store calls only:
// the dedupe keys, the log row, the outbox rows, all committed together or
// not at all. A StoreError therefore leaves nothing behind, and the
// platform's retry of the request starts from a clean slate.
//
// Renderers run before the commit, when a new routing's id is not known
// yet: they render routing_id_placeholder() where the id goes, and the use
// case puts the real id into the rows inside the batch.
//
// Thread safety: every method may be called concurrently.
// Errors: StoreError propagates (the endpoint answers 503 or its platform's
// equivalent, so the platform retries); nothing else throws but bad_alloc.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/answer.hpp"
#include "core/records.hpp"
#include "core/routing.hpp"
#include "storage/store.hpp"
#include "usecases/counters.hpp"
#include "usecases/inbound_message.hpp"
#include "usecases/knowledge.hpp"

namespace rolecall {

struct MessageOutcome {
  enum class Kind {
    silent,         // nothing to say (chatter, or not about a product role)
    duplicate,      // seen before: nothing stored or sent again
    help,           // addressed, but about no role: what rolecall can answer
    answer,         // who owns it (in a routed request's thread, maybe that request:
                    // answer.thread_routing_id, message_rules.hpp rule 5)
    routed,         // a request assigned to the PM or PO
    clarification,  // a request rolecall asks about: PM or PO?
  };
  Kind kind = Kind::silent;
  Classification classification;
  Answer answer;                // always composed (help and duplicate too)
  RoutingDecision routing;      // routed / clarification
  std::int64_t routing_id = 0;  // > 0 when a routing-log row was written
  // Renderers see this before the commit: routing_id_placeholder() then.
};

// The id renderers write for a routing that is not stored yet. The same for
// the life of the process, random, and 18 digits long, so no chat text will
// contain it by chance.
std::int64_t routing_id_placeholder() noexcept;
// Replaces every occurrence of the placeholder's digits in `text` by `id`.
void bind_routing_id(std::string& text, std::int64_t id);

// The platform's messages for an outcome, rendered before the commit (e.g.
// Slack's thread reply). Teams and the console answer in the HTTP response
// instead and pass no renderer.
using OutcomeRenderer = std::function<std::vector<OutboxMessage>(const MessageOutcome&)>;
// Routing notices to a team's other platform (a Slack routing shown in the
// team's Teams channel). Wired once by the daemon; may be empty.
using CrossPostRenderer = std::function<std::vector<OutboxMessage>(
    const Team& team, const InboundMessage& message, const MessageOutcome& outcome)>;

enum class CorrectionAction { acknowledge, reassign, dismiss, choose_pm, choose_po };
std::optional<CorrectionAction> parse_correction_action(std::string_view action_id);

// Which routing a correction is about: its id, or the platform message it
// was made for (a reply in the routed request's thread names the thread's
// root; `message_ids` lists the candidates, first match wins).
struct CorrectionRequest {
  std::optional<std::int64_t> routing_id;
  std::string platform;
  std::string channel;
  std::vector<std::string> message_ids;
  const Team* team = nullptr;  // when set, a routing of another team is "not found"
  CorrectionAction action = CorrectionAction::acknowledge;
  // "reassign to the PM": for reassign, the role wanted (optional).
  std::optional<Role> reassign_to;
  // For reassign: the owner the pressed button was rendered for (the
  // routing's role when the notice was posted). When the routing has moved
  // on since (a second press of the same button, two people pressing at
  // once), the press is stale: nothing changes. Unset (a typed "reassign"),
  // a bare reassign of a routing that was already reassigned is stale too;
  // "reassign to the PM" (reassign_to) says where it should go instead.
  std::optional<Role> rendered_for;
  std::string by;  // who pressed or typed it
};

struct CorrectionOutcome {
  enum class Kind {
    not_found,  // no such routing (for this team)
    already,    // reassign_to is the routing's role already
    unchanged,  // the same button twice, or nothing to move: nothing written
    stale,      // a reassign made against an owner the routing no longer has: nothing
                // written; `routing` is as it is now and `change` is the change that
                // moved it (by whom, to which role; `by` empty when unknown)
    changed,    // written
  };
  Kind kind = Kind::not_found;
  RoutingRecord routing;          // as it is now (after the change)
  StatusChange change;            // what was (or would have been) applied; from_role, topic set
  std::vector<Person> assignees;  // holders of the new role on the routing's team
};
using CorrectionRenderer =
    std::function<std::vector<OutboxMessage>(const CorrectionOutcome& outcome)>;

// `/decisions [pm|po|all|words]`, "@rolecall decisions [words]".
struct DecisionQuery {
  std::string text;  // words to find; empty = any
  std::optional<Role> role;
  bool all = false;  // "all": everything, up to the long limit
  int limit = 0;     // > 0: at most this many, instead of the defaults below
};
DecisionQuery parse_decision_query(std::string_view typed);

struct AppOptions {
  bool store_message_text = true;
  std::int64_t dedupe_ttl_seconds = std::int64_t{24} * 3600;
  int recent_decisions = 15;  // shown for a bare "/decisions"
  int search_limit = 50;      // at most this many found decisions
};

class App {
 public:
  App(const KnowledgeHolder& knowledge, Store& store, Counters* counters, AppOptions options,
      CrossPostRenderer cross_post = {});

  // A chat message: answer, route, ask, or stay silent (message_rules.hpp).
  MessageOutcome handle_message(const InboundMessage& message, std::int64_t now,
                                const OutcomeRenderer& render = {});
  // A question that must not route or log (/whoowns, `rolecall ask`); `text`
  // is plain text as the classifier reads it (the adapter translated any markup).
  MessageOutcome answer(const std::string& text, const Team* team) const;

  CorrectionOutcome correct(const CorrectionRequest& request, std::int64_t now,
                            const CorrectionRenderer& render = {});

  // `role` nullopt: the classifier picks it from the text.
  DecisionRecord record_decision(const std::string& platform, const Team* team,
                                 const std::string& text, const std::string& by,
                                 const std::string& channel, const std::string& link,
                                 std::optional<Role> role, std::int64_t now);
  // The team's decisions (all teams when team is null) matching `query`,
  // newest first, searched across the whole log.
  std::vector<DecisionRecord> find_decisions(const Team* team, const DecisionQuery& query);

  std::shared_ptr<const Knowledge> knowledge() const { return knowledge_.get(); }

 private:
  // Counts and logs a redelivery; the outcome says duplicate.
  MessageOutcome duplicate(const InboundMessage& m, MessageOutcome out) const;
  // The answer about the request routed for a thread's root (rule 5).
  static Answer thread_answer(const RoutingRecord& request, const Knowledge& k, const Team* team);
  const KnowledgeHolder& knowledge_;
  Store& store_;
  Counters* counters_;
  AppOptions options_;
  CrossPostRenderer cross_post_;

  // A reassign made against an owner the routing no longer has.
  static bool reassign_is_stale(const CorrectionRequest& req, const RoutingRecord& current);
  // The stale outcome: nothing changes; the renderer says who moved it.
  CorrectionOutcome stale(const RoutingRecord& current, const Team* team, std::int64_t now,
                          const CorrectionRenderer& render);
};

std::string join_names(const std::vector<Person>& people);

}  // namespace rolecall
