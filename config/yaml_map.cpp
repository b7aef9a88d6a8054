#include "config/yaml_map.hpp"

#include <algorithm>
#include <cmath>

namespace rolecall {

namespace {

std::string describe_allowed(std::initializer_list<std::string_view> allowed) {
  std::string out;
  for (auto k : allowed) {
    if (!out.empty()) out += ", ";
    out += k;
  }
  return out;
}

}  // namespace

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t above = row[j];
      std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + cost});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::string closest_match(std::string_view word, const std::vector<std::string_view>& candidates) {
  std::string best;
  // Beyond a third of the word a "suggestion" is noise.
  std::size_t best_distance = std::max<std::size_t>(1, std::min<std::size_t>(3, word.size() / 3));
  best_distance += 1;
  for (auto c : candidates) {
    std::size_t d = edit_distance(word, c);
    if (d < best_distance) {
      best_distance = d;
      best = c;
    }
  }
  return best;
}

YamlMap::YamlMap(Diagnostics& diag, const YAML::Node& node, std::string path,
                 std::initializer_list<std::string_view> allowed_keys)
    : diag_(diag), path_(std::move(path)), mark_(Diagnostics::mark_of(node)) {
  if (!node.IsDefined() || node.IsNull()) return;
  if (!node.IsMap()) {
    diag_.error(mark_, (path_.empty() ? std::string("the document") : path_) +
                           " must be a mapping (key: value pairs)");
    return;
  }
  std::vector<std::string_view> allowed(allowed_keys.begin(), allowed_keys.end());
  // Copy the pair: yaml-cpp's iterator hands out a proxy, and a reference
  // into it dangles after the full expression.
  for (const auto& pair : node) {
    const YAML::Node key = pair.first;
    if (!key.IsScalar()) {
      diag_.error(Diagnostics::mark_of(key),
                  "keys must be plain strings" + (path_.empty() ? "" : " in " + path_));
      continue;
    }
    const std::string& name = key.Scalar();
    if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
      std::string message = "unknown key '" + name + "'" + (path_.empty() ? "" : " in " + path_);
      std::string suggestion = closest_match(name, allowed);
      if (!suggestion.empty()) {
        message += " (did you mean '" + suggestion + "'?)";
      } else {
        message += " (expected one of: " + describe_allowed(allowed_keys) + ")";
      }
      diag_.error(key.Mark(), std::move(message));
      continue;
    }
    if (const Entry* first = find(name)) {
      diag_.error(key.Mark(), "duplicate key '" + key_path(name) + "' (first given at line " +
                                  std::to_string(first->key.Mark().line + 1) + ")");
      continue;
    }
    entries_.push_back(Entry{name, key, pair.second});
  }
}

std::string YamlMap::key_path(std::string_view key) const {
  if (path_.empty()) return std::string(key);
  return path_ + "." + std::string(key);
}

const YamlMap::Entry* YamlMap::find(std::string_view key) const {
  for (const auto& e : entries_)
    if (e.name == key) return &e;
  return nullptr;
}

bool YamlMap::has(std::string_view key) const {
  const Entry* e = find(key);
  return e != nullptr && !e->value.IsNull();
}

YAML::Node YamlMap::value(std::string_view key) const {
  const Entry* e = find(key);
  if (e == nullptr) return YAML::Node(YAML::NodeType::Undefined);
  return e->value;
}

YAML::Mark YamlMap::mark(std::string_view key) const {
  const Entry* e = find(key);
  if (e == nullptr) return mark_;
  // A null value's mark points at whatever token follows it; the key is
  // where the reader's eye should go.
  if (e->value.IsNull()) return e->key.Mark();
  return e->value.Mark();
}

std::optional<std::string> YamlMap::string(std::string_view key, bool required) {
  if (!has(key)) {
    if (required) diag_.error(mark(key), "missing required key '" + key_path(key) + "'");
    return std::nullopt;
  }
  YAML::Node v = value(key);
  if (!v.IsScalar()) {
    diag_.error(mark(key), key_path(key) + " must be a string");
    return std::nullopt;
  }
  return v.Scalar();
}

std::optional<std::string> YamlMap::non_empty_string(std::string_view key) {
  auto s = string(key, true);
  if (s && s->find_first_not_of(" \t\r\n") == std::string::npos) {
    diag_.error(mark(key), key_path(key) + " must not be empty");
    return std::nullopt;
  }
  return s;
}

std::optional<bool> YamlMap::boolean(std::string_view key) {
  if (!has(key)) return std::nullopt;
  YAML::Node v = value(key);
  bool out = false;
  if (!v.IsScalar() || !YAML::convert<bool>::decode(v, out)) {
    diag_.error(mark(key), key_path(key) + " must be true or false");
    return std::nullopt;
  }
  return out;
}

std::optional<std::int64_t> YamlMap::integer(std::string_view key, std::int64_t min,
                                             std::int64_t max) {
  if (!has(key)) return std::nullopt;
  YAML::Node v = value(key);
  long long out = 0;
  bool ok = v.IsScalar() && YAML::convert<long long>::decode(v, out);
  if (!ok || out < min || out > max) {
    diag_.error(mark(key), key_path(key) + " must be a whole number from " + std::to_string(min) +
                               " to " + std::to_string(max));
    return std::nullopt;
  }
  return out;
}

std::optional<double> YamlMap::number(std::string_view key, double min, double max) {
  if (!has(key)) return std::nullopt;
  YAML::Node v = value(key);
  double out = 0;
  bool ok = v.IsScalar() && YAML::convert<double>::decode(v, out) && std::isfinite(out);
  if (!ok || out < min || out > max) {
    auto fmt = [](double d) {
      std::string s = std::to_string(d);
      s.erase(s.find_last_not_of('0') + 1);
      if (!s.empty() && s.back() == '.') s.pop_back();
      return s;
    };
    diag_.error(mark(key),
                key_path(key) + " must be a number from " + fmt(min) + " to " + fmt(max));
    return std::nullopt;
  }
  return out;
}

std::optional<std::vector<YamlString>> YamlMap::string_list(std::string_view key) {
  if (!has(key)) return std::nullopt;
  YAML::Node v = value(key);
  if (!v.IsSequence()) {
    diag_.error(mark(key), key_path(key) + " must be a list");
    return std::nullopt;
  }
  std::vector<YamlString> out;
  std::size_t index = 0;
  for (const auto& item : v) {
    std::string where = key_path(key) + "[" + std::to_string(index++) + "]";
    if (!item.IsScalar()) {
      diag_.error(Diagnostics::mark_of(item), where + " must be a string");
      continue;
    }
    if (item.Scalar().find_first_not_of(" \t\r\n") == std::string::npos) {
      diag_.error(item.Mark(), where + " must not be empty");
      continue;
    }
    out.push_back(YamlString{item.Scalar(), item.Mark()});
  }
  return out;
}

std::vector<YAML::Node> YamlMap::sequence(std::string_view key) {
  std::vector<YAML::Node> out;
  if (!has(key)) return out;
  YAML::Node v = value(key);
  if (!v.IsSequence()) {
    diag_.error(mark(key), key_path(key) + " must be a list");
    return out;
  }
  for (const auto& item : v) out.push_back(item);
  return out;
}

}  // namespace rolecall
