#pragma once
// Slack allows about one message per second per channel (chat.postMessage,
// "Special" tier); bursts are tolerated but not guaranteed. ChannelPacer is
// the bookkeeping for that rule, with the clock injected: it says how long a
// sender must wait before the next post to a channel. It never sleeps itself.
//
// Thread-safe. Memory stays bounded: channels idle for longer than the
// interval are forgotten once more than a few hundred are tracked.

#include <chrono>
#include <map>
#include <mutex>
#include <string>

namespace rolecall {

class ChannelPacer {
 public:
  using Clock = std::chrono::steady_clock;

  explicit ChannelPacer(std::chrono::milliseconds interval = std::chrono::milliseconds(1000));

  // How long to wait at `now` before posting to `channel` (zero when free).
  std::chrono::milliseconds wait_needed(const std::string& channel, Clock::time_point now) const;
  // Records a post to `channel` at `now`.
  void sent(const std::string& channel, Clock::time_point now);
  // wait_needed + sent in one step: books the next free slot for `channel`
  // and returns how long to wait for it. Two threads reserving the same
  // channel get consecutive slots, one interval apart.
  std::chrono::milliseconds reserve(const std::string& channel, Clock::time_point now);

  std::chrono::milliseconds interval() const { return interval_; }

 private:
  void prune(Clock::time_point now);  // requires mu_

  std::chrono::milliseconds interval_;
  mutable std::mutex mu_;
  std::map<std::string, Clock::time_point> last_;  // channel -> time of the latest (booked) post
};

}  // namespace rolecall
