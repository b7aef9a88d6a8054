#include "core/normalizer.hpp"

#include <array>
#include <cstdint>

#include "core/analyzed_text.hpp"
#include "core/stemmer.hpp"
#include "core/text_hash.hpp"

namespace rolecall {
namespace {

enum class Mode { display, analysis };

// Written at the start of a "> quoted" line in analysis mode; the tokenizer
// turns it into the `quoted` flag. Never produced by decoding user text
// (control characters in the input are treated as spaces in analysis mode).
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

bool equals_ci(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
  }
  return true;
}

std::size_t find_ci(std::string_view s, std::string_view needle, std::size_t from) noexcept {
  for (std::size_t i = from; i + needle.size() <= s.size(); ++i) {
    if (starts_with_ci(s, i, needle)) return i;
  }
  return std::string_view::npos;
}

void append_utf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// HTML tags Teams (and pasted rich text) may carry. Block tags separate
// lines; the rest are dropped and their text kept.
constexpr std::array<std::string_view, 12> kBlockTags = {
    "p", "div", "br", "li", "ul", "ol", "blockquote", "pre", "h1", "h2", "h3", "hr"};
constexpr std::array<std::string_view, 13> kInlineTags = {
    "span", "b", "i", "u", "s", "em", "strong", "a", "code", "del", "ins", "small", "img"};

class MarkupResolver {
 public:
  MarkupResolver(Mode mode, bool drop_mentions, std::string& out)
      : mode_(mode), drop_mentions_(drop_mentions), out_(out) {}

  void run(std::string_view in) {
    out_.reserve(out_.size() + in.size() + 1);
    bool line_start = true;
    std::size_t i = 0;
    while (i < in.size()) {
      if (line_start) {
        line_start = false;
        std::size_t j = i;
        while (j < in.size() && (in[j] == ' ' || in[j] == '\t')) ++j;
        if (mode_ == Mode::analysis) {
          if (j < in.size() && in[j] == '>') {
            out_.push_back(kQuoteMark);
            i = j + 1;
            continue;
          }
          if (starts_with_ci(in, j, "&gt;")) {
            out_.push_back(kQuoteMark);
            i = j + 4;
            continue;
          }
        }
      }
      const char c = in[i];
      if (c == '\n') {
        out_.push_back('\n');
        line_start = true;
        ++i;
        continue;
      }
      if (c == '<') {
        if (std::size_t used = span(in, i); used > 0) {
          i += used;
          continue;
        }
      } else if (c == '&') {
        if (std::size_t used = entity(in, i); used > 0) {
          i += used;
          continue;
        }
      } else if (mode_ == Mode::analysis) {
        if (std::size_t used = analysis_skip(in, i); used > 0) {
          i += used;
          continue;
        }
      }
      put(c);
      ++i;
    }
  }

 private:
  void put(char c) {
    if (mode_ == Mode::analysis) {
      // Control bytes (including a stray kQuoteMark) are plain separators.
      out_.push_back(static_cast<unsigned char>(c) < 0x20 && c != '\n' ? ' ' : ascii_lower(c));
    } else {
      out_.push_back(c);
    }
  }
  void put(std::string_view s) {
    for (char c : s) put(c);
  }
  // Text inside a span (a label, a name) may itself carry entities.
  void put_decoded(std::string_view s) {
    std::size_t i = 0;
    while (i < s.size()) {
      if (s[i] == '&') {
        if (std::size_t used = entity(s, i); used > 0) {
          i += used;
          continue;
        }
      }
      put(s[i]);
      ++i;
    }
  }
  void separator() { out_.push_back(' '); }
  // A mention, channel or link stands apart from the words around it:
  // "<link|APP-77> can we…" must still see "can we" at the start of a clause.
  void boundary() { out_.push_back(mode_ == Mode::analysis ? ',' : ' '); }

  // Consumes a markup span starting at in[i] == '<'; 0 when it is not one.
  std::size_t span(std::string_view in, std::size_t i) {
    if (starts_with_ci(in, i, "<at>")) {
      const std::size_t close = find_ci(in, "</at>", i + 4);
      if (close != std::string_view::npos && close - i < 512) {
        if (mode_ == Mode::display && !drop_mentions_)
          put_decoded(in.substr(i + 4, close - i - 4));
        else
          boundary();
        return close + 5 - i;
      }
    }
    std::size_t k = i + 1;
    while (k < in.size() && k - i < 1024 && in[k] != '>' && in[k] != '<' && in[k] != '\n') ++k;
    if (k >= in.size() || in[k] != '>' || k == i + 1) return 0;
    const std::string_view inner = in.substr(i + 1, k - i - 1);
    const std::size_t used = k + 1 - i;
    const std::size_t bar = inner.find('|');
    const std::string_view head = inner.substr(0, bar);
    const std::string_view label =
        bar == std::string_view::npos ? std::string_view{} : inner.substr(bar + 1);

    switch (inner[0]) {
      case '@': {  // user mention
        if (mode_ == Mode::analysis || drop_mentions_) {
          boundary();
        } else {
          std::string_view name = label.empty() ? head.substr(1) : label;
          if (!name.empty() && name[0] == '@') name.remove_prefix(1);
          put('@');
          put_decoded(name);
        }
        return used;
      }
      case '#': {  // channel link
        if (mode_ == Mode::analysis) {
          boundary();
        } else {
          put('#');
          put_decoded(label.empty() ? head.substr(1) : label);
        }
        return used;
      }
      case '!': {  // special mention, user group or date
        const std::string_view name = head.substr(1, head.find('^') - 1);
        const bool broadcast =
            name == "here" || name == "channel" || name == "everyone" || name == "subteam";
        if (mode_ == Mode::analysis || (drop_mentions_ && broadcast)) {
          boundary();
        } else if (!label.empty()) {
          put_decoded(label);
        } else if (name == "subteam") {
          const std::size_t caret = head.find('^');
          put('@');
          put(caret == std::string_view::npos ? name : head.substr(caret + 1));
        } else {
          if (broadcast) put('@');
          put(name);
        }
        return used;
      }
      default: break;
    }
    for (std::string_view scheme : {"http://", "https://", "mailto:", "tel:", "ftp://"}) {
      if (!starts_with_ci(inner, 0, scheme)) continue;
      if (!label.empty()) {
        if (mode_ == Mode::analysis) boundary();
        put_decoded(label);
        if (mode_ == Mode::analysis) boundary();
      } else if (mode_ == Mode::analysis) {
        boundary();
      } else if (scheme == "mailto:" || scheme == "tel:") {
        put_decoded(head.substr(scheme.size()));
      } else {
        put_decoded(head);
      }
      return used;
    }
    return html_tag(inner) ? used : 0;
  }

  // <p>, </div>, <br/>, <span class="x">: true (and output written) when
  // `inner` is one of the tags we know; anything else stays literal text.
  bool html_tag(std::string_view inner) {
    std::size_t p = inner[0] == '/' ? 1 : 0;
    std::size_t e = p;
    while (e < inner.size() && is_ascii_alnum(inner[e])) ++e;
    if (e == p) return false;
    if (e < inner.size() && inner[e] != ' ' && inner[e] != '/' && inner[e] != '\t') return false;
    const std::string_view name = inner.substr(p, e - p);
    for (std::string_view t : kBlockTags) {
      if (equals_ci(name, t)) {
        if (!out_.empty() && out_.back() != '\n') out_.push_back('\n');
        return true;
      }
    }
    for (std::string_view t : kInlineTags) {
      if (equals_ci(name, t)) {
        if (mode_ == Mode::analysis) separator();
        return true;
      }
    }
    return false;
  }

  // Consumes an HTML entity at in[i] == '&'; 0 when it is not one we know.
  std::size_t entity(std::string_view in, std::size_t i) {
    const std::size_t semi = in.find(';', i + 1);
    if (semi == std::string_view::npos || semi - i > 10 || semi == i + 1) return 0;
    const std::string_view name = in.substr(i + 1, semi - i - 1);
    const std::size_t used = semi + 1 - i;
    struct Named {
      std::string_view name;
      std::string_view text;
    };
    static constexpr std::array<Named, 9> kNamed = {{{"amp", "&"},
                                                     {"lt", "<"},
                                                     {"gt", ">"},
                                                     {"quot", "\""},
                                                     {"apos", "'"},
                                                     {"nbsp", " "},
                                                     {"ndash", "\u2013"},
                                                     {"mdash", "\u2014"},
                                                     {"hellip", "\u2026"}}};
    for (const Named& n : kNamed) {
      if (name == n.name) {
        put(n.text);
        return used;
      }
    }
    if (name[0] != '#' || name.size() < 2) return 0;
    std::uint32_t cp = 0;
    const bool hex = name[1] == 'x' || name[1] == 'X';
    const std::size_t start = hex ? 2 : 1;
    if (start >= name.size()) return 0;
    for (std::size_t k = start; k < name.size(); ++k) {
      const char c = name[k];
      std::uint32_t d;
      if (c >= '0' && c <= '9')
        d = static_cast<std::uint32_t>(c - '0');
      else if (hex && c >= 'a' && c <= 'f')
        d = static_cast<std::uint32_t>(c - 'a' + 10);
      else if (hex && c >= 'A' && c <= 'F')
        d = static_cast<std::uint32_t>(c - 'A' + 10);
      else
        return 0;
      cp = cp * (hex ? 16 : 10) + d;
      if (cp > 0x10FFFF) return 0;
    }
    if (cp == 0 || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
    if (cp == 0xA0) cp = ' ';
    if (mode_ == Mode::analysis && cp < 0x80)
      put(static_cast<char>(cp));
    else
      append_utf8(out_, cp);
    return used;
  }

  // Analysis only: fenced code blocks, inline code ticks, :emoji: and bare
  // URLs carry no ownership signal.
  std::size_t analysis_skip(std::string_view in, std::size_t i) {
    const char c = in[i];
    if (c == '`') {
      if (in.substr(i, 3) == "```") {
        const std::size_t close = in.find("```", i + 3);
        out_.push_back('\n');
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

  Mode mode_;
  bool drop_mentions_;
  std::string& out_;
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
      const Classified ch = classify_char(text, end);
      if (ch.cls != ByteClass::word) break;
      if (ch.length != 1 || text[end] < '0' || text[end] > '9') numeric = false;
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

std::string collapse_spaces(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    if (c == ' ' && (out.empty() || out.back() == ' ' || out.back() == '\n')) continue;
    if (c == '\n' && !out.empty() && out.back() == ' ') out.pop_back();
    out.push_back(c);
  }
  std::size_t b = 0;
  while (b < out.size() && (out[b] == ' ' || out[b] == '\n' || out[b] == '\t' || out[b] == '\r'))
    ++b;
  std::size_t e = out.size();
  while (e > b &&
         (out[e - 1] == ' ' || out[e - 1] == '\n' || out[e - 1] == '\t' || out[e - 1] == '\r'))
    --e;
  return out.substr(b, e - b);
}

}  // namespace

std::string strip_markup(std::string_view text, const MarkupOptions& options) {
  std::string out;
  MarkupResolver(Mode::display, options.drop_mentions, out).run(text);
  return collapse_spaces(out);
}

std::string strip_bot_mention(std::string_view text, std::string_view bot) {
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    if (text[i] == '<' && !bot.empty()) {
      if (starts_with_ci(text, i, "<at>")) {
        const std::size_t close = find_ci(text, "</at>", i + 4);
        if (close != std::string_view::npos && equals_ci(text.substr(i + 4, close - i - 4), bot)) {
          i = close + 5;
          continue;
        }
      } else if (text.substr(i, 2) == "<@" && text.substr(i + 2, bot.size()) == bot) {
        const std::size_t after = i + 2 + bot.size();
        if (after < text.size() && text[after] == '>') {
          i = after + 1;
          continue;
        }
        if (after < text.size() && text[after] == '|') {
          const std::size_t close = text.find('>', after);
          if (close != std::string_view::npos) {
            i = close + 1;
            continue;
          }
        }
      }
    }
    out.push_back(text[i]);
    ++i;
  }
  return collapse_spaces(out);
}

void analyze_text(std::string_view message, AnalyzedText& out) {
  out.text.clear();
  out.stems.clear();
  out.tokens.clear();
  out.sentences.clear();
  MarkupResolver(Mode::analysis, true, out.text).run(message);
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
