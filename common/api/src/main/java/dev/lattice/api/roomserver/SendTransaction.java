package dev.lattice.api.roomserver;

import static java.util.Objects.requireNonNull;

import dev.lattice.protocol.id.DeviceId;
import dev.lattice.protocol.id.UserId;

/**
 * The client transaction an event was sent in ({@code PUT /rooms/{roomId}/send/{eventType}/{txnId}}). The roomserver
 * stores it with the event, which makes the send idempotent per device across restarts; syncapi uses it to give the
 * sending device {@code unsigned.transaction_id}.
 */
public record SendTransaction(UserId userId, DeviceId deviceId, String transactionId) {
    public SendTransaction {
        requireNonNull(userId, "userId is null");
        requireNonNull(deviceId, "deviceId is null");
        requireNonNull(transactionId, "transactionId is null");
    }
}
