#include "core/message_features.hpp"

#include <algorithm>
#include <array>

#include "core/text_hash.hpp"

namespace rolecall {
namespace {

// Hash of "<prefix><stem>" without building the string.
std::uint64_t prefixed_hash(std::string_view prefix, std::string_view stem) noexcept {
  return fnv1a_append(text_hash(prefix), stem);
}

// A fixed feature's name with its hash, computed at compile time (hashing
// the names per message was ~10 % of extract_features).
struct FixedName {
  const char* name;
  std::uint64_t hash;
};
constexpr FixedName fixed_name(const char* name) { return {name, text_hash(name)}; }

constexpr FixedName kOwnershipQuestion = fixed_name("i:ownership_question");
constexpr FixedName kOwnershipWord = fixed_name("i:ownership_word");
constexpr FixedName kRequest = fixed_name("i:request");
constexpr FixedName kQuestion = fixed_name("i:question");
constexpr FixedName kQuestionMark = fixed_name("i:question_mark");
constexpr FixedName kEndsAsking = fixed_name("i:ends_asking");
constexpr FixedName kUnmarked = fixed_name("p:unmarked");
constexpr FixedName kFullStop = fixed_name("p:full_stop");
constexpr FixedName kTitle = fixed_name("p:title");

MessageFeature fixed_feature(const FixedName& name) noexcept {
  MessageFeature f;
  f.kind = MessageFeature::Kind::fixed;
  f.fixed = name.name;
  f.hash = name.hash;
  return f;
}

const FixedName* role_feature(Role role) noexcept {
  static constexpr FixedName kProductManager = fixed_name("m:product_manager");
  static constexpr FixedName kProductOwner = fixed_name("m:product_owner");
  static constexpr FixedName kProjectManager = fixed_name("m:project_manager");
  static constexpr FixedName kBoth = fixed_name("m:both");
  switch (role) {
    case Role::product_manager: return &kProductManager;
    case Role::product_owner: return &kProductOwner;
    case Role::project_manager: return &kProjectManager;
    case Role::both: return &kBoth;
    case Role::none: return nullptr;
  }
  return nullptr;
}

const FixedName& length_feature(std::size_t words) noexcept {
  static constexpr FixedName kLen1 = fixed_name("len:1");
  static constexpr FixedName kLen2 = fixed_name("len:2-3");
  static constexpr FixedName kLen4 = fixed_name("len:4-7");
  static constexpr FixedName kLen8 = fixed_name("len:8-15");
  static constexpr FixedName kLen16 = fixed_name("len:16-40");
  static constexpr FixedName kLen41 = fixed_name("len:41+");
  if (words <= 1) return kLen1;
  if (words <= 3) return kLen2;
  if (words <= 7) return kLen4;
  if (words <= 15) return kLen8;
  if (words <= 40) return kLen16;
  return kLen41;
}

// Character features: the 4-letter pieces of "<word>" (with its edges), for
// words of at least 4 letters. They let the model meet a word it never saw
// through the pieces it shares with words it did ("reprioritise" with
// "prioritize", "onboarding" with "onboard", "roadmapping", typos the
// corrector leaves alone). Chosen by group cross-validation on the training
// lines (role +1.2 points; 3- and 5-letter pieces added nothing once 4 were
// in). They are role evidence only: the trainer keeps them out of the intent
// and topic models (role_only_feature), where they made intent worse.
constexpr std::size_t kCharGram = 4;
constexpr std::size_t kCharGramMinWord = 4;

// Function words: their letters say nothing about a subject, and skipping
// them keeps the character features cheap (cross-validation: no loss).
constexpr std::string_view kFunctionWords[] = {
    "about",     "above", "after",   "again", "also",   "anyone", "anything", "been",  "before",
    "being",     "both",  "cant",    "could", "didnt",  "does",   "doesnt",   "doing", "dont",
    "each",      "even",  "every",   "from",  "going",  "have",   "having",   "here",  "into",
    "just",      "know",  "like",    "make",  "many",   "more",   "most",     "much",  "must",
    "need",      "only",  "other",   "over",  "really", "same",   "should",   "since", "some",
    "something", "still", "such",    "sure",  "than",   "thank",  "thanks",   "that",  "their",
    "them",      "then",  "there",   "these", "they",   "thing",  "think",    "this",  "those",
    "through",   "very",  "want",    "were",  "what",   "when",   "where",    "which", "while",
    "will",      "with",  "without", "would", "your",   "youre"};

constexpr auto kFunctionWordHashes = [] {
  std::array<std::uint64_t, std::size(kFunctionWords)> hashes{};
  for (std::size_t i = 0; i < hashes.size(); ++i) hashes[i] = text_hash(kFunctionWords[i]);
  std::sort(hashes.begin(), hashes.end());
  return hashes;
}();

bool function_word(std::uint64_t word_hash) noexcept {
  return std::binary_search(kFunctionWordHashes.begin(), kFunctionWordHashes.end(), word_hash);
}

// Only plain ASCII words are cut into pieces: a piece of a UTF-8 sequence
// would not be text, and the model file is text.
bool ascii_word(std::string_view w) noexcept {
  for (char c : w)
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  return true;
}

// Byte k of "<word>".
char edged(std::string_view w, std::size_t k) noexcept {
  if (k == 0) return '<';
  if (k == w.size() + 1) return '>';
  return w[k - 1];
}

constexpr std::uint64_t kCharGramSeed = text_hash("c:");

// The first step of a piece's hash, for each byte: the hash of "c:" and one
// byte. Saves one multiply of four per piece.
constexpr auto kCharGramStep = [] {
  std::array<std::uint64_t, 256> step{};
  for (std::size_t c = 0; c < step.size(); ++c) step[c] = (kCharGramSeed ^ c) * kFnvPrime;
  return step;
}();

constexpr std::uint64_t piece_step(std::uint64_t h, char c) noexcept {
  return (h ^ static_cast<unsigned char>(c)) * kFnvPrime;
}

// Hands `sink.piece(hash, token, begin)` each 4-letter piece of "<w>" in
// order; the hash is text_hash("c:" + piece), as the edged() loop of
// feature_name spells it.
template <class Sink>
void add_char_grams(const TextToken& t, std::uint32_t token, std::string_view w, Sink& sink) {
  if (t.numeric || w.size() < kCharGramMinWord || function_word(t.word_hash) || !ascii_word(w))
    return;
  static_assert(kCharGram == 4 && kCharGramMinWord >= kCharGram);
  const std::size_t n = w.size();
  // "<abc": the left edge and the first three letters.
  sink.piece(piece_step(piece_step(piece_step(kCharGramStep['<'], w[0]), w[1]), w[2]), token, 0);
  // Pieces inside the word.
  for (std::size_t b = 1; b + 2 < n; ++b) {
    const std::uint64_t h = piece_step(
        piece_step(piece_step(kCharGramStep[static_cast<unsigned char>(w[b - 1])], w[b]), w[b + 1]),
        w[b + 2]);
    sink.piece(h, token, static_cast<std::uint16_t>(b));
  }
  // "xyz>": the last three letters and the right edge.
  sink.piece(piece_step(piece_step(piece_step(kCharGramStep[static_cast<unsigned char>(w[n - 3])],
                                              w[n - 2]),
                                   w[n - 1]),
                        '>'),
             token, static_cast<std::uint16_t>(n - 2));
}

// Each feature once: binary features, so a repeated word is not louder.
void sort_unique(std::pmr::vector<MessageFeature>& out, std::size_t start) {
  auto first = out.begin() + static_cast<std::ptrdiff_t>(start);
  std::sort(first, out.end(), [](const MessageFeature& a, const MessageFeature& b) {
    return a.hash != b.hash ? a.hash < b.hash : a.token < b.token;
  });
  out.erase(std::unique(
                first, out.end(),
                [](const MessageFeature& a, const MessageFeature& b) { return a.hash == b.hash; }),
            out.end());
}

// The one walk over a message's features, in an order of no meaning: both
// extract_features and extract_known_features sort what they keep. Hands
// `sink.shared(feature)` the shared features and `sink.piece(hash, token,
// begin)` the role-only ones; returns nothing, throws what the sink throws.
template <class Sink>
void visit_features(const AnalyzedText& text, const std::pmr::vector<RoleMention>& roles,
                    const std::pmr::vector<SentenceIntent>& sentences, Sink& sink) {
  const std::pmr::vector<TextToken>& tokens = text.tokens;
  std::size_t words = 0;
  for (std::uint32_t i = 0; i < tokens.size(); ++i) {
    const TextToken& t = tokens[i];
    if (t.quoted) continue;
    ++words;
    const std::string_view stem = text.stem(t);
    MessageFeature u;
    u.kind = MessageFeature::Kind::unigram;
    u.token = i;
    u.hash = prefixed_hash("u:", stem);
    sink.shared(u);
    add_char_grams(t, i, text.word(t), sink);
    if (t.clause_start) {
      MessageFeature s = u;
      s.kind = MessageFeature::Kind::clause_start;
      s.hash = prefixed_hash("s:", stem);
      sink.shared(s);
    }
    if (i + 1 < tokens.size() && !tokens[i + 1].quoted && tokens[i + 1].sentence == t.sentence) {
      MessageFeature b = u;
      b.kind = MessageFeature::Kind::bigram;
      b.hash = fnv1a_append(fnv1a_append(prefixed_hash("b:", stem), " "), text.stem(tokens[i + 1]));
      sink.shared(b);
    }
  }

  bool ownership_question = false, ownership_word = false, request = false, question = false;
  bool question_mark = false, last_asks = false;
  for (std::size_t s = 0; s < sentences.size(); ++s) {
    const SentenceIntent& si = sentences[s];
    ownership_question = ownership_question || si.ownership_question;
    ownership_word = ownership_word || si.ownership_word;
    request = request || si.request;
    question = question || si.question;
    if (s < text.sentences.size() && !text.sentences[s].quoted) {
      question_mark = question_mark || text.sentences[s].question_mark;
      last_asks = text.sentences[s].question_mark;
    }
  }
  if (ownership_question) sink.shared(fixed_feature(kOwnershipQuestion));
  if (ownership_word) sink.shared(fixed_feature(kOwnershipWord));
  if (request) sink.shared(fixed_feature(kRequest));
  if (question) sink.shared(fixed_feature(kQuestion));
  if (question_mark) sink.shared(fixed_feature(kQuestionMark));
  if (last_asks) sink.shared(fixed_feature(kEndsAsking));
  for (const RoleMention& r : roles) {
    if (const FixedName* name = role_feature(r.role)) sink.shared(fixed_feature(*name));
  }
  sink.shared(fixed_feature(length_feature(words)));
  // The shape of the message's end: ticket titles ("Export as PDF") end
  // without a mark, statements with a full stop. Short and unmarked reads as
  // a title, which asks for work.
  char last = 0;
  for (auto it = text.text.rbegin(); it != text.text.rend(); ++it) {
    const char c = *it;
    if (c != ' ' && c != '\n' && c != '\t' && c != '\r') {
      last = c;
      break;
    }
  }
  const bool marked = last == '.' || last == '!' || last == '?';
  if (words == 0) {
    // nothing to shape
  } else if (!marked)
    sink.shared(fixed_feature(kUnmarked));
  if (words > 0 && last == '.') sink.shared(fixed_feature(kFullStop));
  if (words > 0 && !marked && words <= 8 && sentences.size() <= 1)
    sink.shared(fixed_feature(kTitle));
}

// Sorts keys place << 32 | token and keeps the first of each place: the
// order of the features' hashes, each once with its first token, as
// sort_unique leaves them. Returns the count kept.
std::size_t sort_unique_keys(std::uint64_t* keys, std::size_t count) {
  std::sort(keys, keys + count);
  return static_cast<std::size_t>(
      std::unique(keys, keys + count,
                  [](std::uint64_t a, std::uint64_t b) { return (a >> 32) == (b >> 32); }) -
      keys);
}

}  // namespace

void extract_features(const AnalyzedText& text, const std::pmr::vector<RoleMention>& roles,
                      const std::pmr::vector<SentenceIntent>& sentences,
                      std::pmr::vector<MessageFeature>& out,
                      std::pmr::vector<MessageFeature>& role_only) {
  const std::size_t start = out.size();
  const std::size_t role_only_start = role_only.size();
  role_only.reserve(role_only_start + max_role_only_features(text));
  out.reserve(start + max_shared_features(text, roles.size()));
  struct Sink {
    std::pmr::vector<MessageFeature>& out;
    std::pmr::vector<MessageFeature>& role_only;
    void shared(const MessageFeature& f) { out.push_back(f); }
    void piece(std::uint64_t hash, std::uint32_t token, std::uint16_t begin) {
      MessageFeature c;
      c.kind = MessageFeature::Kind::chargram;
      c.token = token;
      c.hash = hash;
      c.char_begin = begin;
      role_only.push_back(c);
    }
  } sink{out, role_only};
  visit_features(text, roles, sentences, sink);
  sort_unique(out, start);
  sort_unique(role_only, role_only_start);
}

KnownFeatureCounts extract_known_features(const AnalyzedText& text,
                                          const std::pmr::vector<RoleMention>& roles,
                                          const std::pmr::vector<SentenceIntent>& sentences,
                                          const ClassifierModel& model,
                                          const std::vector<std::uint32_t>& place_of_row,
                                          std::uint64_t* shared, std::uint64_t* role_only) {
  struct Sink {
    const ClassifierModel& model;
    const std::uint32_t* place_of_row;
    std::uint64_t* shared_keys;
    std::uint64_t* role_only_keys;
    KnownFeatureCounts counts;
    std::uint64_t key(std::uint64_t hash, std::uint32_t token, bool& found) const noexcept {
      const ClassifierModel::Row* row = model.find(hash);
      found = row != nullptr;
      return found ? std::uint64_t{place_of_row[row - model.rows().data()]} << 32 | token : 0;
    }
    void shared(const MessageFeature& f) noexcept {
      bool found = false;
      const std::uint64_t k = key(f.hash, f.token, found);
      if (found) shared_keys[counts.shared++] = k;
    }
    void piece(std::uint64_t hash, std::uint32_t token, std::uint16_t) noexcept {
      bool found = false;
      const std::uint64_t k = key(hash, token, found);
      if (found) role_only_keys[counts.role_only++] = k;
    }
  } sink{model, place_of_row.data(), shared, role_only, {}};
  visit_features(text, roles, sentences, sink);
  sink.counts.shared = sort_unique_keys(shared, sink.counts.shared);
  sink.counts.role_only = sort_unique_keys(role_only, sink.counts.role_only);
  return sink.counts;
}

std::string feature_name(const AnalyzedText& text, const MessageFeature& f) {
  switch (f.kind) {
    case MessageFeature::Kind::unigram: return "u:" + std::string(text.stem(text.tokens[f.token]));
    case MessageFeature::Kind::clause_start:
      return "s:" + std::string(text.stem(text.tokens[f.token]));
    case MessageFeature::Kind::bigram:
      return "b:" + std::string(text.stem(text.tokens[f.token])) + " " +
             std::string(text.stem(text.tokens[f.token + 1]));
    case MessageFeature::Kind::fixed: return f.fixed;
    case MessageFeature::Kind::chargram: {
      const std::string_view w = text.word(text.tokens[f.token]);
      std::string n = "c:";
      for (std::size_t k = f.char_begin; k < f.char_begin + kCharGram; ++k) n += edged(w, k);
      return n;
    }
  }
  return {};
}

std::string feature_words(const AnalyzedText& text, const MessageFeature& f) {
  switch (f.kind) {
    case MessageFeature::Kind::unigram:
    case MessageFeature::Kind::clause_start: return std::string(text.word(text.tokens[f.token]));
    case MessageFeature::Kind::bigram:
      return std::string(text.word(text.tokens[f.token])) + " " +
             std::string(text.word(text.tokens[f.token + 1]));
    case MessageFeature::Kind::fixed: return {};
    case MessageFeature::Kind::chargram: return std::string(text.word(text.tokens[f.token]));
  }
  return {};
}

bool role_only_feature(std::string_view name) noexcept { return name.substr(0, 2) == "c:"; }

}  // namespace rolecall
