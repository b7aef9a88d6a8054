#pragma once
// The options every storage test opens its SqliteStore (and Connection) with.
//
// ctest runs the storage suite twice: with stock SQLite (the default,
// storage.wal_coalescing: false) and with the WAL-coalescing VFS
// (ROLECALL_TEST_WAL_COALESCING=1 in the environment; those test names end in
// ".wal_coalescing", see tests/CMakeLists.txt). Run `test_storage` by hand
// with that variable set to get the second run.

#include <cstdlib>
#include <string_view>

#include "storage/sqlite/sqlite_store.hpp"

namespace rolecall::storage_test {

inline bool suite_uses_wal_coalescing() {
  const char* v = std::getenv("ROLECALL_TEST_WAL_COALESCING");
  return v != nullptr && std::string_view(v) == "1";
}

inline SqliteStoreOptions test_store_options() {
  SqliteStoreOptions options;
  options.wal_coalescing = suite_uses_wal_coalescing();
  return options;
}

}  // namespace rolecall::storage_test
