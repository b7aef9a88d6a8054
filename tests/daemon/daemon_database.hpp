#pragma once
// A running daemon's SQLite file, read and changed from outside the process:
// the way an operator (or a failing disk) would, and the way a test learns
// that the daemon has finished with something instead of sleeping and hoping.
//
// The HTTP endpoints answer only after their writes committed, so once a
// request has its answer, "nothing was enqueued" is a fact in the outbox
// table. What remains asynchronous is delivery: wait_outbox_settled() waits
// until every outbox row has its outcome (delivered or failed), after which
// nothing more will be posted for what was sent so far.

#include <chrono>
#include <string>

namespace rolecall::testing {

// Runs `sql` (waiting out the daemon's own locks); a failure fails the test.
void exec_sql(const std::string& db_path, const std::string& sql);
// The first column of the first row of `sql` as an int; -1 when it cannot run.
int count_rows(const std::string& db_path, const std::string& sql);
// Outbox rows in all states (what the daemon ever meant to send).
int outbox_rows(const std::string& db_path);
// Waits until no outbox row is pending; false on timeout.
bool wait_outbox_settled(const std::string& db_path,
                         std::chrono::milliseconds timeout = std::chrono::seconds(15));

}  // namespace rolecall::testing
