#include "daemon/store_factory.hpp"

#include "storage/postgres/database_url.hpp"
#include "storage/postgres/postgres_store.hpp"
#include "storage/sqlite/sqlite_store.hpp"

namespace rolecall {

std::unique_ptr<Store> open_store(const StorageConfig& config, StoreOpenOptions options) {
  if (config.backend == StorageBackend::postgres) {
    PostgresStoreOptions pg;
    pg.pool_size = options.cli ? 2 : static_cast<int>(config.pool_size);
    pg.acquire_timeout_ms = static_cast<int>(config.pool_timeout_ms);
    pg.migrate = options.migrate;
    pg.wait_for_database = options.wait_for_database;
    pg.ping_timeout_ms = static_cast<int>(config.ping_timeout_ms);
    return std::make_unique<PostgresStore>(config.url, pg);
  }
  SqliteStoreOptions sqlite;
  sqlite.busy_timeout_ms = static_cast<int>(config.busy_timeout_ms);
  sqlite.wal_coalescing = config.wal_coalescing;
  if (options.cli) sqlite.readers = 1;
  return std::make_unique<SqliteStore>(config.path, sqlite);
}

std::string describe_store(const StorageConfig& config) {
  if (config.backend == StorageBackend::postgres) {
    return redact_database_url(config.url) + " (PostgreSQL, pool " +
           std::to_string(config.pool_size) + ")";
  }
  return config.path + " (SQLite, WAL" +
         (config.wal_coalescing ? std::string(", WAL-coalescing VFS") : std::string()) + ")";
}

}  // namespace rolecall
