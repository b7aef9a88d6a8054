#include "config/config_error.hpp"

#include <algorithm>

namespace rolecall {

std::string to_string(const Problem& problem) {
  std::string out = problem.file;
  if (problem.line > 0) {
    out += ':' + std::to_string(problem.line) + ':' + std::to_string(problem.column);
  }
  out += ": ";
  if (!problem.is_error()) out += "warning: ";
  out += problem.message;
  return out;
}

std::string to_string(const std::vector<Problem>& problems) {
  std::string out;
  for (const auto& p : problems) out += to_string(p) + '\n';
  return out;
}

bool has_errors(const std::vector<Problem>& problems) noexcept {
  return std::any_of(problems.begin(), problems.end(),
                     [](const Problem& p) { return p.is_error(); });
}

ConfigError::ConfigError(std::vector<Problem> problems)
    : std::runtime_error(to_string(problems)), problems_(std::move(problems)) {}

}  // namespace rolecall
