#pragma once
// Terminal output of the routing and decision logs: table, csv or json
// (`--format json` prints one JSON array, DESIGN.md).

#include <optional>
#include <string>
#include <vector>

#include "storage/store.hpp"

namespace rolecall {

enum class OutputFormat { table, csv, json };
std::optional<OutputFormat> parse_output_format(std::string_view s);

std::string format_decisions(const std::vector<DecisionRecord>& rows, OutputFormat f);
std::string format_routings(const std::vector<RoutingRecord>& rows, OutputFormat f);

// "2026-11-23T09:00:00Z"
std::string format_utc(std::int64_t epoch_seconds);
// Accepts "YYYY-MM-DD", "YYYY-MM-DDTHH:MM[:SS][Z]", "Nd", "Nh", "Nw" (ago,
// relative to `now`). nullopt when unparsable.
std::optional<std::int64_t> parse_since(std::string_view text, std::int64_t now);

}  // namespace rolecall
