// How a message is classified (the contract is in classifier.hpp):
//
// 1. analyze_text: markup resolved, quotes/code/emoji/URLs dropped or marked,
//    lower case, contractions reduced, words stemmed, sentences and clauses
//    found (normalizer.cpp).
// 2. Lexicon::match: typo correction, then weighted cue hits per topic
//    (phrases before words, context rules, quoted lines down-weighted) and
//    role names mentioned (lexicon.hpp documents the weights). Each cue
//    counts once, at its best occurrence; in a message of several sentences
//    cues outside the sentences that carry the intent count
//    kContextSentenceFactor ("I saw the roadmap. Can we add the SSO story to
//    the sprint?" is a sprint request with roadmap context). The sums per
//    role and per topic are the taxonomy's evidence.
// 3. The intent rules (IntentDetector) mark ownership questions, requests
//    and other questions per sentence.
// 4. extract_features turns words, word pairs, clause starts and the rules'
//    findings into sparse features; the model (classifier_model.hpp) scores
//    role, intent and topic from them plus the taxonomy's evidence through
//    the shared tie weights, and calibrated softmaxes give probabilities.
// 5. Without a model the taxonomy's evidence alone decides the role (none
//    below kMinEvidence) and the rules decide the intent.

#include "core/classifier.hpp"

#include <algorithm>
#include <cmath>

#include "core/intent_detector.hpp"
#include "core/lexicon.hpp"

namespace rolecall {
namespace {

constexpr float kContextSentenceFactor = 0.6f;
// Cue evidence beyond this adds nothing: five cues of one topic are not five
// times as sure as one, and a capped input keeps the tie weight meaningful.
constexpr float kEvidenceCap = 4.0f;
// Lexicon-only mode: below this evidence there is no topic.
constexpr float kMinEvidence = 0.45f;
// The runner-up role is offered as the alternative when at least this likely.
constexpr double kAlternativeFloor = 0.08;
constexpr std::size_t kMaxExplainingWords = 4;
// How much the message must say for a topic before it is offered as the
// alternative ("…or is it about pricing?").
constexpr double kMinSupport = 0.5;

constexpr std::size_t role_index(Role r) noexcept { return static_cast<std::size_t>(r); }

template <std::size_t N>
std::array<double, N> softmax(const std::array<double, N>& scores, double temperature) {
  std::array<double, N> p{};
  const double top = *std::max_element(scores.begin(), scores.end());
  double sum = 0.0;
  for (std::size_t i = 0; i < N; ++i) {
    p[i] = std::exp((scores[i] - top) / temperature);
    sum += p[i];
  }
  for (double& v : p) v /= sum;
  return p;
}

// Does a topic of role `topic_role` answer for a message of role `role`?
bool topic_fits(Role role, Role topic_role) noexcept {
  if (role == Role::both)
    return topic_role == Role::both || topic_role == Role::product_manager ||
           topic_role == Role::product_owner;
  return topic_role == role;
}

}  // namespace

struct Classifier::Impl {
  Impl(const Taxonomy& t, std::shared_ptr<const ClassifierModel> m)
      : taxonomy(t), lexicon(t), model(std::move(m)) {
    for (const Topic& topic : taxonomy.topics()) {
      topic_roles.push_back(topic.role);
      model_topic.push_back(model ? model->topic_index(topic.id) : -1);
    }
  }

  Taxonomy taxonomy;
  std::vector<Role> topic_roles;
  std::vector<int> model_topic;  // taxonomy topic -> model topic, or -1
  Lexicon lexicon;
  IntentDetector intent;
  std::shared_ptr<const ClassifierModel> model;
};

Classifier::Classifier(const Taxonomy& taxonomy, std::shared_ptr<const ClassifierModel> model)
    : impl_(std::make_unique<Impl>(taxonomy,
                                   model && !model->empty() ? std::move(model) : nullptr)) {}
Classifier::Classifier(const Taxonomy& taxonomy)
    : impl_(std::make_unique<Impl>(taxonomy, nullptr)) {}
Classifier::~Classifier() = default;
Classifier::Classifier(Classifier&&) noexcept = default;
Classifier& Classifier::operator=(Classifier&&) noexcept = default;

const Taxonomy& Classifier::taxonomy() const noexcept { return impl_->taxonomy; }

std::size_t Classifier::model_features() const noexcept {
  return impl_->model ? impl_->model->rows().size() : 0;
}

void Classifier::gather(std::string_view message, Evidence& ev) const { gather(message, ev, true); }

void Classifier::gather(std::string_view message, Evidence& ev, bool want_features) const {
  const Impl& im = *impl_;
  analyze_text(message, ev.text);
  ev.hits.clear();
  std::vector<RoleMention> roles;
  im.lexicon.match(ev.text, ev.hits, roles);
  std::vector<SentenceIntent> sentences;
  im.intent.sentence_intents(ev.text, roles, sentences);

  std::vector<char> focus;
  IntentDetector::focus(sentences, focus);
  bool focus_has_cues = false;
  for (const CueHit& h : ev.hits)
    focus_has_cues = focus_has_cues || focus[ev.text.tokens[h.first_token].sentence];
  if (focus_has_cues) {
    for (CueHit& h : ev.hits) {
      if (!focus[ev.text.tokens[h.first_token].sentence]) h.weight *= kContextSentenceFactor;
    }
  }
  std::sort(ev.hits.begin(), ev.hits.end(), [](const CueHit& a, const CueHit& b) {
    return a.cue != b.cue ? a.cue < b.cue : a.weight > b.weight;
  });
  ev.hits.erase(std::unique(ev.hits.begin(), ev.hits.end(),
                            [](const CueHit& a, const CueHit& b) { return a.cue == b.cue; }),
                ev.hits.end());

  ev.topic_cues.assign(im.topic_roles.size(), 0.0f);
  ev.role_cues.fill(0.0f);
  for (const CueHit& h : ev.hits) ev.topic_cues[h.topic] += h.weight;
  for (std::size_t t = 0; t < ev.topic_cues.size(); ++t) {
    ev.topic_cues[t] = std::min(ev.topic_cues[t], kEvidenceCap);
    ev.role_cues[role_index(im.topic_roles[t])] += ev.topic_cues[t];
  }
  for (float& v : ev.role_cues) v = std::min(v, kEvidenceCap);

  // Without a topic only an ownership question with an ownership word
  // ("who owns the coffee machine?", not "who's up for pizza?") asks.
  ev.ownership_question = IntentDetector::decide(sentences, false) == Intent::question;
  float total = 0.0f;
  for (float v : ev.role_cues) total += v;
  ev.rule_intent = IntentDetector::decide(sentences, total >= kMinEvidence);

  ev.features.clear();
  // classify() without a model does not read the features.
  if (want_features) extract_features(ev.text, roles, sentences, ev.features);
}

Classification Classifier::classify(std::string_view message) const {
  const Impl& im = *impl_;
  Evidence ev;
  gather(message, ev, im.model != nullptr);

  // Role scores.
  std::array<double, kModelRoles> role_score{};
  std::array<double, kModelIntents> intent_score{};
  std::vector<double> topic_score(im.topic_roles.size(), 0.0);
  // What the message itself says for each topic (the score without the
  // topic's prior): an alternative is offered only when the message points
  // at it, not merely because its topic is common.
  std::vector<double> topic_support(im.topic_roles.size(), 0.0);
  const ClassifierModel* m = im.model.get();
  if (m) {
    for (std::size_t r = 0; r < kModelRoles; ++r)
      role_score[r] = m->role_bias[r] + m->role_tie * ev.role_cues[r];
    for (std::size_t i = 0; i < kModelIntents; ++i) intent_score[i] = m->intent_bias[i];
    std::vector<double> model_topic(m->topics().size(), 0.0);
    for (const MessageFeature& f : ev.features) {
      const ClassifierModel::Row* row = m->find(f.hash);
      if (!row) continue;
      for (std::size_t r = 0; r < kModelRoles; ++r) role_score[r] += row->role[r];
      for (std::size_t i = 0; i < kModelIntents; ++i) intent_score[i] += row->intent[i];
      for (std::uint32_t k = 0; k < row->topic_count; ++k) {
        const auto& w = m->topic_weights()[row->topic_begin + k];
        model_topic[w.topic] += w.weight;
      }
    }
    for (std::size_t t = 0; t < topic_score.size(); ++t) {
      const int mt = im.model_topic[t];
      topic_score[t] = m->topic_tie * ev.topic_cues[t];
      if (mt >= 0) topic_score[t] += model_topic[static_cast<std::size_t>(mt)];
      topic_support[t] = topic_score[t];
      if (mt >= 0 && static_cast<std::size_t>(mt) < m->topic_bias.size())
        topic_score[t] += m->topic_bias[static_cast<std::size_t>(mt)];
    }
  } else {
    // Lexicon only: evidence against a fixed bar for none.
    for (std::size_t r = 0; r < kModelRoles; ++r) role_score[r] = 2.0 * ev.role_cues[r];
    role_score[role_index(Role::none)] = 2.0 * kMinEvidence;
    for (std::size_t t = 0; t < topic_score.size(); ++t)
      topic_score[t] = topic_support[t] = ev.topic_cues[t];
  }
  const std::array<double, kModelRoles> role_p =
      softmax(role_score, m ? static_cast<double>(m->role_temperature) : 1.0);

  std::size_t best = 0;
  for (std::size_t r = 1; r < kModelRoles; ++r) {
    if (role_p[r] > role_p[best]) best = r;
  }
  std::size_t second = best == 0 ? 1 : 0;
  for (std::size_t r = 0; r < kModelRoles; ++r) {
    if (r != best && role_p[r] > role_p[second]) second = r;
  }

  Classification out;
  out.role = static_cast<Role>(best);
  out.confidence = std::clamp(role_p[best], 0.0, 1.0);

  auto best_topic = [&](Role role) {
    int chosen = -1;
    for (std::size_t t = 0; t < topic_score.size(); ++t) {
      if (!topic_fits(role, im.topic_roles[t])) continue;
      if (chosen < 0 || topic_score[t] > topic_score[static_cast<std::size_t>(chosen)])
        chosen = static_cast<int>(t);
    }
    return chosen;
  };

  if (out.role != Role::none) {
    const int topic = best_topic(out.role);
    if (topic >= 0) out.topic = im.taxonomy.topics()[static_cast<std::size_t>(topic)].id;
    const Role runner = static_cast<Role>(second);
    if (runner != Role::none && role_p[second] >= kAlternativeFloor) {
      const int alt = best_topic(runner);
      if (alt >= 0 && alt != topic && topic_support[static_cast<std::size_t>(alt)] > kMinSupport)
        out.alternative_topic = im.taxonomy.topics()[static_cast<std::size_t>(alt)].id;
    }

    // The explanation: what pushed the winner above the runner-up. Strings
    // are built only for the few reasons shown.
    struct Reason {
      double weight;
      int hit;      // index into ev.hits, or -1
      int feature;  // index into ev.features, or -1
    };
    std::vector<Reason> reasons;
    const double tie = m ? static_cast<double>(m->role_tie) : 2.0;
    for (std::size_t k = 0; k < ev.hits.size(); ++k) {
      const Role r = im.topic_roles[ev.hits[k].topic];
      if (r == out.role || (out.role == Role::both && topic_fits(Role::both, r)))
        reasons.push_back({tie * ev.hits[k].weight, static_cast<int>(k), -1});
    }
    if (m) {
      for (std::size_t k = 0; k < ev.features.size(); ++k) {
        const MessageFeature& f = ev.features[k];
        if (f.kind != MessageFeature::Kind::unigram && f.kind != MessageFeature::Kind::bigram)
          continue;
        const ClassifierModel::Row* row = m->find(f.hash);
        if (!row) continue;
        const double push = static_cast<double>(row->role[best]) - row->role[second];
        if (push > 0.15) reasons.push_back({push, -1, static_cast<int>(k)});
      }
    }
    std::sort(reasons.begin(), reasons.end(), [](const Reason& a, const Reason& b) {
      return a.weight != b.weight ? a.weight > b.weight : a.hit > b.hit;
    });
    for (const Reason& r : reasons) {
      if (out.cues.size() == kMaxExplainingWords) break;
      const std::string words =
          r.hit >= 0
              ? std::string(im.lexicon.cue_text(ev.hits[static_cast<std::size_t>(r.hit)].cue))
              : feature_words(ev.text, ev.features[static_cast<std::size_t>(r.feature)]);
      // A word already inside a chosen phrase says nothing new.
      bool covered = words.empty();
      for (const std::string& c : out.cues)
        covered =
            covered || c.find(words) != std::string::npos || words.find(c) != std::string::npos;
      if (!covered) out.cues.push_back(words);
    }
  }

  if (m) {
    const std::array<double, kModelIntents> intent_p =
        softmax(intent_score, static_cast<double>(m->intent_temperature));
    std::size_t top = 0;
    for (std::size_t i = 1; i < kModelIntents; ++i) {
      if (intent_p[i] > intent_p[top]) top = i;
    }
    out.intent = static_cast<Intent>(top);
    // An ownership question wins over a request in the same message ("can we
    // pull X in? who approves that?"): docs/labelling.md's rule, kept as a
    // rule because the model sees the sentences only as one bag of features.
    if (ev.ownership_question) out.intent = Intent::question;
  } else {
    out.intent = ev.rule_intent;
  }
  // Without a topic there is nothing to answer or route: only an ownership
  // question ("who owns the coffee machine?") stays a question.
  if (out.role == Role::none) {
    out.intent = ev.ownership_question ? Intent::question : Intent::other;
    out.topic.clear();
    out.alternative_topic.clear();
  }
  return out;
}

}  // namespace rolecall
