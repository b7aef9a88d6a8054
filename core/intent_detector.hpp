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

#include <vector>

#include "core/analyzed_text.hpp"
#include "core/flat_index.hpp"
#include "core/lexicon.hpp"
#include "core/role.hpp"

namespace rolecall {

class IntentDetector {
 public:
  IntentDetector();

  // `text` must have gone through Lexicon::match (typo-corrected) and
  // `roles` are the role names it found.
  Intent detect(const AnalyzedText& text, const std::vector<RoleMention>& roles,
                bool has_topic) const;

 private:
  FlatIndex who_;
  FlatIndex antecedents_;  // "someone who…" is not a question
  FlatIndex role_nouns_;   // "which role/person/team…"
  FlatIndex fillers_;      // skipped at the start of a clause
  FlatIndex wh_words_;
  FlatIndex aux_words_;
  FlatIndex imperatives_;
  FlatIndex not_after_imperative_;  // "update is out" is not an imperative
  FlatIndex modals_;
  FlatIndex modal_subjects_;
  FlatIndex request_words_;   // please, pls, asap…
  FlatIndex request_pairs_;   // combine_hash of two word hashes
  FlatIndex question_words_;  // wondering, curious…
  FlatIndex question_pairs_;  // "anyone know", "any idea"
  FlatIndex let_;
  FlatIndex ownership_stems_;
  FlatIndex is_words_;       // is / isn / was
  FlatIndex pointer_words_;  // it / that / this
  std::uint64_t or_hash_;
};

}  // namespace rolecall
