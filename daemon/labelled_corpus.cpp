#include "daemon/labelled_corpus.hpp"

#include <fstream>
#include <nlohmann/json.hpp>

namespace rolecall {
namespace {

std::string string_field(const nlohmann::json& j, const char* key) {
  const auto it = j.find(key);
  if (it == j.end() || !it->is_string()) return {};
  return it->get<std::string>();
}

}  // namespace

void read_labelled_lines(std::istream& in, const std::string& name, LabelledRead& out) {
  std::string line;
  std::size_t number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    auto fail = [&](const std::string& problem) {
      std::string e = name;
      e += ':';
      e += std::to_string(number);
      e += ": ";
      e += problem;
      out.errors.push_back(std::move(e));
    };
    const nlohmann::json j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded()) {
      fail("not valid JSON");
      continue;
    }
    if (!j.is_object()) {
      fail("expected a JSON object");
      continue;
    }
    if (!j.contains("text") || !j["text"].is_string()) {
      fail("missing string field \"text\"");
      continue;
    }
    const auto role = parse_role(string_field(j, "role"));
    if (!role) {
      fail("\"role\" must be product_manager, product_owner, both, project_manager or none");
      continue;
    }
    const auto intent = parse_intent(string_field(j, "intent"));
    if (!intent) {
      fail("\"intent\" must be question, request or other");
      continue;
    }
    LabelledLine l;
    if (j.contains("id")) l.id = j["id"].is_string() ? j["id"].get<std::string>() : j["id"].dump();
    l.text = j["text"].get<std::string>();
    l.role = *role;
    l.intent = *intent;
    l.topic = string_field(j, "topic");
    l.kind = string_field(j, "kind");
    l.group = string_field(j, "group");
    l.source = string_field(j, "source");
    l.split = string_field(j, "split");
    out.lines.push_back(std::move(l));
  }
}

void read_labelled_file(const std::string& path, LabelledRead& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    out.errors.push_back(path + ": cannot read the file");
    return;
  }
  read_labelled_lines(in, path, out);
}

}  // namespace rolecall
