#pragma once
// The sparse features the learned classifier model reads from one analysed
// message. Each feature has a readable name ("u:sprint", "b:pull in",
// "i:request") and is keyed by the FNV-1a hash of that name, so the model file
// stays reviewable while classify() compares integers only: the hash is built
// piecewise from the stems already in the AnalyzedText, never as a string.
//
// Kinds (quoted "> lines" contribute none; the lexicon already weighs them):
//   u:STEM        each distinct stem of the message
//   b:STEM STEM   each pair of neighbouring stems in one sentence
//   s:STEM        the first stem of each clause ("add", "who", "can"): ticket
//                 titles and questions show themselves at clause starts
//   i:…           the intent rules' findings per message (ownership question,
//                 ownership word, request form, other question, '?', last
//                 sentence asks)
//   m:ROLE        a role named in the message ("the PO", "our PjM")
//   len:…         the message length in words, bucketed
// Every feature has value 1 and appears once per message.

#include <cstdint>
#include <string>
#include <vector>

#include "core/analyzed_text.hpp"
#include "core/classifier_model.hpp"
#include "core/intent_detector.hpp"
#include "core/lexicon.hpp"

namespace rolecall {

struct MessageFeature {
  enum class Kind : std::uint8_t { unigram, bigram, clause_start, fixed, chargram };
  std::uint64_t hash = 0;
  Kind kind = Kind::fixed;
  std::uint32_t token = 0;       // unigram / bigram (first) / clause_start: index into tokens
  const char* fixed = nullptr;   // Kind::fixed: the whole name (static storage)
  std::uint16_t char_begin = 0;  // chargram: where the piece starts in "<word>"
};

// Appends the features of `text` (already through Lexicon::match) to `out`,
// and its role-only features (the character pieces of its words, see
// role_only_feature) to `role_only`, each hash once per vector. Never throws
// except on allocation failure.
void extract_features(const AnalyzedText& text, const std::pmr::vector<RoleMention>& roles,
                      const std::pmr::vector<SentenceIntent>& sentences,
                      std::pmr::vector<MessageFeature>& out,
                      std::pmr::vector<MessageFeature>& role_only);

// Upper bounds of the features of `text` with `roles` role mentions, before
// duplicates go: shared (three per word, plus the fixed findings) and
// role-only (fewer pieces than letters in each word).
inline std::size_t max_shared_features(const AnalyzedText& text, std::size_t roles) noexcept {
  return 3 * text.tokens.size() + roles + 10;
}
inline std::size_t max_role_only_features(const AnalyzedText& text) noexcept {
  return text.text.size();
}

// What classify() scores: the features extract_features finds that `model`
// knows, as keys place << 32 | token, where place = place_of_row[the model
// row] is the row's place among the model's features sorted by hash. Sorted
// ascending and each place once, the keys come in the order extract_features
// leaves the same features in (by hash, each with its first token), so sums
// over them add up bit for bit alike. `shared` needs room for
// max_shared_features, `role_only` for max_role_only_features. Never throws.
struct KnownFeatureCounts {
  std::size_t shared = 0;
  std::size_t role_only = 0;
};
KnownFeatureCounts extract_known_features(const AnalyzedText& text,
                                          const std::pmr::vector<RoleMention>& roles,
                                          const std::pmr::vector<SentenceIntent>& sentences,
                                          const ClassifierModel& model,
                                          const std::vector<std::uint32_t>& place_of_row,
                                          std::uint64_t* shared, std::uint64_t* role_only);

// The readable name of a feature ("u:sprint"). Used by the trainer and by the
// explanation of an answer; text_hash(feature_name(..)) == feature.hash.
std::string feature_name(const AnalyzedText& text, const MessageFeature& feature);

// Features the trainer keeps out of the intent and topic models: the
// character pieces of words ("c:<pri"), which say what a message is about
// but not whether it asks, and would only add noise and time there.
bool role_only_feature(std::string_view name) noexcept;

// The words of the message a feature stands for ("sprint", "pull in"); empty
// for fixed features.
std::string feature_words(const AnalyzedText& text, const MessageFeature& feature);

}  // namespace rolecall
