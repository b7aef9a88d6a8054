#pragma once
// Fits a list into a Teams message under its size limit: appends as many
// items as fit (in order, never splitting one) and, when some are left out,
// one "and N more" element. Used by every renderer that shows a list.
//
// Pure; thread-safe; never throws.

#include <cstddef>
#include <functional>
#include <nlohmann/json.hpp>
#include <vector>

namespace rolecall {

struct TeamsListFit {
  std::size_t shown = 0;
  std::size_t omitted = 0;
};

// `envelope` is the whole message (its compact UTF-8 size is what counts);
// `list` points at an array inside it, which may already hold elements.
// Items are appended while the envelope stays within `max_bytes` and at most
// `max_items` are shown; when any is left out, `more(omitted)` is appended
// too and counted in the budget. If even the bare "more" element does not
// fit, nothing is appended. The array at `list` must exist (assert).
TeamsListFit fit_teams_list(nlohmann::json& envelope, const nlohmann::json::json_pointer& list,
                            const std::vector<nlohmann::json>& items, std::size_t max_bytes,
                            std::size_t max_items,
                            const std::function<nlohmann::json(std::size_t omitted)>& more);

// The usual "more" element: a subtle TextBlock "…and N more".
nlohmann::json teams_and_more_text(std::size_t omitted);

}  // namespace rolecall
