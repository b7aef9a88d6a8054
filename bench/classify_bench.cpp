// Classifier throughput on a mix of typical chat messages, and the start-up
// cost of loading config/taxonomy.yaml and config/classifier-model.tsv and
// building the classifier from them. BM_ClassifyLexiconOnly is the same mix
// without the learned model (what the model adds).
//
//   build/bench/classify_bench --benchmark_counters_tabular=true
//
// BM_ClassifyTypicalMix reports messages/s as items_per_second (one core).

#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "config/classifier_model_loader.hpp"
#include "config/taxonomy_loader.hpp"
#include "core/classifier.hpp"
#include "core/normalizer.hpp"

namespace {

const std::string kTaxonomyPath = std::string(ROLECALL_SOURCE_DIR) + "/config/taxonomy.yaml";
const std::string kModelPath = std::string(ROLECALL_SOURCE_DIR) + "/config/classifier-model.tsv";

// What an intake channel sees: questions, requests, chatter, markup, typos.
const std::vector<std::string>& typical_messages() {
  static const std::vector<std::string> messages = {
      "who owns pricing for the pro tier?",
      "can we pull the login bug into this sprint?",
      "<@U024BE7LH> quick q - is it the PM or PO who writes the acceptance criteria?",
      "we should reposition for enterprise buyers, the SMB message isn't landing",
      "lunch?",
      "thanks!",
      "<at>RoleCall</at>&nbsp;who decides on the launch date for v2?",
      "Morning! Marketing asked about the GTM plan. Who owns that decision?",
      "the backlog of support tickets is huge again, who should look at the trends?",
      "whos responsable for the acceptence critera",
      "deploy done :rocket:",
      "can someone update the gantt chart, the vendor slipped two weeks",
      "> the CEO wants a new pricing page\nok but who writes the user stories for it?",
      "please add the CSV export to the top of the backlog",
      "lgtm",
      "```\nERROR 500 /api/login\n```\nthis bug is back. can we get it into the current sprint?",
      "who keeps stakeholders in the loop on what we're building?",
      "I saw the roadmap deck. Can we add the SSO story to the next sprint though? Customers "
      "need it.",
      "<https://jira.example.com/browse/APP-77|APP-77> can we pull this into the sprint?",
      "who defines the OKRs and KPIs for the analytics product?",
  };
  return messages;
}

void run_mix(benchmark::State& state, const rolecall::Classifier& classifier) {
  const auto& messages = typical_messages();
  std::size_t i = 0;
  std::size_t bytes = 0;
  for (auto _ : state) {
    const std::string& m = messages[i];
    benchmark::DoNotOptimize(classifier.classify(m));
    bytes += m.size();
    if (++i == messages.size()) i = 0;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes));
}

void BM_ClassifyTypicalMix(benchmark::State& state) {
  const rolecall::Classifier classifier(rolecall::load_taxonomy(kTaxonomyPath),
                                        rolecall::load_classifier_model(kModelPath));
  run_mix(state, classifier);
}
BENCHMARK(BM_ClassifyTypicalMix);

void BM_ClassifyLexiconOnly(benchmark::State& state) {
  const rolecall::Classifier classifier(rolecall::load_taxonomy(kTaxonomyPath));
  run_mix(state, classifier);
}
BENCHMARK(BM_ClassifyLexiconOnly);

void BM_LoadTaxonomyAndBuildClassifier(benchmark::State& state) {
  for (auto _ : state) {
    const rolecall::Classifier classifier(rolecall::load_taxonomy(kTaxonomyPath),
                                          rolecall::load_classifier_model(kModelPath));
    benchmark::DoNotOptimize(&classifier);
  }
}
BENCHMARK(BM_LoadTaxonomyAndBuildClassifier)->Unit(benchmark::kMillisecond);

void BM_LoadModelOnly(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(rolecall::load_classifier_model(kModelPath));
}
BENCHMARK(BM_LoadModelOnly)->Unit(benchmark::kMillisecond);

void BM_BuildClassifierOnly(benchmark::State& state) {
  const rolecall::Taxonomy taxonomy = rolecall::load_taxonomy(kTaxonomyPath);
  for (auto _ : state) {
    const rolecall::Classifier classifier(taxonomy);
    benchmark::DoNotOptimize(&classifier);
  }
}
BENCHMARK(BM_BuildClassifierOnly)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
