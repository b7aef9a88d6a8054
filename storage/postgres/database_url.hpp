#pragma once
// A PostgreSQL connection string fit for logs and error messages: the
// password blanked, whatever form it takes (URI user:password@, URI query
// ?password=, key=value password=...). Pure; never throws but bad_alloc.

#include <string>
#include <string_view>

namespace rolecall {

std::string redact_database_url(std::string_view url);

}  // namespace rolecall
