#include "daemon/classify_command.hpp"

#include <cmath>
#include <istream>
#include <nlohmann/json.hpp>
#include <ostream>
#include <string>

#include "adapters/chat_text.hpp"
#include "daemon/labelled_corpus.hpp"

namespace rolecall {

int run_classify_jsonl(const Classifier& classifier, std::istream& in, std::ostream& out,
                       std::ostream& err) {
  int status = 0;
  std::string line;
  std::size_t number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos) continue;  // blank lines are not input
    nlohmann::json input = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    std::string problem;
    if (input.is_discarded()) {
      problem = "not valid JSON";
    } else if (!input.is_object()) {
      problem = "expected a JSON object";
    } else if (!input.contains("text") || !input["text"].is_string()) {
      problem = "missing string field \"text\"";
    } else if (!chat_markup_field(input)) {
      problem = "\"platform\" must be slack or teams";
    }
    if (!problem.empty()) {
      err << "line " << number << ": " << problem << "\n";
      status = 1;
      continue;
    }
    // The markup is read here, once, by its platform's adapter; the core
    // takes plain text (the same translation as the corpus and the endpoints).
    const Classification c = classifier.classify(
        chat_text_to_plain(input["text"].get_ref<const std::string&>(), *chat_markup_field(input),
                           PlainTextUse::classifier));
    nlohmann::json result;
    result["id"] = input.contains("id") ? input["id"] : nlohmann::json(nullptr);
    result["intent"] = std::string(to_string(c.intent));
    result["role"] = std::string(to_string(c.role));
    result["topic"] = c.topic.empty() ? nlohmann::json(nullptr) : nlohmann::json(c.topic);
    result["confidence"] = std::round(c.confidence * 1000) / 1000;
    out << result.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  }
  out.flush();
  return status;
}

}  // namespace rolecall
