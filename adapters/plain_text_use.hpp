#pragma once
// Who reads the plain text an adapter makes of a platform's markup.

namespace rolecall {

enum class PlainTextUse {
  // People: mentions, channels and links stay readable ("@ana", "#general",
  // the link's label). Shown in replies and stored in the logs.
  people,
  // The classifier: mentions, channel names, broadcasts and links carry no
  // ownership signal and become a clause break (","); a link's label stays
  // as words between two breaks. The trainer reads the corpus the same way,
  // so the live path and the model see the same text.
  classifier,
};

}  // namespace rolecall
