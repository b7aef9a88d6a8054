#pragma once
// `rolecall eval FILE.jsonl... [--split NAME] [--format text|json]`: how well
// rolecall classifies a company's own labelled messages before they trust it.
// Input is `classify --jsonl`'s format plus "role" and "intent" per line
// (docs/labelling.md says how to label). Prints role and intent accuracy, the
// confusion matrices, calibration (reliability table and expected
// calibration error) and accuracy against coverage, marking the configured
// routing.clarify_below. --split keeps only lines whose "split" is NAME.
// Returns 0, or 1 when a line was malformed (the rest are still counted).

#include <iosfwd>
#include <string>
#include <vector>

#include "core/classifier.hpp"
#include "core/evaluation.hpp"
#include "daemon/labelled_corpus.hpp"

namespace rolecall {

struct EvalOptions {
  bool json = false;
  double clarify_below = 0.0;  // the configured threshold, marked in the output
};

// Classifies every line; the EvalItems are in input order.
std::vector<EvalItem> classify_labelled(const Classifier& classifier,
                                        const std::vector<LabelledLine>& lines);

void print_eval_report(const EvalReport& report, const std::vector<EvalItem>& items,
                       const EvalOptions& options, std::ostream& out);

}  // namespace rolecall
