#include "config/diagnostics.hpp"

#include <algorithm>
#include <tuple>

namespace rolecall {

void Diagnostics::add(const YAML::Mark& at, std::string message, Problem::Severity severity) {
  Problem p;
  p.file = file_;
  if (!at.is_null() && at.line >= 0) {
    p.line = at.line + 1;
    p.column = at.column + 1;
  }
  p.message = std::move(message);
  p.severity = severity;
  problems_.push_back(std::move(p));
}

void Diagnostics::error(const YAML::Mark& at, std::string message) {
  add(at, std::move(message), Problem::Severity::error);
}

void Diagnostics::warning(const YAML::Mark& at, std::string message) {
  add(at, std::move(message), Problem::Severity::warning);
}

void Diagnostics::error(std::string message) { error(YAML::Mark::null_mark(), std::move(message)); }

void Diagnostics::warning(std::string message) {
  warning(YAML::Mark::null_mark(), std::move(message));
}

bool Diagnostics::has_errors() const noexcept { return rolecall::has_errors(problems_); }

std::vector<Problem> Diagnostics::take() {
  std::stable_sort(problems_.begin(), problems_.end(), [](const Problem& a, const Problem& b) {
    return std::tie(a.line, a.column) < std::tie(b.line, b.column);
  });
  std::vector<Problem> out = std::move(problems_);
  problems_.clear();
  return out;
}

YAML::Mark Diagnostics::mark_of(const YAML::Node& node) {
  if (!node.IsDefined()) return YAML::Mark::null_mark();
  return node.Mark();
}

}  // namespace rolecall
