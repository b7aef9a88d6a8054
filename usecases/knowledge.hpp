#pragma once
// What the daemon knows from its configuration files: the taxonomy, the
// classifier built from it and the team directory. Immutable once built and
// shared by pointer, so SIGHUP can build a new one and swap it atomically
// while requests in flight finish on the old one.

#include <memory>
#include <mutex>

#include "core/classifier.hpp"
#include "core/routing.hpp"
#include "core/taxonomy.hpp"
#include "core/team.hpp"

namespace rolecall {

struct Knowledge {
  // `model` may be null: the cue lexicon alone classifies.
  Knowledge(Taxonomy t, std::shared_ptr<const ClassifierModel> model, TeamDirectory d,
            RoutingPolicy p)
      : taxonomy(std::move(t)),
        classifier(taxonomy, std::move(model)),
        teams(std::move(d)),
        policy(p) {}
  Taxonomy taxonomy;
  Classifier classifier;
  TeamDirectory teams;
  RoutingPolicy policy;
};

// A thread-safe holder of the current Knowledge.
class KnowledgeHolder {
 public:
  explicit KnowledgeHolder(std::shared_ptr<const Knowledge> k) : current_(std::move(k)) {}
  std::shared_ptr<const Knowledge> get() const {
    std::lock_guard lock(mutex_);
    return current_;
  }
  void set(std::shared_ptr<const Knowledge> k) {
    std::lock_guard lock(mutex_);
    current_ = std::move(k);
  }

 private:
  mutable std::mutex mutex_;
  std::shared_ptr<const Knowledge> current_;
};

}  // namespace rolecall
