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
//    Topics are scored after the role is decided, and only the topics of the
//    roles read (none reads none): the per-row topic weights are regrouped by
//    the topic's role when the classifier is built.
// 5. Without a model the taxonomy's evidence alone decides the role (none
//    below kMinEvidence) and the rules decide the intent.

#include "core/classifier.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <memory>
#include <memory_resource>

#include "core/intent_detector.hpp"
#include "core/lexicon.hpp"
#include "core/text_hash.hpp"

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
// Stack memory for one classify() call's lists: a message of about 600
// bytes fits (the text, its stems and tokens take most).
constexpr std::size_t kScratchBytes = std::size_t{16} * 1024;
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

// A per-call array of trivial values: on the stack while it fits (every
// typical message), on the heap beyond. Elements start uninitialised.
template <class T, std::size_t N>
class ScratchArray {
 public:
  explicit ScratchArray(std::size_t n) {
    if (n > N) {
      heap_ = std::make_unique<T[]>(n);
      data_ = heap_.get();
    }
  }
  ScratchArray(const ScratchArray&) = delete;
  ScratchArray& operator=(const ScratchArray&) = delete;
  ~ScratchArray() = default;

  T* data() noexcept { return data_; }
  T& operator[](std::size_t i) noexcept { return data_[i]; }

 private:
  std::array<T, N> local_;
  std::unique_ptr<T[]> heap_;
  T* data_ = local_.data();
};

}  // namespace

struct Classifier::Impl {
  Impl(const Taxonomy& t, std::shared_ptr<const ClassifierModel> m)
      : taxonomy(t), lexicon(t), model(std::move(m)) {
    for (const Topic& topic : taxonomy.topics()) {
      topic_roles.push_back(topic.role);
      const int mt = model ? model->topic_index(topic.id) : -1;
      topic_bias.push_back(
          mt >= 0 && static_cast<std::size_t>(mt) < model->topic_bias.size()
              ? static_cast<double>(model->topic_bias[static_cast<std::size_t>(mt)])
              : 0.0);
    }
    if (model) group_topic_weights();
  }

  // Regroups the model's topic weights per row by the role of their taxonomy
  // topic (weights of topics the taxonomy lacks are dropped: nothing reads
  // them), so classify() sums only the topics of the roles it decided on.
  // Within a group the weights keep the model's order, and classify() adds
  // them feature by feature as before: every sum is bit for bit the same.
  void group_topic_weights() {
    std::vector<std::vector<std::uint32_t>> by_model_topic(model->topics().size());
    for (std::size_t t = 0; t < taxonomy.topics().size(); ++t) {
      const int mt = model->topic_index(taxonomy.topics()[t].id);
      if (mt >= 0)
        by_model_topic[static_cast<std::size_t>(mt)].push_back(static_cast<std::uint32_t>(t));
    }
    // The rows in the order of their features' hashes: classify() sorts a
    // message's features by their place in it (extract_known_features).
    const std::vector<std::string>& names = model->feature_names();
    std::vector<std::pair<std::uint64_t, std::uint32_t>> by_hash(names.size());
    for (std::uint32_t r = 0; r < names.size(); ++r) by_hash[r] = {text_hash(names[r]), r};
    std::sort(by_hash.begin(), by_hash.end());
    place_of_row.resize(names.size());
    for (std::uint32_t p = 0; p < by_hash.size(); ++p) place_of_row[by_hash[p].second] = p;

    const auto& weights = model->topic_weights();
    score_rows.reserve(model->rows().size());
    for (const auto& [hash, r] : by_hash) {
      const ClassifierModel::Row& row = model->rows()[r];
      const std::string_view name = names[r];
      ScoreRow score;
      score.explains = name.substr(0, 2) == "u:"   ? kExplainsWord
                       : name.substr(0, 2) == "b:" ? kExplainsPair
                                                   : kExplainsNot;
      score.role = row.role;
      score.intent = row.intent;
      RowGroups& groups = score.topics;
      for (std::size_t g = 0; g < kModelRoles; ++g) {
        groups[g] = static_cast<std::uint32_t>(row_topics.size());
        for (std::uint32_t k = 0; k < row.topic_count; ++k) {
          const ClassifierModel::TopicWeight& w = weights[row.topic_begin + k];
          for (const std::uint32_t t : by_model_topic[w.topic]) {
            if (role_index(topic_roles[t]) == g) row_topics.push_back({t, w.weight});
          }
        }
      }
      groups[kModelRoles] = static_cast<std::uint32_t>(row_topics.size());
      score_rows.push_back(score);
    }
  }

  Taxonomy taxonomy;
  std::vector<Role> topic_roles;
  std::vector<double> topic_bias;  // per taxonomy topic: the model's prior, 0 without
  // Per model row, by its place in hash order (place_of_row), in one cache
  // line: its role and intent weights, where the weights of each role's
  // topics start in row_topics ([kModelRoles] is the end), and whether it
  // may explain an answer as a word (u:) or a pair of words (b:).
  using RowGroups = std::array<std::uint32_t, kModelRoles + 1>;
  static constexpr std::uint8_t kExplainsNot = 0;
  static constexpr std::uint8_t kExplainsWord = 1;
  static constexpr std::uint8_t kExplainsPair = 2;
  struct alignas(64) ScoreRow {
    std::array<float, kModelRoles> role{};
    std::array<float, kModelIntents> intent{};
    RowGroups topics{};
    std::uint8_t explains = kExplainsNot;
  };
  struct TopicWeight {
    std::uint32_t topic = 0;  // taxonomy topic
    float weight = 0.0f;
  };
  std::vector<std::uint32_t> place_of_row;  // model row -> index into score_rows
  std::vector<ScoreRow> score_rows;
  std::vector<TopicWeight> row_topics;
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

void Classifier::gather(std::string_view message, Evidence& ev) const {
  std::pmr::vector<RoleMention> roles;
  std::pmr::vector<SentenceIntent> sentences;
  gather_cues(message, ev, roles, sentences);
  ev.features.clear();
  ev.role_only_features.clear();
  extract_features(ev.text, roles, sentences, ev.features, ev.role_only_features);
}

void Classifier::gather_cues(std::string_view message, Evidence& ev,
                             std::pmr::vector<RoleMention>& roles,
                             std::pmr::vector<SentenceIntent>& sentences) const {
  const Impl& im = *impl_;
  analyze_text(message, ev.text);
  ev.hits.clear();
  roles.clear();
  im.lexicon.match(ev.text, ev.hits, roles);
  im.intent.sentence_intents(ev.text, roles, sentences);

  std::pmr::vector<char> focus(roles.get_allocator().resource());
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
  // A topic to answer is a product one: not-product cues ("lunch") are none.
  float total = 0.0f;
  for (std::size_t r = 0; r < kModelRoles; ++r)
    if (r != role_index(Role::none)) total += ev.role_cues[r];
  ev.rule_intent = IntentDetector::decide(sentences, total >= kMinEvidence);
}

Classification Classifier::classify(std::string_view message) const {
  const Impl& im = *impl_;
  // The evidence without its feature lists: classify() reads only the
  // features the model knows (extract_known_features), and none without a
  // model.
  // Every list of this call takes its memory from a buffer on the stack
  // (a long message spills to the heap): no allocation for a typical message.
  std::array<std::byte, kScratchBytes> scratch;
  std::pmr::monotonic_buffer_resource memory(scratch.data(), scratch.size(),
                                             std::pmr::new_delete_resource());
  Evidence ev(&memory);
  std::pmr::vector<RoleMention> roles(&memory);
  std::pmr::vector<SentenceIntent> sentences(&memory);
  gather_cues(message, ev, roles, sentences);

  // Role and intent scores first; topic scores only once the role is known,
  // and only for the topics of the roles that are read (none reads none).
  std::array<double, kModelRoles> role_score{};
  std::array<double, kModelIntents> intent_score{};
  const std::size_t topic_count = im.topic_roles.size();
  // The features the model knows, each once, in the order of their hashes:
  // keys place << 32 | token (place indexes score_rows).
  const ClassifierModel* m = im.model.get();
  ScratchArray<std::uint64_t, 256> shared(m ? max_shared_features(ev.text, roles.size()) : 0);
  ScratchArray<std::uint64_t, 512> role_only(m ? max_role_only_features(ev.text) : 0);
  KnownFeatureCounts known;
  auto place = [](std::uint64_t key) { return static_cast<std::uint32_t>(key >> 32); };
  auto token = [](std::uint64_t key) { return static_cast<std::uint32_t>(key); };
  if (m) {
    known = extract_known_features(ev.text, roles, sentences, *m, im.place_of_row, shared.data(),
                                   role_only.data());
    for (std::size_t r = 0; r < kModelRoles; ++r)
      role_score[r] = m->role_bias[r] + m->role_tie * ev.role_cues[r];
    for (std::size_t i = 0; i < kModelIntents; ++i) intent_score[i] = m->intent_bias[i];
    // Role-only features (the pieces of words) add to the role alone.
    for (std::size_t k = 0; k < known.shared; ++k) {
      const Impl::ScoreRow& weights = im.score_rows[place(shared[k])];
      for (std::size_t r = 0; r < kModelRoles; ++r) role_score[r] += weights.role[r];
      for (std::size_t i = 0; i < kModelIntents; ++i) intent_score[i] += weights.intent[i];
    }
    for (std::size_t k = 0; k < known.role_only; ++k) {
      const Impl::ScoreRow& weights = im.score_rows[place(role_only[k])];
      for (std::size_t r = 0; r < kModelRoles; ++r) role_score[r] += weights.role[r];
    }
  } else {
    // Lexicon only: evidence against a fixed bar for none.
    for (std::size_t r = 0; r < kModelRoles; ++r) role_score[r] = 2.0 * ev.role_cues[r];
    role_score[role_index(Role::none)] += 2.0 * kMinEvidence;
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

  // Topic scores for the roles read below: the chosen role's topics and,
  // when it is plausible, the runner-up's. topic_support is what the message
  // itself says for a topic (the score without the topic's prior): an
  // alternative is offered only when the message points at it, not merely
  // because its topic is common.
  const Role runner = static_cast<Role>(second);
  const bool want_runner = runner != Role::none && role_p[second] >= kAlternativeFloor;
  std::array<bool, kModelRoles> want_group{};
  // The groups read lie in [group_lo, group_hi), one run of weights per
  // feature (Role's order is PM, PO, both, PjM: a `both` message reads the
  // run PM..both). A group inside the run that is not read is summed unread.
  std::size_t group_lo = kModelRoles;
  std::size_t group_hi = 0;
  if (out.role != Role::none) {
    for (std::size_t g = 0; g < kModelRoles; ++g) {
      const Role topic_role = static_cast<Role>(g);
      want_group[g] =
          topic_fits(out.role, topic_role) || (want_runner && topic_fits(runner, topic_role));
      if (want_group[g]) {
        group_lo = std::min(group_lo, g);
        group_hi = g + 1;
      }
    }
  }
  ScratchArray<double, 128> topic_score(topic_count);
  ScratchArray<double, 128> topic_support(topic_count);
  if (group_lo < group_hi) {
    if (m) {
      // The model's weights per topic, summed feature by feature in the
      // features' order, as the topic's own sum always was.
      ScratchArray<double, 128> model_sum(topic_count);
      std::fill(model_sum.data(), model_sum.data() + topic_count, 0.0);
      for (std::size_t k = 0; k < known.shared; ++k) {
        const Impl::RowGroups& groups = im.score_rows[place(shared[k])].topics;
        const Impl::TopicWeight* w = im.row_topics.data() + groups[group_lo];
        const Impl::TopicWeight* end = im.row_topics.data() + groups[group_hi];
        for (; w != end; ++w) model_sum[w->topic] += w->weight;
      }
      for (std::size_t t = 0; t < topic_count; ++t) {
        if (!want_group[role_index(im.topic_roles[t])]) continue;
        topic_score[t] = m->topic_tie * ev.topic_cues[t];
        topic_score[t] += model_sum[t];
        topic_support[t] = topic_score[t];
        topic_score[t] += im.topic_bias[t];
      }
    } else {
      for (std::size_t t = 0; t < topic_count; ++t)
        topic_score[t] = topic_support[t] = ev.topic_cues[t];
    }
  }

  auto best_topic = [&](Role role) {
    int chosen = -1;
    for (std::size_t t = 0; t < topic_count; ++t) {
      if (!topic_fits(role, im.topic_roles[t])) continue;
      if (chosen < 0 || topic_score[t] > topic_score[static_cast<std::size_t>(chosen)])
        chosen = static_cast<int>(t);
    }
    return chosen;
  };

  if (out.role != Role::none) {
    const int topic = best_topic(out.role);
    if (topic >= 0) out.topic = im.taxonomy.topics()[static_cast<std::size_t>(topic)].id;
    if (want_runner) {
      const int alt = best_topic(runner);
      if (alt >= 0 && alt != topic && topic_support[static_cast<std::size_t>(alt)] > kMinSupport)
        out.alternative_topic = im.taxonomy.topics()[static_cast<std::size_t>(alt)].id;
    }

    // The explanation: what pushed the winner above the runner-up. Strings
    // are built only for the few reasons shown.
    struct Reason {
      double weight;
      int hit;                // index into ev.hits, or -1
      std::uint32_t token;    // a feature's (first) word
      std::uint8_t explains;  // a feature's: Impl::kExplainsWord or kExplainsPair
    };
    ScratchArray<Reason, 128> reasons(ev.hits.size() + known.shared + known.role_only);
    std::size_t reason_count = 0;
    const double tie = m ? static_cast<double>(m->role_tie) : 2.0;
    for (std::size_t k = 0; k < ev.hits.size(); ++k) {
      const Role r = im.topic_roles[ev.hits[k].topic];
      if (r == out.role || (out.role == Role::both && topic_fits(Role::both, r)))
        reasons[reason_count++] = {tie * ev.hits[k].weight, static_cast<int>(k), 0, 0};
    }
    if (m) {
      // Words (u:) and pairs of words (b:) explain; clause starts and the
      // rules' findings do not.
      for (std::size_t k = 0; k < known.shared; ++k) {
        const Impl::ScoreRow& row = im.score_rows[place(shared[k])];
        if (row.explains == Impl::kExplainsNot) continue;
        const double push = static_cast<double>(row.role[best]) - row.role[second];
        if (push > 0.15) reasons[reason_count++] = {push, -1, token(shared[k]), row.explains};
      }
      // A piece of a word explains as its whole word (a word the model never
      // saw can still decide through its pieces).
      for (std::size_t k = 0; k < known.role_only; ++k) {
        const Impl::ScoreRow& row = im.score_rows[place(role_only[k])];
        const double push = static_cast<double>(row.role[best]) - row.role[second];
        if (push > 0.15)
          reasons[reason_count++] = {push, -1, token(role_only[k]), Impl::kExplainsWord};
      }
    }
    std::sort(reasons.data(), reasons.data() + reason_count, [](const Reason& a, const Reason& b) {
      return a.weight != b.weight ? a.weight > b.weight : a.hit > b.hit;
    });
    // Room for every word shown, at once.
    if (reason_count > 0) out.cues.reserve(std::min(reason_count, kMaxExplainingWords));
    for (std::size_t k = 0; k < reason_count; ++k) {
      const Reason& r = reasons[k];
      if (out.cues.size() == kMaxExplainingWords) break;
      std::string words;
      if (r.hit >= 0) {
        words = im.lexicon.cue_text(ev.hits[static_cast<std::size_t>(r.hit)].cue);
      } else {
        words = ev.text.word(ev.text.tokens[r.token]);
        if (r.explains == Impl::kExplainsPair) {
          words += ' ';
          words += ev.text.word(ev.text.tokens[r.token + 1]);
        }
      }
      // A word already inside a chosen phrase says nothing new.
      bool covered = words.empty();
      for (const std::string& c : out.cues)
        covered =
            covered || c.find(words) != std::string::npos || words.find(c) != std::string::npos;
      if (!covered) out.cues.push_back(words);
    }
  } else {
    // Nobody owns it. When the taxonomy's not-product words are what it
    // matched ("lunch", "parental leave"), say which, so the answer can tell
    // "not product work" from "I don't know".
    int chosen = -1;
    for (std::size_t t = 0; t < topic_count; ++t) {
      if (im.topic_roles[t] != Role::none || ev.topic_cues[t] <= 0.0f) continue;
      if (chosen < 0 || ev.topic_cues[t] > ev.topic_cues[static_cast<std::size_t>(chosen)])
        chosen = static_cast<int>(t);
    }
    if (chosen >= 0) {
      out.not_product_topic = im.taxonomy.topics()[static_cast<std::size_t>(chosen)].id;
      for (const CueHit& h : ev.hits) {
        if (h.topic != static_cast<std::uint32_t>(chosen) || out.cues.size() == kMaxExplainingWords)
          continue;
        out.cues.emplace_back(im.lexicon.cue_text(h.cue));
      }
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
