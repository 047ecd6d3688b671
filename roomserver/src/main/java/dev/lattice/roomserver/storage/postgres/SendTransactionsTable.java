package dev.lattice.roomserver.storage.postgres;

import static java.util.Objects.requireNonNull;

import dev.lattice.api.roomserver.SendTransaction;
import java.util.Optional;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.DatabaseClient.GenericExecuteSpec;
import reactor.core.publisher.Mono;

/**
 * {@code roomserver.send_transactions}: the event each transaction sent, keyed by its whole scope (user, device,
 * room, endpoint, txnId). A transaction without a scope ({@link SendTransaction#SendTransaction(
 * dev.lattice.protocol.id.UserId, dev.lattice.protocol.id.DeviceId, String)}) is stored with the event's room and an
 * empty endpoint, like the rows from before the scope existed.
 */
public final class SendTransactionsTable {
    /**
     * A part of the event's insert ({@link EventsTable#insert}): written only when the part {@code inserted} inserted
     * the event; binds {@code :room_id} and {@code :event_id} as the insert does, and the transaction by {@link
     * #bindTransaction}.
     */
    static final String INSERT_FOR_INSERTED = "INSERT INTO roomserver.send_transactions (user_id, device_id, "
            + "transaction_id, room_id, endpoint, event_id) SELECT :user_id, :device_id, :transaction_id, :room_id, "
            + ":endpoint, :event_id FROM inserted ON CONFLICT DO NOTHING";

    private static final String SELECT = "SELECT event_id FROM roomserver.send_transactions WHERE " + scope("");

    private final DatabaseClient client;

    public SendTransactionsTable(DatabaseClient client) {
        this.client = requireNonNull(client, "client is null");
    }

    /** Binds the transaction's own columns of {@link #INSERT_FOR_INSERTED} (the first event of a transaction wins). */
    static GenericExecuteSpec bindTransaction(GenericExecuteSpec spec, SendTransaction transaction) {
        return spec.bind("user_id", transaction.userId().value())
                .bind("device_id", transaction.deviceId().value())
                .bind("transaction_id", transaction.transactionId())
                .bind("endpoint", endpoint(transaction));
    }

    /**
     * The event of the transaction sent in {@code roomId}: the transaction's own room when it has a scope, else the
     * room of the event that carries it.
     */
    public Mono<Optional<String>> select(SendTransaction transaction, String roomId) {
        return bindScope(client.sql(SELECT), transaction, roomId)
                .map(row -> row.get("event_id", String.class))
                .one()
                .map(Optional::of)
                .defaultIfEmpty(Optional.empty());
    }

    /** The condition on a transaction's row, its columns prefixed by {@code alias}, bound by {@link #bindScope}. */
    static String scope(String alias) {
        return alias + "user_id = :user_id AND " + alias + "device_id = :device_id AND " + alias
                + "room_id = :room_id AND " + alias + "endpoint = :endpoint AND " + alias
                + "transaction_id = :transaction_id";
    }

    /**
     * Binds {@link #scope} to the transaction sent in {@code roomId}: the transaction's own room when it has a scope,
     * else the room of the event that carries it.
     */
    static GenericExecuteSpec bindScope(GenericExecuteSpec spec, SendTransaction transaction, String roomId) {
        return spec.bind("user_id", transaction.userId().value())
                .bind("device_id", transaction.deviceId().value())
                .bind(
                        "room_id",
                        transaction.roomId() != null ? transaction.roomId().value() : roomId)
                .bind("endpoint", endpoint(transaction))
                .bind("transaction_id", transaction.transactionId());
    }

    private static String endpoint(SendTransaction transaction) {
        return transaction.endpoint() != null ? transaction.endpoint() : "";
    }
}
