#pragma once
// One YAML mapping read against a fixed set of keys, with typed accessors
// that report every problem to a Diagnostics instead of throwing.
//
// Used by the taxonomy and application config loaders. Rules shared by all
// of them:
// - a key not in the allowed set is an error (a typo such as `cue:` must not
//   be silently ignored), with a "did you mean" suggestion;
// - a key given twice is an error (yaml-cpp keeps both silently);
// - a key whose value is null (`key:` or `key: ~`) counts as absent;
// - a problem with a value points at the value, or at the key when the value
//   is null, or at the mapping when the key is missing;
// - messages name the key by its path (`slack.max_attempts`) and never print
//   a value the caller did not pass in explicitly, so secrets stay out.

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/diagnostics.hpp"

namespace rolecall {

// A scalar out of a YAML list, with where it was written.
struct YamlString {
  std::string value;
  YAML::Mark mark;
};

class YamlMap {
 public:
  // `path` names the mapping in messages ("slack", "topics[pricing]"; empty
  // for the document root). A null or undefined `node` is an empty mapping;
  // any other non-mapping is reported and then also treated as empty.
  YamlMap(Diagnostics& diag, const YAML::Node& node, std::string path,
          std::initializer_list<std::string_view> allowed_keys);

  const std::string& path() const noexcept { return path_; }
  // "path.key" (or just "key" at the root).
  std::string key_path(std::string_view key) const;
  YAML::Mark map_mark() const noexcept { return mark_; }

  // True when the key is present with a non-null value.
  bool has(std::string_view key) const;
  // The value node; an undefined node when the key is absent.
  YAML::Node value(std::string_view key) const;
  // Where to point a problem about `key` (see the rules above).
  YAML::Mark mark(std::string_view key) const;

  // Each returns nullopt when the key is absent or the value is unusable
  // (the latter reported). `required` adds "missing required key" when absent.
  std::optional<std::string> string(std::string_view key, bool required = false);
  // A string that must be present and non-empty (reported otherwise).
  std::optional<std::string> non_empty_string(std::string_view key);
  std::optional<bool> boolean(std::string_view key);
  std::optional<std::int64_t> integer(std::string_view key, std::int64_t min, std::int64_t max);
  std::optional<double> number(std::string_view key, double min, double max);
  // A list of non-empty strings. Absent gives nullopt; a non-list or a
  // non-scalar / empty item is reported (bad items are dropped).
  std::optional<std::vector<YamlString>> string_list(std::string_view key);
  // The items of a list value; absent gives an empty vector, a non-list is
  // reported and gives an empty vector.
  std::vector<YAML::Node> sequence(std::string_view key);

  Diagnostics& diagnostics() noexcept { return diag_; }

 private:
  struct Entry {
    std::string name;
    YAML::Node key;
    YAML::Node value;
  };
  const Entry* find(std::string_view key) const;

  Diagnostics& diag_;
  std::string path_;
  YAML::Mark mark_;
  std::vector<Entry> entries_;
};

// Edit distance, for "did you mean" suggestions.
std::size_t edit_distance(std::string_view a, std::string_view b);

// The closest candidate within a small edit distance, or empty.
std::string closest_match(std::string_view word, const std::vector<std::string_view>& candidates);

}  // namespace rolecall
