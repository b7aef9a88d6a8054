#include "adapters/slack/slack_list_fitter.hpp"

#include "adapters/common/largest_fitting.hpp"
#include "adapters/slack/block_kit_limits.hpp"

namespace rolecall {

SlackListFit fit_slack_lists(std::size_t max_items,
                             const std::function<nlohmann::json(std::size_t per_list)>& render) {
  auto r = largest_fitting(max_items, render, [](const nlohmann::json& m) {
    const auto blocks = m.find("blocks");
    return blocks == m.end() || block_kit_fits(*blocks);
  });
  return {std::move(r.message), r.n, r.fits};
}

}  // namespace rolecall
