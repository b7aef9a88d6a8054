#include "daemon/classify_command.hpp"

#include <cmath>
#include <istream>
#include <nlohmann/json.hpp>
#include <ostream>
#include <string>

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
    }
    if (!problem.empty()) {
      err << "line " << number << ": " << problem << "\n";
      status = 1;
      continue;
    }
    const Classification c = classifier.classify(input["text"].get<std::string>());
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
