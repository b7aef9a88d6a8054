#pragma once
// Teams message text (HTML) -> plain text: the one place Teams markup is
// read (the core takes plain text). Pure; thread-safe; never throws (apart
// from std::bad_alloc); invalid UTF-8 passes through unchanged.

#include <string>
#include <string_view>

#include "adapters/plain_text_use.hpp"

namespace rolecall {

// In one pass (so "&lt;b&gt;" decodes to the literal text "<b>" and is not
// taken for a tag):
// - <at>Name</at>: for people "Name", for the classifier "," (a clause break);
// - block tags (p, div, br, li, ul, ol, blockquote, pre, h1-h3, hr, open or
//   closing, with attributes) start a new line; inline tags (span, b, i, u,
//   s, em, strong, a, code, del, ins, small, img) are dropped (for the
//   classifier: a space); any other "<…>" stays literal text;
// - entities are decoded as decode_html_entities does.
// For people, runs of spaces collapse to one and the result is trimmed;
// for the classifier the line structure is kept as it is.
//   "<p>ask <at>Ana Lee</at>&nbsp;now</p>" -> people "ask Ana Lee now",
//                                              classifier "\nask , now"
std::string teams_to_plain(std::string_view text, PlainTextUse use = PlainTextUse::people);

}  // namespace rolecall
