#pragma once
// Decides whether a message asks a question, asks for work, or neither.
//
//   question  who/whose/which-role questions ("who owns pricing?", "is it the PM
//             or the PO who…", "whose call is it…"), and other questions about a
//             topic (a sentence ending in '?', or opening with what/when/how/is/
//             does/should… — "is this story ready for dev?").
//   request   asks for work or proposes it: imperatives at the start of a
//             clause ("add the CSV export…", "please…", "let's…"), "can/could/
//             would + we/you/someone…" ("can we pull the login bug into this
//             sprint?" is a request even with its question mark), "we should/
//             need/must…", "should we…", "need someone to…", "make sure…".
//   other     chatter, thanks, FYIs and statements.
// Precedence inside one message: an ownership question wins over a request
// ("can we pull X in? who approves that?" is a question), a request wins over
// any other question, and "> quoted" lines are ignored.
//
// Without a topic there is nothing to answer or route, so only an ownership
// question with an ownership word ("who owns the coffee machine?", "who decides
// …", "whose job…", "PM or PO?") is a question; everything else, requests
// included ("can you send me the zoom link"), is other.
//
// Immutable after construction; detect() is const and thread-safe.

#include <memory_resource>
#include <vector>

#include "core/analyzed_text.hpp"
#include "core/flat_index.hpp"
#include "core/lexicon.hpp"
#include "core/role.hpp"

namespace rolecall {

// What one sentence does.
struct SentenceIntent {
  bool ownership_question = false;  // who/whose/which role/"PM or PO"/"is it the PO"
  bool ownership_word = false;      // owns, decides, responsible, job, call…
  bool request = false;
  bool question = false;  // any other question
};

class IntentDetector {
 public:
  IntentDetector();

  // One entry per sentence of `text` ("> quoted" sentences stay all false).
  // `text` must have gone through Lexicon::match (typo-corrected) and `roles`
  // are the role names it found.
  void sentence_intents(const AnalyzedText& text, const std::pmr::vector<RoleMention>& roles,
                        std::pmr::vector<SentenceIntent>& out) const;

  // The message's intent from its sentences (precedence as described above).
  static Intent decide(const std::pmr::vector<SentenceIntent>& sentences, bool has_topic) noexcept;

  // Marks the sentences that carry the message's intent: those with an
  // ownership question if any, else those with a request, else those with a
  // question. All false when no sentence carries one. The classifier weighs
  // topic words in these sentences above the context around them.
  static void focus(const std::pmr::vector<SentenceIntent>& sentences, std::pmr::vector<char>& out);

  // sentence_intents + decide.
  Intent detect(const AnalyzedText& text, const std::pmr::vector<RoleMention>& roles,
                bool has_topic) const;

 private:
  // word hash -> the word lists it is on (a bit per list: who, fillers,
  // imperatives, modals…; see intent_detector.cpp)
  FlatIndex word_lists_;
  // combine_hash of two word hashes -> request pair and/or question pair
  FlatIndex pair_lists_;
  FlatIndex ownership_stems_;
  std::uint64_t or_hash_;
};

}  // namespace rolecall
