#pragma once
// `rolecall classify --jsonl`: one JSON object per input line in
// ({"id":..,"text":..} and an optional "platform": "slack" | "teams"; the
// text's markup is translated by that platform's adapter, detected when
// "platform" is absent), one per line out, in order
// ({"id":..,"intent":..,"role":..,"topic":..,"confidence":..}).
// A malformed line gets an error on `err` naming its line number; the other
// lines are still answered. Returns the exit status: 0, or 1 when any line
// was malformed.

#include <iosfwd>

#include "core/classifier.hpp"

namespace rolecall {

int run_classify_jsonl(const Classifier& classifier, std::istream& in, std::ostream& out,
                       std::ostream& err);

}  // namespace rolecall
