#include "daemon/slack_socket_mode_receiver.hpp"

#include <spdlog/spdlog.h>

#include "daemon/logging.hpp"

namespace rolecall {

SlackSocketModeClient::Receiver make_socket_mode_receiver(std::shared_ptr<SlackHandler> handler) {
  return
      [handler = std::move(handler)](const SocketModeEnvelope& envelope, std::string_view source) {
        LogContext scope(envelope.envelope_id, "slack");
        if (envelope.retry_attempt > 0) {
          spdlog::debug("slack: {}: {} envelope delivered again (attempt {}, {})", source,
                        envelope.type_name, envelope.retry_attempt, envelope.retry_reason);
        }
        SlackReply reply = handler->handle(envelope.request, {envelope.envelope_id, source});
        SocketModeAck ack;
        switch (reply.status) {
          case SlackReply::Status::ok:
            if (!reply.body.is_null()) {
              if (envelope.accepts_response_payload) {
                ack.payload = std::move(reply.body);
              } else {
                spdlog::debug("slack: {}: {} envelope takes no reply payload; reply dropped",
                              source, envelope.type_name);
              }
            }
            break;
          case SlackReply::Status::malformed: break;
          case SlackReply::Status::unavailable:
            ack.send = false;
            spdlog::warn(
                "slack: {}: envelope {} left unacknowledged (store unavailable); Slack "
                "will deliver it again",
                source, envelope.envelope_id);
            break;
        }
        return ack;
      };
}

}  // namespace rolecall
