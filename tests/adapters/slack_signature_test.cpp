#include "adapters/slack/slack_signature.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <nlohmann/json.hpp>
#include <thread>
#include <vector>

#include "tests/support/test_helpers.hpp"

namespace rolecall {
namespace {

using testing::hex_decode;
using testing::read_fixture;

struct Vectors {
  std::string secret;
  std::string timestamp;
  std::int64_t ts = 0;
  nlohmann::json json;
};

Vectors load() {
  Vectors v;
  v.json = nlohmann::json::parse(read_fixture("slack/signature_vectors.json"));
  v.secret = v.json["signing_secret"].get<std::string>();
  v.timestamp = v.json["timestamp"].get<std::string>();
  v.ts = std::stoll(v.timestamp);
  return v;
}

TEST(SlackSignature, EveryFixtureVectorVerifies) {
  Vectors v = load();
  ASSERT_GE(v.json["vectors"].size(), 6u);
  for (const auto& vec : v.json["vectors"]) {
    SCOPED_TRACE(vec["name"].get<std::string>());
    // Use the hex form: the exact bytes, independent of JSON string decoding.
    std::string body = hex_decode(vec["body_hex"].get<std::string>());
    ASSERT_EQ(body.size(), vec["body_len_bytes"].get<std::size_t>());
    std::string sig = vec["expected_signature"].get<std::string>();
    EXPECT_EQ(verify_slack_signature(v.secret, v.timestamp, sig, body, v.ts), SignatureCheck::ok);
    // The test-side signer agrees (so tests building requests are sound).
    EXPECT_EQ(testing::slack_sign(v.secret, v.timestamp, body), sig);
    // Any single flipped byte of the body breaks it.
    if (!body.empty()) {
      std::string tampered = body;
      tampered[tampered.size() / 2] ^= 0x01;
      EXPECT_EQ(verify_slack_signature(v.secret, v.timestamp, sig, tampered, v.ts),
                SignatureCheck::mismatch);
    }
  }
}

TEST(SlackSignature, DocumentedExampleMatchesTheFixtureFile) {
  Vectors v = load();
  std::string body = read_fixture("slack/slash_command_slack_docs_example.txt");
  EXPECT_EQ(verify_slack_signature(
                v.secret, "1531420618",
                "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503", body, v.ts),
            SignatureCheck::ok);
}

TEST(SlackSignature, ReserialisedBodyDoesNotVerifyWithTheCompactSignature) {
  Vectors v = load();
  const auto& vecs = v.json["vectors"];
  std::string compact_sig = vecs[1]["expected_signature"].get<std::string>();
  std::string spaced_body = hex_decode(vecs[2]["body_hex"].get<std::string>());
  EXPECT_EQ(verify_slack_signature(v.secret, v.timestamp, compact_sig, spaced_body, v.ts),
            SignatureCheck::mismatch);
}

TEST(SlackSignature, NegativeChecksFromTheSpec) {
  Vectors v = load();
  std::string body = hex_decode(v.json["vectors"][0]["body_hex"].get<std::string>());
  std::string documented = v.json["vectors"][0]["expected_signature"].get<std::string>();
  for (const auto& neg : v.json["negative_checks"]) {
    SCOPED_TRACE(neg["name"].get<std::string>());
    if (neg.contains("timestamp")) {
      std::string ts = neg["timestamp"].get<std::string>();
      std::int64_t now = std::stoll(ts);
      // The documented signature is wrong for this timestamp…
      EXPECT_EQ(verify_slack_signature(v.secret, ts, documented, body, now),
                SignatureCheck::mismatch);
      // …and the one computed for it is right.
      EXPECT_EQ(verify_slack_signature(
                    v.secret, ts, neg["expected_signature_for_this_timestamp"].get<std::string>(),
                    body, now),
                SignatureCheck::ok);
    } else {
      std::string other_secret = neg["signing_secret"].get<std::string>();
      EXPECT_EQ(verify_slack_signature(other_secret, v.timestamp, documented, body, v.ts),
                SignatureCheck::mismatch);
      EXPECT_EQ(verify_slack_signature(other_secret, v.timestamp,
                                       neg["expected_signature_for_this_secret"].get<std::string>(),
                                       body, v.ts),
                SignatureCheck::ok);
    }
  }
}

TEST(SlackSignature, TimestampWindowIsThreeHundredSecondsBothWays) {
  Vectors v = load();
  std::string body = hex_decode(v.json["vectors"][0]["body_hex"].get<std::string>());
  std::string sig = v.json["vectors"][0]["expected_signature"].get<std::string>();
  auto check = [&](std::int64_t now) {
    return verify_slack_signature(v.secret, v.timestamp, sig, body, now);
  };
  EXPECT_EQ(check(v.ts + 300), SignatureCheck::ok);
  EXPECT_EQ(check(v.ts - 300), SignatureCheck::ok);
  EXPECT_EQ(check(v.ts + 301), SignatureCheck::stale);
  EXPECT_EQ(check(v.ts - 301), SignatureCheck::stale);
  EXPECT_EQ(check(0), SignatureCheck::stale);
}

TEST(SlackSignature, HeaderProblemsAreReportedDistinctly) {
  Vectors v = load();
  std::string body = hex_decode(v.json["vectors"][0]["body_hex"].get<std::string>());
  std::string sig = v.json["vectors"][0]["expected_signature"].get<std::string>();
  EXPECT_EQ(verify_slack_signature(v.secret, "", sig, body, v.ts), SignatureCheck::missing_headers);
  EXPECT_EQ(verify_slack_signature(v.secret, v.timestamp, "", body, v.ts),
            SignatureCheck::missing_headers);
  for (const char* bad : {"abc", "-1531420618", "+1531420618", " 1531420618", "1531420618.5",
                          "1531420618 ", "99999999999999999999999"}) {
    SCOPED_TRACE(bad);
    EXPECT_EQ(verify_slack_signature(v.secret, bad, sig, body, v.ts),
              SignatureCheck::bad_timestamp);
  }
  std::string v1 = "v1=" + sig.substr(3);
  EXPECT_EQ(verify_slack_signature(v.secret, v.timestamp, v1, body, v.ts),
            SignatureCheck::bad_version);
  EXPECT_EQ(verify_slack_signature(v.secret, v.timestamp, sig.substr(3), body, v.ts),
            SignatureCheck::bad_version);
  // Truncated, extended, upper-cased: all mismatches, never ok.
  EXPECT_EQ(verify_slack_signature(v.secret, v.timestamp, sig.substr(0, 66), body, v.ts),
            SignatureCheck::mismatch);
  EXPECT_EQ(verify_slack_signature(v.secret, v.timestamp, sig + "0", body, v.ts),
            SignatureCheck::mismatch);
  std::string upper = sig;
  for (std::size_t i = 3; i < upper.size(); ++i) upper[i] = static_cast<char>(toupper(upper[i]));
  EXPECT_EQ(verify_slack_signature(v.secret, v.timestamp, upper, body, v.ts),
            SignatureCheck::mismatch);
  EXPECT_EQ(verify_slack_signature(v.secret, v.timestamp, "v0=", body, v.ts),
            SignatureCheck::mismatch);
}

TEST(SlackSignature, EmptySecretNeverVerifies) {
  std::string body = "x";
  std::string sig = testing::slack_sign("", "1000", body);  // "valid" under an empty key
  EXPECT_EQ(verify_slack_signature("", "1000", sig, body, 1000), SignatureCheck::mismatch);
}

TEST(SlackSignature, RequestOverloadReadsLowerCaseHeaders) {
  HttpRequest req;
  req.method = "POST";
  req.target = "/slack/events";
  req.body = R"({"type":"url_verification","challenge":"c"})";
  req.headers["x-slack-request-timestamp"] = "1700000000";
  req.headers["x-slack-signature"] = testing::slack_sign("s3cret", "1700000000", req.body);
  EXPECT_EQ(verify_slack_request(req, "s3cret", 1700000010), SignatureCheck::ok);
  EXPECT_EQ(verify_slack_request(req, "other", 1700000010), SignatureCheck::mismatch);
  req.headers.erase("x-slack-signature");
  EXPECT_EQ(verify_slack_request(req, "s3cret", 1700000010), SignatureCheck::missing_headers);
}

// The keyed HMAC context is cached per thread: a change of secret between
// calls must re-key, and threads must not share one.
TEST(SlackSignature, SecretChangesAndThreadsAreIndependent) {
  const std::string body = "token=x&command=%2Fwhoowns&text=pricing";
  const std::string sig_a = testing::slack_sign("secret-a", "1000", body);
  const std::string sig_b = testing::slack_sign("secret-b", "1000", body);
  for (int round = 0; round < 3; ++round) {
    EXPECT_EQ(verify_slack_signature("secret-a", "1000", sig_a, body, 1000), SignatureCheck::ok);
    EXPECT_EQ(verify_slack_signature("secret-a", "1000", sig_b, body, 1000),
              SignatureCheck::mismatch);
    EXPECT_EQ(verify_slack_signature("secret-b", "1000", sig_b, body, 1000), SignatureCheck::ok);
    // A secret that is a prefix of the cached one is a different key.
    EXPECT_EQ(verify_slack_signature("secret-", "1000", sig_a, body, 1000),
              SignatureCheck::mismatch);
  }
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      const std::string secret = "thread-secret-" + std::to_string(t);
      const std::string sig = testing::slack_sign(secret, "1000", body);
      for (int i = 0; i < 200; ++i) {
        if (verify_slack_signature(secret, "1000", sig, body, 1000) != SignatureCheck::ok) ++wrong;
        if (verify_slack_signature(secret, "1000", sig_a, body, 1000) == SignatureCheck::ok)
          ++wrong;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(wrong.load(), 0);
}

TEST(SlackSignature, ToStringNamesEveryValue) {
  EXPECT_EQ(to_string(SignatureCheck::ok), "ok");
  EXPECT_EQ(to_string(SignatureCheck::stale), "stale");
  EXPECT_EQ(to_string(SignatureCheck::bad_version), "bad_version");
}

}  // namespace
}  // namespace rolecall
