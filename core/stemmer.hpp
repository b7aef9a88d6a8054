#pragma once
// A deliberately small English stemmer. It only has to map the forms people
// type in chat onto one key ("stories"/"story", "prioritising"/"prioritized"/
// "prioritize", "pricing"/"prices"/"price"), and it is applied to the
// taxonomy's cues and to messages alike, so a stem need not be a real word
// ("pric", "estimat"): consistency matters, not linguistics.
//
// Rules, in order: British -is(e|ing|ed|ation) spellings become -iz…;
// plural/3rd-person -ies/-ied -> -y, -sses/-ches/-shes/-xes/-zes drop -es,
// other -s drops (not -ss/-us/-sis/-xis); -ing and -ed drop when a vowel remains
// (with a doubled final consonant undoubled: planning -> plan); -ly drops;
// a final -e drops. Words of three letters or fewer, words with digits and
// words with non-ASCII bytes are left alone.

#include <cstddef>
#include <string>
#include <string_view>

namespace rolecall {

// Stems the lower-case word in place and returns its new length (never
// longer than `length`). `word` need not be NUL-terminated.
std::size_t stem_in_place(char* word, std::size_t length) noexcept;

// Convenience copy of stem_in_place for a lower-case word.
std::string stem(std::string_view lower_case_word);

}  // namespace rolecall
