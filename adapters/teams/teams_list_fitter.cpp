#include "adapters/teams/teams_list_fitter.hpp"

#include <cassert>

#include "adapters/teams/card_rules.hpp"

namespace rolecall {

TeamsListFit fit_teams_list(nlohmann::json& envelope, const nlohmann::json::json_pointer& list,
                            const std::vector<nlohmann::json>& items, std::size_t max_bytes,
                            std::size_t max_items,
                            const std::function<nlohmann::json(std::size_t omitted)>& more) {
  assert(envelope.contains(list) && envelope.at(list).is_array());
  nlohmann::json& array = envelope.at(list);
  const std::size_t existing = array.size();

  // Compact JSON grows by the element plus one comma when the array is not
  // empty, so the sizes can be summed instead of re-serialising per item.
  std::size_t total = teams_message_bytes(envelope);
  std::vector<std::size_t> costs;
  costs.reserve(items.size());
  std::size_t all = total;
  for (std::size_t i = 0; i < items.size(); ++i) {
    costs.push_back(teams_message_bytes(items[i]));
    all += costs.back() + ((existing + i) > 0 ? 1 : 0);
  }
  if (items.size() <= max_items && all <= max_bytes) {
    for (const auto& item : items) array.push_back(item);
    return {items.size(), 0};
  }

  // Reserve room for the widest "more" element (it counts every item).
  const std::size_t more_cost = teams_message_bytes(more(items.size())) + 1;
  std::size_t shown = 0;
  while (shown < items.size() && shown < max_items) {
    const std::size_t cost = costs[shown] + ((existing + shown) > 0 ? 1 : 0);
    if (total + cost + more_cost > max_bytes) break;
    total += cost;
    ++shown;
  }
  if (total + more_cost > max_bytes) return {0, items.size()};
  for (std::size_t i = 0; i < shown; ++i) array.push_back(items[i]);
  array.push_back(more(items.size() - shown));
  return {shown, items.size() - shown};
}

nlohmann::json teams_and_more_text(std::size_t omitted) {
  return {{"type", "TextBlock"},
          {"text",
           "\xe2\x80\xa6"
           "and " +
               std::to_string(omitted) + " more"},
          {"isSubtle", true},
          {"wrap", true}};
}

}  // namespace rolecall
