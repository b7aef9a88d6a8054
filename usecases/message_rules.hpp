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
//
// Pure: no I/O, no state.

#include "core/classification.hpp"
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
// The verdict, given the routing attempt's result (`routing.kind` is
// not_routed when may_route was false or routing declined).
MessageVerdict decide_response(Addressing addressing, const Classification& c,
                               const RoutingDecision& routing) noexcept;

}  // namespace rolecall
