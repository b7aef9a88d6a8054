#pragma once
// The answer to "who owns this?", independent of where it is shown. Adapters
// render it as Block Kit (Slack), an Adaptive Card (Teams) or plain text.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/classification.hpp"
#include "core/taxonomy.hpp"
#include "core/team.hpp"

namespace rolecall {

struct Answer {
  Role role = Role::none;
  std::string topic_id;
  std::string topic_title;
  std::string explanation;       // the one-line reason (from the taxonomy)
  std::string pm_part, po_part;  // shared topics: who does which half
  std::vector<Person> owners;    // people holding the role on the team (may be empty)
  // Role::both on a team that is not combined: `owners` split by role, so the
  // answer can say who does which half.
  std::vector<Person> pm_owners, po_owners;
  bool combined = false;  // the team has one person in both roles
  Role hat = Role::none;  // combined teams: which hat the question belongs to
  double confidence = 0.0;
  bool low_confidence = false;       // say "probably" and offer the alternative
  std::string alternative_topic_id;  // set when low_confidence and a runner-up exists
  std::string alternative_title;
  Role alternative_role = Role::none;
  std::vector<std::string> cues;            // what decided it
  std::string team_name;                    // empty when no team is known
  std::vector<std::string> example_topics;  // role none: what rolecall can answer
  // Set when the question was asked in the thread of a request rolecall
  // routed and named no topic of its own (usecases/message_rules.hpp): the
  // answer is that request's, its role and topic as the routing log has them
  // now (after any reassignment), and renderers say so ("This thread's
  // request (routed on 2024-06-11) is owned by …"). 0 otherwise.
  std::int64_t thread_routing_id = 0;
  std::int64_t thread_routed_at = 0;  // when it was routed (Unix seconds, UTC)
};

// Below this confidence an answer says "probably" and offers the runner-up.
// Deliberately higher than RoutingPolicy::clarify_below: a hedged answer
// costs nothing, a wrong routing costs someone's time.
inline constexpr double answer_low_confidence_below = 0.5;

// How many topics an answer for Role::none suggests.
inline constexpr std::size_t answer_example_topic_count = 5;

// Builds the answer for a classified message. `team` may be nullptr.
// A topic id the taxonomy lacks is not an error: the answer then carries the
// id as its title. Role::none fills `example_topics` (taxonomy order,
// alternating PM, PO and shared topics, so the list is varied and stable).
Answer compose_answer(const Classification& c, const Taxonomy& taxonomy, const Team* team);

// Role::none with a topic (one of the taxonomy's `role: none` topics the
// message matched): "That doesn't look like product work (food, drinks and
// socials)." Renderers escape it for their markup.
std::string not_product_headline(const Answer& answer);

// Plain text for the terminal (`rolecall ask`) and as the fallback `text` of
// chat messages. No markup; one idea per line (who owns it, why, the halves
// of a shared topic, the alternative when unsure); no trailing newline.
// An answer about a thread's request opens with "This thread's request
// (routed on YYYY-MM-DD) is owned by …".
std::string render_answer_text(const Answer& answer);

}  // namespace rolecall
