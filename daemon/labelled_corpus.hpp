#pragma once
// Labelled chat lines in JSON Lines: `classify --jsonl`'s input plus `role`
// and `intent` (and, in the project's own corpus, `topic`, `kind`, `group`,
// `source` and `split`; docs/labelling.md defines them). Read by
// `rolecall eval`, the trainer and the accuracy tests. A line may name its
// "platform" ("slack" | "teams"); without it the markup is detected.

#include <istream>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/chat_text.hpp"
#include "core/role.hpp"

namespace rolecall {

struct LabelledLine {
  std::string id;
  // What the classifier reads: raw_text translated once by its platform's
  // adapter (chat_text_to_plain, PlainTextUse::classifier), as the live
  // endpoints translate a message. Eval, the trainer and the accuracy tests
  // all classify this, so training and serving see the same text.
  std::string text;
  std::string raw_text;  // "text" as written in the file (Slack mrkdwn, Teams HTML, plain)
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

// The markup of one JSON line: its optional "platform" ("slack" | "teams"),
// else detected from the string at `text_key` (detect_chat_markup); nullopt
// when "platform" is present and neither.
std::optional<ChatMarkup> chat_markup_field(const nlohmann::json& line,
                                            std::string_view text_key = "text");

// Reads every non-blank line of `in`; `name` prefixes the errors. Never
// throws on bad input (allocation failure aside).
void read_labelled_lines(std::istream& in, const std::string& name, LabelledRead& out);

// Reads a file; an unreadable file is one error.
void read_labelled_file(const std::string& path, LabelledRead& out);

}  // namespace rolecall
