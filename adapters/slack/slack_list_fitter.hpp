#pragma once
// Fits lists into a Slack message within Block Kit's limits: the one helper
// every Slack renderer that shows lists uses (/decisions and the weekly
// digest alike). Within one section, list_section-style renderers also cut
// lines to the section's character limit; this keeps the whole message
// (block count, total block text: block_kit_fits) within BlockKitLimits, so
// enforce_block_kit_limits, the safety net, never has to cut a list and
// append a second "more" line of its own.
//
// Pure; thread-safe; never throws (apart from what `render` throws).

#include <cstddef>
#include <functional>
#include <nlohmann/json.hpp>

namespace rolecall {

struct SlackListFit {
  nlohmann::json message;    // render(per_list)
  std::size_t per_list = 0;  // items each list shows at most
  bool fits = false;         // block_kit_fits(message["blocks"])
};

// `render(n)` builds the whole message ({"text":…, "blocks":[…]}) showing at
// most n items of each of its lists, with an "…and N more" line for the
// rest. Every list shrinks alike. Returns the message for the largest
// n <= max_items whose blocks pass block_kit_fits, found by bisection (about
// log2(max_items) + 2 renders; the message must not shrink as n grows, apart
// from the digits of "N more"). When even render(0) does not fit, returns it
// with fits == false; enforce_block_kit_limits then has the last word.
SlackListFit fit_slack_lists(std::size_t max_items,
                             const std::function<nlohmann::json(std::size_t per_list)>& render);

}  // namespace rolecall
