#pragma once
// Builds the values the renderers take (answers, routing decisions and
// updates, decisions, status changes, digests) from fuzzer bytes, with
// hostile text everywhere a person or the store can put text: any bytes
// (invalid UTF-8, markup, entities, <at> tags, mrkdwn spans), sometimes
// repeated to tens of kilobytes, and lists sometimes hundreds long. Numbers
// the daemon makes itself (ids, times) stay in the ranges it produces.

#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "adapters/slack/slack_messages.hpp"
#include "core/answer.hpp"
#include "core/digest.hpp"
#include "core/routing.hpp"
#include "core/team.hpp"
#include "storage/store.hpp"

namespace rolecall::fuzz {

class RenderInputs {
 public:
  explicit RenderInputs(FuzzedDataProvider& in) : in_(in) {}

  std::string text() {
    std::string s = in_.ConsumeRandomLengthString(48);
    const auto r = in_.ConsumeIntegral<std::uint8_t>();
    if (r >= 0xF0 && !s.empty()) {
      const std::size_t times = std::min<std::size_t>((r - 0xEF) * 2000 / s.size() + 1, 40000);
      std::string long_text;
      long_text.reserve(s.size() * times);
      for (std::size_t i = 0; i < times; ++i) long_text += s;
      return long_text;
    }
    return s;
  }

  // Usually a handful; now and then hundreds.
  std::size_t count(std::size_t usual) {
    const auto r = in_.ConsumeIntegral<std::uint8_t>();
    if (r >= 0xF8) return 100 + (r - 0xF8) * 60;
    return r % (usual + 1);
  }

  bool flag() { return in_.ConsumeBool(); }
  Role role() { return static_cast<Role>(in_.ConsumeIntegralInRange(0, 4)); }
  Intent intent() { return static_cast<Intent>(in_.ConsumeIntegralInRange(0, 2)); }
  std::int64_t id() { return in_.ConsumeIntegralInRange<std::int64_t>(0, std::int64_t{1} << 53); }
  // Unix seconds from 1970 to 2100.
  std::int64_t time() { return in_.ConsumeIntegralInRange<std::int64_t>(0, 4102444800); }
  double probability() { return in_.ConsumeProbability<double>(); }

  Person person() {
    Person p;
    p.display_name = text();
    // Real ids sometimes, hostile text sometimes.
    p.slack_user_id = flag() ? "U0" + std::to_string(in_.ConsumeIntegral<std::uint16_t>()) : text();
    p.teams_id = flag() ? "29:" + std::to_string(in_.ConsumeIntegral<std::uint16_t>()) : text();
    p.teams_name = text();
    return p;
  }
  std::vector<Person> people(std::size_t usual = 3) {
    std::vector<Person> out(count(usual));
    if (out.empty()) return out;
    out[0] = person();
    for (std::size_t i = 1; i < out.size(); ++i) out[i] = flag() ? out[0] : person();
    return out;
  }
  std::vector<std::string> texts(std::size_t usual = 3) {
    std::vector<std::string> out(count(usual));
    for (auto& s : out) s = text();
    return out;
  }

  Answer answer() {
    Answer a;
    a.role = role();
    a.topic_id = text();
    a.topic_title = text();
    a.explanation = text();
    a.pm_part = text();
    a.po_part = text();
    a.owners = people();
    a.pm_owners = people();
    a.po_owners = people();
    a.combined = flag();
    a.hat = role();
    a.confidence = probability();
    a.low_confidence = flag();
    a.alternative_topic_id = text();
    a.alternative_title = text();
    a.alternative_role = role();
    a.cues = texts();
    a.team_name = text();
    a.example_topics = texts(5);
    return a;
  }

  RoutingDecision routing_decision() {
    RoutingDecision d;
    d.kind = static_cast<RoutingKind>(in_.ConsumeIntegralInRange(0, 2));
    d.role = role();
    d.taxonomy_role = role();
    d.topic_id = text();
    d.topic_title = text();
    d.assignees = people();
    d.reason = text();
    d.pm_part = text();
    d.po_part = text();
    d.learned_moves = in_.ConsumeIntegralInRange(0, 1000);
    d.options.resize(count(2));
    for (auto& o : d.options) o = {role(), text(), text()};
    d.cues = texts();
    d.confidence = probability();
    return d;
  }

  RoutingUpdate routing_update() {
    RoutingUpdate u;
    u.routing_id = id();
    u.action = static_cast<RoutingAction>(in_.ConsumeIntegralInRange(0, 3));
    u.role = role();
    u.owners = people();
    u.topic_title = text();
    u.actor_user_id = flag() ? "U0" + std::to_string(in_.ConsumeIntegral<std::uint16_t>()) : text();
    return u;
  }

  DecisionRecord decision() {
    DecisionRecord d;
    d.id = id();
    d.platform = flag() ? "slack" : text();
    d.team_id = text();
    d.role = role();
    d.text = text();
    d.decided_by = text();
    d.channel = text();
    d.link = flag() ? "https://x.slack.com/archives/C1/p1" + text() : text();
    d.created_at = time();
    return d;
  }
  std::vector<DecisionRecord> decisions() {
    std::vector<DecisionRecord> out(count(4));
    for (auto& d : out) d = decision();
    return out;
  }

  StatusChange status_change() {
    StatusChange c;
    c.routing_id = id();
    c.from = static_cast<RoutingStatus>(in_.ConsumeIntegralInRange(0, 3));
    c.to = static_cast<RoutingStatus>(in_.ConsumeIntegralInRange(0, 3));
    c.new_role = role();
    c.by = text();
    c.at = time();
    c.from_role = role();
    c.topic = text();
    return c;
  }

  // A digest as build_digest makes it from a week of hostile rows. Topic ids
  // are the taxonomy's now and then, so titles come from it too.
  Digest digest(const Taxonomy& taxonomy) {
    DigestInput input;
    input.team_id = text();
    input.team_name = text();
    input.week = {in_.ConsumeIntegralInRange(1971, 2099),
                  in_.ConsumeIntegralInRange<unsigned>(1, 52)};
    const std::int64_t now = time();
    auto topic = [&] {
      if (!taxonomy.topics().empty() && flag()) {
        return taxonomy
            .topics()[in_.ConsumeIntegralInRange<std::size_t>(0, taxonomy.topics().size() - 1)]
            .id;
      }
      return text();
    };
    auto routing = [&] {
      RoutingRecord r;
      r.id = id();
      r.platform = flag() ? "slack" : "teams";
      r.intent = intent();
      r.role = role();
      r.original_role = role();
      r.topic = topic();
      r.text = text();
      r.link = flag() ? "https://x.example/" + text() : text();
      r.channel = text();
      r.author = text();
      r.assignee = text();
      r.created_at = now - in_.ConsumeIntegralInRange<std::int64_t>(0, 30 * 86400);
      return r;
    };
    input.routings.resize(count(6));
    for (auto& r : input.routings) r = routing();
    input.unacknowledged.resize(count(4));
    for (auto& r : input.unacknowledged) r = routing();
    input.moves.resize(count(6));
    for (auto& m : input.moves) {
      // One statement per draw: the order fuzz bytes are consumed in is fixed.
      const auto routing_id = id();
      auto move_topic = topic();
      const Role from = role();
      const Role to = role();
      auto by = text();
      const auto at = now - in_.ConsumeIntegralInRange<std::int64_t>(0, 8 * 86400);
      m = reassignment(routing_id, std::move(move_topic), from, to, std::move(by), at);
    }
    input.decisions.resize(count(4));
    for (auto& d : input.decisions) {
      d = DecisionRecord{};
      d.id = id();
      d.role = role();
      d.text = text();
      d.decided_by = text();
      d.channel = text();
      d.link = flag() ? "https://x.example/d" : text();
      d.created_at = now - in_.ConsumeIntegralInRange<std::int64_t>(0, 8 * 86400);
    }
    if (flag()) {
      input.previous_week = WorkShare{in_.ConsumeIntegralInRange<std::int64_t>(0, 1000),
                                      in_.ConsumeIntegralInRange<std::int64_t>(0, 1000)};
    }
    input.options.top_topics = in_.ConsumeIntegralInRange<std::size_t>(0, 12);
    input.options.hotspot_threshold = in_.ConsumeIntegralInRange<std::int64_t>(1, 5);
    input.options.unacknowledged_after = in_.ConsumeIntegralInRange<std::int64_t>(0, 14 * 86400);
    return build_digest(input, taxonomy, now);
  }

 private:
  FuzzedDataProvider& in_;
};

}  // namespace rolecall::fuzz
