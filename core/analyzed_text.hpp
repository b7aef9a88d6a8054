#pragma once
// The classifier's view of one message: cleaned text, tokens with their
// hashes and flags, and sentence boundaries. Produced by analyze_text() in
// one pass over the bytes; tokens refer into the buffers by offset, so an
// AnalyzedText can be reused across messages without reallocating. Its
// buffers take their memory from the resource it was built with (the
// default one unless told: classify() hands it a buffer on its stack).

#include <cstdint>
#include <memory_resource>
#include <string>
#include <string_view>
#include <vector>

namespace rolecall {

struct TextToken {
  std::uint32_t word_begin = 0;  // into AnalyzedText::text (lower-case word)
  std::uint32_t word_size = 0;
  std::uint32_t stem_begin = 0;  // into AnalyzedText::stems
  std::uint32_t stem_size = 0;
  std::uint64_t word_hash = 0;  // text_hash(word); may be replaced by a typo fix
  std::uint64_t stem_hash = 0;  // text_hash(stem); may be replaced by a typo fix
  std::uint32_t sentence = 0;   // index into AnalyzedText::sentences
  bool quoted = false;          // on a "> quoted" line
  bool clause_start = false;    // first word after a sentence/clause boundary
  bool numeric = false;         // only digits
  bool corrected = false;       // hashes replaced by a typo correction
};

struct TextSentence {
  std::uint32_t first_token = 0;
  std::uint32_t token_count = 0;
  bool question_mark = false;  // ended by '?'
  bool quoted = false;
};

struct AnalyzedText {
  AnalyzedText() = default;
  explicit AnalyzedText(std::pmr::memory_resource* memory)
      : text(memory), stems(memory), tokens(memory), sentences(memory) {}

  std::pmr::string text;   // cleaned, lower-cased message
  std::pmr::string stems;  // stems of the tokens, back to back
  std::pmr::vector<TextToken> tokens;
  std::pmr::vector<TextSentence> sentences;

  std::string_view word(const TextToken& t) const {
    return std::string_view(text).substr(t.word_begin, t.word_size);
  }
  std::string_view stem(const TextToken& t) const {
    return std::string_view(stems).substr(t.stem_begin, t.stem_size);
  }
};

// Replaces `out` with the analysis of `message`. Never throws for any bytes
// (allocation failure aside).
void analyze_text(std::string_view message, AnalyzedText& out);

}  // namespace rolecall
