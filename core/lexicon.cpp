#include "core/lexicon.hpp"

#include <algorithm>
#include <array>
#include <unordered_map>

#include "core/common_words.hpp"
#include "core/stemmer.hpp"
#include "core/text_hash.hpp"

namespace rolecall {
namespace {

constexpr float kQuotedFactor = 0.35f;
constexpr float kCorrectedFactor = 0.85f;
constexpr float kOtherFunctionFactor = 0.2f;
constexpr float kRoleNameFactor = 0.4f;
constexpr float kTimeReferenceFactor = 0.3f;
constexpr std::size_t kMinTypoLength = 6;

// Ignored inside phrases: "top of the backlog" == "top of backlog".
constexpr std::array<std::string_view, 10> kSkipWords = {"the",  "a",     "an",  "our", "my",
                                                         "your", "their", "its", "his", "her"};

// Scrum/backlog words that other departments use for their own work...
constexpr std::array<std::string_view, 16> kAmbiguousWords = {
    "sprint", "backlog", "story", "standup",  "review",     "demo",     "planning", "ticket",
    "epic",   "goal",    "retro", "priority", "prioritize", "velocity", "board",    "refinement"};
// ...and the words that say so when they stand next to them.
constexpr std::array<std::string_view, 20> kQualifierWords = {
    "marketing", "sales",    "support", "hiring",   "recruiting", "recruitment", "design",
    "legal",     "finance",  "content", "campaign", "brand",      "hr",          "security",
    "ops",       "helpdesk", "zendesk", "customer", "pipeline",   "interview"};

// Words the typo corrector should also know, for intent detection.
constexpr std::array<std::string_view, 12> kExtraVocabulary = {
    "someone", "somebody", "please",  "should",      "could",       "would",
    "anyone",  "anybody",  "decides", "responsible", "accountable", "tomorrow"};

struct RoleName {
  std::string_view text;
  Role role;
};
constexpr std::array<RoleName, 22> kRoleNames = {{
    {"product manager", Role::product_manager},
    {"product managers", Role::product_manager},
    {"pm", Role::product_manager},
    {"pms", Role::product_manager},
    {"product management", Role::product_manager},
    {"product owner", Role::product_owner},
    {"product owners", Role::product_owner},
    {"po", Role::product_owner},
    {"pos", Role::product_owner},
    {"ppo", Role::product_owner},
    {"product ownership", Role::product_owner},
    {"project manager", Role::project_manager},
    {"project managers", Role::project_manager},
    {"pjm", Role::project_manager},
    {"pjms", Role::project_manager},
    {"program manager", Role::project_manager},
    {"programme manager", Role::project_manager},
    {"delivery manager", Role::project_manager},
    {"tpm", Role::project_manager},
    {"project management", Role::project_manager},
    {"pmo", Role::project_manager},
    {"project lead", Role::project_manager},
}};

bool is_ascii_letters(std::string_view w) noexcept {
  for (char c : w) {
    if (c < 'a' || c > 'z') return false;
  }
  return !w.empty();
}

// Damerau-Levenshtein distance <= 1 (one insertion, deletion, substitution or
// swap of two neighbours).
bool within_one_edit(std::string_view a, std::string_view b) noexcept {
  if (a.size() > b.size()) std::swap(a, b);
  if (b.size() - a.size() > 1) return false;
  std::size_t i = 0;
  while (i < a.size() && a[i] == b[i]) ++i;
  if (i == a.size()) return true;  // equal, or b has one extra char at the end
  if (a.size() == b.size()) {
    if (a.substr(i + 1) == b.substr(i + 1)) return true;  // substitution
    return i + 1 < a.size() && a[i] == b[i + 1] && a[i + 1] == b[i] &&
           a.substr(i + 2) == b.substr(i + 2);  // swap
  }
  return a.substr(i) == b.substr(i + 1);  // insertion into a
}

// Calls f(hash) for the word and each distinct one-character deletion.
template <typename F>
void for_each_deletion_hash(std::string_view w, F&& f) {
  f(text_hash(w));
  std::uint64_t prefix = kFnvOffset;
  for (std::size_t k = 0; k < w.size(); ++k) {
    if (k == 0 || w[k] != w[k - 1]) f(fnv1a_append(prefix, w.substr(k + 1)));
    prefix = fnv1a_append(prefix, w.substr(k, 1));
  }
}

std::vector<std::uint64_t> stem_hashes(std::string_view text, const FlatIndex& skip) {
  AnalyzedText a;
  analyze_text(text, a);
  std::vector<std::uint64_t> out;
  for (const TextToken& t : a.tokens) {
    if (!skip.contains(t.word_hash)) out.push_back(t.stem_hash);
  }
  return out;
}

int capitals(std::string_view s) noexcept {
  int n = 0;
  for (char c : s) n += (c >= 'A' && c <= 'Z') ? 1 : 0;
  return n;
}

}  // namespace

Lexicon::Lexicon(const Taxonomy& taxonomy) {
  for (std::string_view w : kSkipWords) skip_words_.insert(text_hash(w), 0);
  for (std::string_view w : kAmbiguousWords) ambiguous_stems_.insert(text_hash(stem(w)), 0);
  for (std::string_view w : kQualifierWords) qualifier_stems_.insert(text_hash(stem(w)), 0);
  for (std::string_view w : {"team", "teams", "department", "dept", "org", "group", "squad"})
    group_words_.insert(text_hash(stem(w)), 0);
  for (std::string_view w : {"of", "for", "from"}) linking_words_.insert(text_hash(w), 0);
  for (std::string_view w : {"after", "before", "until", "till", "til", "since", "post", "pre"})
    time_words_.insert(text_hash(w), 0);
  for (std::string_view w : {"standup", "stand", "planning", "review", "retro", "retrospective",
                             "demo", "refinement", "grooming", "scrum", "daily", "sync", "kickoff"})
    event_stems_.insert(text_hash(stem(w)), 0);
  for (const RoleName& r : kRoleNames) {
    const std::vector<std::uint64_t> h = stem_hashes(r.text, skip_words_);
    RolePhrase p{};
    p.size = static_cast<std::uint32_t>(std::min<std::size_t>(h.size(), 3));
    std::copy_n(h.begin(), p.size, p.stems);
    p.role = r.role;
    role_phrases_.push_back(p);
    if (p.size > 0) role_heads_.insert(p.stems[0], 0);
  }
  std::sort(role_phrases_.begin(), role_phrases_.end(),
            [](const RolePhrase& a, const RolePhrase& b) { return a.size > b.size; });

  std::vector<Pending> pending;
  FlatIndex fuzzy_seen;
  const std::vector<Topic>& topics = taxonomy.topics();
  for (std::uint32_t t = 0; t < topics.size(); ++t) {
    for (const std::string& cue : topics[t].cues) add_cue(t, cue, pending, fuzzy_seen);
  }
  for (std::string_view w : kExtraVocabulary) add_fuzzy_word(w, fuzzy_seen);

  // How many topics list each cue key (rare cues count more).
  std::unordered_map<std::uint64_t, std::vector<std::uint32_t>> key_topics;
  for (const Pending& p : pending) {
    std::uint64_t key = 0;
    for (std::uint64_t h : p.stems) key = combine_hash(key, h);
    auto& v = key_topics[key];
    if (std::find(v.begin(), v.end(), p.topic) == v.end()) v.push_back(p.topic);
  }

  std::unordered_map<std::uint64_t, std::vector<Entry>> unigrams;
  std::unordered_map<std::uint64_t, std::vector<Phrase>> phrases;
  std::unordered_map<std::uint64_t, bool> seen;  // (topic, key) already added
  for (const Pending& p : pending) {
    std::uint64_t key = 0;
    for (std::uint64_t h : p.stems) key = combine_hash(key, h);
    if (!seen.emplace(combine_hash(key, p.topic), true).second) continue;
    const float weight = p.weight / static_cast<float>(key_topics[key].size());
    if (p.stems.size() == 1) {
      unigrams[p.stems[0]].push_back(Entry{p.topic, p.cue, weight});
    } else {
      Phrase ph{};
      ph.size = static_cast<std::uint32_t>(std::min(p.stems.size(), kMaxPhrase));
      std::copy_n(p.stems.begin(), ph.size, ph.stems);
      ph.topic = p.topic;
      ph.cue = p.cue;
      ph.weight = weight;
      phrases[p.stems[0]].push_back(ph);
    }
  }
  unigram_index_.reserve(unigrams.size());
  for (auto& [hash, entries] : unigrams) {
    unigram_index_.insert(hash, static_cast<std::uint32_t>(unigram_ranges_.size()));
    unigram_ranges_.push_back(Range{static_cast<std::uint32_t>(unigram_entries_.size()),
                                    static_cast<std::uint32_t>(entries.size())});
    unigram_entries_.insert(unigram_entries_.end(), entries.begin(), entries.end());
  }
  phrase_index_.reserve(phrases.size());
  for (auto& [hash, list] : phrases) {
    std::stable_sort(list.begin(), list.end(),
                     [](const Phrase& a, const Phrase& b) { return a.size > b.size; });
    phrase_index_.insert(hash, static_cast<std::uint32_t>(phrase_ranges_.size()));
    phrase_ranges_.push_back(Range{static_cast<std::uint32_t>(phrases_.size()),
                                   static_cast<std::uint32_t>(list.size())});
    phrases_.insert(phrases_.end(), list.begin(), list.end());
  }

  // Every deletion hash heads a chain of the words that produce it. Built by
  // chaining instead of sorting: fewer and smaller allocations, which is most
  // of the cost of building at start-up.
  std::size_t deletion_count = 0;
  for (const FuzzyWord& w : fuzzy_words_) deletion_count += w.word.size() + 1;
  fuzzy_index_.reserve(deletion_count);
  fuzzy_links_.reserve(deletion_count);
  for (std::uint32_t i = 0; i < fuzzy_words_.size(); ++i) {
    for_each_deletion_hash(fuzzy_words_[i].word, [&](std::uint64_t h) {
      const auto head = fuzzy_index_.find(h);
      fuzzy_links_.push_back(FuzzyLink{i, head ? *head : kEndOfChain});
      fuzzy_index_.insert(h, static_cast<std::uint32_t>(fuzzy_links_.size() - 1));
    });
  }
}

void Lexicon::add_cue(std::uint32_t topic, std::string_view cue, std::vector<Pending>& pending,
                      FlatIndex& fuzzy_seen) {
  AnalyzedText a;
  analyze_text(cue, a);
  Pending p;
  p.topic = topic;
  for (const TextToken& t : a.tokens) {
    if (skip_words_.contains(t.word_hash)) continue;
    p.stems.push_back(t.stem_hash);
    vocabulary_.insert(t.stem_hash, 0);
    add_fuzzy_word(a.word(t), fuzzy_seen);
  }
  if (p.stems.empty()) return;
  if (p.stems.size() > kMaxPhrase) p.stems.resize(kMaxPhrase);
  p.cue = static_cast<std::uint32_t>(cues_.size());
  cues_.emplace_back(cue);

  const bool abbreviation = p.stems.size() == 1 && capitals(cue) >= 2;
  p.weight = p.stems.size() == 1
                 ? (abbreviation ? 1.5f : 1.0f)
                 : std::min(2.5f, 1.0f + 0.5f * static_cast<float>(p.stems.size() - 1));
  for (const RolePhrase& r : role_phrases_) {
    if (r.size == p.stems.size() && std::equal(p.stems.begin(), p.stems.end(), r.stems)) {
      p.weight *= kRoleNameFactor;
      break;
    }
  }
  if (p.stems.size() == 1 && a.tokens.size() == 1) {
    // Heads of one-word cues, so "road map" / "stand up" can be joined cheaply.
    const std::string_view w = a.word(a.tokens[0]);
    for (std::size_t k = 2; k + 2 <= w.size(); ++k)
      join_heads_.insert(text_hash(w.substr(0, k)), 0);
  }
  pending.push_back(std::move(p));
}

void Lexicon::add_fuzzy_word(std::string_view word, FlatIndex& fuzzy_seen) {
  if (word.size() < kMinTypoLength - 1 || !is_ascii_letters(word)) return;
  // The word and its regular inflections, so "priortized" finds "prioritized"
  // although the cue says "prioritize".
  std::string base(word);
  std::array<std::string, 4> forms = {
      base, base + "s", base.back() == 'e' ? base + "d" : base + "ed",
      base.back() == 'e' ? base.substr(0, base.size() - 1) + "ing" : base + "ing"};
  for (std::string& f : forms) {
    if (f.size() < kMinTypoLength) continue;
    const std::uint64_t wh = text_hash(f);
    if (fuzzy_seen.contains(wh)) continue;
    fuzzy_seen.insert(wh, 0);
    FuzzyWord fw;
    fw.word_hash = wh;
    fw.stem = stem(f);
    fw.stem_hash = text_hash(fw.stem);
    fw.word = std::move(f);
    vocabulary_.insert(fw.stem_hash, 0);
    fuzzy_words_.push_back(std::move(fw));
  }
}

const Lexicon::FuzzyWord* Lexicon::fuzzy_lookup(std::string_view word) const {
  const FuzzyWord* best = nullptr;
  bool ambiguous = false;
  for_each_deletion_hash(word, [&](std::uint64_t h) {
    const auto head = fuzzy_index_.find(h);
    if (!head) return;
    for (std::uint32_t link = *head; link != kEndOfChain; link = fuzzy_links_[link].next) {
      const FuzzyWord& cand = fuzzy_words_[fuzzy_links_[link].word];
      if (cand.word == word || !within_one_edit(word, cand.word)) continue;
      if (best == nullptr) {
        best = &cand;
      } else if (best->stem_hash != cand.stem_hash) {
        // Two different cue words are equally close: prefer the one that
        // keeps the first letter, else give up rather than guess.
        const bool best_first = best->word[0] == word[0];
        const bool cand_first = cand.word[0] == word[0];
        if (cand_first && !best_first)
          best = &cand;
        else if (cand_first == best_first)
          ambiguous = true;
      }
    }
  });
  return ambiguous ? nullptr : best;
}

void Lexicon::correct_typos(AnalyzedText& text) const {
  for (TextToken& t : text.tokens) {
    if (t.word_size < kMinTypoLength || t.numeric) continue;
    if (vocabulary_.contains(t.stem_hash)) continue;
    const std::string_view w = text.word(t);
    if (!is_ascii_letters(w) || is_common_word(w)) continue;
    if (const FuzzyWord* fw = fuzzy_lookup(w)) {
      t.word_hash = fw->word_hash;
      t.stem_hash = fw->stem_hash;
      // The corrected stem's text too, so features named by stems agree with
      // the hashes ("u:roadmap" for "raodmap").
      t.stem_begin = static_cast<std::uint32_t>(text.stems.size());
      t.stem_size = static_cast<std::uint32_t>(fw->stem.size());
      text.stems += fw->stem;
      t.corrected = true;
    }
  }
}

float Lexicon::context_factor(const AnalyzedText& text,
                              const std::pmr::vector<std::uint32_t>& content, std::size_t first,
                              std::size_t last) const {
  float factor = 1.0f;
  bool ambiguous = false;
  for (std::size_t p = first; p <= last; ++p) {
    const TextToken& t = text.tokens[content[p]];
    if (t.quoted) factor = std::min(factor, kQuotedFactor);
    if (t.corrected) factor *= kCorrectedFactor;
    if (ambiguous_stems_.contains(t.stem_hash)) ambiguous = true;
    if (qualifier_stems_.contains(t.stem_hash)) return factor;  // "marketing sprint" is its own cue
  }
  // "after standup", "before sprint planning": the meeting is a time, not the topic.
  if (first >= 1) {
    const TextToken& before = text.tokens[content[first - 1]];
    if (before.sentence == text.tokens[content[first]].sentence &&
        time_words_.contains(before.word_hash)) {
      for (std::size_t p = first; p <= last; ++p) {
        if (event_stems_.contains(text.tokens[content[p]].stem_hash))
          return factor * kTimeReferenceFactor;
      }
    }
  }
  if (!ambiguous) return factor;
  // The qualifier must modify the Scrum word: right before it ("marketing
  // sprint", "support team backlog") or after it through of/for/from
  // ("backlog of support tickets"). "someone from sales joins the sprint
  // review" is still the Scrum event.
  const std::uint32_t sentence = text.tokens[content[first]].sentence;
  auto qualifier_at = [&](std::size_t p) {
    const TextToken& t = text.tokens[content[p]];
    return t.sentence == sentence && qualifier_stems_.contains(t.stem_hash);
  };
  if (first >= 1 && qualifier_at(first - 1)) return factor * kOtherFunctionFactor;
  if (first >= 2 && group_words_.contains(text.tokens[content[first - 1]].stem_hash) &&
      qualifier_at(first - 2))
    return factor * kOtherFunctionFactor;
  if (last + 1 < content.size() &&
      linking_words_.contains(text.tokens[content[last + 1]].word_hash)) {
    for (std::size_t p = last + 2; p < content.size() && p <= last + 3; ++p) {
      if (qualifier_at(p)) return factor * kOtherFunctionFactor;
    }
  }
  return factor;
}

void Lexicon::match(AnalyzedText& text, std::pmr::vector<CueHit>& hits,
                    std::pmr::vector<RoleMention>& roles) const {
  correct_typos(text);
  const std::pmr::vector<TextToken>& tokens = text.tokens;
  std::pmr::memory_resource* const memory = hits.get_allocator().resource();
  std::pmr::vector<std::uint32_t> content(memory);
  content.reserve(tokens.size());
  for (std::uint32_t i = 0; i < tokens.size(); ++i) {
    if (!skip_words_.contains(tokens[i].word_hash)) content.push_back(i);
  }
  auto same_sentence = [&](std::size_t p, std::size_t n) {
    return p + n <= content.size() &&
           tokens[content[p]].sentence == tokens[content[p + n - 1]].sentence;
  };

  for (std::size_t p = 0; p < content.size(); ++p) {
    if (!role_heads_.contains(tokens[content[p]].stem_hash)) continue;
    for (const RolePhrase& r : role_phrases_) {
      if (!same_sentence(p, r.size)) continue;
      bool ok = true;
      for (std::uint32_t k = 0; k < r.size && ok; ++k)
        ok = tokens[content[p + k]].stem_hash == r.stems[k];
      if (!ok) continue;
      // "3 pm" is a time, not a Product Manager.
      const std::uint32_t ti = content[p];
      if (r.size == 1 && ti > 0 && tokens[ti - 1].numeric) break;
      roles.push_back(RoleMention{r.role, ti, content[p + r.size - 1]});
      break;
    }
  }

  // Phrases first. Each start position takes its longest phrase; phrases
  // may overlap ("weekly status" + "status report"), but one lying wholly
  // inside an earlier match adds nothing.
  std::pmr::vector<char> covered(content.size(), 0, memory);
  std::size_t span_end = 0;  // one past the last token of the previous match
  for (std::size_t p = 0; p < content.size(); ++p) {
    const auto r = phrase_index_.find(tokens[content[p]].stem_hash);
    if (!r) continue;
    const Range range = phrase_ranges_[*r];
    for (std::uint32_t k = 0; k < range.count; ++k) {
      const Phrase& ph = phrases_[range.begin + k];
      if (!same_sentence(p, ph.size)) continue;
      bool ok = true;
      for (std::uint32_t j = 1; j < ph.size && ok; ++j)
        ok = tokens[content[p + j]].stem_hash == ph.stems[j];
      if (!ok) continue;
      if (p + ph.size > span_end) {
        const float w = ph.weight * context_factor(text, content, p, p + ph.size - 1);
        hits.push_back(CueHit{ph.topic, ph.cue, w, content[p], content[p + ph.size - 1]});
        span_end = p + ph.size;
      }
      std::fill_n(covered.begin() + static_cast<std::ptrdiff_t>(p), ph.size, 1);
      break;
    }
  }

  // Then single words (and two words that join into one) not inside a phrase.
  std::size_t p = 0;
  while (p < content.size()) {
    if (covered[p]) {
      ++p;
      continue;
    }
    const TextToken& t = tokens[content[p]];
    if (p + 1 < content.size() && !covered[p + 1] && join_heads_.contains(t.word_hash) &&
        same_sentence(p, 2)) {
      const TextToken& n = tokens[content[p + 1]];
      const std::string_view a = text.word(t);
      const std::string_view b = text.word(n);
      std::array<char, 48> buf;
      if (!n.numeric && a.size() + b.size() <= buf.size()) {
        std::copy(a.begin(), a.end(), buf.begin());
        std::copy(b.begin(), b.end(), buf.begin() + static_cast<std::ptrdiff_t>(a.size()));
        const std::size_t len = stem_in_place(buf.data(), a.size() + b.size());
        if (const auto r = unigram_index_.find(text_hash(std::string_view(buf.data(), len)))) {
          const Range range = unigram_ranges_[*r];
          const float f = context_factor(text, content, p, p + 1);
          for (std::uint32_t k = 0; k < range.count; ++k) {
            const Entry& e = unigram_entries_[range.begin + k];
            hits.push_back(CueHit{e.topic, e.cue, e.weight * f, content[p], content[p + 1]});
          }
          p += 2;
          continue;
        }
      }
    }
    if (const auto r = unigram_index_.find(t.stem_hash)) {
      const Range range = unigram_ranges_[*r];
      const float f = context_factor(text, content, p, p);
      for (std::uint32_t k = 0; k < range.count; ++k) {
        const Entry& e = unigram_entries_[range.begin + k];
        hits.push_back(CueHit{e.topic, e.cue, e.weight * f, content[p], content[p]});
      }
    }
    ++p;
  }
}

}  // namespace rolecall
