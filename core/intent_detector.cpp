#include "core/intent_detector.hpp"

#include <initializer_list>
#include <string_view>

#include "core/stemmer.hpp"
#include "core/text_hash.hpp"

namespace rolecall {
namespace {

void fill(FlatIndex& set, std::initializer_list<std::string_view> words) {
  set.reserve(words.size());
  for (std::string_view w : words) set.insert(text_hash(w), 0);
}

void fill_stems(FlatIndex& set, std::initializer_list<std::string_view> words) {
  set.reserve(words.size());
  for (std::string_view w : words) set.insert(text_hash(stem(w)), 0);
}

void fill_pairs(FlatIndex& set,
                std::initializer_list<std::pair<std::string_view, std::string_view>> pairs) {
  set.reserve(pairs.size());
  for (const auto& [a, b] : pairs) set.insert(combine_hash(text_hash(a), text_hash(b)), 0);
}

}  // namespace

IntentDetector::IntentDetector() {
  fill(who_, {"who", "whos", "whose", "whom", "whoever"});
  fill(antecedents_,
       {"someone",   "somebody", "anyone",   "anybody",   "person", "people", "one",
        "ones",      "those",    "everyone", "everybody", "folks",  "guy",    "guys",
        "customers", "users",    "member",   "members",   "devs",   "ones",   "somone"});
  fill(role_nouns_, {"role", "roles", "person", "team", "hat", "side", "owner", "one", "pm", "po",
                     "manager", "group", "function", "department"});
  fill(fillers_,
       {"hey",     "hi",        "hello",    "yo",    "hiya",   "ok",    "okay",     "k",
        "so",      "um",        "uh",       "quick", "q",      "qq",    "question", "morning",
        "gm",      "afternoon", "evening",  "team",  "folks",  "all",   "everyone", "guys",
        "yall",    "y",         "also",     "and",   "but",    "btw",   "oh",       "ah",
        "well",    "hmm",       "honestly", "sorry", "ps",     "fwiw",  "just",     "actually",
        "then",    "now",       "next",     "again", "real",   "maybe", "perhaps",  "still",
        "anyway",  "anyways",   "alright",  "right", "sure",   "yes",   "yeah",     "yep",
        "no",      "nope",      "thanks",   "thx",   "ty",     "one",   "guess",    "ugh",
        "friends", "peeps",     "heads",    "up",    "urgent", "and"});
  fill(wh_words_, {"what", "whats", "when", "where", "why", "how", "which", "hows", "whens",
                   "wheres", "wat", "wht"});
  fill(aux_words_,
       {"is",   "are",   "do",    "does",  "did",  "should", "can",     "could",  "would",
        "will", "has",   "have",  "was",   "were", "isn",    "aren",    "doesn",  "don",
        "didn", "shall", "may",   "might", "am",   "must",   "shouldn", "wouldn", "couldn",
        "won",  "hasn",  "haven", "wasn",  "any",  "anyone", "anybody"});
  fill(
      imperatives_,
      {"add", "update", "pull", "move", "put", "create", "write", "draft", "make", "schedule",
       "fix", "prioritize", "prioritise", "reprioritize", "reprioritise", "bump", "swap", "drop",
       "remove", "split", "groom", "refine", "clarify", "define", "set", "prepare", "prep", "share",
       "get", "start", "ship", "kill", "sunset", "deprecate", "reposition", "plan", "raise", "file",
       "log", "track", "sort", "organize", "organise", "book", "loop", "escalate", "take", "assign",
       "investigate", "change", "rename", "reorder", "rank", "estimate", "review", "document",
       "capture", "build", "implement", "launch", "announce", "sync", "align", "talk", "reach",
       "follow", "own", "handle", "decide", "figure", "confirm", "approve", "accept", "reject",
       "sign", "triage", "run", "send", "check", "look", "ping", "tell", "give", "find", "help",
       "consider", "rethink", "revisit", "kick", "push", "postpone", "delay", "cut", "descope",
       "finalize", "finalise", "pick", "bring", "invite", "present", "pitch", "hold", "unblock",
       "size", "break", "slice", "close", "reopen", "keep", "stop", "introduce", "pls", "plz",
       "please", "kindly", "remind", "research", "interview", "analyze", "analyse", "compare",
       "benchmark", "price", "measure", "report", "write-up", "groom", "spec", "mock", "design",
       "outline", "map", "need", "lock", "freeze", "agree", "respond", "reply", "answer", "draw",
       // Verbs that open ticket titles ("Refresh the competitive matrix…").
       "refresh", "redo", "rewrite", "clean", "migrate", "enable", "disable", "allow", "support",
       "improve", "extend", "expose", "display", "show", "hide", "provide", "publish", "release",
       "deploy", "rollout", "roll", "upgrade", "replace", "merge", "convert", "translate",
       "localize", "localise", "validate", "verify", "test", "audit", "collect", "gather", "survey",
       "shortlist", "evaluate", "assess", "identify", "summarize", "summarise", "compile",
       "consolidate", "standardize", "standardise", "streamline", "automate", "integrate",
       "onboard", "retire", "archive", "restore", "setup", "refactor", "optimize", "optimise",
       "reduce", "increase", "lower", "adjust", "tweak", "polish", "fill", "complete", "finish",
       "order", "negotiate", "renew", "hire", "staff", "budget", "forecast", "propose",
       "recommend"});
  fill(not_after_imperative_,
       {"is",   "was",  "are",   "were",  "has",    "have", "had", "looks", "seems",
        "went", "will", "would", "could", "should", "can",  "got", "did",   "does",
        "from", "by",   "isn",   "wasn",  "for",    "on",   "of",  "went"});
  fill(modals_, {"can", "could", "would", "will", "cna", "cn", "wud", "cud", "mind"});
  fill(modal_subjects_, {"we", "you", "u", "ya", "someone", "somebody", "anyone", "anybody", "i",
                         "yall", "pls", "please", "sb", "smb", "somone", "y", "ye"});
  fill(request_words_, {"please", "pls", "plz", "plez", "kindly", "asap"});
  fill_pairs(
      request_pairs_,
      {{"we", "should"},     {"we", "need"},        {"we", "must"},         {"we", "gotta"},
       {"we", "ought"},      {"should", "we"},      {"shall", "we"},        {"need", "someone"},
       {"needs", "someone"}, {"someone", "should"}, {"someone", "needs"},   {"someone", "need"},
       {"someone", "has"},   {"someone", "must"},   {"somebody", "should"}, {"somebody", "needs"},
       {"i", "need"},        {"i", "like"},         {"would", "like"},      {"would", "love"},
       {"be", "great"},      {"be", "nice"},        {"be", "good"},         {"make", "sure"},
       {"needs", "to"},      {"we", "want"},        {"lets", "get"},        {"it", "needs"},
       {"this", "needs"},    {"we", "have"},        {"want", "someone"},    {"let", "us"},
       {"i", "want"}});
  fill(question_words_, {"wondering", "curious", "unsure", "confused", "clarification", "idk"});
  fill_pairs(question_pairs_, {{"anyone", "know"},
                               {"any", "idea"},
                               {"any", "ideas"},
                               {"not", "sure"},
                               {"no", "idea"},
                               {"anybody", "know"},
                               {"somebody", "know"},
                               {"does", "anyone"}});
  fill(let_, {"let", "lets"});
  fill_stems(ownership_stems_,
             {"own",      "owns",     "owner",       "ownership",      "decide",
              "decides",  "decision", "responsible", "responsibility", "accountable",
              "charge",   "call",     "job",         "handle",         "approve",
              "manage",   "lead",     "maintain",    "sign",           "drive",
              "run",      "area",     "remit",       "domain",         "task",
              "duty",     "say",      "authority",   "veto",           "should",
              "supposed", "priority"});
  fill(is_words_, {"is", "isn", "was", "wasn", "s"});
  fill(pointer_words_, {"it", "that", "this", "that's"});
  or_hash_ = text_hash("or");
}

void IntentDetector::sentence_intents(const AnalyzedText& text,
                                      const std::pmr::vector<RoleMention>& roles,
                                      std::pmr::vector<SentenceIntent>& out) const {
  out.assign(text.sentences.size(), SentenceIntent{});
  const std::pmr::vector<TextToken>& tokens = text.tokens;

  for (std::uint32_t s = 0; s < text.sentences.size(); ++s) {
    const TextSentence& sentence = text.sentences[s];
    if (sentence.quoted || sentence.token_count == 0) continue;
    const std::uint32_t begin = sentence.first_token;
    const std::uint32_t end = begin + sentence.token_count;
    SentenceIntent& f = out[s];
    f.question = sentence.question_mark;
    for (std::uint32_t i = begin; i < end; ++i) {
      const TextToken& t = tokens[i];
      const std::uint64_t w = t.word_hash;
      const bool has_next = i + 1 < end;
      const std::uint64_t next = has_next ? tokens[i + 1].word_hash : 0;
      // "someone who can…" is a relative clause; after a comma it is a question
      // again ("lots of churn from customers, who should look into it?").
      if (who_.contains(w) &&
          (i == begin || t.clause_start || !antecedents_.contains(tokens[i - 1].word_hash))) {
        f.ownership_question = true;
      }
      if ((w == text_hash("which") || w == text_hash("what")) && has_next &&
          role_nouns_.contains(next)) {
        f.ownership_question = true;
        f.ownership_word = true;
      }
      if (ownership_stems_.contains(t.stem_hash)) f.ownership_word = true;
      if (request_words_.contains(w) && !who_.contains(next)) f.request = true;
      if (has_next && request_pairs_.contains(combine_hash(w, next))) f.request = true;
      if (question_words_.contains(w)) f.question = true;
      if (has_next && question_pairs_.contains(combine_hash(w, next))) f.question = true;

      if (t.clause_start || i == begin) {
        std::uint32_t j = i;
        while (j < end && fillers_.contains(tokens[j].word_hash) &&
               (j == i || !tokens[j].clause_start))
          ++j;
        if (j >= end || (j != i && tokens[j].clause_start)) continue;
        const std::uint64_t h = tokens[j].word_hash;
        const std::uint64_t after = j + 1 < end ? tokens[j + 1].word_hash : 0;
        if (imperatives_.contains(h) && !not_after_imperative_.contains(after)) f.request = true;
        if (modals_.contains(h) && modal_subjects_.contains(after)) f.request = true;
        if (let_.contains(h)) f.request = true;
        if (wh_words_.contains(h) || aux_words_.contains(h)) f.question = true;
      }
    }

    // "PM or PO?", "is it the PO who…", "isn't that the PM's area?"
    for (std::size_t a = 0; a < roles.size(); ++a) {
      const RoleMention& r = roles[a];
      if (tokens[r.first_token].sentence != s) continue;
      for (std::size_t b = a + 1; b < roles.size(); ++b) {
        const RoleMention& o = roles[b];
        if (tokens[o.first_token].sentence != s || o.first_token <= r.last_token) continue;
        if (o.first_token - r.last_token > 4) continue;
        for (std::uint32_t k = r.last_token + 1; k < o.first_token; ++k) {
          if (tokens[k].word_hash == or_hash_) {
            f.ownership_question = true;
            f.ownership_word = true;
          }
        }
      }
      for (std::uint32_t back = 1; back <= 3 && r.first_token >= begin + back + 1; ++back) {
        const std::uint32_t p = r.first_token - back;
        if (pointer_words_.contains(tokens[p].word_hash) &&
            is_words_.contains(tokens[p - 1].word_hash)) {
          f.ownership_question = true;
          f.ownership_word = true;
        }
      }
    }
  }
}

Intent IntentDetector::decide(const std::pmr::vector<SentenceIntent>& sentences,
                              bool has_topic) noexcept {
  bool any_ownership = false;
  bool any_ownership_strong = false;
  bool any_request = false;
  bool any_question = false;
  for (const SentenceIntent& f : sentences) {
    any_ownership = any_ownership || f.ownership_question;
    any_ownership_strong = any_ownership_strong || (f.ownership_question && f.ownership_word);
    any_request = any_request || f.request;
    any_question = any_question || f.question;
  }
  if (!has_topic) return any_ownership_strong ? Intent::question : Intent::other;
  if (any_ownership) return Intent::question;
  if (any_request) return Intent::request;
  if (any_question) return Intent::question;
  return Intent::other;
}

void IntentDetector::focus(const std::pmr::vector<SentenceIntent>& sentences,
                           std::pmr::vector<char>& out) {
  out.assign(sentences.size(), 0);
  for (auto pick :
       {&SentenceIntent::ownership_question, &SentenceIntent::request, &SentenceIntent::question}) {
    bool any = false;
    for (std::size_t i = 0; i < sentences.size(); ++i) {
      if (sentences[i].*pick) {
        out[i] = 1;
        any = true;
      }
    }
    if (any) return;
  }
}

Intent IntentDetector::detect(const AnalyzedText& text, const std::pmr::vector<RoleMention>& roles,
                              bool has_topic) const {
  std::pmr::vector<SentenceIntent> sentences(roles.get_allocator().resource());
  sentence_intents(text, roles, sentences);
  return decide(sentences, has_topic);
}

}  // namespace rolecall
