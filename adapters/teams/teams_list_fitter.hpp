#pragma once
// Fits lists into a Teams message under its size limit: the one helper every
// Teams renderer that shows lists uses (the decision list of an answer and
// the weekly digest's five lists alike).
//
// Pure; thread-safe; never throws (apart from what `render` throws).

#include <cstddef>
#include <functional>
#include <nlohmann/json.hpp>

namespace rolecall {

struct TeamsListFit {
  nlohmann::json message;    // render(per_list)
  std::size_t per_list = 0;  // items each list shows at most
  bool fits = false;         // message is within max_bytes
};

// `render(n)` builds the whole message (its compact UTF-8 size is what
// counts, teams_message_bytes) showing at most n items of each of its lists
// and, for a list with more, one "…and N more" element (teams_and_more_text).
// Every list shrinks alike, so each part of the message stays in view.
// Returns the message for the largest n <= max_items that fits in
// `max_bytes`, found by bisection (about log2(max_items) + 2 renders; the
// size must not shrink as n grows, apart from the digits of "N more").
// When even render(0) is too large, returns it with fits == false: the
// caller decides (the digest posts a short card instead).
TeamsListFit fit_teams_lists(std::size_t max_items, std::size_t max_bytes,
                             const std::function<nlohmann::json(std::size_t per_list)>& render);

// The usual "more" element: a subtle TextBlock "…and N more".
nlohmann::json teams_and_more_text(std::size_t omitted);

}  // namespace rolecall
