#pragma once
// THE rule for what rolecall does with a chat message. Every platform's
// messages go through it (usecases/app.cpp); endpoints never decide.
//
//   1. A request (intent request) that was addressed to rolecall (mention,
//      DM, console) or posted in an intake channel is routed to the team's
//      PM or PO, or rolecall asks which of the two when it is unsure. A
//      slash command never routes: /whoowns asks a question.
//   2. Chatter, a message that is neither a question nor a request (intent
//      `other`), is never logged. Unaddressed (in an intake channel) it gets
//      no reply either. Addressed, it gets the answer for the role its words
//      point to, or the help text when they point nowhere.
//   3. A question or an unroutable request about a role (project manager,
//      a topic the team has no holder for) is answered and logged as an
//      answered question, addressed or not.
//   4. A message about no role at all gets the help text when addressed
//      ("who owns the coffee machine?"), and nothing, not even a log row,
//      when it merely appeared in an intake channel.
//   5. An addressed message (mention, DM, console; a slash command has no
//      thread) in the thread of a request rolecall routed, that asks
//      something (a question or a request) but names no topic of its own
//      (role none, or a confidence under routing.clarify_below, where
//      rolecall would ask PM or PO), is answered about the thread's request:
//      its owner now (after any reassignment) and its topic. It is logged as
//      an answered question, never as a new routing. A message that names a
//      topic of its own ("who owns the pricing for this?") follows 1-4; so
//      does everything in a thread whose root rolecall did not route (or
//      routed but has no owner yet, or was dismissed as not a request).
//
// Pure: no I/O, no state.

#include <string_view>

#include "core/classification.hpp"
#include "core/records.hpp"
#include "core/routing.hpp"
#include "usecases/inbound_message.hpp"

namespace rolecall {

enum class MessageResponse {
  silent,  // no reply
  help,    // what rolecall can answer
  answer,  // who owns it
  route,   // a routing notice (assigned, or a clarification question)
};

struct MessageVerdict {
  MessageResponse response = MessageResponse::silent;
  bool log = false;  // write a routing-log row (routed request or answered question)
};

// Whether to try routing at all (rule 1).
bool may_route(Addressing addressing, const Classification& c) noexcept;
// Rule 5, first half: whether the message may be about its thread's request,
// so the routing log is worth asking about the thread's root.
bool may_ask_about_thread(const InboundMessage& m, const Classification& c,
                          const RoutingPolicy& policy) noexcept;
// Rule 5, second half: whether the routing made for the thread's root is a
// request rolecall routed and someone owns (PM, PO or both; not dismissed),
// on the message's team (`team_id`, "" when none is known).
bool is_thread_request(const RoutingRecord& root, std::string_view team_id) noexcept;
// Rule 5's verdict: answered, logged as an answered question.
MessageVerdict thread_request_verdict() noexcept;
// The verdict, given the routing attempt's result (`routing.kind` is
// not_routed when may_route was false or routing declined).
MessageVerdict decide_response(Addressing addressing, const Classification& c,
                               const RoutingDecision& routing) noexcept;

}  // namespace rolecall
