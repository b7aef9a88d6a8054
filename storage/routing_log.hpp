#pragma once
// Port: the routing log. Every request rolecall routed and every question it
// answered (core/records.hpp), with the history of status changes made by
// the buttons and commands.
//
// Contract (tests/storage/store_contract_test.cpp, for every backend):
// - record_routing assigns increasing ids (> 0) and returns the new id.
// - get_routing / find_routing return the current state: role and status
//   after every change; nullopt when unknown.
// - find_routing finds the routing made for one platform message (the
//   platform's message id, e.g. a Slack ts or a Teams activity id, in that
//   channel); when several match, the newest.
// - change_routing_status applies and logs a change atomically; false (and
//   nothing written) when the id is unknown, or when the change has an
//   if_role and the routing's role is no longer that (compare and set: of
//   two reassigns read against one owner, the second writes nothing).
// - list_routings: newest first, filtered by ListFilter.
// - status_changes: oldest first, with from_role and topic filled.
// Thread-safe. Errors: StoreError.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/records.hpp"
#include "core/routing.hpp"
#include "storage/list_filter.hpp"
#include "storage/store_error.hpp"

namespace rolecall {

class RoutingLog {
 public:
  virtual ~RoutingLog() = default;

  virtual std::int64_t record_routing(const RoutingRecord& r) = 0;
  virtual std::optional<RoutingRecord> get_routing(std::int64_t id) = 0;
  virtual std::optional<RoutingRecord> find_routing(const std::string& platform,
                                                    const std::string& channel,
                                                    const std::string& message_id) = 0;
  virtual bool change_routing_status(const StatusChange& change) = 0;
  virtual std::vector<RoutingRecord> list_routings(const ListFilter& f) = 0;
  // Reassignments of this team, counted per (topic, from role, to role): what
  // the team's corrections teach the routing (core/routing.hpp).
  virtual std::vector<CorrectionCount> correction_counts(const std::string& team_id) = 0;
  // Status changes of the team's routings with since <= at < until (until 0 =
  // no upper bound).
  virtual std::vector<StatusChange> status_changes(const std::string& team_id, std::int64_t since,
                                                   std::int64_t until) = 0;
};

}  // namespace rolecall
