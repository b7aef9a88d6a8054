#pragma once
// The classifier: one chat message in, intent + role + topic + confidence out.
// Pure and thread-safe after construction (classify() is const and touches
// no shared mutable state), so one instance serves every worker thread.

#include <memory>
#include <string_view>

#include "core/classification.hpp"
#include "core/taxonomy.hpp"

namespace rolecall {

class Classifier {
 public:
  // Builds the lexicon from the taxonomy's cues (and whatever else the
  // implementation derives from them). The taxonomy must outlive nothing:
  // the classifier copies what it needs.
  explicit Classifier(const Taxonomy& taxonomy);
  ~Classifier();
  Classifier(Classifier&&) noexcept;
  Classifier& operator=(Classifier&&) noexcept;

  // Never throws for any input bytes (invalid UTF-8 included).
  Classification classify(std::string_view message) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace rolecall
