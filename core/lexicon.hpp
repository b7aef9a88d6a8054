#pragma once
// The weighted cue lexicon behind the classifier, built once from the
// taxonomy. Every cue is run through the same analysis as a message (markup,
// lower case, contractions, stemming), so "Prioritising", "prioritize" and
// "prioritized" all meet the cue "prioritise".
//
// Weights (before the per-message adjustments below):
//   one word                 1.0
//   abbreviation (OKRs, GTM) 1.5   (two or more capitals in the YAML cue)
//   phrase of n words        1.0 + 0.5 * (n - 1), at most 2.5
//   divided by the number of topics that list the same cue (rare cues count more)
//   times 0.4 when the cue is just a role name ("project manager"): role words
//   alone are weak evidence, the topic words around them decide.
// Per message:
//   - phrases win over single words (a word inside a matched phrase does not
//     count again; the longest phrase at each position counts, and phrases
//     may overlap: "weekly status report"); articles and
//     possessives (the, a, our, …) are ignored inside phrases, and a phrase never
//     spans two sentences;
//   - two adjacent words that form a one-word cue count as it ("road map");
//   - a word of six or more letters that is not a known cue word and not a
//     common English word (see common_words.hpp) is corrected to a cue word one
//     edit away (insertion, deletion, substitution or swap of neighbours), at
//     0.85 of the weight;
//   - Scrum words used for another function ("marketing sprint", "support team
//     backlog", "backlog of support tickets", "customer story") count 0.2: a
//     word of another department right before them, or after them through
//     of/for/from, neutralises them;
//   - a meeting right after after/before/until ("walk after standup", "before
//     sprint planning") is a time, not the topic: 0.3;
//   - cues on "> quoted" lines count 0.35.
//
// Immutable after construction; match() is const and thread-safe.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/analyzed_text.hpp"
#include "core/flat_index.hpp"
#include "core/role.hpp"
#include "core/taxonomy.hpp"

namespace rolecall {

struct CueHit {
  std::uint32_t topic = 0;  // index into Taxonomy::topics()
  std::uint32_t cue = 0;    // id for Lexicon::cue_text()
  float weight = 0.0f;      // after context, quote and typo adjustments
  std::uint32_t first_token = 0;
  std::uint32_t last_token = 0;
};

// A role named in the message ("the PO", "our product manager", "PjM").
struct RoleMention {
  Role role = Role::none;
  std::uint32_t first_token = 0;
  std::uint32_t last_token = 0;
};

class Lexicon {
 public:
  explicit Lexicon(const Taxonomy& taxonomy);

  // Corrects typos in `text` (replacing token hashes, setting `corrected`)
  // and appends the cue hits and role mentions found. Never throws except on
  // allocation failure.
  // Its scratch memory comes from the resource of `hits`.
  void match(AnalyzedText& text, std::pmr::vector<CueHit>& hits,
             std::pmr::vector<RoleMention>& roles) const;

  std::string_view cue_text(std::uint32_t cue) const noexcept { return cues_[cue]; }
  std::size_t cue_count() const noexcept { return cues_.size(); }

 private:
  static constexpr std::size_t kMaxPhrase = 6;

  struct Entry {  // one topic a one-word cue points to
    std::uint32_t topic;
    std::uint32_t cue;
    float weight;
  };
  struct Phrase {
    std::uint64_t stems[kMaxPhrase];
    std::uint32_t size;
    std::uint32_t topic;
    std::uint32_t cue;
    float weight;
  };
  struct RolePhrase {
    std::uint64_t stems[3];
    std::uint32_t size;
    Role role;
  };
  struct Range {
    std::uint32_t begin;
    std::uint32_t count;
  };
  struct FuzzyLink {
    std::uint32_t word;  // index into fuzzy_words_
    std::uint32_t next;  // next link of the chain, or kEndOfChain
  };
  static constexpr std::uint32_t kEndOfChain = UINT32_MAX;
  struct FuzzyWord {
    std::string word;
    std::string stem;
    std::uint64_t word_hash;
    std::uint64_t stem_hash;
  };

  struct Pending {  // a cue while the lexicon is being built
    std::vector<std::uint64_t> stems;
    std::uint32_t topic = 0;
    std::uint32_t cue = 0;
    float weight = 1.0f;
  };

  void add_cue(std::uint32_t topic, std::string_view cue, std::vector<Pending>& pending,
               FlatIndex& fuzzy_seen);
  void add_fuzzy_word(std::string_view word, FlatIndex& fuzzy_seen);
  void correct_typos(AnalyzedText& text) const;
  const FuzzyWord* fuzzy_lookup(std::string_view word) const;
  float context_factor(const AnalyzedText& text, const std::pmr::vector<std::uint32_t>& content,
                       std::size_t first, std::size_t last) const;

  std::vector<std::string> cues_;
  // one-word cues: stem hash -> range in unigram_entries_
  FlatIndex unigram_index_;
  std::vector<Range> unigram_ranges_;
  std::vector<Entry> unigram_entries_;
  // phrases: first stem hash -> range in phrases_ (longest first)
  FlatIndex phrase_index_;
  std::vector<Range> phrase_ranges_;
  std::vector<Phrase> phrases_;
  // every stem that occurs in some cue, and the words typos are corrected to
  FlatIndex vocabulary_;
  // hash of a word or of one deletion -> head of its chain in fuzzy_links_
  FlatIndex fuzzy_index_;
  std::vector<FuzzyLink> fuzzy_links_;
  std::vector<FuzzyWord> fuzzy_words_;
  // articles and possessives, skipped inside phrases
  FlatIndex skip_words_;
  FlatIndex join_heads_;  // prefixes of one-word cues ("road" of "roadmap")
  FlatIndex ambiguous_stems_;
  FlatIndex qualifier_stems_;
  FlatIndex group_words_;    // "support team backlog": team sits between
  FlatIndex linking_words_;  // "backlog of support tickets"
  FlatIndex time_words_;     // "after standup": a meeting used as a time
  FlatIndex event_stems_;
  std::vector<RolePhrase> role_phrases_;
  FlatIndex role_heads_;  // first stems of role_phrases_
};

}  // namespace rolecall
