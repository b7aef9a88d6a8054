#include "storage/store.hpp"

#include <algorithm>
#include <map>
#include <tuple>

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

std::vector<StatusChange> Store::status_changes(const std::string& team_id, std::int64_t since,
                                                std::int64_t until) {
  ListFilter f;
  f.team_id = team_id;  // a routing made before `since` may change inside the window
  std::vector<StatusChange> out;
  for (const auto& r : list_routings(f)) {
    for (auto& c : routing_history(r.id)) {
      if (c.at >= since && (until == 0 || c.at < until)) out.push_back(std::move(c));
    }
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const StatusChange& a, const StatusChange& b) { return a.at < b.at; });
  return out;
}

std::vector<RoutingCount> Store::routing_counts(const ListFilter& f) {
  ListFilter all = f;
  all.limit = 0;
  std::map<std::tuple<Role, Intent, RoutingStatus, std::string>, std::int64_t> counts;
  for (const auto& r : list_routings(all)) ++counts[{r.role, r.intent, r.status, r.topic}];
  std::vector<RoutingCount> out;
  for (const auto& [key, n] : counts) {
    out.push_back({std::get<0>(key), std::get<1>(key), std::get<2>(key), std::get<3>(key), n});
  }
  return out;
}

void Store::write_batch(const std::function<void(Store& store)>& fn) { fn(*this); }

}  // namespace rolecall
