#pragma once
// The classifier: one chat message in, intent + role + topic + confidence out.
// Pure and thread-safe after construction (classify() is const and touches
// no shared mutable state), so one instance serves every worker thread.
//
// What classify() returns (details in classifier.cpp, lexicon.hpp and
// intent_detector.hpp):
//   - role none (topic empty, cues empty) when no taxonomy topic is
//     mentioned with enough weight: chatter, thanks, FYIs about nothing;
//     confidence is then how sure it is that there is no topic.
//   - intent question | request | other. Without a topic only an ownership
//     question ("who owns the coffee machine?") is a question; everything else
//     is other, since there is nothing to answer or route.
//   - when the Product Manager's and Product Owner's evidence is close the
//     role is `both`; when two roles are merely near each other the winner
//     stands with lower confidence. Either way alternative_topic names the
//     runner-up role's best topic.
//   - cues: the taxonomy cues that matched for the chosen role, strongest
//     first.
// Message text may be raw Slack or Teams text: markup, entities, quotes,
// code and emoji are handled here (see normalizer.hpp).

#include <memory>
#include <string_view>

#include "core/classification.hpp"
#include "core/taxonomy.hpp"

namespace rolecall {

class Classifier {
 public:
  // Builds the lexicon from the taxonomy's cues (and whatever else the
  // implementation derives from them). The taxonomy must outlive nothing:
  // the classifier copies what it needs.
  explicit Classifier(const Taxonomy& taxonomy);
  ~Classifier();
  Classifier(Classifier&&) noexcept;
  Classifier& operator=(Classifier&&) noexcept;

  // Never throws for any input bytes (invalid UTF-8 included).
  Classification classify(std::string_view message) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace rolecall
