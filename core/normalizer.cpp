#include "core/normalizer.hpp"

#include <cstdint>

#include "core/analyzed_text.hpp"
#include "core/stemmer.hpp"
#include "core/text_hash.hpp"

namespace rolecall {
namespace {

// Written at the start of a "> quoted" line; the tokenizer turns it into the
// `quoted` flag. Never taken from the input (control characters in the input
// are treated as spaces).
constexpr char kQuoteMark = '\x01';

constexpr char ascii_lower(char c) noexcept {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}
constexpr bool is_ascii_alnum(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}
constexpr bool is_ascii_alpha(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

bool starts_with_ci(std::string_view s, std::size_t pos, std::string_view prefix) noexcept {
  if (pos > s.size() || s.size() - pos < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if (ascii_lower(s[pos + i]) != prefix[i]) return false;
  }
  return true;
}

// The one pass over plain text before the tokenizer: ASCII lower case,
// control bytes as spaces, "> quoted" lines marked, and what carries no
// ownership signal dropped: fenced code blocks, inline code ticks, :emoji:
// and bare URLs. Platform markup is not read here: the adapters have already
// translated it (a literal "<at>" or "&lt;" in the text is just characters).
class PlainTextPass {
 public:
  explicit PlainTextPass(std::pmr::string& out) : out_(out) {}

  void run(std::string_view in) {
    // The output is never longer than the input (every rule below writes at
    // most one byte per byte it reads), so it is written through a cursor
    // into room made at once, and cut to its length at the end.
    const std::size_t start = out_.size();
    out_.reserve(start + in.size() + 1);
    out_.resize(start + in.size());
    cursor_ = out_.data() + start;
    bool line_start = true;
    std::size_t i = 0;
    while (i < in.size()) {
      if (line_start) {
        line_start = false;
        std::size_t j = i;
        while (j < in.size() && (in[j] == ' ' || in[j] == '\t')) ++j;
        if (j < in.size() && in[j] == '>') {
          emit(kQuoteMark);
          i = j + 1;
          continue;
        }
      }
      const char c = in[i];
      if (c == '\n') {
        emit('\n');
        line_start = true;
        ++i;
        continue;
      }
      if (std::size_t used = skip(in, i); used > 0) {
        i += used;
        continue;
      }
      put(c);
      ++i;
    }
    out_.resize(static_cast<std::size_t>(cursor_ - out_.data()));
  }

 private:
  void emit(char c) { *cursor_++ = c; }
  void put(char c) {
    // Control bytes (including a stray kQuoteMark) are plain separators.
    emit(static_cast<unsigned char>(c) < 0x20 && c != '\n' ? ' ' : ascii_lower(c));
  }
  void separator() { emit(' '); }

  std::size_t skip(std::string_view in, std::size_t i) {
    const char c = in[i];
    if (c == '`') {
      if (in.substr(i, 3) == "```") {
        const std::size_t close = in.find("```", i + 3);
        emit('\n');
        return (close == std::string_view::npos ? in.size() : close + 3) - i;
      }
      separator();
      return 1;
    }
    if (c == ':' && (i == 0 || !is_ascii_alnum(in[i - 1]))) {
      std::size_t k = i + 1;
      bool letter = false;
      while (k < in.size() && k - i <= 64 &&
             (is_ascii_alnum(in[k]) || in[k] == '_' || in[k] == '-' || in[k] == '+')) {
        letter = letter || is_ascii_alpha(in[k]);
        ++k;
      }
      if (letter && k < in.size() && in[k] == ':' && k > i + 1) {
        separator();
        return k + 1 - i;
      }
      return 0;
    }
    if ((c == 'h' || c == 'H' || c == 'w' || c == 'W') && (i == 0 || !is_ascii_alnum(in[i - 1])) &&
        (starts_with_ci(in, i, "http://") || starts_with_ci(in, i, "https://") ||
         starts_with_ci(in, i, "www."))) {
      std::size_t k = i;
      while (k < in.size() && in[k] != ' ' && in[k] != '\n' && in[k] != '\t' && in[k] != '<') ++k;
      separator();
      return k - i;
    }
    return 0;
  }

  std::pmr::string& out_;
  char* cursor_ = nullptr;  // where the next byte goes, inside out_
};

// ---------------------------------------------------------------- tokenizer

enum class ByteClass { word, separator, clause, sentence, question, apostrophe, newline };

struct Classified {
  ByteClass cls;
  std::size_t length;  // bytes of this character
};

// Classifies the (possibly multi-byte) character at text[i].
Classified classify_char(std::string_view text, std::size_t i) noexcept {
  const unsigned char c = static_cast<unsigned char>(text[i]);
  if (c < 0x80) {
    if (is_ascii_alnum(static_cast<char>(c))) return {ByteClass::word, 1};
    switch (c) {
      case '\n': return {ByteClass::newline, 1};
      case '?': return {ByteClass::question, 1};
      case '!': return {ByteClass::sentence, 1};
      case '.':
        // "v2.1", "e.g.", "file.txt" are not sentence ends.
        if (i + 1 < text.size() && is_ascii_alnum(text[i + 1])) return {ByteClass::separator, 1};
        return {ByteClass::sentence, 1};
      case ',':
      case ';':
      case ':':
      case '(':
      case ')': return {ByteClass::clause, 1};
      case '-':
        // " - " is a dash between clauses; "stand-up" is one hyphenated word.
        if ((i == 0 || text[i - 1] == ' ') && (i + 1 >= text.size() || text[i + 1] == ' '))
          return {ByteClass::clause, 1};
        return {ByteClass::separator, 1};
      case '\'': return {ByteClass::apostrophe, 1};
      default: return {ByteClass::separator, 1};
    }
  }
  std::size_t len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
  if (i + len > text.size()) len = text.size() - i;
  if (c == 0xE2 && len == 3) {  // U+2000..U+2FFF: punctuation, arrows, symbols
    const unsigned char c1 = static_cast<unsigned char>(text[i + 1]);
    const unsigned char c2 = static_cast<unsigned char>(text[i + 2]);
    if (c1 == 0x80) {
      if (c2 == 0x93 || c2 == 0x94) return {ByteClass::clause, len};      // en/em dash
      if (c2 == 0x98 || c2 == 0x99) return {ByteClass::apostrophe, len};  // curly quotes
    }
    return {ByteClass::separator, len};
  }
  if (c == 0xC2 || c == 0xEF || c >= 0xF0 || c < 0xC0) return {ByteClass::separator, len};
  return {ByteClass::word, len};  // accented letters, CJK, ...
}

bool is_contraction_tail(std::string_view tail) noexcept {
  return tail == "s" || tail == "t" || tail == "d" || tail == "m" || tail == "ll" || tail == "re" ||
         tail == "ve";
}

class Tokenizer {
 public:
  explicit Tokenizer(AnalyzedText& out) : out_(out) {}

  void run() {
    const std::string_view text = out_.text;
    out_.stems.reserve(text.size());
    // About one token per five bytes of chat text; growing the vectors one
    // push at a time cost more than the tokens themselves.
    out_.tokens.reserve(text.size() / 4 + 1);
    out_.sentences.reserve(text.size() / 32 + 1);
    std::size_t i = 0;
    while (i < text.size()) {
      if (text[i] == kQuoteMark) {
        end_sentence(false);
        quoted_ = true;
        clause_start_ = true;
        ++i;
        continue;
      }
      const Classified ch = classify_char(text, i);
      if (ch.cls == ByteClass::word) {
        i = word(text, i);
        continue;
      }
      switch (ch.cls) {
        case ByteClass::newline:
          end_sentence(false);
          quoted_ = false;
          break;
        case ByteClass::question: end_sentence(true); break;
        case ByteClass::sentence: end_sentence(false); break;
        case ByteClass::clause: clause_start_ = true; break;
        default: break;
      }
      i += ch.length;
    }
    end_sentence(false);
  }

 private:
  // Reads one word starting at text[i]; returns the index after it.
  std::size_t word(std::string_view text, std::size_t i) {
    const std::size_t begin = i;
    std::size_t end = i;
    bool numeric = true;
    while (end < text.size()) {
      // ASCII first, without classify_char: a letter or digit continues the
      // word, any other ASCII byte ends it (as classify_char would say).
      const char c = text[end];
      if (is_ascii_alnum(c)) {
        if (c < '0' || c > '9') numeric = false;
        ++end;
        continue;
      }
      if (static_cast<unsigned char>(c) < 0x80) break;
      const Classified ch = classify_char(text, end);
      if (ch.cls != ByteClass::word) break;
      numeric = false;  // a multi-byte character is no digit
      end += ch.length;
    }
    std::size_t next = end;
    // who's -> who, isn't -> isn, we'll -> we: the tail carries nothing.
    if (end < text.size()) {
      const Classified ch = classify_char(text, end);
      if (ch.cls == ByteClass::apostrophe) {
        std::size_t t = end + ch.length;
        while (t < text.size() && t - end < 6 && is_ascii_alpha(text[t])) ++t;
        if (is_contraction_tail(text.substr(end + ch.length, t - end - ch.length))) next = t;
      }
    }
    add_token(begin, end - begin, numeric);
    return next;
  }

  void add_token(std::size_t begin, std::size_t size, bool numeric) {
    if (open_sentence_ == kNone) {
      open_sentence_ = static_cast<std::uint32_t>(out_.sentences.size());
      TextSentence s;
      s.first_token = static_cast<std::uint32_t>(out_.tokens.size());
      s.quoted = quoted_;
      out_.sentences.push_back(s);
    }
    const std::string_view w = std::string_view(out_.text).substr(begin, size);
    TextToken t;
    t.word_begin = static_cast<std::uint32_t>(begin);
    t.word_size = static_cast<std::uint32_t>(size);
    t.stem_begin = static_cast<std::uint32_t>(out_.stems.size());
    out_.stems.append(w);
    const std::size_t stem_size =
        numeric ? size : stem_in_place(out_.stems.data() + t.stem_begin, size);
    out_.stems.resize(t.stem_begin + stem_size);
    t.stem_size = static_cast<std::uint32_t>(stem_size);
    t.word_hash = text_hash(w);
    t.stem_hash = text_hash(std::string_view(out_.stems).substr(t.stem_begin, stem_size));
    t.sentence = open_sentence_;
    t.quoted = quoted_;
    t.clause_start = clause_start_;
    t.numeric = numeric;
    clause_start_ = false;
    out_.tokens.push_back(t);
    ++out_.sentences[open_sentence_].token_count;
  }

  void end_sentence(bool question) {
    clause_start_ = true;
    if (open_sentence_ == kNone) {
      // "what??": the second '?' belongs to the sentence just closed.
      if (question && !out_.sentences.empty()) out_.sentences.back().question_mark = true;
      return;
    }
    out_.sentences[open_sentence_].question_mark = question;
    open_sentence_ = kNone;
  }

  static constexpr std::uint32_t kNone = UINT32_MAX;
  AnalyzedText& out_;
  std::uint32_t open_sentence_ = kNone;
  bool quoted_ = false;
  bool clause_start_ = true;
};

}  // namespace

void analyze_text(std::string_view message, AnalyzedText& out) {
  out.text.clear();
  out.stems.clear();
  out.tokens.clear();
  out.sentences.clear();
  PlainTextPass(out.text).run(message);
  Tokenizer(out).run();
}

std::vector<std::string> tokenize(std::string_view text) {
  AnalyzedText analyzed;
  analyze_text(text, analyzed);
  std::vector<std::string> out;
  out.reserve(analyzed.tokens.size());
  for (const TextToken& t : analyzed.tokens) {
    if (!t.quoted) out.emplace_back(analyzed.stem(t));
  }
  return out;
}

}  // namespace rolecall
