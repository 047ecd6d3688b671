package dev.lattice.roomserver.storage.postgres;

import static java.util.Objects.requireNonNull;

import dev.lattice.api.roomserver.SendTransaction;
import java.util.Optional;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Mono;

/** {@code roomserver.send_transactions}: the event each (user, device, txnId) sent. */
public final class SendTransactionsTable {
    private static final String INSERT = "INSERT INTO roomserver.send_transactions (user_id, device_id, "
            + "transaction_id, room_id, event_id) VALUES (:user_id, :device_id, :transaction_id, :room_id, :event_id) "
            + "ON CONFLICT DO NOTHING";
    private static final String SELECT = "SELECT event_id FROM roomserver.send_transactions WHERE user_id = :user_id "
            + "AND device_id = :device_id AND transaction_id = :transaction_id";

    private final DatabaseClient client;

    public SendTransactionsTable(DatabaseClient client) {
        this.client = requireNonNull(client, "client is null");
    }

    /** Records the transaction; completes with whether it was new (the first event wins). */
    public Mono<Boolean> insert(SendTransaction transaction, String roomId, String eventId) {
        return client.sql(INSERT)
                .bind("user_id", transaction.userId().value())
                .bind("device_id", transaction.deviceId().value())
                .bind("transaction_id", transaction.transactionId())
                .bind("room_id", roomId)
                .bind("event_id", eventId)
                .fetch()
                .rowsUpdated()
                .map(n -> n > 0);
    }

    public Mono<Optional<String>> select(SendTransaction transaction) {
        return client.sql(SELECT)
                .bind("user_id", transaction.userId().value())
                .bind("device_id", transaction.deviceId().value())
                .bind("transaction_id", transaction.transactionId())
                .map(row -> row.get("event_id", String.class))
                .one()
                .map(Optional::of)
                .defaultIfEmpty(Optional.empty());
    }
}
