// Fuzz target: the taxonomy loader from text (config/taxonomy_loader:
// load_taxonomy_from_string), and a classifier built on what it accepts.
//
// Properties: returns a Taxonomy or throws one ConfigError with at least one
// error (nothing else escapes: no yaml-cpp exception); an accepted taxonomy
// keeps the documented rules (topics non-empty, ids unique and [a-z0-9_-],
// explanation and cues non-empty, pm_part/po_part exactly for role both),
// find() finds every topic, and a Classifier built from it (lexicon only)
// classifies a few messages without failing.

#include "config/taxonomy_loader.hpp"

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>

#include "config/config_error.hpp"
#include "core/classifier.hpp"
#include "fuzz_check.hpp"

namespace {

using namespace rolecall;

bool id_ok(std::string_view id) {
  if (id.empty()) return false;
  for (char c : id) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-')) return false;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view yaml(reinterpret_cast<const char*>(data), size);
  Taxonomy taxonomy;
  try {
    taxonomy = load_taxonomy_from_string(yaml, "taxonomy.yaml");
  } catch (const ConfigError& e) {
    bool any_error = false;
    for (const Problem& p : e.problems()) {
      FUZZ_CHECK(!p.message.empty(), "a problem without a message");
      FUZZ_CHECK(p.line >= 0 && p.column >= 0, "a problem with a negative position");
      any_error = any_error || p.is_error();
    }
    FUZZ_CHECK(any_error, "ConfigError without an error");
    return 0;
  }
  FUZZ_CHECK(!taxonomy.topics().empty(), "a taxonomy without topics");
  std::set<std::string> ids;
  for (const Topic& t : taxonomy.topics()) {
    FUZZ_CHECK(id_ok(t.id), "topic id '" + t.id + "' breaks the id rule");
    FUZZ_CHECK(ids.insert(t.id).second, "duplicate topic id " + t.id);
    FUZZ_CHECK(taxonomy.find(t.id) == &t, "find() does not find topic " + t.id);
    FUZZ_CHECK(!t.title.empty() && !t.explanation.empty(), "topic without title/explanation");
    FUZZ_CHECK(!t.cues.empty(), "topic without cues");
    for (const std::string& cue : t.cues) FUZZ_CHECK(!cue.empty(), "empty cue");
    FUZZ_CHECK(t.role != Role::none, "topic with role none");
    const bool both = t.role == Role::both;
    FUZZ_CHECK(both == (!t.pm_part.empty() && !t.po_part.empty()) &&
                   (both || (t.pm_part.empty() && t.po_part.empty())),
               "pm_part/po_part do not match role both");
  }
  const Classifier classifier(taxonomy);
  for (std::string_view message :
       {std::string_view("who owns pricing?"), std::string_view("can someone groom the backlog")}) {
    const Classification c = classifier.classify(message);
    FUZZ_CHECK(std::isfinite(c.confidence) && c.confidence >= 0.0 && c.confidence <= 1.0,
               "confidence is not a probability");
    if (!c.topic.empty()) FUZZ_CHECK(taxonomy.find(c.topic) != nullptr, "unknown topic");
  }
  // Cues as messages (the first few: the shipped taxonomy has over a thousand).
  std::size_t classified = 0;
  for (const Topic& t : taxonomy.topics()) {
    for (const std::string& cue : t.cues) {
      if (++classified > 24) return 0;
      (void)classifier.classify(cue);
    }
  }
  return 0;
}
