#pragma once
// A small argument parser for the subcommands: flags (--name VALUE,
// --name=VALUE, boolean --name) and positionals. Unknown flags are errors
// the caller reports with the subcommand's usage.

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace rolecall {

struct ParsedArgs {
  std::map<std::string, std::string> values;  // --name VALUE
  std::set<std::string> switches;             // --name (boolean)
  std::vector<std::string> positionals;
  std::string error;  // non-empty: what was wrong

  std::optional<std::string> get(const std::string& name) const {
    auto it = values.find(name);
    if (it == values.end()) return std::nullopt;
    return it->second;
  }
  bool has(const std::string& name) const { return switches.count(name) > 0; }
};

// `with_value`: flags that take a value; `booleans`: flags that don't.
ParsedArgs parse_args(const std::vector<std::string>& args, const std::set<std::string>& with_value,
                      const std::set<std::string>& booleans);

}  // namespace rolecall
