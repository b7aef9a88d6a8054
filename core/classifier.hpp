#pragma once
// The classifier: one chat message in, intent + role + topic + confidence out.
// Pure and thread-safe after construction (classify() is const and touches
// no shared mutable state), so one instance serves every worker thread.
//
// What classify() returns (details in classifier.cpp, classifier_model.hpp,
// lexicon.hpp and intent_detector.hpp):
//   - role: the most probable of the five roles under the model, which reads
//     the message's words, word pairs, clause starts, the intent rules'
//     findings, and the taxonomy's cue evidence per role (the cues of
//     `role: none` topics count towards none). `none` (topic empty) for
//     chatter and for product words used in another sense; not_product_topic
//     and cues then name the not-product topic and words it matched, if any.
//   - confidence: the probability of that role, calibrated on lines the
//     model was not trained on; below routing.clarify_below rolecall asks.
//   - topic: the role's most probable taxonomy topic (any PM, PO or shared
//     topic when the role is `both`); alternative_topic: the runner-up
//     role's best topic when that role is still plausible.
//   - intent question | request | other. Without a topic only an ownership
//     question ("who owns the coffee machine?") is a question; everything else
//     is other, since there is nothing to answer or route.
//   - cues: the words of the message that pushed hardest toward the chosen
//     role (taxonomy cues as the cue is written, other words as typed),
//     strongest first: the explanation shown to people.
// Message text may be raw Slack or Teams text: markup, entities, quotes,
// code and emoji are handled here (see normalizer.hpp).

#include <array>
#include <memory>
#include <memory_resource>
#include <string_view>
#include <vector>

#include "core/analyzed_text.hpp"
#include "core/classification.hpp"
#include "core/classifier_model.hpp"
#include "core/message_features.hpp"
#include "core/taxonomy.hpp"

namespace rolecall {

class Classifier {
 public:
  // Builds the lexicon from the taxonomy's cues and scores messages with the
  // learned `model` (see classifier_model.hpp). The taxonomy must outlive
  // nothing: the classifier copies what it needs and shares the model.
  Classifier(const Taxonomy& taxonomy, std::shared_ptr<const ClassifierModel> model);
  // Lexicon only, no learned weights: the cue evidence decides the role and
  // the intent rules decide the intent. For operators who run without a
  // model file and for tests of the lexicon itself.
  explicit Classifier(const Taxonomy& taxonomy);
  ~Classifier();
  Classifier(Classifier&&) noexcept;
  Classifier& operator=(Classifier&&) noexcept;

  // Never throws for any input bytes (invalid UTF-8 included).
  Classification classify(std::string_view message) const;

  // What the model reads of one message: its features and the taxonomy's
  // cue evidence. classify() scores exactly this; the trainer learns from it.
  // Its lists take their memory from `memory` (default: the default resource).
  struct Evidence {
    Evidence() = default;
    explicit Evidence(std::pmr::memory_resource* memory)
        : text(memory),
          features(memory),
          role_only_features(memory),
          topic_cues(memory),
          hits(memory) {}

    AnalyzedText text;
    std::pmr::vector<MessageFeature> features;
    std::pmr::vector<MessageFeature> role_only_features;  // scored for the role only
    std::array<float, kModelRoles> role_cues{};           // cue evidence per Role
    std::pmr::vector<float> topic_cues;                   // per taxonomy topic
    std::pmr::vector<CueHit> hits;                        // each cue once, at its best
    bool ownership_question = false;                      // asks who owns something, topic or not
    Intent rule_intent = Intent::other;                   // what the intent rules alone say
  };
  void gather(std::string_view message, Evidence& out) const;
  const Taxonomy& taxonomy() const noexcept;
  // The learned model's feature count; 0 when the cue lexicon alone decides.
  std::size_t model_features() const noexcept;

 private:
  // gather() without the feature lists, and the role mentions and sentence
  // intents the features are made from.
  // Scratch memory comes from the resource of `roles`.
  void gather_cues(std::string_view message, Evidence& out, std::pmr::vector<RoleMention>& roles,
                   std::pmr::vector<SentenceIntent>& sentences) const;
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace rolecall
