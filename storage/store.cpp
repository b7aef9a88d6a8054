#include "storage/store.hpp"

#include <algorithm>
#include <map>
#include <tuple>

namespace rolecall {

void Store::write_batch(const std::function<void(Store& store)>& fn) { fn(*this); }

}  // namespace rolecall
