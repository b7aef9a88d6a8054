#include "core/classifier_model_text.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>

namespace rolecall {
namespace {

constexpr std::string_view kMagic = "rolecall-classifier-model 1";

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  std::size_t begin = 0;
  while (begin <= s.size()) {
    std::size_t end = s.find(sep, begin);
    if (end == std::string_view::npos) end = s.size();
    if (end > begin || sep == '\t') out.push_back(s.substr(begin, end - begin));
    begin = end + 1;
  }
  return out;
}

bool parse_float(std::string_view s, float& out) {
  const char* end = s.data() + s.size();
  const auto r = std::from_chars(s.data(), end, out);
  return r.ec == std::errc() && r.ptr == end && std::isfinite(out);
}

template <std::size_t N>
bool parse_floats(std::string_view s, std::array<float, N>& out) {
  const std::vector<std::string_view> parts = split(s, ' ');
  if (parts.size() != N) return false;
  for (std::size_t i = 0; i < N; ++i) {
    if (!parse_float(parts[i], out[i])) return false;
  }
  return true;
}

void append_float(std::string& out, float v) {
  char buf[32];
  const int n = std::snprintf(buf, sizeof buf, "%.4g", static_cast<double>(v));
  out.append(buf, static_cast<std::size_t>(n));
}

class Parser {
 public:
  explicit Parser(ModelParseResult& result) : r_(result) {}

  void run(std::string_view text) {
    std::size_t line_no = 0;
    std::size_t begin = 0;
    bool magic = false;
    while (begin < text.size()) {
      std::size_t end = text.find('\n', begin);
      if (end == std::string_view::npos) end = text.size();
      std::string_view line = text.substr(begin, end - begin);
      begin = end + 1;
      ++line_no;
      line_ = line_no;
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      if (line.empty() || line.front() == '#') continue;
      if (!magic) {
        if (line != kMagic)
          return error("the file does not start with \"" + std::string(kMagic) + "\"");
        magic = true;
        continue;
      }
      statement(line);
    }
    if (!magic) error("empty model file");
    if (!saw_roles_) error("missing the roles line");
    if (!saw_intents_) error("missing the intents line");
    if (!saw_topics_) error("missing the topics line");
  }

 private:
  void error(std::string message) {
    if (r_.errors.size() < 20)
      r_.errors.push_back("line " + std::to_string(line_) + ": " + std::move(message));
  }

  void statement(std::string_view line) {
    if (line.substr(0, 2) == "f\t") return feature(line.substr(2));
    const std::size_t space = line.find(' ');
    const std::string_view key = line.substr(0, space);
    const std::string_view rest = space == std::string_view::npos ? "" : line.substr(space + 1);
    if (key == "description") {
      m_.description = std::string(rest);
    } else if (key == "roles") {
      saw_roles_ = true;
      const auto parts = split(rest, ' ');
      bool ok = parts.size() == kModelRoles;
      for (std::size_t i = 0; ok && i < kModelRoles; ++i)
        ok = parts[i] == to_string(static_cast<Role>(i));
      if (!ok) error("roles must be: product_manager product_owner both project_manager none");
    } else if (key == "intents") {
      saw_intents_ = true;
      const auto parts = split(rest, ' ');
      bool ok = parts.size() == kModelIntents;
      for (std::size_t i = 0; ok && i < kModelIntents; ++i)
        ok = parts[i] == to_string(static_cast<Intent>(i));
      if (!ok) error("intents must be: question request other");
    } else if (key == "topics") {
      saw_topics_ = true;
      std::vector<std::string> ids;
      for (std::string_view id : split(rest, ' ')) ids.emplace_back(id);
      m_.set_topics(std::move(ids));
    } else if (key == "role_tie" || key == "topic_tie" || key == "role_temperature" ||
               key == "intent_temperature") {
      float v = 0;
      if (!parse_float(rest, v)) return error("not a number: " + std::string(rest));
      if ((key == "role_temperature" || key == "intent_temperature") && v <= 0.0f)
        return error("a temperature must be above 0");
      if (key == "role_tie") m_.role_tie = v;
      if (key == "topic_tie") m_.topic_tie = v;
      if (key == "role_temperature") m_.role_temperature = v;
      if (key == "intent_temperature") m_.intent_temperature = v;
    } else if (key == "role_bias") {
      if (!parse_floats(rest, m_.role_bias)) error("role_bias needs 5 numbers");
    } else if (key == "intent_bias") {
      if (!parse_floats(rest, m_.intent_bias)) error("intent_bias needs 3 numbers");
    } else if (key == "topic_bias") {
      if (!saw_topics_) return error("topic_bias before the topics line");
      std::vector<ClassifierModel::TopicWeight> weights;
      if (!topic_weights(rest, weights)) return;
      for (const auto& w : weights) m_.topic_bias[w.topic] = w.weight;
    } else {
      error("unknown line: " + std::string(key));
    }
  }

  bool topic_weights(std::string_view s, std::vector<ClassifierModel::TopicWeight>& out) {
    for (std::string_view pair : split(s, ' ')) {
      const std::size_t eq = pair.find('=');
      float v = 0;
      if (eq == std::string_view::npos || !parse_float(pair.substr(eq + 1), v)) {
        error("expected topic=weight, got \"" + std::string(pair) + "\"");
        return false;
      }
      const int t = m_.topic_index(pair.substr(0, eq));
      if (t < 0) {
        error("unknown topic \"" + std::string(pair.substr(0, eq)) + "\"");
        return false;
      }
      out.push_back({static_cast<std::uint32_t>(t), v});
    }
    return true;
  }

  void feature(std::string_view rest) {
    if (!saw_topics_) return error("feature before the topics line");
    const auto fields = split(rest, '\t');
    if (fields.size() != 4 || fields[0].empty())
      return error(
          "a feature line is f<TAB>name<TAB>5 role weights<TAB>3 intent weights<TAB>topic weights");
    std::array<float, kModelRoles> role{};
    std::array<float, kModelIntents> intent{};
    if (!parse_floats(fields[1], role)) return error("feature needs 5 role weights");
    if (!parse_floats(fields[2], intent)) return error("feature needs 3 intent weights");
    std::vector<ClassifierModel::TopicWeight> topic;
    if (!topic_weights(fields[3], topic)) return;
    if (!m_.add_feature(std::string(fields[0]), role, intent, topic))
      error("feature \"" + std::string(fields[0]) + "\" appears twice");
  }

 public:
  ClassifierModel m_;

 private:
  ModelParseResult& r_;
  std::size_t line_ = 0;
  bool saw_roles_ = false, saw_intents_ = false, saw_topics_ = false;
};

}  // namespace

ModelParseResult parse_classifier_model(std::string_view text) {
  ModelParseResult result;
  Parser p(result);
  p.run(text);
  if (result.errors.empty()) result.model = std::move(p.m_);
  return result;
}

std::string format_classifier_model(const ClassifierModel& m) {
  std::string out(kMagic);
  out +=
      "\n# Weights of rolecall's classifier (see core/classifier_model.hpp). Retrain with\n"
      "# build/tools/train-classifier; do not edit by hand.\n";
  if (!m.description.empty()) out += "description " + m.description + "\n";
  out += "roles";
  for (std::size_t i = 0; i < kModelRoles; ++i)
    out += " " + std::string(to_string(static_cast<Role>(i)));
  out += "\nintents";
  for (std::size_t i = 0; i < kModelIntents; ++i)
    out += " " + std::string(to_string(static_cast<Intent>(i)));
  out += "\ntopics";
  for (const std::string& t : m.topics()) out += " " + t;
  auto scalar = [&](const char* name, float v) {
    out += "\n";
    out += name;
    out += " ";
    append_float(out, v);
  };
  scalar("role_tie", m.role_tie);
  scalar("topic_tie", m.topic_tie);
  scalar("role_temperature", m.role_temperature);
  scalar("intent_temperature", m.intent_temperature);
  out += "\nrole_bias";
  for (float v : m.role_bias) out += " ", append_float(out, v);
  out += "\nintent_bias";
  for (float v : m.intent_bias) out += " ", append_float(out, v);
  out += "\ntopic_bias";
  for (std::size_t t = 0; t < m.topics().size() && t < m.topic_bias.size(); ++t) {
    if (m.topic_bias[t] == 0.0f) continue;
    out += " " + m.topics()[t] + "=";
    append_float(out, m.topic_bias[t]);
  }
  out += "\n";
  const auto& rows = m.rows();
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const auto& row = rows[i];
    out += "f\t" + m.feature_names()[i] + "\t";
    for (std::size_t r = 0; r < kModelRoles; ++r) {
      if (r) out += ' ';
      append_float(out, row.role[r]);
    }
    out += '\t';
    for (std::size_t k = 0; k < kModelIntents; ++k) {
      if (k) out += ' ';
      append_float(out, row.intent[k]);
    }
    out += '\t';
    for (std::uint32_t k = 0; k < row.topic_count; ++k) {
      const auto& w = m.topic_weights()[row.topic_begin + k];
      if (k) out += ' ';
      out += m.topics()[w.topic] + "=";
      append_float(out, w.weight);
    }
    out += '\n';
  }
  return out;
}

}  // namespace rolecall
