#include "config/classifier_model_loader.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include "config/config_error.hpp"
#include "core/classifier_model_text.hpp"

namespace rolecall {

std::shared_ptr<const ClassifierModel> load_classifier_model(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw ConfigError(
        {Problem{path, 0, 0,
                 std::string("cannot read the classifier model: ") + std::strerror(errno) +
                     " (set taxonomy.model, or `model: none` for the cue lexicon "
                     "alone)"}});
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw ConfigError({Problem{path, 0, 0, "cannot read the classifier model"}});
  ModelParseResult parsed = parse_classifier_model(text.str());
  if (!parsed.errors.empty()) {
    std::vector<Problem> problems;
    for (const std::string& e : parsed.errors) {
      // "line N: message" -> a positioned problem.
      int line = 0;
      std::string message = e;
      if (e.rfind("line ", 0) == 0) {
        line = std::atoi(e.c_str() + 5);
        const std::size_t colon = e.find(": ");
        if (colon != std::string::npos) message = e.substr(colon + 2);
      }
      problems.push_back(Problem{path, line, line > 0 ? 1 : 0, message});
    }
    throw ConfigError(std::move(problems));
  }
  return std::make_shared<const ClassifierModel>(std::move(*parsed.model));
}

}  // namespace rolecall
