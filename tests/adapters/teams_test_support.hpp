#pragma once
// Small helpers shared by the Teams adapter tests.

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

namespace rolecall::teams_test {

inline std::string fixture_path(const std::string& name) {
  return std::string(ROLECALL_FIXTURES_DIR) + "/teams/" + name;
}

// The exact bytes of a fixture file (binary mode: no newline translation).
inline std::string read_fixture(const std::string& name) {
  std::ifstream in(fixture_path(name), std::ios::binary);
  if (!in) throw std::runtime_error("cannot open fixture " + name);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

}  // namespace rolecall::teams_test
