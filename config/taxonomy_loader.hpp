#pragma once
// Loads and validates the role taxonomy (config/taxonomy.yaml).
//
// Format (version 1):
//   version: 1                      # optional; when given it must be 1
//   roles: [product_manager, ...]   # optional, informative; each a known role
//   topics:                         # required, non-empty
//     - id: pricing                 # required, unique, [a-z0-9_-]
//       title: Pricing and packaging   # optional, defaults to the id
//       role: product_manager       # product_manager | product_owner | both | project_manager
//       explanation: ...            # required, non-empty
//       pm_part: ...                # required (non-empty) exactly when role is both
//       po_part: ...                # required (non-empty) exactly when role is both
//       cues: [pricing, "pro tier"] # required non-empty list of distinct non-empty strings
//       seeds: [001_x.txt]          # optional list of non-empty strings
//
// Errors: every problem of the file is collected and one ConfigError is
// thrown at the end, each problem naming file:line:column (1-based). Pure
// function of its input; safe to call from any thread.

#include <string>
#include <string_view>

#include "core/taxonomy.hpp"

namespace rolecall {

// Reads `path`. Throws ConfigError (an unreadable file is a problem too).
Taxonomy load_taxonomy(const std::string& path);

// Parses `yaml`; `display_name` is the file name used in problems.
// Throws ConfigError.
Taxonomy load_taxonomy_from_string(std::string_view yaml, std::string_view display_name);

}  // namespace rolecall
