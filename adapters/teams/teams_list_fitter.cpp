#include "adapters/teams/teams_list_fitter.hpp"

#include "adapters/common/largest_fitting.hpp"
#include "adapters/teams/card_rules.hpp"

namespace rolecall {

TeamsListFit fit_teams_lists(std::size_t max_items, std::size_t max_bytes,
                             const std::function<nlohmann::json(std::size_t per_list)>& render) {
  auto r = largest_fitting(max_items, render, [&](const nlohmann::json& m) {
    return teams_message_bytes(m) <= max_bytes;
  });
  return {std::move(r.message), r.n, r.fits};
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
