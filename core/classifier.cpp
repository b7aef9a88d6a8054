// How a message is classified (the contract is in classifier.hpp):
//
// 1. analyze_text: markup resolved, quotes/code/emoji/URLs dropped or marked,
//    lower case, contractions reduced, words stemmed, sentences and clauses
//    found (normalizer.cpp).
// 2. Lexicon::match: typo correction, then weighted cue hits per topic
//    (phrases before words, context rules, quoted lines down-weighted) and
//    role names mentioned (lexicon.hpp documents the weights).
// 3. Scores: each distinct cue counts once (its best occurrence); a topic's
//    score is the sum of its cues, a role's score the sum of its topics'.
//    A role named in the message adds a small hint to that role, and only
//    when there is topic evidence at all: "can the product manager sign off
//    the AC?" stays with the Product Owner because the AC outweighs the name.
//    In a message of several sentences, cues outside the sentences that carry
//    the intent (IntentDetector::focus) count kContextSentenceFactor:
//    "I saw the roadmap. Can we add the SSO story to the next sprint?" is a
//    sprint request with roadmap context.
// 4. Decision: no role reaches kMinEvidence -> role none. If the Product
//    Manager's and the Product Owner's scores are within kBothRatio of each
//    other the answer is `both` (the message really is about both halves) with
//    the other side's best topic as alternative_topic. A shared topic level
//    with one side's topic does not make it `both`: words like "stakeholders"
//    or "feedback" turn up in passing, and the specific side wins ties.
//    Within kCloseRatio the winner stands but alternative_topic is set and
//    confidence drops.
// 5. Confidence = evidence * margin: evidence grows with the winning score
//    (1 - e^(-score/1.2)), margin shrinks as the runner-up role gets closer.
//    For role none it is the confidence that there is no topic.
// 6. IntentDetector decides question / request / other.

#include "core/classifier.hpp"

#include <algorithm>
#include <array>
#include <cmath>

#include "core/analyzed_text.hpp"
#include "core/intent_detector.hpp"
#include "core/lexicon.hpp"

namespace rolecall {
namespace {

constexpr float kMinEvidence = 0.45f;
constexpr float kRoleHint = 0.2f;
constexpr float kBothRatio = 0.85f;
constexpr float kCloseRatio = 0.5f;
constexpr float kContextSentenceFactor = 0.6f;

constexpr std::size_t role_slot(Role r) noexcept { return static_cast<std::size_t>(r); }
constexpr std::size_t kRoleSlots = 4;  // every Role except none

}  // namespace

struct Classifier::Impl {
  explicit Impl(const Taxonomy& taxonomy) : lexicon(taxonomy) {
    for (const Topic& t : taxonomy.topics()) {
      topic_ids.push_back(t.id);
      topic_roles.push_back(t.role);
    }
  }

  std::vector<std::string> topic_ids;
  std::vector<Role> topic_roles;
  Lexicon lexicon;
  IntentDetector intent;
};

Classifier::Classifier(const Taxonomy& taxonomy) : impl_(std::make_unique<Impl>(taxonomy)) {}
Classifier::~Classifier() = default;
Classifier::Classifier(Classifier&&) noexcept = default;
Classifier& Classifier::operator=(Classifier&&) noexcept = default;

Classification Classifier::classify(std::string_view message) const {
  const Impl& im = *impl_;
  AnalyzedText text;
  analyze_text(message, text);
  std::vector<CueHit> hits;
  std::vector<RoleMention> roles;
  im.lexicon.match(text, hits, roles);
  std::vector<SentenceIntent> sentences;
  im.intent.sentence_intents(text, roles, sentences);

  // In a message of several sentences, topic words in the sentence that asks
  // or requests count more than the context around it.
  std::vector<char> focus;
  IntentDetector::focus(sentences, focus);
  bool focus_has_cues = false;
  for (const CueHit& h : hits)
    focus_has_cues = focus_has_cues || focus[text.tokens[h.first_token].sentence];
  if (focus_has_cues) {
    for (CueHit& h : hits) {
      if (!focus[text.tokens[h.first_token].sentence]) h.weight *= kContextSentenceFactor;
    }
  }

  // Each cue counts once, at its strongest occurrence.
  std::sort(hits.begin(), hits.end(), [](const CueHit& a, const CueHit& b) {
    return a.cue != b.cue ? a.cue < b.cue : a.weight > b.weight;
  });
  hits.erase(std::unique(hits.begin(), hits.end(),
                         [](const CueHit& a, const CueHit& b) { return a.cue == b.cue; }),
             hits.end());

  std::vector<float> topic_score(im.topic_ids.size(), 0.0f);
  std::array<float, kRoleSlots> role_score{};
  float total = 0.0f;
  for (const CueHit& h : hits) {
    topic_score[h.topic] += h.weight;
    role_score[role_slot(im.topic_roles[h.topic])] += h.weight;
    total += h.weight;
  }
  if (total >= kMinEvidence) {
    for (const RoleMention& r : roles) {
      if (r.role != Role::none && r.role != Role::both) role_score[role_slot(r.role)] += kRoleHint;
    }
  }

  Classification out;
  auto best_topic_of = [&](Role r) {
    int best = -1;
    for (std::size_t t = 0; t < topic_score.size(); ++t) {
      if (im.topic_roles[t] == r && topic_score[t] > 0.0f &&
          (best < 0 || topic_score[t] > topic_score[static_cast<std::size_t>(best)])) {
        best = static_cast<int>(t);
      }
    }
    return best;
  };

  std::size_t best_slot = 0;
  for (std::size_t r = 1; r < kRoleSlots; ++r) {
    if (role_score[r] > role_score[best_slot]) best_slot = r;
  }
  const float best = role_score[best_slot];
  float second = 0.0f;
  std::size_t second_slot = best_slot;
  for (std::size_t r = 0; r < kRoleSlots; ++r) {
    if (r != best_slot && role_score[r] > second) {
      second = role_score[r];
      second_slot = r;
    }
  }

  if (best < kMinEvidence || total < kMinEvidence) {
    out.role = Role::none;
    out.confidence = std::clamp(1.0 - 0.8 * (1.0 - std::exp(-total / 1.2)), 0.0, 1.0);
  } else {
    Role role = static_cast<Role>(best_slot);
    const Role runner = static_cast<Role>(second_slot);
    int topic = best_topic_of(role);
    int alternative = -1;
    const bool pm_po = (role == Role::product_manager && runner == Role::product_owner) ||
                       (role == Role::product_owner && runner == Role::product_manager);
    if (second >= kMinEvidence && second >= kCloseRatio * best) {
      alternative = best_topic_of(runner);
      if (pm_po && second >= kBothRatio * best) role = Role::both;
    }
    out.role = role;
    if (topic >= 0) out.topic = im.topic_ids[static_cast<std::size_t>(topic)];
    if (alternative >= 0)
      out.alternative_topic = im.topic_ids[static_cast<std::size_t>(alternative)];
    const double evidence = 1.0 - std::exp(-best / 1.2);
    const double margin = best / (best + second);  // 0.5 .. 1
    out.confidence = std::clamp(evidence * (0.35 + 0.65 * (2.0 * margin - 1.0)), 0.0, 1.0);

    // The cues that decided it: those of the winning role (both roles when
    // the answer is `both`), strongest first.
    std::vector<const CueHit*> deciding;
    for (const CueHit& h : hits) {
      const Role r = im.topic_roles[h.topic];
      if (r == role ||
          (role == Role::both && (r == Role::product_manager || r == Role::product_owner)))
        deciding.push_back(&h);
    }
    std::sort(deciding.begin(), deciding.end(),
              [](const CueHit* a, const CueHit* b) { return a->weight > b->weight; });
    for (const CueHit* h : deciding) out.cues.emplace_back(im.lexicon.cue_text(h->cue));
  }

  out.intent = IntentDetector::decide(sentences, out.role != Role::none);
  return out;
}

}  // namespace rolecall
