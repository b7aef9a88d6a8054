#pragma once
// Collects the Problems found in one file while a loader walks it.
//
// Loaders never stop at the first problem: they record it here and carry on
// with a default, so one run reports everything (see config_error.hpp).

#include <yaml-cpp/yaml.h>

#include <string>
#include <vector>

#include "config/config_error.hpp"

namespace rolecall {

class Diagnostics {
 public:
  // `file` is the name printed in front of every problem.
  explicit Diagnostics(std::string file) : file_(std::move(file)) {}

  const std::string& file() const noexcept { return file_; }

  // yaml-cpp marks are 0-based; problems are 1-based. A null mark
  // (Mark::null_mark(), e.g. of an empty document) gives a problem without
  // a position.
  void error(const YAML::Mark& at, std::string message);
  void warning(const YAML::Mark& at, std::string message);
  void error(std::string message);  // no position
  void warning(std::string message);

  bool has_errors() const noexcept;
  // The problems in file order (by line, then column; unpositioned first).
  std::vector<Problem> take();

  // The node's position; a null mark for an undefined ("zombie") node, whose
  // Mark() would throw.
  static YAML::Mark mark_of(const YAML::Node& node);

 private:
  void add(const YAML::Mark& at, std::string message, Problem::Severity severity);

  std::string file_;
  std::vector<Problem> problems_;
};

}  // namespace rolecall
