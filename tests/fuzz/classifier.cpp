// Fuzz target: the normaliser and the classifier (core/normalizer,
// core/classifier) with the shipped config/taxonomy.yaml and
// config/classifier-model.tsv, loaded once, then what the daemon builds from
// a classification: the answer (core/answer) and the routing decision
// (core/routing). Input: one chat message, raw bytes.
//
// Properties: never throws; the confidence is a probability; a topic (and an
// alternative topic) is one of the taxonomy's; role none has no topic;
// classify is deterministic; text that was valid UTF-8 stays valid through
// the adapters' markup translations (slack_to_plain, teams_to_plain, both
// uses), tokenize, the cues and the answer text
// (all of them reach JSON); tokens are non-empty and the analysed text's
// token offsets stay inside it.

#include "core/classifier.hpp"

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "adapters/slack/slack_text.hpp"
#include "adapters/teams/teams_text.hpp"
#include "config/classifier_model_loader.hpp"
#include "config/taxonomy_loader.hpp"
#include "core/answer.hpp"
#include "core/normalizer.hpp"
#include "core/routing.hpp"
#include "fuzz_check.hpp"

namespace {

using namespace rolecall;
using rolecall::fuzz::utf8_ok;

struct Shipped {
  Taxonomy taxonomy = load_taxonomy(ROLECALL_SOURCE_DIR "/config/taxonomy.yaml");
  Classifier classifier{taxonomy,
                        load_classifier_model(ROLECALL_SOURCE_DIR "/config/classifier-model.tsv")};
  Team split;
  Team combined;
  Shipped() {
    split.id = "checkout";
    split.name = "Checkout";
    split.product_managers = {{"Priya Nair", "U0PM", "29:pm", "Priya"}};
    split.product_owners = {{"Tom Becker", "", "", ""}};
    combined.id = "startup";
    combined.name = "Startup";
    combined.combined = Person{"Ana Souza", "U0ANA", "", ""};
  }
};

const Shipped& shipped() {
  static const Shipped* s = new Shipped();  // never destroyed: no exit-time order issues
  return *s;
}

bool same(const Classification& a, const Classification& b) {
  return a.intent == b.intent && a.role == b.role && a.topic == b.topic &&
         a.confidence == b.confidence && a.cues == b.cues &&
         a.alternative_topic == b.alternative_topic;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  (void)shipped();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const bool valid = utf8_ok(text);
  const Shipped& s = shipped();

  const std::string slack_words = slack_to_plain(text, PlainTextUse::classifier);
  const std::string teams_people = teams_to_plain(text);
  const std::string teams_words = teams_to_plain(text, PlainTextUse::classifier);
  if (valid) {
    FUZZ_CHECK(utf8_ok(slack_words), "slack_to_plain broke valid UTF-8");
    FUZZ_CHECK(utf8_ok(teams_people) && utf8_ok(teams_words), "teams_to_plain broke valid UTF-8");
  }
  FUZZ_CHECK(teams_people.size() <= text.size(), "teams_to_plain grew the text");
  // What the live endpoints hand the classifier.
  (void)s.classifier.classify(slack_words);
  (void)s.classifier.classify(teams_words);
  for (const std::string& token : tokenize(text)) {
    FUZZ_CHECK(!token.empty(), "tokenize gave an empty token");
    if (valid) FUZZ_CHECK(utf8_ok(token), "tokenize broke valid UTF-8");
  }

  Classifier::Evidence evidence;
  s.classifier.gather(text, evidence);
  const AnalyzedText& at = evidence.text;
  for (const TextToken& t : at.tokens) {
    FUZZ_CHECK(std::size_t{t.word_begin} + t.word_size <= at.text.size(), "word out of range");
    FUZZ_CHECK(std::size_t{t.stem_begin} + t.stem_size <= at.stems.size(), "stem out of range");
    FUZZ_CHECK(t.sentence < at.sentences.size() || at.sentences.empty(), "sentence out of range");
  }

  const Classification c = s.classifier.classify(text);
  FUZZ_CHECK(std::isfinite(c.confidence) && c.confidence >= 0.0 && c.confidence <= 1.0,
             "confidence is not a probability: " + std::to_string(c.confidence));
  if (c.role == Role::none) FUZZ_CHECK(c.topic.empty(), "role none with a topic");
  if (!c.topic.empty()) FUZZ_CHECK(s.taxonomy.find(c.topic) != nullptr, "unknown topic");
  if (!c.alternative_topic.empty()) {
    FUZZ_CHECK(s.taxonomy.find(c.alternative_topic) != nullptr, "unknown alternative topic");
  }
  for (const std::string& cue : c.cues) {
    FUZZ_CHECK(!cue.empty(), "empty cue");
    if (valid) FUZZ_CHECK(utf8_ok(cue), "a cue is not valid UTF-8");
  }
  FUZZ_CHECK(same(c, s.classifier.classify(text)), "classify is not deterministic");

  for (const Team* team : {static_cast<const Team*>(nullptr), &s.split, &s.combined}) {
    const Answer answer = compose_answer(c, s.taxonomy, team);
    const std::string answer_text = render_answer_text(answer);
    FUZZ_CHECK(!answer_text.empty(), "empty answer text");
    if (valid) FUZZ_CHECK(utf8_ok(answer_text), "answer text is not valid UTF-8");
    if (team == nullptr) continue;
    const RoutingDecision d = route(c, s.taxonomy, *team, {}, RoutingPolicy{});
    if (d.kind == RoutingKind::assigned) {
      FUZZ_CHECK(
          d.role == Role::product_manager || d.role == Role::product_owner || d.role == Role::both,
          "assigned to a role nobody holds");
    }
    if (d.kind == RoutingKind::needs_clarification) {
      FUZZ_CHECK(!d.options.empty(), "clarification without options");
    }
    if (valid) FUZZ_CHECK(utf8_ok(d.reason), "routing reason is not valid UTF-8");
  }
  return 0;
}
