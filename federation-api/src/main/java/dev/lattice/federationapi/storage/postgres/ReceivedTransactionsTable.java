package dev.lattice.federationapi.storage.postgres;

import static java.util.Objects.requireNonNull;

import java.util.Optional;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Mono;

/** {@code federationapi.received_transactions}: the answer given to each (origin, txnId). */
public final class ReceivedTransactionsTable {
    // The first answer stays: a concurrent retry that also processed the transaction answers what it found.
    private static final String INSERT = "INSERT INTO federationapi.received_transactions"
            + " (origin, txn_id, response_json, received_ts) VALUES (:origin, :txn_id, :response_json, :received_ts)"
            + " ON CONFLICT (origin, txn_id) DO NOTHING";
    private static final String SELECT = "SELECT response_json FROM federationapi.received_transactions"
            + " WHERE origin = :origin AND txn_id = :txn_id";

    private final DatabaseClient client;

    public ReceivedTransactionsTable(DatabaseClient client) {
        this.client = requireNonNull(client, "client is null");
    }

    public Mono<Void> insert(String origin, String txnId, String responseJson, long receivedTs) {
        return client.sql(INSERT)
                .bind("origin", origin)
                .bind("txn_id", txnId)
                .bind("response_json", responseJson)
                .bind("received_ts", receivedTs)
                .then();
    }

    public Mono<Optional<String>> select(String origin, String txnId) {
        return client.sql(SELECT)
                .bind("origin", origin)
                .bind("txn_id", txnId)
                .map(row -> row.get("response_json", String.class))
                .one()
                .map(Optional::of)
                .defaultIfEmpty(Optional.empty());
    }
}
