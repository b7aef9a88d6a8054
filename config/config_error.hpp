#pragma once
// Configuration problems and the exception that carries them.
//
// Start-up errors are reported all at once (CONTRIBUTING.md): loaders collect
// every Problem they find and throw one ConfigError at the end, so an operator
// fixes a broken file in one pass instead of one restart per typo.

#include <stdexcept>
#include <string>
#include <vector>

namespace rolecall {

struct Problem {
  enum class Severity { error, warning };

  std::string file;     // display name of the file, or "environment"
  int line = 0;         // 1-based; 0 when the problem has no position
  int column = 0;       // 1-based; 0 when the problem has no position
  std::string message;  // never contains a secret value
  Severity severity = Severity::error;

  bool is_error() const noexcept { return severity == Severity::error; }
};

// "file:line:col: message", "file: message" without a position; warnings get
// "warning: " in front of the message.
std::string to_string(const Problem& problem);
// One rendered problem per line, each line ending in '\n'.
std::string to_string(const std::vector<Problem>& problems);
bool has_errors(const std::vector<Problem>& problems) noexcept;

// Thrown by the loaders when at least one Problem is an error. Also carries
// the warnings found in the same pass. what() is to_string(problems()).
class ConfigError : public std::runtime_error {
 public:
  explicit ConfigError(std::vector<Problem> problems);

  const std::vector<Problem>& problems() const noexcept { return problems_; }

 private:
  std::vector<Problem> problems_;
};

}  // namespace rolecall
