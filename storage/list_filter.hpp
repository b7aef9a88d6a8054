#pragma once
// The filter of the logs' list queries (routing log, decision log).

#include <cstdint>
#include <optional>
#include <string>

#include "core/records.hpp"

namespace rolecall {

struct ListFilter {
  std::string team_id;     // empty = all teams
  std::int64_t since = 0;  // created_at >= since
  std::int64_t until = 0;  // 0 = no upper bound; else created_at < until
  std::optional<Role> role;
  std::string channel;                  // empty = any
  int limit = 0;                        // 0 = no limit; newest first
  std::optional<RoutingStatus> status;  // routings only: current status (e.g. open)
};

}  // namespace rolecall
