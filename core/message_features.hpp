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
void extract_features(const AnalyzedText& text, const std::vector<RoleMention>& roles,
                      const std::vector<SentenceIntent>& sentences,
                      std::vector<MessageFeature>& out, std::vector<MessageFeature>& role_only);

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
