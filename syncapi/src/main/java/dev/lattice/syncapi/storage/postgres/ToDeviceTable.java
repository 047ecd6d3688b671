package dev.lattice.syncapi.storage.postgres;

import static java.util.Objects.requireNonNull;

import dev.lattice.syncapi.storage.ToDeviceMessage;
import java.util.List;
import java.util.Map;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * {@code syncapi.to_device_messages}, {@code to_device_stream} and {@code to_device_transactions}: the to-device
 * inbox, its stream position and the transactions already handled.
 */
public final class ToDeviceTable {
    /** Locks the stream row for the rest of the transaction: writers take positions one transaction at a time. */
    private static final String LOCK_STREAM = "SELECT position FROM syncapi.to_device_stream WHERE id = 1 FOR UPDATE";

    private static final String SET_STREAM = "UPDATE syncapi.to_device_stream SET position = :position WHERE id = 1";
    static final String CURRENT = "SELECT position FROM syncapi.to_device_stream WHERE id = 1";
    private static final String INSERT_TRANSACTION = "INSERT INTO syncapi.to_device_transactions"
            + " (sender, sender_device, txn_id, created_ts) VALUES (:sender, :senderDevice, :txnId, :now)"
            + " ON CONFLICT DO NOTHING";
    private static final String INSERT = "INSERT INTO syncapi.to_device_messages"
            + " (position, user_id, device_id, sender, type, content, created_ts)"
            + " VALUES (:position, :userId, :deviceId, :sender, :type, :content, :now)";
    private static final String SELECT = "SELECT position, sender, type, content FROM syncapi.to_device_messages"
            + " WHERE user_id = :userId AND device_id = :deviceId AND position > :after AND position <= :to"
            + " ORDER BY position LIMIT :limit";
    private static final String DELETE_UP_TO = "DELETE FROM syncapi.to_device_messages"
            + " WHERE user_id = :userId AND device_id = :deviceId AND position <= :upTo";

    /** A stored message as a device receives it. */
    public record Delivered(long position, String sender, String type, String contentJson) {}

    private final DatabaseClient client;

    public ToDeviceTable(DatabaseClient client) {
        this.client = requireNonNull(client, "client is null");
    }

    /** Records a transaction; false when it was handled before. Call inside the writing transaction. */
    public Mono<Boolean> insertTransaction(String sender, String senderDevice, String txnId, long now) {
        return client.sql(INSERT_TRANSACTION)
                .bind("sender", sender)
                .bind("senderDevice", senderDevice)
                .bind("txnId", txnId)
                .bind("now", now)
                .fetch()
                .rowsUpdated()
                .map(rows -> rows == 1);
    }

    /**
     * Appends the messages at the next positions and moves the stream to the last one; inside a transaction.
     * Emits the recipients with the position of their last message.
     */
    public Mono<Map<String, Long>> append(List<ToDeviceMessage> messages, long now) {
        return client.sql(LOCK_STREAM)
                .map(row -> row.get("position", Long.class))
                .one()
                .flatMap(start -> Flux.range(0, messages.size())
                        .concatMap(i -> insert(start + 1 + i, messages.get(i), now))
                        .then(client.sql(SET_STREAM)
                                .bind("position", start + messages.size())
                                .then())
                        .then(Mono.fromSupplier(() -> {
                            Map<String, Long> recipients = new java.util.HashMap<>();
                            for (int i = 0; i < messages.size(); i++) {
                                recipients.merge(messages.get(i).userId(), start + 1 + i, Math::max);
                            }
                            return recipients;
                        })));
    }

    private Mono<Void> insert(long position, ToDeviceMessage message, long now) {
        return client.sql(INSERT)
                .bind("position", position)
                .bind("userId", message.userId())
                .bind("deviceId", message.deviceId())
                .bind("sender", message.sender())
                .bind("type", message.type())
                .bind("content", message.contentJson())
                .bind("now", now)
                .then();
    }

    /** The newest committed position; 0 before the first message. */
    public Mono<Long> currentPosition() {
        return client.sql(CURRENT).map(row -> row.get("position", Long.class)).one();
    }

    /** The device's messages in ({@code after}, {@code to}], oldest first, at most {@code limit}. */
    public Mono<List<Delivered>> select(String userId, String deviceId, long after, long to, int limit) {
        return client.sql(SELECT)
                .bind("userId", userId)
                .bind("deviceId", deviceId)
                .bind("after", after)
                .bind("to", to)
                .bind("limit", limit)
                .map(row -> new Delivered(
                        row.get("position", Long.class),
                        row.get("sender", String.class),
                        row.get("type", String.class),
                        row.get("content", String.class)))
                .all()
                .collectList();
    }

    /** Deletes the device's messages up to {@code upTo}: it acknowledged them. */
    /** Deletes every message waiting for these devices of the user. */
    public Mono<Void> deleteInboxes(String userId, List<String> deviceIds) {
        return client.sql(
                        "DELETE FROM syncapi.to_device_messages WHERE user_id = :user_id AND device_id = ANY(:devices)")
                .bind("user_id", userId)
                .bind("devices", deviceIds.toArray(String[]::new))
                .then();
    }

    public Mono<Long> deleteUpTo(String userId, String deviceId, long upTo) {
        return client.sql(DELETE_UP_TO)
                .bind("userId", userId)
                .bind("deviceId", deviceId)
                .bind("upTo", upTo)
                .fetch()
                .rowsUpdated();
    }
}
