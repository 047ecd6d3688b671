package dev.lattice.api.syncapi;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.lattice.protocol.id.UserId;

/**
 * To-device messages that cross servers; published on {@code todevice} ({@link dev.lattice.api.Topics#TODEVICE}),
 * keyed by the sender's user ID, as JSON, before the request that caused them is answered.
 *
 * <p>Both directions use it. The syncapi publishes a local user's messages to users of other servers, and the
 * federation-api turns them into {@code m.direct_to_device} EDUs (it skips records whose sender is remote). The
 * federation-api publishes what other servers' users sent to ours, and the syncapi delivers it (it skips records whose
 * sender is local). Consumers must be idempotent: {@code messageId} is the same however often a record is published
 * for one request, and receivers store it once per sender.
 *
 * @param version the payload version, {@link #VERSION}; consumers skip newer versions
 * @param sender who sent the messages; also the record key
 * @param type the event type of every message
 * @param messageId names the request; the same for a retried {@code PUT /sendToDevice} or a re-delivered EDU
 * @param messagesJson canonical JSON mapping user ID to device ID (or {@code *}) to the message content
 */
public record DirectToDevice(
        int version,
        UserId sender,
        String type,
        @JsonProperty("message_id") String messageId,
        @JsonProperty("messages") String messagesJson) {

    /** The current payload version. */
    public static final int VERSION = 1;

    public DirectToDevice {
        requireNonNull(sender, "sender is null");
        requireNonNull(type, "type is null");
        requireNonNull(messageId, "messageId is null");
        requireNonNull(messagesJson, "messagesJson is null");
    }

    public static DirectToDevice of(UserId sender, String type, String messageId, String messagesJson) {
        return new DirectToDevice(VERSION, sender, type, messageId, messagesJson);
    }
}
