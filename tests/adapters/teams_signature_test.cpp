#include "adapters/teams/teams_signature.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <vector>

#include "tests/adapters/teams_test_support.hpp"
#include "tests/support/test_helpers.hpp"

namespace rolecall {
namespace {

using teams_test::read_fixture;

const nlohmann::json& vectors() {
  static const nlohmann::json doc = nlohmann::json::parse(read_fixture("hmac-vectors.json"));
  return doc;
}

std::string body_of(const nlohmann::json& v) {
  if (v.contains("body_file")) return read_fixture(v.at("body_file").get<std::string>());
  return v.at("body_utf8").get<std::string>();
}

TEST(TeamsSignature, DecodesTheDocsTokenToThirtyTwoBytes) {
  // 44 characters with one '=': EVP_DecodeBlock alone would report 33.
  const auto key = decode_teams_key("vqF0En+Z0ucuRTM/01o2GuhMH3hKKk/N2bOmlM31zaA=");
  ASSERT_TRUE(key.has_value());
  EXPECT_EQ(key->size(), 32u);
  EXPECT_EQ(static_cast<unsigned char>((*key)[0]), 0xbe);
  EXPECT_EQ(static_cast<unsigned char>((*key)[31]), 0xa0);
}

TEST(TeamsSignature, DecodesSequentialBytesToken) {
  const auto key = decode_teams_key("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=");
  ASSERT_TRUE(key.has_value());
  ASSERT_EQ(key->size(), 32u);
  for (int i = 0; i < 32; ++i) EXPECT_EQ(static_cast<unsigned char>((*key)[i]), i);
}

TEST(TeamsSignature, RejectsTokensThatAreNotThirtyTwoBytesOfBase64) {
  EXPECT_FALSE(decode_teams_key(""));
  EXPECT_FALSE(decode_teams_key("c2hvcnQ="));  // "short"
  // 48 characters = 36 bytes.
  EXPECT_FALSE(decode_teams_key("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIj"));
  EXPECT_FALSE(decode_teams_key("vqF0En+Z0ucuRTM/01o2GuhMH3hKKk/N2bOmlM31zaA"));    // no padding
  EXPECT_FALSE(decode_teams_key("vqF0En+Z0ucuRTM/01o2GuhMH3hKKk/N2bOmlM31za!="));   // bad char
  EXPECT_FALSE(decode_teams_key(" vqF0En+Z0ucuRTM/01o2GuhMH3hKKk/N2bOmlM31zaA="));  // space
  EXPECT_FALSE(decode_teams_key("vqF0En+Z0ucuRTM/01o2Gu=MH3hKKk/N2bOmlM31zaA="));   // inner '='
}

TEST(TeamsSignature, Base64RoundTrips) {
  for (const std::string& s :
       std::vector<std::string>{"", "a", "ab", "abc", "abcd", std::string("\0\xff\x10", 3)}) {
    const std::string enc = encode_base64(s);
    if (s.empty()) {
      EXPECT_EQ(enc, "");
      continue;
    }
    const auto dec = decode_base64_strict(enc);
    ASSERT_TRUE(dec.has_value()) << enc;
    EXPECT_EQ(*dec, s);
  }
}

// Issue 13, defect 3: the bits of the last symbol that fall past the last
// byte must be zero. Otherwise "kew=", "kex=", "key=" and "kez=" all decode
// to the same two bytes, and one MAC has four spellings.
TEST(TeamsSignature, Base64RejectsNonZeroPaddingBits) {
  EXPECT_EQ(decode_base64_strict("kew="), std::string("\x91\xec"));
  for (const char* twin : {"kex=", "key=", "kez="})
    EXPECT_FALSE(decode_base64_strict(twin)) << twin;
  EXPECT_EQ(decode_base64_strict("TQ=="), "M");
  for (const char* twin : {"TR==", "TS==", "TZ==", "Ta==", "Tf=="}) {
    EXPECT_FALSE(decode_base64_strict(twin)) << twin;
  }
  // Token: 32 bytes end in 0xa0, "…zaA="; "…zaB=" decodes to the same key.
  EXPECT_TRUE(decode_teams_key("vqF0En+Z0ucuRTM/01o2GuhMH3hKKk/N2bOmlM31zaA="));
  EXPECT_FALSE(decode_teams_key("vqF0En+Z0ucuRTM/01o2GuhMH3hKKk/N2bOmlM31zaB="));
  EXPECT_FALSE(decode_teams_key("vqF0En+Z0ucuRTM/01o2GuhMH3hKKk/N2bOmlM31zaD="));
}

TEST(TeamsSignature, AcceptsEveryFixtureVector) {
  const auto& list = vectors().at("vectors");
  ASSERT_GE(list.size(), 4u);
  for (const auto& v : list) {
    SCOPED_TRACE(v.at("name").get<std::string>());
    const auto key = decode_teams_key(v.at("security_token_b64").get<std::string>());
    ASSERT_TRUE(key.has_value());
    const std::string body = body_of(v);
    ASSERT_EQ(body.size(), v.at("body_bytes").get<std::size_t>());
    const std::string header = v.at("expected_authorization").get<std::string>();
    EXPECT_EQ(teams_hmac_header(*key, body), header);
    EXPECT_EQ(verify_teams_hmac(*key, header, body), TeamsAuthCheck::ok);
  }
}

TEST(TeamsSignature, RejectsEveryNegativeVector) {
  const auto& list = vectors().at("negative");
  ASSERT_GE(list.size(), 3u);
  for (const auto& v : list) {
    SCOPED_TRACE(v.at("name").get<std::string>());
    const auto key = decode_teams_key(v.at("security_token_b64").get<std::string>());
    ASSERT_TRUE(key.has_value());
    const std::string body = body_of(v);
    EXPECT_EQ(verify_teams_hmac(*key, v.at("presented_authorization").get<std::string>(), body),
              TeamsAuthCheck::mismatch);
    if (v.contains("mac_of_this_body")) {
      // The body itself is fine; only the presented MAC belongs to other bytes.
      EXPECT_EQ(verify_teams_hmac(*key, v.at("mac_of_this_body").get<std::string>(), body),
                TeamsAuthCheck::ok);
    }
  }
}

TEST(TeamsSignature, KeyUsedAsTextIsTheClassicMistake) {
  // N1: the MAC computed with the token's ASCII text verifies only under that
  // (wrong) key, never under the decoded one.
  const std::string token = "vqF0En+Z0ucuRTM/01o2GuhMH3hKKk/N2bOmlM31zaA=";
  const std::string body = R"({"type":"message","text":"<at>OwnerBot</at> who owns pricing?"})";
  EXPECT_EQ(teams_hmac_header(token, body), "HMAC Na89YGHAL938uydZe2IxDutLiQMeIogmK3JM2OG4sQk=");
  EXPECT_EQ(verify_teams_hmac(*decode_teams_key(token),
                              "HMAC Na89YGHAL938uydZe2IxDutLiQMeIogmK3JM2OG4sQk=", body),
            TeamsAuthCheck::mismatch);
}

class TeamsSignatureHeaders : public ::testing::Test {
 protected:
  std::string key = *decode_teams_key("vqF0En+Z0ucuRTM/01o2GuhMH3hKKk/N2bOmlM31zaA=");
  std::string body = R"({"type":"message","text":"<at>OwnerBot</at> who owns pricing?"})";
  std::string good = "HMAC SSVYRar4A+1vY7clprCZ/nuoRmO4Qzx686cACbn70DY=";
};

TEST_F(TeamsSignatureHeaders, MissingHeader) {
  EXPECT_EQ(verify_teams_hmac(key, "", body), TeamsAuthCheck::missing_header);
}

TEST_F(TeamsSignatureHeaders, WrongScheme) {
  EXPECT_EQ(verify_teams_hmac(key, "Bearer SSVYRar4A+1vY7clprCZ/nuoRmO4Qzx686cACbn70DY=", body),
            TeamsAuthCheck::bad_scheme);
  EXPECT_EQ(verify_teams_hmac(key, "hmac SSVYRar4A+1vY7clprCZ/nuoRmO4Qzx686cACbn70DY=", body),
            TeamsAuthCheck::bad_scheme);
  EXPECT_EQ(verify_teams_hmac(key, "HMAC", body), TeamsAuthCheck::bad_scheme);
  EXPECT_EQ(verify_teams_hmac(key, "SSVYRar4A+1vY7clprCZ/nuoRmO4Qzx686cACbn70DY=", body),
            TeamsAuthCheck::bad_scheme);
}

TEST_F(TeamsSignatureHeaders, GarbageBase64) {
  EXPECT_EQ(verify_teams_hmac(key, "HMAC not*base64!", body), TeamsAuthCheck::malformed);
  EXPECT_EQ(verify_teams_hmac(key, "HMAC ", body), TeamsAuthCheck::malformed);
  EXPECT_EQ(verify_teams_hmac(key, "HMAC c2hvcnQ=", body), TeamsAuthCheck::malformed);  // 5 bytes
  // Right length, one character off the alphabet.
  EXPECT_EQ(verify_teams_hmac(key, "HMAC SSVYRar4A+1vY7clprCZ/nuoRmO4Qzx686cACbn70D$=", body),
            TeamsAuthCheck::malformed);
}

TEST_F(TeamsSignatureHeaders, ToleratesExtraSpacesAroundTheValue) {
  EXPECT_EQ(verify_teams_hmac(key, "HMAC  SSVYRar4A+1vY7clprCZ/nuoRmO4Qzx686cACbn70DY= ", body),
            TeamsAuthCheck::ok);
}

TEST_F(TeamsSignatureHeaders, OnlyTheCanonicalSpellingOfTheMacVerifies) {
  // The MAC ends in "…70DY=": 'Y' is 011000, and its last two bits lie past
  // the 32nd byte. 'Z', 'a' and 'b' differ only there.
  EXPECT_EQ(verify_teams_hmac(key, good, body), TeamsAuthCheck::ok);
  for (const char* twin : {"HMAC SSVYRar4A+1vY7clprCZ/nuoRmO4Qzx686cACbn70DZ=",
                           "HMAC SSVYRar4A+1vY7clprCZ/nuoRmO4Qzx686cACbn70Da=",
                           "HMAC SSVYRar4A+1vY7clprCZ/nuoRmO4Qzx686cACbn70Db="}) {
    EXPECT_EQ(verify_teams_hmac(key, twin, body), TeamsAuthCheck::malformed) << twin;
  }
}

TEST_F(TeamsSignatureHeaders, OneFlippedByteInBodyOrMacFails) {
  std::string tampered = body;
  tampered[tampered.size() - 3] = '!';
  EXPECT_EQ(verify_teams_hmac(key, good, tampered), TeamsAuthCheck::mismatch);
  EXPECT_EQ(verify_teams_hmac(key, "HMAC TSVYRar4A+1vY7clprCZ/nuoRmO4Qzx686cACbn70DY=", body),
            TeamsAuthCheck::mismatch);
}

TEST_F(TeamsSignatureHeaders, EmptyBodyAndEmptyKeyNeverVerify) {
  EXPECT_EQ(verify_teams_hmac(key, good, ""), TeamsAuthCheck::empty_body);
  EXPECT_EQ(verify_teams_hmac("", good, body), TeamsAuthCheck::mismatch);
}

TEST_F(TeamsSignatureHeaders, OversizedBodyIsRefusedBeforeHashing) {
  const std::string big(kTeamsMaxBodyBytes + 1, 'x');
  EXPECT_EQ(verify_teams_hmac(key, teams_hmac_header(key, big), big), TeamsAuthCheck::too_large);
  const std::string at_cap(kTeamsMaxBodyBytes, 'x');
  EXPECT_EQ(verify_teams_hmac(key, teams_hmac_header(key, at_cap), at_cap), TeamsAuthCheck::ok);
}

TEST(TeamsSignature, AgreesWithTheIndependentTestSigner) {
  // tests/support signs with its own OpenSSL calls, not with this verifier.
  const std::string token = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
  const std::string body = read_fixture("outgoing-webhook-request.docs-2017.json");
  EXPECT_EQ(verify_teams_hmac(*decode_teams_key(token), testing::teams_sign(token, body), body),
            TeamsAuthCheck::ok);
}

TEST(TeamsSignature, OutcomeNamesAreStable) {
  EXPECT_EQ(to_string(TeamsAuthCheck::ok), "ok");
  EXPECT_EQ(to_string(TeamsAuthCheck::bad_scheme), "bad_scheme");
  EXPECT_EQ(to_string(TeamsAuthCheck::too_large), "too_large");
}

}  // namespace
}  // namespace rolecall
