#include "core/utf8.hpp"

#include <gtest/gtest.h>

#include <string>

namespace rolecall {
namespace {

TEST(Utf8, InvalidBytesBecomeReplacementCharacters) {
  EXPECT_EQ(valid_utf8("plain"), "plain");
  EXPECT_EQ(valid_utf8("caf\xC3\xA9 \xE2\x9C\x93 \xF0\x9F\x98\x80"),
            "caf\xC3\xA9 \xE2\x9C\x93 \xF0\x9F\x98\x80");
  const std::string r = "\xEF\xBF\xBD";
  EXPECT_EQ(valid_utf8("a\xFF"
                       "b"),
            "a" + r + "b");
  EXPECT_EQ(valid_utf8("\xC3"), r);                          // truncated sequence
  EXPECT_EQ(valid_utf8("\xC0\xAF"), r + r);                  // overlong '/'
  EXPECT_EQ(valid_utf8("\xED\xA0\x80"), r + r + r);          // surrogate
  EXPECT_EQ(valid_utf8("\xF4\x90\x80\x80"), r + r + r + r);  // > U+10FFFF
  EXPECT_EQ(valid_utf8(std::string("a\0b", 3)), std::string("a\0b", 3));
  // Valid text after the first bad byte is kept as it was.
  EXPECT_EQ(valid_utf8("ok \xFF caf\xC3\xA9"), "ok " + r + " caf\xC3\xA9");
}

TEST(Utf8, IsValidAgreesWithValidUtf8) {
  for (const std::string s : {"", "plain", "caf\xC3\xA9", "\xF0\x9F\x98\x80", "a\xFF", "\xC3",
                              "\xC0\xAF", "\xED\xA0\x80", "\xF4\x90\x80\x80", "x\xE2\x82"}) {
    SCOPED_TRACE(s);
    EXPECT_EQ(is_valid_utf8(s), valid_utf8(s) == s);
  }
  EXPECT_TRUE(is_valid_utf8("caf\xC3\xA9"));
  EXPECT_FALSE(is_valid_utf8("caf\xC3"));
}

TEST(Utf8, SequenceLengths) {
  EXPECT_EQ(utf8_sequence_length("a", 0), 1u);
  EXPECT_EQ(utf8_sequence_length("\xC3\xA9", 0), 2u);
  EXPECT_EQ(utf8_sequence_length("\xE2\x9C\x93", 0), 3u);
  EXPECT_EQ(utf8_sequence_length("\xF0\x9F\x98\x80", 0), 4u);
  EXPECT_EQ(utf8_sequence_length("\xE0\x80\x80", 0), 0u);      // overlong
  EXPECT_EQ(utf8_sequence_length("\xF0\x80\x80\x80", 0), 0u);  // overlong
  EXPECT_EQ(utf8_sequence_length("\xC3\xA9", 1), 0u);          // a continuation byte
  EXPECT_EQ(utf8_sequence_length("\xF0\x9F\x98", 0), 0u);      // cut short
}

}  // namespace
}  // namespace rolecall
