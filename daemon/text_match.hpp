#pragma once
// Case-insensitive substring search (ASCII case folding), used by the
// "/decisions TEXT" and "@rolecall decisions TEXT" filters.

#include <algorithm>
#include <cctype>
#include <string_view>

namespace rolecall {

inline bool contains_case_insensitive(std::string_view haystack, std::string_view needle) {
  auto fold = [](char a, char b) {
    return std::tolower(static_cast<unsigned char>(a)) ==
           std::tolower(static_cast<unsigned char>(b));
  };
  return std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end(), fold) !=
         haystack.end();
}

}  // namespace rolecall
