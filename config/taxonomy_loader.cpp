#include "config/taxonomy_loader.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>

#include "config/config_error.hpp"
#include "config/diagnostics.hpp"
#include "config/yaml_map.hpp"

namespace rolecall {

namespace {

constexpr std::string_view kValidRoles =
    "product_manager, product_owner, both, project_manager, none";

bool is_identifier(std::string_view id) {
  return !id.empty() && std::all_of(id.begin(), id.end(), [](unsigned char c) {
    return std::islower(c) || std::isdigit(c) || c == '_' || c == '-';
  });
}

// Cues are matched case-insensitively and with collapsed spaces, so "Pro
// tier" and "pro  tier" are the same cue.
std::string normalize_cue(std::string_view cue) {
  std::string out;
  bool space = false;
  for (unsigned char c : cue) {
    if (std::isspace(c)) {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += static_cast<char>(std::tolower(c));
  }
  return out;
}

std::optional<Topic> read_topic(Diagnostics& diag, const YAML::Node& node, std::size_t index) {
  // Name the topic by its id in messages when it has a usable one.
  std::string path = "topics[" + std::to_string(index) + "]";
  if (node.IsMap()) {
    const YAML::Node id = node["id"];
    if (id.IsDefined() && id.IsScalar() && !id.Scalar().empty())
      path = "topics[" + id.Scalar() + "]";
  }
  YamlMap map(diag, node, path,
              {"id", "title", "role", "explanation", "pm_part", "po_part", "cues", "seeds"});
  if (!node.IsMap()) {
    if (node.IsNull()) diag.error(Diagnostics::mark_of(node), path + " is empty");
    return std::nullopt;
  }

  Topic topic;
  bool ok = true;
  if (auto id = map.non_empty_string("id")) {
    if (!is_identifier(*id)) {
      diag.error(map.mark("id"),
                 "topic id '" + *id + "' may only contain lowercase letters, digits, '_' and '-'");
      ok = false;
    }
    topic.id = *id;
  } else {
    ok = false;
  }

  topic.title = map.string("title").value_or(topic.id);

  bool role_known = false;  // an unknown role is reported once, not again by its halves
  if (auto role = map.string("role", true)) {
    if (auto parsed = parse_role(*role)) {
      topic.role = *parsed;
      role_known = true;
    } else {
      diag.error(map.mark("role"), "unknown role '" + *role + "' in " + path +
                                       " (valid roles: " + std::string(kValidRoles) + ")");
      ok = false;
    }
  } else {
    ok = false;
  }

  if (auto e = map.non_empty_string("explanation")) {
    topic.explanation = *e;
  } else {
    ok = false;
  }

  // The two halves only make sense for shared topics; anywhere else they
  // are a sign the role is wrong.
  for (auto [key, field] : {std::pair{"pm_part", &topic.pm_part}, {"po_part", &topic.po_part}}) {
    if (topic.role == Role::both) {
      if (auto part = map.non_empty_string(key)) {
        *field = *part;
      } else {
        ok = false;
      }
    } else if (map.has(key) && role_known) {
      diag.error(map.mark(key), map.key_path(key) + " is only allowed when role is both (role is " +
                                    std::string(to_string(topic.role)) + ")");
      ok = false;
    }
  }

  if (!map.has("cues")) {
    diag.error(map.mark("cues"), path + " needs a non-empty list of cues");
    ok = false;
  } else if (auto cues = map.string_list("cues")) {
    if (cues->empty() && map.value("cues").IsSequence() && map.value("cues").size() == 0) {
      diag.error(map.mark("cues"), path + " needs a non-empty list of cues");
      ok = false;
    }
    std::map<std::string, int> seen;  // normalized cue -> 1-based line
    for (auto& cue : *cues) {
      std::string key = normalize_cue(cue.value);
      auto [it, inserted] = seen.emplace(key, cue.mark.line + 1);
      if (!inserted) {
        diag.error(cue.mark, "cue '" + cue.value + "' appears twice in " + path +
                                 " (first at line " + std::to_string(it->second) + ")");
        ok = false;
        continue;
      }
      topic.cues.push_back(std::move(cue.value));
    }
  } else {
    ok = false;
  }

  if (auto seeds = map.string_list("seeds")) {
    for (auto& s : *seeds) topic.seeds.push_back(std::move(s.value));
  }

  if (!ok) return std::nullopt;
  return topic;
}

}  // namespace

Taxonomy load_taxonomy_from_string(std::string_view yaml, std::string_view display_name) {
  Diagnostics diag{std::string(display_name)};
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml));
  } catch (const YAML::Exception& e) {
    diag.error(e.mark, "YAML syntax error: " + e.msg);
    throw ConfigError(diag.take());
  }
  if (!root.IsDefined() || root.IsNull()) {
    diag.error("the taxonomy is empty (expected a mapping with 'topics')");
    throw ConfigError(diag.take());
  }
  if (!root.IsMap()) {
    diag.error(root.Mark(), "the taxonomy must be a mapping with 'version' and 'topics'");
    throw ConfigError(diag.take());
  }

  YamlMap map(diag, root, "", {"version", "roles", "topics"});
  if (auto version = map.integer("version", 0, 1000); version && *version != 1) {
    diag.error(map.mark("version"),
               "unsupported taxonomy version " + std::to_string(*version) + " (expected 1)");
  }
  if (auto roles = map.string_list("roles")) {
    for (const auto& r : *roles) {
      if (!parse_role(r.value)) {
        diag.error(r.mark, "unknown role '" + r.value +
                               "' in roles (valid roles: " + std::string(kValidRoles) + ")");
      }
    }
  }

  std::vector<Topic> topics;
  std::map<std::string, int> first_line;  // topic id -> 1-based line
  if (!map.has("topics")) {
    diag.error(map.mark("topics"), "missing required key 'topics' (a non-empty list of topics)");
  } else {
    auto nodes = map.sequence("topics");
    if (nodes.empty() && map.value("topics").IsSequence()) {
      diag.error(map.mark("topics"), "topics must not be empty");
    }
    for (std::size_t i = 0; i < nodes.size(); ++i) {
      const YAML::Node& node = nodes[i];
      auto topic = read_topic(diag, node, i);
      // Duplicates are checked on the raw id so a topic with other problems
      // still claims its id.
      if (node.IsMap()) {
        const YAML::Node id = node["id"];
        if (id.IsDefined() && id.IsScalar() && !id.Scalar().empty()) {
          auto [it, inserted] = first_line.emplace(id.Scalar(), id.Mark().line + 1);
          if (!inserted) {
            diag.error(id.Mark(), "duplicate topic id '" + id.Scalar() +
                                      "' (first defined at line " + std::to_string(it->second) +
                                      ")");
            continue;
          }
        }
      }
      if (topic) topics.push_back(std::move(*topic));
    }
  }

  auto problems = diag.take();
  if (has_errors(problems)) throw ConfigError(std::move(problems));
  return Taxonomy(std::move(topics));
}

Taxonomy load_taxonomy(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw ConfigError({Problem{
        path, 0, 0, std::string("cannot read the taxonomy file: ") + std::strerror(errno)}});
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) {
    throw ConfigError({Problem{path, 0, 0, "cannot read the taxonomy file"}});
  }
  return load_taxonomy_from_string(text.str(), path);
}

}  // namespace rolecall
