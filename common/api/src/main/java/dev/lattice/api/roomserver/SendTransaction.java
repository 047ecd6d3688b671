package dev.lattice.api.roomserver;

import static java.util.Objects.requireNonNull;

import dev.lattice.protocol.id.DeviceId;
import dev.lattice.protocol.id.RoomId;
import dev.lattice.protocol.id.UserId;

/**
 * The client transaction an event was sent in ({@code PUT /rooms/{roomId}/send/{eventType}/{txnId}}, {@code PUT
 * /rooms/{roomId}/redact/{eventId}/{txnId}}). The roomserver stores it with the event, which makes the request
 * idempotent per device across restarts; syncapi uses it to give the sending device {@code unsigned.transaction_id}.
 *
 * <p>A txnId is scoped to the device and the request (spec "Transaction identifiers": one device, one endpoint), so
 * the same txnId in another room, for another event type or on another endpoint is another transaction. As in
 * Synapse, whose key is the request's path and the device, the scope is the path without the txnId: {@code roomId}
 * and {@code endpoint}.
 *
 * @param userId the sending user
 * @param deviceId the sending device
 * @param transactionId the client's txnId
 * @param roomId the room of the request; null where only the sender matters ({@link #SendTransaction(UserId,
 *     DeviceId, String)}) and in records written before the scope existed
 * @param endpoint the request's other path parameters, {@code send/<eventType>} or {@code redact/<eventId>} (see
 *     {@link #send} and {@link #redact}); null like {@code roomId}
 */
public record SendTransaction(UserId userId, DeviceId deviceId, String transactionId, RoomId roomId, String endpoint) {
    public SendTransaction {
        requireNonNull(userId, "userId is null");
        requireNonNull(deviceId, "deviceId is null");
        requireNonNull(transactionId, "transactionId is null");
        if ((roomId == null) != (endpoint == null)) {
            throw new IllegalArgumentException("roomId and endpoint go together");
        }
    }

    /** Who sent an event in which txnId, without the request: for readers that only render the transaction ID. */
    public SendTransaction(UserId userId, DeviceId deviceId, String transactionId) {
        this(userId, deviceId, transactionId, null, null);
    }

    /** {@code PUT /rooms/{roomId}/send/{eventType}/{txnId}}. */
    public static SendTransaction send(
            UserId userId, DeviceId deviceId, String transactionId, RoomId roomId, String eventType) {
        return new SendTransaction(userId, deviceId, transactionId, roomId, "send/" + eventType);
    }

    /** {@code PUT /rooms/{roomId}/redact/{eventId}/{txnId}}. */
    public static SendTransaction redact(
            UserId userId, DeviceId deviceId, String transactionId, RoomId roomId, String redactedEventId) {
        return new SendTransaction(userId, deviceId, transactionId, roomId, "redact/" + redactedEventId);
    }
}
