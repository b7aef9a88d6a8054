#pragma once
// The Socket Mode receiver: turns one envelope into a call of the shared
// SlackHandler (daemon/slack_handler.hpp), exactly as the HTTP endpoint
// does after verifying a signature, and the handler's reply into the ack:
//   ok          -> ack; a slash command's immediate reply goes in the ack's
//                  payload (accepts_response_payload), as Bolt does;
//   malformed   -> ack without payload (a redelivery would not be better);
//   unavailable -> no ack: Slack delivers the envelope again, and since
//                  nothing was committed it is handled afresh.

#include <memory>

#include "daemon/slack_handler.hpp"
#include "daemon/slack_socket_mode_client.hpp"

namespace rolecall {

SlackSocketModeClient::Receiver make_socket_mode_receiver(std::shared_ptr<SlackHandler> handler);

}  // namespace rolecall
