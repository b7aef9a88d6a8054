#include "adapters/slack/channel_pacer.hpp"

namespace rolecall {

namespace {
constexpr std::size_t kPruneAbove = 256;

std::chrono::milliseconds ceil_ms(ChannelPacer::Clock::duration d) {
  return std::chrono::ceil<std::chrono::milliseconds>(d);
}
}  // namespace

ChannelPacer::ChannelPacer(std::chrono::milliseconds interval) : interval_(interval) {}

std::chrono::milliseconds ChannelPacer::wait_needed(const std::string& channel,
                                                    Clock::time_point now) const {
  std::lock_guard lock(mu_);
  auto it = last_.find(channel);
  if (it == last_.end()) return std::chrono::milliseconds(0);
  auto ready = it->second + interval_;
  return ready > now ? ceil_ms(ready - now) : std::chrono::milliseconds(0);
}

void ChannelPacer::sent(const std::string& channel, Clock::time_point now) {
  std::lock_guard lock(mu_);
  auto& last = last_[channel];
  if (now > last) last = now;
  prune(now);
}

std::chrono::milliseconds ChannelPacer::reserve(const std::string& channel, Clock::time_point now) {
  std::lock_guard lock(mu_);
  auto [it, inserted] = last_.try_emplace(channel, now);
  Clock::time_point slot = now;
  if (!inserted) {
    slot = std::max(now, it->second + interval_);
    it->second = slot;
  }
  prune(now);
  return ceil_ms(slot - now);
}

void ChannelPacer::prune(Clock::time_point now) {
  if (last_.size() <= kPruneAbove) return;
  for (auto it = last_.begin(); it != last_.end();) {
    if (it->second + interval_ <= now) {
      it = last_.erase(it);
    } else {
      ++it;
    }
  }
}

}  // namespace rolecall
