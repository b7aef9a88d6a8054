#include "core/records.hpp"

#include <utility>

namespace rolecall {

std::string_view to_string(RoutingStatus s) noexcept {
  switch (s) {
    case RoutingStatus::open: return "open";
    case RoutingStatus::acknowledged: return "acknowledged";
    case RoutingStatus::reassigned: return "reassigned";
    case RoutingStatus::dismissed: return "dismissed";
  }
  return "open";
}

std::optional<RoutingStatus> parse_routing_status(std::string_view s) noexcept {
  for (auto st : {RoutingStatus::open, RoutingStatus::acknowledged, RoutingStatus::reassigned,
                  RoutingStatus::dismissed}) {
    if (to_string(st) == s) return st;
  }
  return std::nullopt;
}

StatusChange reassignment(std::int64_t routing_id, std::string topic, Role from, Role to,
                          std::string by, std::int64_t at) {
  StatusChange c;
  c.routing_id = routing_id;
  c.from = RoutingStatus::open;
  c.to = RoutingStatus::reassigned;
  c.new_role = to;
  c.by = std::move(by);
  c.at = at;
  c.from_role = from;
  c.topic = std::move(topic);
  return c;
}

}  // namespace rolecall
