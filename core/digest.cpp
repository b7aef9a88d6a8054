#include "core/digest.hpp"

#include <algorithm>
#include <cmath>
#include <string_view>
#include <tuple>
#include <unordered_map>
#include <unordered_set>

namespace rolecall {

namespace {

std::string topic_title(const Taxonomy& taxonomy, const std::string& topic_id) {
  if (topic_id.empty()) return "(no topic)";
  if (const Topic* t = taxonomy.find(topic_id); t != nullptr && !t->title.empty()) {
    return t->title;
  }
  return topic_id;
}

// Counts per topic id; sorts and trims afterwards.
class TopicCounter {
 public:
  void add(const std::string& topic) { ++counts_[topic]; }

  std::vector<TopicCount> top(const Taxonomy& taxonomy, std::size_t n) const {
    std::vector<TopicCount> all;
    all.reserve(counts_.size());
    for (const auto& [id, count] : counts_) {
      // A request without a topic says nothing about which topics recur.
      if (id.empty()) continue;
      all.push_back(TopicCount{id, topic_title(taxonomy, id), count});
    }
    const auto by_count = [](const TopicCount& a, const TopicCount& b) {
      return std::tie(b.count, a.title, a.topic_id) < std::tie(a.count, b.title, b.topic_id);
    };
    if (all.size() > n) {
      std::partial_sort(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(n), all.end(),
                        by_count);
      all.resize(n);
    } else {
      std::sort(all.begin(), all.end(), by_count);
    }
    return all;
  }

 private:
  std::unordered_map<std::string, std::int64_t> counts_;
};

int rounded_percent(std::int64_t part, std::int64_t total) {
  return static_cast<int>(
      std::lround(100.0 * static_cast<double>(part) / static_cast<double>(total)));
}

int role_rank(Role r) {
  switch (r) {
    case Role::product_manager: return 0;
    case Role::product_owner: return 1;
    case Role::both: return 2;
    case Role::project_manager: return 3;
    case Role::none: return 4;
  }
  return 5;
}

std::string quoted(const std::string& title) { return "'" + title + "'"; }

std::string role_topic_phrase(Role role) {
  switch (role) {
    case Role::product_manager: return "a PM topic";
    case Role::product_owner: return "a PO topic";
    case Role::both: return "a shared topic";
    case Role::project_manager: return "a project manager topic";
    case Role::none: return "a topic nobody owns";
  }
  return "a topic";
}

std::string the_role(Role role) {
  if (role == Role::both) return "both roles";
  if (role == Role::none) return "nobody";
  return "the " + std::string(short_name(role));
}

void add_suggestions(Digest& d, const Taxonomy& taxonomy, std::int64_t threshold) {
  threshold = std::max<std::int64_t>(threshold, 1);
  std::unordered_set<std::string> suggested;
  // Hotspots are sorted most moves first, so the strongest direction of a
  // topic speaks for it.
  for (const MoveHotspot& h : d.hotspots) {
    if (h.topic_id.empty() || h.count < threshold || suggested.count(h.topic_id)) continue;
    if (h.back >= h.count) continue;  // no direction wins: handled below
    suggested.insert(h.topic_id);
    const Topic* topic = taxonomy.find(h.topic_id);
    std::string text = quoted(h.title) + " was moved from " + the_role(h.from) + " to " +
                       the_role(h.to) + " " + std::to_string(h.count) + " times";
    if (topic != nullptr && topic->role == h.to) {
      text += ", although taxonomy.yaml already makes it " + role_topic_phrase(h.to) +
              ": check its cues, or agree as a team who owns it.";
    } else {
      text += ": consider making it " + role_topic_phrase(h.to) +
              " in taxonomy.yaml, or agree it as a team.";
    }
    d.suggestions.push_back(Suggestion{h.topic_id, h.to, std::move(text)});
  }
  for (const MoveHotspot& h : d.hotspots) {
    if (h.topic_id.empty() || suggested.count(h.topic_id)) continue;
    if (h.back == 0 || h.count + h.back < threshold) continue;
    suggested.insert(h.topic_id);
    std::string text = quoted(h.title) + " was moved back and forth between " + the_role(h.from) +
                       " and " + the_role(h.to) + " " + std::to_string(h.count + h.back) +
                       " times: agree as a team who owns it.";
    d.suggestions.push_back(Suggestion{h.topic_id, Role::none, std::move(text)});
  }
}

}  // namespace

WorkShare work_share(const std::vector<RoutingRecord>& routings) noexcept {
  WorkShare s;
  for (const RoutingRecord& r : routings) {
    if (r.intent != Intent::request) continue;
    if (r.role == Role::product_manager) ++s.strategy;
    if (r.role == Role::product_owner) ++s.execution;
  }
  return s;
}

Digest build_digest(const DigestInput& input, const Taxonomy& taxonomy, std::int64_t now) {
  Digest d;
  d.team_id = input.team_id;
  d.team_name = input.team_name.empty() ? input.team_id : input.team_name;
  d.week = input.week;
  d.week_label = to_string(input.week);
  d.generated_at = now;
  const DigestOptions& opt = input.options;

  // --- requests and questions of the week
  TopicCounter pm_topics, po_topics, question_topics;
  for (const RoutingRecord& r : input.routings) {
    if (r.intent == Intent::request) {
      ++d.requests;
      switch (r.original_role) {
        case Role::product_manager:
          ++d.to_pm.count;
          pm_topics.add(r.topic);
          break;
        case Role::product_owner:
          ++d.to_po.count;
          po_topics.add(r.topic);
          break;
        case Role::both: ++d.to_both; break;
        default: ++d.not_routed; break;
      }
    } else if (r.intent == Intent::question) {
      question_topics.add(r.topic);
      d.questions.push_back(QuestionItem{r.id, r.platform, r.role, topic_title(taxonomy, r.topic),
                                         r.text, r.link, r.created_at});
    }
  }
  d.to_pm.top_topics = pm_topics.top(taxonomy, opt.top_topics);
  d.to_po.top_topics = po_topics.top(taxonomy, opt.top_topics);
  d.question_topics = question_topics.top(taxonomy, opt.top_topics);
  std::stable_sort(d.questions.begin(), d.questions.end(), [](const auto& a, const auto& b) {
    return std::tie(a.created_at, a.id) < std::tie(b.created_at, b.id);
  });

  // --- reassignments
  struct Key {
    std::string topic;
    Role from, to;
    bool operator==(const Key&) const = default;
  };
  struct KeyHash {
    std::size_t operator()(const Key& k) const noexcept {
      return std::hash<std::string>{}(k.topic) ^
             (static_cast<std::size_t>(k.from) * 31 + static_cast<std::size_t>(k.to)) *
                 0x9e3779b97f4a7c15ull;
    }
  };
  std::unordered_map<Key, std::int64_t, KeyHash> move_counts;
  for (const StatusChange& m : input.moves) {
    ++d.moves;
    ++move_counts[Key{m.topic, m.from_role, m.new_role}];
  }
  for (const auto& [k, count] : move_counts) {
    const auto back = move_counts.find(Key{k.topic, k.to, k.from});
    d.hotspots.push_back(MoveHotspot{k.topic, topic_title(taxonomy, k.topic), k.from, k.to, count,
                                     back == move_counts.end() ? 0 : back->second});
  }
  std::sort(d.hotspots.begin(), d.hotspots.end(), [](const MoveHotspot& a, const MoveHotspot& b) {
    return std::make_tuple(-a.count, std::string_view(a.title), role_rank(a.from),
                           role_rank(a.to)) <
           std::make_tuple(-b.count, std::string_view(b.title), role_rank(b.from), role_rank(b.to));
  });
  add_suggestions(d, taxonomy, opt.hotspot_threshold);

  // --- still unacknowledged
  d.unacknowledged_after = opt.unacknowledged_after;
  std::unordered_set<std::int64_t> seen;
  for (const RoutingRecord& r : input.unacknowledged) {
    if (r.created_at > now - opt.unacknowledged_after) continue;
    if (!seen.insert(r.id).second) continue;
    d.unacknowledged.push_back(
        PendingRequest{r.id, r.platform, r.role, r.topic, topic_title(taxonomy, r.topic), r.text,
                       r.link, r.channel, r.assignee, r.created_at, now - r.created_at});
  }
  std::sort(d.unacknowledged.begin(), d.unacknowledged.end(), [](const auto& a, const auto& b) {
    return std::tie(a.created_at, a.id) < std::tie(b.created_at, b.id);
  });

  // --- decisions, grouped by role
  d.decision_count = static_cast<std::int64_t>(input.decisions.size());
  std::vector<const DecisionRecord*> decisions;
  decisions.reserve(input.decisions.size());
  for (const DecisionRecord& dec : input.decisions) decisions.push_back(&dec);
  std::stable_sort(decisions.begin(), decisions.end(), [](const auto* a, const auto* b) {
    return std::make_tuple(role_rank(a->role), a->created_at, a->id) <
           std::make_tuple(role_rank(b->role), b->created_at, b->id);
  });
  for (const DecisionRecord* dec : decisions) {
    if (d.decisions.empty() || d.decisions.back().role != dec->role) {
      d.decisions.push_back(DecisionGroup{dec->role, {}});
    }
    d.decisions.back().decisions.push_back(*dec);
  }

  // --- strategy vs execution
  d.share = work_share(input.routings);
  if (const std::int64_t total = d.share.strategy + d.share.execution; total > 0) {
    d.strategy_percent = rounded_percent(d.share.strategy, total);
  }
  if (input.previous_week) {
    const WorkShare& p = *input.previous_week;
    if (const std::int64_t total = p.strategy + p.execution; total > 0) {
      d.previous_strategy_percent = rounded_percent(p.strategy, total);
    }
  }
  if (d.strategy_percent && d.previous_strategy_percent) {
    d.strategy_delta_pp = *d.strategy_percent - *d.previous_strategy_percent;
  }

  d.empty = d.requests == 0 && d.questions.empty() && d.moves == 0 && d.decision_count == 0 &&
            d.unacknowledged.empty();
  return d;
}

}  // namespace rolecall
