#pragma once
// Opens the Store the configuration names: SqliteStore on storage.path, or
// PostgresStore on storage.url (storage/postgres/postgres_store.hpp), for
// the daemon and every CLI command.
//
// Throws StoreError (database unreachable, schema newer than this binary,
// a migration that failed). describe_store() names the store for logs with
// the URL's password blanked.

#include <memory>
#include <string>

#include "config/app_config.hpp"
#include "storage/store.hpp"

namespace rolecall {

struct StoreOpenOptions {
  bool cli = false;     // a short-lived command: fewer connections / readers
  bool migrate = true;  // false: refuse a database that is not at the latest schema
  // The daemon: PostgreSQL may be unreachable at start; the store opens "not
  // ready" and gets ready by itself (storage/postgres/postgres_store.hpp).
  bool wait_for_database = false;
};

std::unique_ptr<Store> open_store(const StorageConfig& config, StoreOpenOptions options = {});

// "var/rolecall.db (SQLite, WAL)" or "postgresql://u:***@db/rc (PostgreSQL, pool 8)".
std::string describe_store(const StorageConfig& config);

}  // namespace rolecall
