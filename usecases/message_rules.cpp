#include "usecases/message_rules.hpp"

namespace rolecall {

std::string_view to_string(Addressing a) noexcept {
  switch (a) {
    case Addressing::mention: return "mention";
    case Addressing::direct_message: return "direct_message";
    case Addressing::intake_channel: return "intake_channel";
    case Addressing::slash_command: return "slash_command";
    case Addressing::console: return "console";
  }
  return "mention";
}

bool may_route(Addressing addressing, const Classification& c) noexcept {
  if (c.intent != Intent::request) return false;
  // DMs answer only: a routing notice in a private conversation would reach
  // nobody it names.
  return addressing == Addressing::mention || addressing == Addressing::console ||
         addressing == Addressing::intake_channel;
}

bool may_ask_about_thread(const InboundMessage& m, const Classification& c,
                          const RoutingPolicy& policy) noexcept {
  if (m.thread_root_id.empty() || !is_addressed(m.addressing) ||
      m.addressing == Addressing::slash_command) {
    return false;
  }
  if (c.intent == Intent::other) return false;  // "thanks!" is not a question about it
  // Its own topic wins, unless it is one rolecall would not route on.
  return c.role == Role::none || c.confidence < policy.clarify_below;
}

bool is_thread_request(const RoutingRecord& root, std::string_view team_id) noexcept {
  if (root.intent != Intent::request || root.team_id != team_id) return false;
  if (root.status == RoutingStatus::dismissed) return false;  // "not a request"
  // An unanswered clarification has no owner to name yet.
  return root.role == Role::product_manager || root.role == Role::product_owner ||
         root.role == Role::both;
}

MessageVerdict thread_request_verdict() noexcept { return {MessageResponse::answer, true}; }

MessageVerdict decide_response(Addressing addressing, const Classification& c,
                               const RoutingDecision& routing) noexcept {
  const bool addressed = is_addressed(addressing);
  if (routing.kind != RoutingKind::not_routed) return {MessageResponse::route, true};
  if (c.role == Role::none) {
    return {addressed ? MessageResponse::help : MessageResponse::silent, false};
  }
  if (c.intent == Intent::other) {
    return {addressed ? MessageResponse::answer : MessageResponse::silent, false};
  }
  return {MessageResponse::answer, true};
}

}  // namespace rolecall
