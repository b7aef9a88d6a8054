// DestinationPacer: the outbox worker's per-destination schedule, on a clock
// the test holds (moved here from the Slack deliverer's ChannelPacer).
#include "daemon/destination_pacer.hpp"

#include <gtest/gtest.h>

#include <string>

namespace rolecall {
namespace {

using namespace std::chrono_literals;
using Millis = DestinationPacer::Millis;

const Destination kC1{Platform::slack, "C1"};
const Destination kC2{Platform::slack, "C2"};

TEST(DestinationPacer, SentHoldsTheDestinationForOneInterval) {
  DestinationPacer pacer;
  const Millis t0 = 1'700'000'000'000ms;
  EXPECT_FALSE(pacer.held_until(kC1, t0));
  pacer.sent(kC1, t0, 1000ms);
  EXPECT_EQ(pacer.held_until(kC1, t0), t0 + 1000ms);
  EXPECT_EQ(pacer.held_until(kC1, t0 + 999ms), t0 + 1000ms);
  EXPECT_FALSE(pacer.held_until(kC1, t0 + 1000ms));
  EXPECT_FALSE(pacer.held_until(kC2, t0 + 1ms));
  // An older post never moves the next slot back.
  pacer.sent(kC1, t0 - 5000ms, 1000ms);
  EXPECT_EQ(pacer.held_until(kC1, t0), t0 + 1000ms);
  // A zero interval holds nothing.
  pacer.sent(kC2, t0, 0ms);
  EXPECT_FALSE(pacer.held_until(kC2, t0));
}

TEST(DestinationPacer, PlatformsAreApartAndHoldsNeverShorten) {
  DestinationPacer pacer;
  const Millis t0 = 1'000'000ms;
  pacer.hold(kC1, t0, t0 + 30s);  // a Retry-After of 30 s
  EXPECT_FALSE(pacer.held_until(Destination{Platform::teams, "C1"}, t0));
  pacer.sent(kC1, t0 + 1s, 1000ms);  // a post in between cannot end the hold
  EXPECT_EQ(pacer.held_until(kC1, t0 + 2s), t0 + 30s);
  pacer.hold(kC1, t0 + 2s, t0 + 10s);
  EXPECT_EQ(pacer.held_until(kC1, t0 + 2s), t0 + 30s);
}

TEST(DestinationPacer, ManyDestinationsArePrunedButHeldOnesKept) {
  DestinationPacer pacer;
  const Millis t0 = 1'000'000ms;
  for (int i = 0; i < 1000; ++i) pacer.sent({Platform::slack, "C" + std::to_string(i)}, t0, 1s);
  pacer.sent({Platform::slack, "CNEW"}, t0 + 5s, 1s);  // prunes the free ones
  EXPECT_FALSE(pacer.held_until(kC1, t0 + 5s));
  EXPECT_EQ(pacer.held_until({Platform::slack, "CNEW"}, t0 + 5s), t0 + 6s);
}

}  // namespace
}  // namespace rolecall
