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
