#include "adapters/teams/card_rules.hpp"

#include <algorithm>
#include <array>
#include <string_view>

namespace rolecall {
namespace {

using nlohmann::json;

constexpr std::string_view kAdaptiveContentType = "application/vnd.microsoft.card.adaptive";

// Element types of Adaptive Cards 1.4 that rolecall's cards may use and Teams
// renders on every surface. Inputs, Media, Table (1.5) and anything newer are
// out: inputs need Action.Submit, which webhooks cannot carry.
constexpr std::array<std::string_view, 8> kAllowedElements = {
    "TextBlock", "RichTextBlock", "Container", "ColumnSet",
    "FactSet",   "Image",         "ImageSet",  "ActionSet"};

class CardChecker {
 public:
  std::vector<std::string> problems;

  void check_card(const json& card) {
    if (!card.is_object()) {
      add("card", "is not an object");
      return;
    }
    if (string_at(card, "type") != "AdaptiveCard") add("card.type", "must be \"AdaptiveCard\"");
    if (!card.contains("version")) {
      add("card.version", "is missing (must be \"1.4\")");
    } else if (string_at(card, "version") != "1.4") {
      add("card.version", "must be \"1.4\" (Teams Workflows does not render 1.5+)");
    }
    if (card.contains("$schema") && !card["$schema"].is_string())
      add("card.$schema", "must be a string");
    if (card.contains("body")) {
      if (!card["body"].is_array()) {
        add("card.body", "must be an array");
      } else {
        check_elements(card["body"], "body");
      }
    }
    if (card.contains("actions")) check_actions(card["actions"], "actions");
    if (card.contains("selectAction")) check_action(card["selectAction"], "selectAction");
    check_msteams(card);
    const std::size_t bytes = teams_message_bytes(card);
    if (bytes >= kTeamsMaxMessageBytes)
      add("card", "is " + std::to_string(bytes) + " bytes; must stay under " +
                      std::to_string(kTeamsMaxMessageBytes));
  }

 private:
  std::vector<std::string> texts_;  // every text that can carry a mention

  void add(const std::string& path, const std::string& what) {
    problems.push_back(path + ": " + what);
  }

  static std::string string_at(const json& obj, std::string_view key) {
    if (!obj.is_object()) return {};
    const auto it = obj.find(key);
    return it != obj.end() && it->is_string() ? it->get<std::string>() : std::string{};
  }

  bool require_string(const json& obj, std::string_view key, const std::string& path,
                      bool non_empty = false) {
    const auto it = obj.find(key);
    if (it == obj.end() || !it->is_string()) {
      add(path + "." + std::string(key), "is required and must be a string");
      return false;
    }
    if (non_empty && it->get_ref<const std::string&>().empty()) {
      add(path + "." + std::string(key), "must not be empty");
      return false;
    }
    return true;
  }

  const json* require_array(const json& obj, std::string_view key, const std::string& path) {
    const auto it = obj.find(key);
    if (it == obj.end() || !it->is_array()) {
      add(path + "." + std::string(key), "is required and must be an array");
      return nullptr;
    }
    return &*it;
  }

  void check_elements(const json& elements, const std::string& path) {
    for (std::size_t i = 0; i < elements.size(); ++i) {
      check_element(elements[i], path + "[" + std::to_string(i) + "]");
    }
  }

  void check_element(const json& el, const std::string& path) {
    if (!el.is_object()) {
      add(path, "element is not an object");
      return;
    }
    const auto type_it = el.find("type");
    if (type_it == el.end() || !type_it->is_string()) {
      add(path + ".type", "is required and must be a string");
      return;
    }
    const std::string type = type_it->get<std::string>();
    if (std::find(kAllowedElements.begin(), kAllowedElements.end(), type) ==
        kAllowedElements.end()) {
      add(path, "element type '" + type + "' is not allowed in Adaptive Cards 1.4 for Teams");
      return;
    }
    if (el.contains("selectAction")) check_action(el["selectAction"], path + ".selectAction");

    if (type == "TextBlock") {
      if (require_string(el, "text", path)) texts_.push_back(el["text"].get<std::string>());
    } else if (type == "RichTextBlock") {
      if (const json* inlines = require_array(el, "inlines", path)) {
        for (std::size_t i = 0; i < inlines->size(); ++i) {
          const json& in = (*inlines)[i];
          const std::string ip = path + ".inlines[" + std::to_string(i) + "]";
          if (in.is_string()) {
            texts_.push_back(in.get<std::string>());
          } else if (in.is_object() && string_at(in, "type") == "TextRun") {
            if (require_string(in, "text", ip)) texts_.push_back(in["text"].get<std::string>());
            if (in.contains("selectAction")) check_action(in["selectAction"], ip + ".selectAction");
          } else {
            add(ip, "must be a string or a TextRun");
          }
        }
      }
    } else if (type == "Container") {
      if (const json* items = require_array(el, "items", path))
        check_elements(*items, path + ".items");
    } else if (type == "ColumnSet") {
      if (el.contains("columns")) {
        if (!el["columns"].is_array()) {
          add(path + ".columns", "must be an array");
        } else {
          const json& columns = el["columns"];
          for (std::size_t i = 0; i < columns.size(); ++i) {
            check_column(columns[i], path + ".columns[" + std::to_string(i) + "]");
          }
        }
      }
    } else if (type == "FactSet") {
      if (const json* facts = require_array(el, "facts", path)) {
        for (std::size_t i = 0; i < facts->size(); ++i) {
          const json& fact = (*facts)[i];
          const std::string fp = path + ".facts[" + std::to_string(i) + "]";
          if (!fact.is_object()) {
            add(fp, "must be an object");
            continue;
          }
          if (require_string(fact, "title", fp)) texts_.push_back(fact["title"].get<std::string>());
          if (require_string(fact, "value", fp)) texts_.push_back(fact["value"].get<std::string>());
        }
      }
    } else if (type == "Image") {
      require_string(el, "url", path, /*non_empty=*/true);
    } else if (type == "ImageSet") {
      if (const json* images = require_array(el, "images", path)) {
        for (std::size_t i = 0; i < images->size(); ++i) {
          const std::string ip = path + ".images[" + std::to_string(i) + "]";
          const json& img = (*images)[i];
          if (!img.is_object() || string_at(img, "type") != "Image") {
            add(ip, "must be an Image");
            continue;
          }
          require_string(img, "url", ip, true);
        }
      }
    } else if (type == "ActionSet") {
      if (el.contains("actions")) {
        check_actions(el["actions"], path + ".actions");
      } else {
        add(path + ".actions", "is required and must be an array");
      }
    }
  }

  void check_column(const json& col, const std::string& path) {
    if (!col.is_object()) {
      add(path, "must be an object");
      return;
    }
    if (col.contains("type") && string_at(col, "type") != "Column")
      add(path + ".type", "must be \"Column\"");
    if (col.contains("selectAction")) check_action(col["selectAction"], path + ".selectAction");
    if (const json* items = require_array(col, "items", path))
      check_elements(*items, path + ".items");
  }

  void check_actions(const json& actions, const std::string& path) {
    if (!actions.is_array()) {
      add(path, "must be an array");
      return;
    }
    for (std::size_t i = 0; i < actions.size(); ++i) {
      check_action(actions[i], path + "[" + std::to_string(i) + "]");
    }
  }

  void check_action(const json& action, const std::string& path) {
    if (!action.is_object()) {
      add(path, "must be an object");
      return;
    }
    const std::string type = string_at(action, "type");
    if (type != "Action.OpenUrl") {
      add(path, "action type '" + type +
                    "' is not supported (only Action.OpenUrl works in Teams webhooks)");
      return;
    }
    if (!require_string(action, "url", path, true)) return;
    const std::string url = action["url"].get<std::string>();
    if (url.rfind("https://", 0) != 0 && url.rfind("http://", 0) != 0 &&
        url.rfind("mailto:", 0) != 0)
      add(path + ".url", "must be an absolute http(s) or mailto URL");
  }

  void check_msteams(const json& card) {
    std::vector<std::string> entity_texts;
    if (card.contains("msteams")) {
      const json& ms = card["msteams"];
      if (!ms.is_object()) {
        add("msteams", "must be an object");
      } else if (ms.contains("entities")) {
        const json& entities = ms["entities"];
        if (!entities.is_array()) {
          add("msteams.entities", "must be an array");
        } else {
          for (std::size_t i = 0; i < entities.size(); ++i) {
            check_mention(entities[i], "msteams.entities[" + std::to_string(i) + "]", entity_texts);
          }
        }
      }
    }
    // Every <at>…</at> shown must have its entity, or Teams prints the markup.
    for (const std::string& text : texts_) {
      std::size_t pos = 0;
      while ((pos = text.find("<at>", pos)) != std::string::npos) {
        const std::size_t close = text.find("</at>", pos);
        if (close == std::string::npos) break;
        const bool escaped = pos > 0 && text[pos - 1] == '\\';
        const std::string tag = text.substr(pos, close + 5 - pos);
        if (!escaped &&
            std::find(entity_texts.begin(), entity_texts.end(), tag) == entity_texts.end()) {
          add("msteams.entities", "no mention entity for " + tag + " used in the card");
        }
        pos = close + 5;
      }
    }
  }

  void check_mention(const json& e, const std::string& path, std::vector<std::string>& texts) {
    if (!e.is_object()) {
      add(path, "must be an object");
      return;
    }
    if (string_at(e, "type") != "mention") {
      add(path + ".type", "must be \"mention\"");
      return;
    }
    if (!require_string(e, "text", path, true)) return;
    const std::string text = e["text"].get<std::string>();
    if (text.size() < 10 || text.rfind("<at>", 0) != 0 ||
        text.compare(text.size() - 5, 5, "</at>") != 0) {
      add(path + ".text", "must look like <at>Name</at>");
    }
    const auto mentioned = e.find("mentioned");
    if (mentioned == e.end() || !mentioned->is_object()) {
      add(path + ".mentioned", "is required and must be an object");
    } else {
      require_string(*mentioned, "id", path + ".mentioned", true);
      require_string(*mentioned, "name", path + ".mentioned", true);
    }
    const bool shown = std::any_of(texts_.begin(), texts_.end(), [&](const std::string& t) {
      return t.find(text) != std::string::npos;
    });
    if (!shown) add(path + ".text", text + " does not appear in any TextBlock or FactSet");
    texts.push_back(text);
  }
};

}  // namespace

std::string teams_compact_json(const nlohmann::json& value) {
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::size_t teams_message_bytes(const nlohmann::json& value) {
  return teams_compact_json(value).size();
}

std::vector<std::string> check_adaptive_card_1_4(const nlohmann::json& card) {
  CardChecker checker;
  checker.check_card(card);
  return std::move(checker.problems);
}

std::vector<std::string> check_teams_message(const nlohmann::json& envelope, TeamsSurface surface) {
  std::vector<std::string> problems;
  const auto add = [&](const std::string& path, const std::string& what) {
    problems.push_back(path + ": " + what);
  };
  if (!envelope.is_object()) {
    add("message", "is not an object");
    return problems;
  }
  if (!envelope.contains("type") || envelope["type"] != "message")
    add("message.type", "must be \"message\"");
  if (envelope.contains("text") && !envelope["text"].is_string())
    add("message.text", "must be a string");

  const auto attachments = envelope.find("attachments");
  if (attachments == envelope.end()) {
    if (surface == TeamsSurface::workflows) {
      add("message.attachments", "is required by the Workflows template (it iterates them)");
    } else if (!envelope.contains("text")) {
      add("message", "needs text or attachments");
    }
  } else if (!attachments->is_array() || attachments->empty()) {
    add("message.attachments", "must be a non-empty array");
  } else {
    for (std::size_t i = 0; i < attachments->size(); ++i) {
      const json& a = (*attachments)[i];
      const std::string path = "message.attachments[" + std::to_string(i) + "]";
      if (!a.is_object()) {
        add(path, "must be an object");
        continue;
      }
      if (!a.contains("contentType") || a["contentType"] != kAdaptiveContentType) {
        add(path + ".contentType", "must be \"" + std::string(kAdaptiveContentType) + "\"");
        continue;
      }
      if (a.contains("contentUrl") && !a["contentUrl"].is_null() && !a["contentUrl"].is_string())
        add(path + ".contentUrl", "must be null or a string");
      if (!a.contains("content")) {
        add(path + ".content", "is required");
        continue;
      }
      for (auto& p : check_adaptive_card_1_4(a["content"]))
        problems.push_back(path + ".content." + p);
    }
  }
  const std::size_t bytes = teams_message_bytes(envelope);
  if (bytes >= kTeamsMaxMessageBytes)
    add("message", "is " + std::to_string(bytes) + " bytes; must stay under " +
                       std::to_string(kTeamsMaxMessageBytes));
  return problems;
}

}  // namespace rolecall
