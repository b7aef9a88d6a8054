#include "core/model_training.hpp"

#include <algorithm>
#include <cmath>

namespace rolecall {
namespace {

// Softmax in place; returns log p[label] (or 0 when label < 0).
double softmax_in_place(double* s, std::size_t n, int label) {
  double top = s[0];
  for (std::size_t i = 1; i < n; ++i) top = std::max(top, s[i]);
  double sum = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    s[i] = std::exp(s[i] - top);
    sum += s[i];
  }
  for (std::size_t i = 0; i < n; ++i) s[i] /= sum;
  return label >= 0 ? std::log(std::max(s[label], 1e-300)) : 0.0;
}

// Where each block of parameters sits in the flat vector Adam updates.
struct Layout {
  std::size_t features, topics;
  std::size_t role_w, intent_w, topic_w, role_b, intent_b, topic_b, role_tie, topic_tie, size;
  Layout(std::size_t f, std::size_t t) : features(f), topics(t) {
    role_w = 0;
    intent_w = role_w + f * kModelRoles;
    topic_w = intent_w + f * kModelIntents;
    role_b = topic_w + f * t;
    intent_b = role_b + kModelRoles;
    topic_b = intent_b + kModelIntents;
    role_tie = topic_b + t;
    topic_tie = role_tie + 1;
    size = topic_tie + 1;
  }
};

}  // namespace

std::array<double, kModelRoles> TrainedWeights::role_scores(const TrainingExample& e) const {
  std::array<double, kModelRoles> s{};
  for (std::size_t r = 0; r < kModelRoles; ++r) s[r] = role_bias[r] + role_tie * e.role_cues[r];
  for (std::uint32_t f : e.features)
    for (std::size_t r = 0; r < kModelRoles; ++r) s[r] += role[f * kModelRoles + r];
  return s;
}

std::array<double, kModelIntents> TrainedWeights::intent_scores(const TrainingExample& e) const {
  std::array<double, kModelIntents> s{};
  for (std::size_t i = 0; i < kModelIntents; ++i) s[i] = intent_bias[i];
  for (std::uint32_t f : e.features)
    for (std::size_t i = 0; i < kModelIntents; ++i) s[i] += intent[f * kModelIntents + i];
  return s;
}

TrainedWeights train_weights(const std::vector<TrainingExample>& examples,
                             std::size_t feature_count, std::size_t topic_count,
                             const TrainingOptions& options) {
  const Layout L(feature_count, topic_count);
  std::vector<double> theta(L.size, 0.0), grad(L.size), m1(L.size, 0.0), m2(L.size, 0.0);
  theta[L.role_tie] = 1.0;
  theta[L.topic_tie] = 1.0;
  double total_weight = 0.0;
  for (const TrainingExample& e : examples) total_weight += e.weight;
  if (total_weight <= 0.0) total_weight = 1.0;

  std::vector<double> topic_s(topic_count);
  constexpr double kBeta1 = 0.9, kBeta2 = 0.999, kEps = 1e-8;
  for (int it = 1; it <= options.iterations; ++it) {
    std::fill(grad.begin(), grad.end(), 0.0);
    for (const TrainingExample& e : examples) {
      const double w = e.weight / total_weight;
      // Role.
      double rs[kModelRoles];
      for (std::size_t r = 0; r < kModelRoles; ++r)
        rs[r] = theta[L.role_b + r] + theta[L.role_tie] * e.role_cues[r];
      for (std::uint32_t f : e.features)
        for (std::size_t r = 0; r < kModelRoles; ++r)
          rs[r] += theta[L.role_w + f * kModelRoles + r];
      softmax_in_place(rs, kModelRoles, e.role);
      for (std::size_t r = 0; r < kModelRoles; ++r) {
        const double g = w * (rs[r] - (static_cast<int>(r) == e.role ? 1.0 : 0.0));
        grad[L.role_b + r] += g;
        grad[L.role_tie] += g * e.role_cues[r];
        for (std::uint32_t f : e.features) grad[L.role_w + f * kModelRoles + r] += g;
      }
      // Intent.
      double is[kModelIntents];
      for (std::size_t i = 0; i < kModelIntents; ++i) is[i] = theta[L.intent_b + i];
      const std::size_t shared = std::min(e.shared_features, e.features.size());
      for (std::size_t fi = 0; fi < shared; ++fi)
        for (std::size_t i = 0; i < kModelIntents; ++i)
          is[i] += theta[L.intent_w + e.features[fi] * kModelIntents + i];
      softmax_in_place(is, kModelIntents, e.intent);
      const double wi = w * options.intent_class_weight[static_cast<std::size_t>(e.intent)];
      for (std::size_t i = 0; i < kModelIntents; ++i) {
        const double g = wi * (is[i] - (static_cast<int>(i) == e.intent ? 1.0 : 0.0));
        grad[L.intent_b + i] += g;
        for (std::size_t fi = 0; fi < shared; ++fi)
          grad[L.intent_w + e.features[fi] * kModelIntents + i] += g;
      }
      // Topic, for lines that have one.
      if (e.topic < 0 || topic_count == 0) continue;
      for (std::size_t t = 0; t < topic_count; ++t) topic_s[t] = theta[L.topic_b + t];
      for (const auto& [t, v] : e.topic_cues) topic_s[t] += theta[L.topic_tie] * v;
      for (std::size_t fi = 0; fi < shared; ++fi) {
        const double* row = &theta[L.topic_w + e.features[fi] * topic_count];
        for (std::size_t t = 0; t < topic_count; ++t) topic_s[t] += row[t];
      }
      softmax_in_place(topic_s.data(), topic_count, e.topic);
      topic_s[static_cast<std::size_t>(e.topic)] -= 1.0;
      for (std::size_t t = 0; t < topic_count; ++t) {
        topic_s[t] *= w;
        grad[L.topic_b + t] += topic_s[t];
      }
      for (const auto& [t, v] : e.topic_cues) grad[L.topic_tie] += topic_s[t] * v;
      for (std::size_t fi = 0; fi < shared; ++fi) {
        double* row = &grad[L.topic_w + e.features[fi] * topic_count];
        for (std::size_t t = 0; t < topic_count; ++t) row[t] += topic_s[t];
      }
    }
    for (std::size_t f = 0; f < feature_count; ++f) {
      const double l2 = f < options.role_only.size() && options.role_only[f] ? options.l2_role_only
                                                                             : options.l2_role;
      for (std::size_t r = 0; r < kModelRoles; ++r) {
        const std::size_t k = L.role_w + f * kModelRoles + r;
        grad[k] += l2 * theta[k];
      }
    }
    for (std::size_t k = L.intent_w; k < L.topic_w; ++k) grad[k] += options.l2_intent * theta[k];
    for (std::size_t k = L.topic_w; k < L.role_b; ++k) grad[k] += options.l2_topic * theta[k];

    const double c1 = 1.0 - std::pow(kBeta1, it), c2 = 1.0 - std::pow(kBeta2, it);
    for (std::size_t k = 0; k < L.size; ++k) {
      m1[k] = kBeta1 * m1[k] + (1.0 - kBeta1) * grad[k];
      m2[k] = kBeta2 * m2[k] + (1.0 - kBeta2) * grad[k] * grad[k];
      theta[k] -= options.learning_rate * (m1[k] / c1) / (std::sqrt(m2[k] / c2) + kEps);
    }
  }

  TrainedWeights out;
  out.feature_count = feature_count;
  out.topic_count = topic_count;
  auto copy = [&](std::size_t from, std::size_t n, std::vector<float>& to) {
    to.assign(n, 0.0f);
    for (std::size_t k = 0; k < n; ++k) to[k] = static_cast<float>(theta[from + k]);
  };
  copy(L.role_w, feature_count * kModelRoles, out.role);
  copy(L.intent_w, feature_count * kModelIntents, out.intent);
  copy(L.topic_w, feature_count * topic_count, out.topic);
  copy(L.topic_b, topic_count, out.topic_bias);
  for (std::size_t r = 0; r < kModelRoles; ++r)
    out.role_bias[r] = static_cast<float>(theta[L.role_b + r]);
  for (std::size_t i = 0; i < kModelIntents; ++i)
    out.intent_bias[i] = static_cast<float>(theta[L.intent_b + i]);
  out.role_tie = static_cast<float>(theta[L.role_tie]);
  out.topic_tie = static_cast<float>(theta[L.topic_tie]);
  return out;
}

template <std::size_t N>
double fit_temperature(const std::vector<std::array<double, N>>& scores,
                       const std::vector<int>& labels) {
  double best_t = 1.0, best_nll = INFINITY;
  for (double t = 0.3; t <= 5.0001; t += 0.02) {
    double nll = 0.0;
    for (std::size_t k = 0; k < scores.size(); ++k) {
      double s[N];
      for (std::size_t i = 0; i < N; ++i) s[i] = scores[k][i] / t;
      nll -= softmax_in_place(s, N, labels[k]);
    }
    if (nll < best_nll) {
      best_nll = nll;
      best_t = t;
    }
  }
  return best_t;
}

template double fit_temperature<kModelRoles>(const std::vector<std::array<double, kModelRoles>>&,
                                             const std::vector<int>&);
template double fit_temperature<kModelIntents>(
    const std::vector<std::array<double, kModelIntents>>&, const std::vector<int>&);

ClassifierModel to_model(const TrainedWeights& w, const std::vector<std::string>& names,
                         const std::vector<std::string>& topics, double role_temperature,
                         double intent_temperature, const TrainingOptions& options) {
  ClassifierModel m;
  m.set_topics(topics);
  m.role_bias = w.role_bias;
  m.intent_bias = w.intent_bias;
  for (std::size_t t = 0; t < topics.size() && t < w.topic_bias.size(); ++t)
    m.topic_bias[t] = w.topic_bias[t];
  m.role_tie = w.role_tie;
  m.topic_tie = w.topic_tie;
  m.role_temperature = static_cast<float>(role_temperature);
  m.intent_temperature = static_cast<float>(intent_temperature);
  const float cut = options.prune_below;
  auto keep = [cut](float v) { return std::fabs(v) >= cut ? v : 0.0f; };
  for (std::size_t f = 0; f < w.feature_count; ++f) {
    std::array<float, kModelRoles> role{};
    std::array<float, kModelIntents> intent{};
    bool any = false;
    for (std::size_t r = 0; r < kModelRoles; ++r) {
      role[r] = keep(w.role[f * kModelRoles + r]);
      any = any || role[r] != 0.0f;
    }
    for (std::size_t i = 0; i < kModelIntents; ++i) {
      intent[i] = keep(w.intent[f * kModelIntents + i]);
      any = any || intent[i] != 0.0f;
    }
    std::vector<ClassifierModel::TopicWeight> topic;
    for (std::size_t t = 0; t < w.topic_count; ++t) {
      const float v = w.topic[f * w.topic_count + t];
      if (std::fabs(v) >= options.prune_topic_below)
        topic.push_back({static_cast<std::uint32_t>(t), v});
    }
    if (!any && topic.empty()) continue;
    m.add_feature(names[f], role, intent, topic);
  }
  return m;
}

}  // namespace rolecall
