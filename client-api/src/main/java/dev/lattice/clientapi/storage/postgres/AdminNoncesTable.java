package dev.lattice.clientapi.storage.postgres;

import static java.util.Objects.requireNonNull;

import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Mono;

/** {@code clientapi.admin_nonces}: nonces for shared-secret registration, each usable once. */
public final class AdminNoncesTable {
    private static final String INSERT = "INSERT INTO clientapi.admin_nonces (nonce, created_ts) VALUES (:nonce, :now)";
    /** Deleting is the use: of two concurrent requests with one nonce, only one gets the row back. */
    private static final String TAKE = "DELETE FROM clientapi.admin_nonces WHERE nonce = :nonce RETURNING created_ts";

    private static final String DELETE_EXPIRED = "DELETE FROM clientapi.admin_nonces WHERE created_ts <= :notBefore";

    private final DatabaseClient client;

    public AdminNoncesTable(DatabaseClient client) {
        this.client = requireNonNull(client, "client is null");
    }

    public Mono<Void> insert(String nonce, long now) {
        return client.sql(INSERT).bind("nonce", nonce).bind("now", now).then();
    }

    /** Uses up a nonce: true when it existed and was handed out after {@code notBefore}. */
    public Mono<Boolean> take(String nonce, long notBefore) {
        return client.sql(TAKE)
                .bind("nonce", nonce)
                .map(row -> row.get("created_ts", Long.class))
                .one()
                .map(created -> created > notBefore)
                .defaultIfEmpty(false);
    }

    public Mono<Long> deleteExpired(long notBefore) {
        return client.sql(DELETE_EXPIRED).bind("notBefore", notBefore).fetch().rowsUpdated();
    }
}
