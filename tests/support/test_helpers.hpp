#pragma once
// Small helpers shared by every test binary: temp directories, fixture
// loading, free ports, and test-side signers for Slack and Teams.
//
// The signers are deliberately independent of the production verifiers
// (they call OpenSSL's one-shot HMAC directly), so a bug in a verifier is
// not mirrored by the request the test builds.

#include <filesystem>
#include <string>
#include <string_view>

namespace rolecall::testing {

// A fresh directory under the system temp dir, removed with its contents on
// destruction. Throws std::runtime_error when it cannot be created.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  // path() / name, as a string (handy for SQLite file names).
  std::string file(std::string_view name) const;

 private:
  std::filesystem::path path_;
};

// The bytes of tests/fixtures/<relpath>, e.g. read_fixture("slack/events_app_mention.json").
// Throws std::runtime_error when the file cannot be read.
std::string read_fixture(std::string_view relpath);

// The bytes of any file; throws std::runtime_error when it cannot be read.
std::string read_file(const std::filesystem::path& path);

// A loopback TCP port that nothing listens on right now (bound, then closed),
// for "connection refused" tests.
unsigned short unused_port();

// Slack's v0 signature: "v0=" + hex(HMAC-SHA256(secret, "v0:" + ts + ":" + body)).
std::string slack_sign(std::string_view secret, std::string_view timestamp, std::string_view body);

// Teams outgoing-webhook Authorization value: "HMAC " +
// base64(HMAC-SHA256(base64decode(key), body)). Throws std::invalid_argument
// when `base64_key` is not valid base64.
std::string teams_sign(std::string_view base64_key, std::string_view body);

std::string hex_encode(std::string_view bytes);
std::string hex_decode(std::string_view hex);  // throws std::invalid_argument on bad input

}  // namespace rolecall::testing
