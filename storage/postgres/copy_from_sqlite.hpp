#pragma once
// `rolecall db copy --to postgres://...`: moves an SQLite installation to
// PostgreSQL. Every table is copied row by row with its ids, in one
// PostgreSQL transaction, then the row counts of both sides are compared.
//
// The SQLite file is first brought to its latest schema (as opening it
// does) and read in one snapshot; the PostgreSQL database is migrated and
// must hold no rolecall rows yet (a copy never merges). Stop the daemon
// first, or rows written after the snapshot stay behind.
//
// Throws StoreError: a database unreachable, the target not empty, a count
// that differs afterwards (the copy is then already committed: the message
// says which table).

#include <cstdint>
#include <string>
#include <vector>

namespace rolecall {

struct TableCount {
  std::string table;
  std::int64_t rows = 0;
};

// Returns the rows copied per table (equal on both sides).
std::vector<TableCount> copy_sqlite_to_postgres(const std::string& sqlite_path,
                                                const std::string& postgres_url);

}  // namespace rolecall
