#include "core/stemmer.hpp"

namespace rolecall {
namespace {

// Compared from the last letter, inline: most suffixes fail at once, and a
// memcmp call per suffix was a tenth of classify's time (bench/RESULTS.md).
bool ends_with(const char* w, std::size_t n, std::string_view suffix) noexcept {
  if (n < suffix.size()) return false;
  const char* tail = w + n - suffix.size();
  for (std::size_t i = suffix.size(); i-- > 0;) {
    if (tail[i] != suffix[i]) return false;
  }
  return true;
}

bool is_vowel(char c) noexcept {
  return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' || c == 'y';
}

bool has_vowel(const char* w, std::size_t n) noexcept {
  for (std::size_t i = 0; i < n; ++i) {
    if (is_vowel(w[i])) return true;
  }
  return false;
}

// "plann" -> "plan", but not "call" or "miss": Porter's exceptions.
std::size_t undouble(const char* w, std::size_t n) noexcept {
  if (n >= 3 && w[n - 1] == w[n - 2] && !is_vowel(w[n - 1]) && w[n - 1] != 'l' && w[n - 1] != 's' &&
      w[n - 1] != 'z') {
    return n - 1;
  }
  return n;
}

// prioritise/prioritised/prioritising/prioritisation -> ...iz...
void americanise(char* w, std::size_t n) noexcept {
  if (n < 6) return;
  for (std::string_view s : {"isation", "isations", "ising", "ised", "ises", "ise"}) {
    if (ends_with(w, n, s)) {
      w[n - s.size() + 1] = 'z';
      return;
    }
  }
}

}  // namespace

std::size_t stem_in_place(char* w, std::size_t n) noexcept {
  if (n <= 3) return n;
  for (std::size_t i = 0; i < n; ++i) {
    const unsigned char c = static_cast<unsigned char>(w[i]);
    if (c < 'a' || c > 'z') return n;
  }
  americanise(w, n);

  if (n >= 5 && (ends_with(w, n, "ies") || ends_with(w, n, "ied"))) {
    n -= 2;
    w[n - 1] = 'y';
  } else if (ends_with(w, n, "sses")) {
    n -= 2;
  } else if (n >= 5 && (ends_with(w, n, "ches") || ends_with(w, n, "shes") ||
                        ends_with(w, n, "xes") || ends_with(w, n, "zes"))) {
    n -= 2;
  } else if (ends_with(w, n, "ss") || ends_with(w, n, "us") || ends_with(w, n, "sis") ||
             ends_with(w, n, "xis")) {
    // business, status, analysis, axis: not plurals (but kpis, apis are)
  } else if (w[n - 1] == 's') {
    n -= 1;
  } else if (n >= 6 && ends_with(w, n, "ing") && has_vowel(w, n - 3)) {
    n = undouble(w, n - 3);
  } else if (n >= 5 && ends_with(w, n, "ed") && !ends_with(w, n, "eed") && has_vowel(w, n - 2)) {
    n = undouble(w, n - 2);
  }

  if (n >= 6 && ends_with(w, n, "ly")) n -= 2;
  if (n >= 4 && w[n - 1] == 'e') n -= 1;
  return n;
}

std::string stem(std::string_view word) {
  std::string out(word);
  out.resize(stem_in_place(out.data(), out.size()));
  return out;
}

}  // namespace rolecall
