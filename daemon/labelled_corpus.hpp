#pragma once
// Labelled chat lines in JSON Lines: `classify --jsonl`'s input plus `role`
// and `intent` (and, in the project's own corpus, `topic`, `kind`, `group`,
// `source` and `split`; docs/labelling.md defines them). Read by
// `rolecall eval`, the trainer and the accuracy tests.

#include <istream>
#include <optional>
#include <string>
#include <vector>

#include "core/role.hpp"

namespace rolecall {

struct LabelledLine {
  std::string id;
  std::string text;
  Role role = Role::none;
  Intent intent = Intent::other;
  std::string topic;  // may be empty
  std::string kind;   // "real" | "written" | empty
  std::string group;
  std::string source;
  std::string split;  // "train" | "holdout" | empty
};

struct LabelledRead {
  std::vector<LabelledLine> lines;
  std::vector<std::string> errors;  // "NAME:LINE: problem"; those lines are skipped
};

// Reads every non-blank line of `in`; `name` prefixes the errors. Never
// throws on bad input (allocation failure aside).
void read_labelled_lines(std::istream& in, const std::string& name, LabelledRead& out);

// Reads a file; an unreadable file is one error.
void read_labelled_file(const std::string& path, LabelledRead& out);

}  // namespace rolecall
