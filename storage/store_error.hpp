#pragma once
// The one exception of storage/: the environment failed under a store (disk
// full, corrupt file, locked beyond the busy timeout, a schema newer than
// the binary, a lost database connection). "Not found" and "already there"
// are values, never StoreError (CONTRIBUTING.md, the error rule).

#include <stdexcept>

namespace rolecall {

class StoreError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace rolecall
