#pragma once
// Validating IANA time zone names against the time zone database that
// libdate-tz uses (on Debian: the OS database in /usr/share/zoneinfo, so the
// tzdata package must be installed where rolecall runs).

#include <optional>
#include <string>

namespace rolecall {

// nullopt when `name` is a zone (or link) the database knows, such as
// "Europe/Berlin" or "Asia/Kolkata"; otherwise a message saying why not
// (unknown name, or no time zone database at all). Thread-safe.
std::optional<std::string> time_zone_problem(const std::string& name);

}  // namespace rolecall
