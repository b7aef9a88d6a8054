#include "config/base64.hpp"

#include <gtest/gtest.h>

namespace rolecall {
namespace {

TEST(Base64, DecodesTheTeamsSampleTokenTo32Bytes) {
  // The sample token of Microsoft's docs (shared/platforms/teams.md, V1).
  auto key = decode_base64("vqF0En+Z0ucuRTM/01o2GuhMH3hKKk/N2bOmlM31zaA=");
  ASSERT_TRUE(key.has_value());
  EXPECT_EQ(key->size(), 32u);
  EXPECT_EQ(static_cast<unsigned char>((*key)[0]), 0xbe);
}

TEST(Base64, DecodesBytes0To31) {
  auto key = decode_base64("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=");
  ASSERT_TRUE(key.has_value());
  ASSERT_EQ(key->size(), 32u);
  for (int i = 0; i < 32; ++i) EXPECT_EQ((*key)[i], static_cast<char>(i));
}

TEST(Base64, PaddingOptionalButMustBeRight) {
  EXPECT_EQ(decode_base64("TWE="), "Ma");
  EXPECT_EQ(decode_base64("TWE"), "Ma");
  EXPECT_EQ(decode_base64("TQ=="), "M");
  EXPECT_EQ(decode_base64("TWFu"), "Man");
  EXPECT_EQ(decode_base64(""), "");
  EXPECT_FALSE(decode_base64("TQ=").has_value());
  EXPECT_FALSE(decode_base64("TWFu=").has_value());
  EXPECT_FALSE(decode_base64("T").has_value());
}

TEST(Base64, RejectsForeignCharacters) {
  EXPECT_FALSE(decode_base64("TW E=").has_value());
  EXPECT_FALSE(decode_base64("TWE-").has_value());  // base64url is not Teams' alphabet
  EXPECT_FALSE(decode_base64("TWE=\n").has_value());
  EXPECT_FALSE(decode_base64("TR==").has_value());  // non-zero trailing bits
}

// The Teams verifier (adapters/teams/teams_signature.cpp) relies on this:
// one byte string, one encoding (issue 13, defect 3).
TEST(Base64, RejectsNonZeroBitsInTheLastSymbol) {
  EXPECT_EQ(decode_base64("kew="), std::string("\x91\xec"));
  EXPECT_EQ(decode_base64("kew"), std::string("\x91\xec"));
  for (const char* twin : {"kex=", "key=", "kez=", "kex", "key"}) {
    EXPECT_FALSE(decode_base64(twin).has_value()) << twin;
  }
  EXPECT_EQ(decode_base64("TQ=="), "M");
  for (const char* twin : {"TR==", "TS==", "TZ==", "Ta==", "Tf==", "Tf"}) {
    EXPECT_FALSE(decode_base64(twin).has_value()) << twin;
  }
  EXPECT_FALSE(decode_base64("vqF0En+Z0ucuRTM/01o2GuhMH3hKKk/N2bOmlM31zaB=").has_value());
}

}  // namespace
}  // namespace rolecall
