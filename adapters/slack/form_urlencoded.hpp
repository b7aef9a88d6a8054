#pragma once
// application/x-www-form-urlencoded decoding for Slack's slash-command and
// interactivity bodies. Pure; never throws (apart from std::bad_alloc).

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rolecall {

// One decoded body, fields in wire order (a name may repeat).
class FormFields {
 public:
  FormFields() = default;
  explicit FormFields(std::vector<std::pair<std::string, std::string>> fields)
      : fields_(std::move(fields)) {}

  // The first value of `name`, or nullopt when absent.
  std::optional<std::string_view> find(std::string_view name) const;
  // The first value of `name`, or "" when absent.
  std::string get(std::string_view name) const;
  bool contains(std::string_view name) const { return find(name).has_value(); }
  // Moves the first value of `name` out ("" when absent); that field's value
  // is empty afterwards.
  std::string take(std::string_view name);
  const std::vector<std::pair<std::string, std::string>>& fields() const { return fields_; }

 private:
  std::vector<std::pair<std::string, std::string>> fields_;
};

// Decodes "a=1&b=x+y%21": '&' separates fields, the first '=' splits name
// from value (no '=' means an empty value), '+' is a space and %XX a byte.
// Empty segments ("a=1&&b=2") are skipped. Returns nullopt when a '%' is not
// followed by two hex digits.
std::optional<FormFields> parse_form_urlencoded(std::string_view body);

// The first value of `name`, decoded, found without decoding the other
// fields (ssl_check is looked for before the signature is checked, so on
// every request). nullopt when the field is absent or the body is one that
// parse_form_urlencoded refuses.
std::optional<std::string> find_form_field(std::string_view body, std::string_view name);

// Decodes one component ('+' -> space, %XX -> byte); nullopt on a bad '%'.
std::optional<std::string> form_decode_component(std::string_view text);

}  // namespace rolecall
