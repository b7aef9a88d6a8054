#pragma once
// The bisection behind the per-platform list fitters (fit_slack_lists,
// fit_teams_lists): the largest n <= max_items for which fits(render(n)).

#include <cstddef>
#include <utility>

namespace rolecall {

template <typename Message>
struct LargestFitting {
  Message message;  // render(n)
  std::size_t n = 0;
  bool fits = false;  // false only when even render(0) does not fit
};

// `render(n)` must not shrink as n grows (apart from the digits of an
// "and N more" line), so fits() holds below some n and fails above it.
// Renders about log2(max_items) + 2 times.
template <typename Render, typename Fits>
auto largest_fitting(std::size_t max_items, const Render& render, const Fits& fits)
    -> LargestFitting<decltype(render(std::size_t{}))> {
  auto best = render(max_items);
  if (fits(best)) return {std::move(best), max_items, true};
  best = render(0);
  if (!fits(best)) return {std::move(best), 0, false};
  // Invariant: render(lo) fits (held in `best`), render(hi) does not.
  std::size_t lo = 0;
  std::size_t hi = max_items;
  while (hi - lo > 1) {
    const std::size_t mid = lo + (hi - lo) / 2;
    auto m = render(mid);
    if (fits(m)) {
      lo = mid;
      best = std::move(m);
    } else {
      hi = mid;
    }
  }
  return {std::move(best), lo, true};
}

}  // namespace rolecall
