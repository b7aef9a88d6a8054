#include "daemon/labelled_corpus.hpp"

#include <fstream>
#include <nlohmann/json.hpp>

#include "adapters/chat_text.hpp"

namespace rolecall {
namespace {

std::string string_field(const nlohmann::json& j, const char* key) {
  const auto it = j.find(key);
  if (it == j.end() || !it->is_string()) return {};
  return it->get<std::string>();
}

}  // namespace

std::optional<ChatMarkup> chat_markup_field(const nlohmann::json& line, std::string_view text_key) {
  const auto it = line.find("platform");
  if (it == line.end() || it->is_null()) {
    const auto text = line.find(text_key);
    if (text == line.end() || !text->is_string()) return ChatMarkup::teams;
    return detect_chat_markup(text->get_ref<const std::string&>());
  }
  if (!it->is_string()) return std::nullopt;
  return chat_markup_from_string(it->get_ref<const std::string&>());
}

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
    const auto markup = chat_markup_field(j);
    if (!markup) {
      fail("\"platform\" must be slack or teams");
      continue;
    }
    LabelledLine l;
    if (j.contains("id")) l.id = j["id"].is_string() ? j["id"].get<std::string>() : j["id"].dump();
    l.raw_text = j["text"].get<std::string>();
    l.text = chat_text_to_plain(l.raw_text, *markup, PlainTextUse::classifier);
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
