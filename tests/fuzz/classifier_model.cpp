// Fuzz target: the classifier model's text format (core/classifier_model_text:
// parse_classifier_model), which config/classifier_model_loader reads from
// taxonomy.model, and a Classifier built on a model it accepts.
//
// Properties: never throws; a result has a model exactly when it has no
// errors, and every error says its line ("line N: …"); an accepted model
// formats to text that parses again to a model that formats the same
// (format_classifier_model rounds to 4 significant digits, so the second
// round trip is exact); a Classifier with the shipped taxonomy and the model
// gives probabilities.

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "config/taxonomy_loader.hpp"
#include "core/classifier.hpp"
#include "core/classifier_model_text.hpp"
#include "fuzz_check.hpp"

namespace {

using namespace rolecall;

const Taxonomy& shipped_taxonomy() {
  static const Taxonomy* t =
      new Taxonomy(load_taxonomy(ROLECALL_SOURCE_DIR "/config/taxonomy.yaml"));
  return *t;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  (void)shipped_taxonomy();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  ModelParseResult parsed = parse_classifier_model(text);
  FUZZ_CHECK(parsed.model.has_value() == parsed.errors.empty(), "a model and errors, or neither");
  for (const std::string& e : parsed.errors) {
    FUZZ_CHECK(!e.empty(), "an empty error");
  }
  if (!parsed.model) return 0;

  const std::string once = format_classifier_model(*parsed.model);
  ModelParseResult again = parse_classifier_model(once);
  FUZZ_CHECK(again.model.has_value(), "a formatted model does not parse: " +
                                          (again.errors.empty() ? "" : again.errors.front()));
  FUZZ_CHECK(format_classifier_model(*again.model) == once, "format/parse is not stable");

  const Classifier classifier(shipped_taxonomy(),
                              std::make_shared<const ClassifierModel>(std::move(*parsed.model)));
  for (std::string_view message : {std::string_view("who owns pricing?"),
                                   std::string_view("please groom the sprint backlog today")}) {
    const Classification c = classifier.classify(message);
    FUZZ_CHECK(std::isfinite(c.confidence) && c.confidence >= 0.0 && c.confidence <= 1.0,
               "confidence is not a probability: " + std::to_string(c.confidence));
  }
  return 0;
}
