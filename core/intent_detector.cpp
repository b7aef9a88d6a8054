#include "core/intent_detector.hpp"

#include <initializer_list>
#include <string_view>

#include "core/stemmer.hpp"
#include "core/text_hash.hpp"

namespace rolecall {
namespace {

// The word lists, a bit each: a word's value in word_lists_ says which lists
// it is on, so sentence_intents looks each word up once.
enum WordList : std::uint32_t {
  kWho = 1u << 0,
  kAntecedent = 1u << 1,  // "someone who…" is not a question
  kRoleNoun = 1u << 2,    // "which role/person/team…"
  kFiller = 1u << 3,      // skipped at the start of a clause
  kWh = 1u << 4,
  kAux = 1u << 5,
  kImperative = 1u << 6,
  kNotAfterImperative = 1u << 7,  // "update is out" is not an imperative
  kModal = 1u << 8,
  kModalSubject = 1u << 9,
  kRequestWord = 1u << 10,   // please, pls, asap…
  kQuestionWord = 1u << 11,  // wondering, curious…
  kLet = 1u << 12,
  kIs = 1u << 13,       // is / isn / was
  kPointer = 1u << 14,  // it / that / this
};
// The pair lists (combine_hash of two word hashes), a bit each.
enum PairList : std::uint32_t {
  kRequestPair = 1u << 0,   // "we should", "make sure"
  kQuestionPair = 1u << 1,  // "anyone know", "any idea"
};

void add_to(FlatIndex& lists, std::uint64_t key, std::uint32_t list) {
  const auto have = lists.find(key);
  lists.insert(key, (have ? *have : 0u) | list);
}

void fill(FlatIndex& lists, std::uint32_t list, std::initializer_list<std::string_view> words) {
  for (std::string_view w : words) add_to(lists, text_hash(w), list);
}

void fill_stems(FlatIndex& set, std::initializer_list<std::string_view> words) {
  set.reserve(words.size());
  for (std::string_view w : words) set.insert(text_hash(stem(w)), 0);
}

void fill_pairs(FlatIndex& lists, std::uint32_t list,
                std::initializer_list<std::pair<std::string_view, std::string_view>> pairs) {
  for (const auto& [a, b] : pairs) add_to(lists, combine_hash(text_hash(a), text_hash(b)), list);
}

std::uint32_t lists_of(const FlatIndex& lists, std::uint64_t key) noexcept {
  const auto l = lists.find(key);
  return l ? *l : 0u;
}

}  // namespace

IntentDetector::IntentDetector() {
  fill(word_lists_, kWho, {"who", "whos", "whose", "whom", "whoever"});
  fill(word_lists_, kAntecedent,
       {"someone",   "somebody", "anyone",   "anybody",   "person", "people", "one",
        "ones",      "those",    "everyone", "everybody", "folks",  "guy",    "guys",
        "customers", "users",    "member",   "members",   "devs",   "ones",   "somone"});
  fill(word_lists_, kRoleNoun,
       {"role", "roles", "person", "team", "hat", "side", "owner", "one", "pm", "po", "manager",
        "group", "function", "department"});
  fill(word_lists_, kFiller,
       {"hey",     "hi",        "hello",    "yo",    "hiya",   "ok",    "okay",     "k",
        "so",      "um",        "uh",       "quick", "q",      "qq",    "question", "morning",
        "gm",      "afternoon", "evening",  "team",  "folks",  "all",   "everyone", "guys",
        "yall",    "y",         "also",     "and",   "but",    "btw",   "oh",       "ah",
        "well",    "hmm",       "honestly", "sorry", "ps",     "fwiw",  "just",     "actually",
        "then",    "now",       "next",     "again", "real",   "maybe", "perhaps",  "still",
        "anyway",  "anyways",   "alright",  "right", "sure",   "yes",   "yeah",     "yep",
        "no",      "nope",      "thanks",   "thx",   "ty",     "one",   "guess",    "ugh",
        "friends", "peeps",     "heads",    "up",    "urgent", "and"});
  fill(word_lists_, kWh,
       {"what", "whats", "when", "where", "why", "how", "which", "hows", "whens", "wheres", "wat",
        "wht"});
  fill(word_lists_, kAux,
       {"is",   "are",   "do",    "does",  "did",  "should", "can",     "could",  "would",
        "will", "has",   "have",  "was",   "were", "isn",    "aren",    "doesn",  "don",
        "didn", "shall", "may",   "might", "am",   "must",   "shouldn", "wouldn", "couldn",
        "won",  "hasn",  "haven", "wasn",  "any",  "anyone", "anybody"});
  fill(
      word_lists_, kImperative,
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
  fill(word_lists_, kNotAfterImperative,
       {"is",   "was",  "are",   "were",  "has",    "have", "had", "looks", "seems",
        "went", "will", "would", "could", "should", "can",  "got", "did",   "does",
        "from", "by",   "isn",   "wasn",  "for",    "on",   "of",  "went"});
  fill(word_lists_, kModal, {"can", "could", "would", "will", "cna", "cn", "wud", "cud", "mind"});
  fill(word_lists_, kModalSubject,
       {"we", "you", "u", "ya", "someone", "somebody", "anyone", "anybody", "i", "yall", "pls",
        "please", "sb", "smb", "somone", "y", "ye"});
  fill(word_lists_, kRequestWord, {"please", "pls", "plz", "plez", "kindly", "asap"});
  fill_pairs(
      pair_lists_, kRequestPair,
      {{"we", "should"},     {"we", "need"},        {"we", "must"},         {"we", "gotta"},
       {"we", "ought"},      {"should", "we"},      {"shall", "we"},        {"need", "someone"},
       {"needs", "someone"}, {"someone", "should"}, {"someone", "needs"},   {"someone", "need"},
       {"someone", "has"},   {"someone", "must"},   {"somebody", "should"}, {"somebody", "needs"},
       {"i", "need"},        {"i", "like"},         {"would", "like"},      {"would", "love"},
       {"be", "great"},      {"be", "nice"},        {"be", "good"},         {"make", "sure"},
       {"needs", "to"},      {"we", "want"},        {"lets", "get"},        {"it", "needs"},
       {"this", "needs"},    {"we", "have"},        {"want", "someone"},    {"let", "us"},
       {"i", "want"}});
  fill(word_lists_, kQuestionWord,
       {"wondering", "curious", "unsure", "confused", "clarification", "idk"});
  fill_pairs(pair_lists_, kQuestionPair,
             {{"anyone", "know"},
              {"any", "idea"},
              {"any", "ideas"},
              {"not", "sure"},
              {"no", "idea"},
              {"anybody", "know"},
              {"somebody", "know"},
              {"does", "anyone"}});
  fill(word_lists_, kLet, {"let", "lets"});
  fill_stems(ownership_stems_,
             {"own",      "owns",     "owner",       "ownership",      "decide",
              "decides",  "decision", "responsible", "responsibility", "accountable",
              "charge",   "call",     "job",         "handle",         "approve",
              "manage",   "lead",     "maintain",    "sign",           "drive",
              "run",      "area",     "remit",       "domain",         "task",
              "duty",     "say",      "authority",   "veto",           "should",
              "supposed", "priority"});
  fill(word_lists_, kIs, {"is", "isn", "was", "wasn", "s"});
  fill(word_lists_, kPointer, {"it", "that", "this", "that's"});
  or_hash_ = text_hash("or");
}

void IntentDetector::sentence_intents(const AnalyzedText& text,
                                      const std::pmr::vector<RoleMention>& roles,
                                      std::pmr::vector<SentenceIntent>& out) const {
  out.assign(text.sentences.size(), SentenceIntent{});
  const std::pmr::vector<TextToken>& tokens = text.tokens;
  // The lists each word of the sentence at hand is on.
  std::pmr::vector<std::uint32_t> lists(tokens.size(), 0u, out.get_allocator().resource());

  for (std::uint32_t s = 0; s < text.sentences.size(); ++s) {
    const TextSentence& sentence = text.sentences[s];
    if (sentence.quoted || sentence.token_count == 0) continue;
    const std::uint32_t begin = sentence.first_token;
    const std::uint32_t end = begin + sentence.token_count;
    for (std::uint32_t i = begin; i < end; ++i)
      lists[i] = lists_of(word_lists_, tokens[i].word_hash);
    SentenceIntent& f = out[s];
    f.question = sentence.question_mark;
    for (std::uint32_t i = begin; i < end; ++i) {
      const TextToken& t = tokens[i];
      const std::uint64_t w = t.word_hash;
      const bool has_next = i + 1 < end;
      const std::uint32_t here = lists[i];
      const std::uint32_t next = has_next ? lists[i + 1] : 0u;
      // "someone who can…" is a relative clause; after a comma it is a question
      // again ("lots of churn from customers, who should look into it?").
      if ((here & kWho) && (i == begin || t.clause_start || !(lists[i - 1] & kAntecedent))) {
        f.ownership_question = true;
      }
      if ((w == text_hash("which") || w == text_hash("what")) && has_next && (next & kRoleNoun)) {
        f.ownership_question = true;
        f.ownership_word = true;
      }
      if (ownership_stems_.contains(t.stem_hash)) f.ownership_word = true;
      if ((here & kRequestWord) && !(next & kWho)) f.request = true;
      const std::uint32_t pair =
          has_next ? lists_of(pair_lists_, combine_hash(w, tokens[i + 1].word_hash)) : 0u;
      if (pair & kRequestPair) f.request = true;
      if (here & kQuestionWord) f.question = true;
      if (pair & kQuestionPair) f.question = true;

      if (t.clause_start || i == begin) {
        std::uint32_t j = i;
        while (j < end && (lists[j] & kFiller) && (j == i || !tokens[j].clause_start)) ++j;
        if (j >= end || (j != i && tokens[j].clause_start)) continue;
        const std::uint32_t h = lists[j];
        const std::uint32_t after = j + 1 < end ? lists[j + 1] : 0u;
        if ((h & kImperative) && !(after & kNotAfterImperative)) f.request = true;
        if ((h & kModal) && (after & kModalSubject)) f.request = true;
        if (h & kLet) f.request = true;
        if (h & (kWh | kAux)) f.question = true;
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
        if ((lists[p] & kPointer) && (lists[p - 1] & kIs)) {
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
