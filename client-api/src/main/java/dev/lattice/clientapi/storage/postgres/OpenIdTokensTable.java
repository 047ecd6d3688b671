package dev.lattice.clientapi.storage.postgres;

import static java.util.Objects.requireNonNull;

import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Mono;

/** {@code clientapi.openid_tokens}: hashes of OpenID tokens and whose they are, until they expire. */
public final class OpenIdTokensTable {
    private static final String INSERT = "INSERT INTO clientapi.openid_tokens (token_hash, localpart, expires_ts)"
            + " VALUES (:hash, :localpart, :expires)";
    private static final String SELECT =
            "SELECT localpart FROM clientapi.openid_tokens" + " WHERE token_hash = :hash AND expires_ts > :now";
    // Expired tokens are deleted as new ones are issued, so the table holds about an hour of them.
    private static final String DELETE_EXPIRED = "DELETE FROM clientapi.openid_tokens WHERE expires_ts <= :now";

    private final DatabaseClient client;

    public OpenIdTokensTable(DatabaseClient client) {
        this.client = requireNonNull(client, "client is null");
    }

    public Mono<Void> insert(byte[] hash, String localpart, long expiresTs, long now) {
        return client.sql(DELETE_EXPIRED)
                .bind("now", now)
                .then()
                .then(client.sql(INSERT)
                        .bind("hash", hash)
                        .bind("localpart", localpart)
                        .bind("expires", expiresTs)
                        .then());
    }

    /** The localpart of an unexpired token; empty otherwise. */
    public Mono<String> select(byte[] hash, long now) {
        return client.sql(SELECT)
                .bind("hash", hash)
                .bind("now", now)
                .map(row -> row.get("localpart", String.class))
                .one();
    }
}
