#pragma once
// Ordinary English words that are one typo away from a taxonomy cue word
// ("spring"/"sprint", "planting"/"planning", "marker"/"market"). The typo
// corrector never "corrects" these. The list is generated from a system
// dictionary against the shipped taxonomy by tests/core/gen_common_words.py;
// cues an operator adds later still work, they are just not protected.

#include <string_view>

namespace rolecall {

// True when `lower_case_word` is on the list.
bool is_common_word(std::string_view lower_case_word) noexcept;

}  // namespace rolecall
