#pragma once
// Port: the decision log (`/decision`, "@rolecall decision ...").
//
// Contract (tests/storage/store_contract_test.cpp, for every backend):
// - record_decision assigns increasing ids (> 0) and returns the new id.
// - list_decisions: newest first, filtered by ListFilter (team, time range,
//   role, channel, limit).
// - search_decisions: the team's decisions (all teams when team_id is
//   empty) whose text contains `text` (ASCII case-insensitive; empty matches
//   all) and, when given, with that role; newest first, at most `limit`
//   (> 0). The whole log is searched, not a window of recent rows.
// Thread-safe. Errors: StoreError.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/records.hpp"
#include "storage/list_filter.hpp"
#include "storage/store_error.hpp"

namespace rolecall {

class DecisionLog {
 public:
  virtual ~DecisionLog() = default;

  virtual std::int64_t record_decision(const DecisionRecord& d) = 0;
  virtual std::vector<DecisionRecord> list_decisions(const ListFilter& f) = 0;
  virtual std::vector<DecisionRecord> search_decisions(const std::string& team_id,
                                                       const std::string& text,
                                                       std::optional<Role> role, int limit) = 0;
};

}  // namespace rolecall
