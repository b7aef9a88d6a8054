#pragma once
// Test helper: the status changes of one routing, oldest first, read through
// the routing log's own query (status_changes of the routing's team).

#include <cstdint>
#include <vector>

#include "storage/routing_log.hpp"

namespace rolecall::test {

inline std::vector<StatusChange> routing_history(RoutingLog& log, std::int64_t id) {
  std::vector<StatusChange> out;
  const auto routing = log.get_routing(id);
  if (!routing) return out;
  for (auto& c : log.status_changes(routing->team_id, 0, 0))
    if (c.routing_id == id) out.push_back(std::move(c));
  return out;
}

}  // namespace rolecall::test
