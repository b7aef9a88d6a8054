#include "config/time_zones.hpp"

#include <date/tz.h>

namespace rolecall {

std::optional<std::string> time_zone_problem(const std::string& name) {
  try {
    date::locate_zone(name);
    return std::nullopt;
  } catch (const std::exception&) {
    // Tell "no such zone" apart from "no database": the fix differs.
  }
  try {
    if (!date::get_tzdb().zones.empty()) {
      return "unknown time zone '" + name +
             "' (use an IANA name such as Europe/Berlin or America/New_York)";
    }
  } catch (const std::exception&) {
  }
  return "cannot check time zone '" + name +
         "': no time zone database found (install the tzdata package)";
}

}  // namespace rolecall
