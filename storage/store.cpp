#include "storage/store.hpp"

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

}  // namespace rolecall
