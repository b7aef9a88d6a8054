#pragma once
// Assertions over ConfigError problems shared by the config tests.

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "config/config_error.hpp"

namespace rolecall::testing {

// The problem at line:column whose message contains `text`, or a failure
// listing every problem that was reported.
inline ::testing::AssertionResult has_problem(const std::vector<Problem>& problems, int line,
                                              int column, std::string_view text) {
  for (const auto& p : problems) {
    if (p.line == line && p.column == column && p.message.find(text) != std::string::npos) {
      return ::testing::AssertionSuccess();
    }
  }
  return ::testing::AssertionFailure()
         << "no problem at " << line << ":" << column << " containing '" << text << "'; got:\n"
         << to_string(problems);
}

// Same, ignoring the position.
inline ::testing::AssertionResult has_problem(const std::vector<Problem>& problems,
                                              std::string_view text) {
  for (const auto& p : problems) {
    if (p.message.find(text) != std::string::npos) return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure() << "no problem containing '" << text << "'; got:\n"
                                       << to_string(problems);
}

inline std::size_t error_count(const std::vector<Problem>& problems) {
  std::size_t n = 0;
  for (const auto& p : problems) n += p.is_error() ? 1 : 0;
  return n;
}

// Runs `f`, which must throw ConfigError, and returns its problems.
template <typename F>
std::vector<Problem> problems_of(F&& f) {
  try {
    f();
  } catch (const ConfigError& e) {
    return e.problems();
  }
  ADD_FAILURE() << "expected a ConfigError";
  return {};
}

}  // namespace rolecall::testing
